#!/usr/bin/env bash
# Installs every Debian package that building, testing and running mapsim needs.
#
# Idempotent and quick: when dpkg already reports every package installed, apt is not touched at
# all (no network, no lock). Otherwise one `apt-get update` and one `apt-get install` of the
# missing packages. Runs as root (CI) or through sudo.
set -euo pipefail

packages=(
  # toolchain
  cmake ninja-build g++ pkg-config
  # tests and benchmarks (libxml2: viz tests parse the svg they produce)
  libgtest-dev libgmock-dev libbenchmark-dev libtbb-dev libxml2-dev
  # impl/ (RCU), sim/ (fibers), model/kernel (bpf(2)), model/ and viz/ (graphs, solver)
  liburcu-dev libboost-context-dev libboost-graph-dev libbpf-dev libz3-dev
  graphviz libgraphviz-dev
  # viz/ browser test: the HTML report opened in headless Chromium (skips when absent)
  chromium chromium-driver
  # scenarios/ (YAML scenario files, JSON-lines op scripts) and cli/
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev
)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$package")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "install-deps: missing ${missing[*]}; run as root or install sudo" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update
"${as_root[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
