#!/usr/bin/env bash
# Configures and builds mapsim with CMake + Ninja.
#
#   scripts/build.sh [--sanitize address|thread] [--werror] [--build-dir DIR] [-- TARGET...]
#
# Build directories: build/ (plain, RelWithDebInfo), build-asan/ (ASan+UBSan), build-tsan/
# (ThreadSanitizer), all at the repository root unless --build-dir says otherwise. CI=true turns
# on -Werror (MAPSIM_WERROR), as does --werror. Targets after `--` are built instead of all.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sanitize=""
werror=OFF
build_dir=""
targets=()

usage() {
  echo "usage: $0 [--sanitize address|thread] [--werror] [--build-dir DIR] [-- TARGET...]" >&2
  exit 2
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --sanitize) [[ $# -ge 2 ]] || usage; sanitize=$2; shift 2 ;;
    --sanitize=*) sanitize=${1#--sanitize=}; shift ;;
    --werror) werror=ON; shift ;;
    --build-dir) [[ $# -ge 2 ]] || usage; build_dir=$2; shift 2 ;;
    --) shift; targets=("$@"); break ;;
    -h|--help) usage ;;
    *) echo "build.sh: unknown argument '$1'" >&2; usage ;;
  esac
done

case "$sanitize" in
  "") default_dir=build ;;
  address) default_dir=build-asan ;;
  thread) default_dir=build-tsan ;;
  *) echo "build.sh: --sanitize takes 'address' or 'thread', not '$sanitize'" >&2; exit 2 ;;
esac
if [[ "${CI:-}" == "true" ]]; then
  werror=ON
fi
build_dir=${build_dir:-$repo_root/$default_dir}

cmake -S "$repo_root" -B "$build_dir" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMAPSIM_SANITIZE="$sanitize" \
  -DMAPSIM_WERROR="$werror"
ninja -C "$build_dir" "${targets[@]}"
