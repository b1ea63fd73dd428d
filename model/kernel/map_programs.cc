#include "model/kernel/map_programs.h"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

#include "impl/assert.h"
#include "impl/uapi.h"

namespace mapsim {

namespace {

// A result the programs never write: shows that a program did not run to its end.
constexpr int64_t kNotRun = std::numeric_limits<int64_t>::min();
constexpr uint64_t kNoCpu = ~uint64_t{0};
constexpr size_t kVerifierLogBytes = 1 << 20;

const char* program_name(ProgramKind kind) {
  switch (kind) {
    case ProgramKind::kLookup: return "mapsim_lookup";
    case ProgramKind::kUpdate: return "mapsim_update";
    case ProgramKind::kDelete: return "mapsim_delete";
  }
  return "mapsim_prog";
}

void write_u64(std::vector<unsigned char>* bytes, uint32_t offset, uint64_t value) {
  std::memcpy(bytes->data() + offset, &value, sizeof value);
}

// The verifier lets sleepable programs use array, hash, ringbuf and local-storage maps only
// ("Sleepable programs can only use array, hash, ringbuf and local storage maps").
bool sleepable_programs_may_use(uint32_t map_type) {
  switch (map_type) {
    case bpf::kMapHash:
    case bpf::kMapPercpuHash:
    case bpf::kMapLruHash:
    case bpf::kMapLruPercpuHash:
    case bpf::kMapArray:
    case bpf::kMapPercpuArray:
      return true;
    default:
      return false;
  }
}

}  // namespace

MapPrograms::MapPrograms(int map_fd, uint32_t map_type, uint32_t key_size, uint32_t value_size)
    : map_fd_(map_fd), sleepable_(sleepable_programs_may_use(map_type)),
      layout_(key_size, value_size) {
  if (key_size > kKeySizeMax || value_size > kValueSizeMax) {
    throw std::length_error("via:\"prog\" supports key_size <= " + std::to_string(kKeySizeMax) +
                            " and value_size <= " + std::to_string(kValueSizeMax) +
                            " bytes; this map has key_size " + std::to_string(key_size) +
                            " and value_size " + std::to_string(value_size));
  }
}

void MapPrograms::ensure_scratch() {
  if (scratch_fd_.valid()) return;
  int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "mapsim_scratch", 4, layout_.size, 1, nullptr);
  if (fd < 0) {
    throw std::runtime_error("creating the scratch ARRAY map for program operations: " +
                             std::string(std::strerror(-fd)));
  }
  scratch_fd_ = OwnedFd(fd);
}

int MapPrograms::program_fd(ProgramKind kind) {
  OwnedFd& slot = program_fds_[static_cast<int>(kind)];
  if (slot.valid()) return slot.get();
  ensure_scratch();
  std::vector<bpf_insn> text = map_program_text(kind, layout_, map_fd_, scratch_fd_.get());
  std::string log(kVerifierLogBytes, '\0');
  LIBBPF_OPTS(bpf_prog_load_opts, options);
  // BPF_PROG_TYPE_SYSCALL programs must be sleepable; raw tracepoint programs are not.
  options.prog_flags = sleepable_ ? BPF_F_SLEEPABLE : 0;
  options.log_buf = log.data();
  options.log_size = static_cast<uint32_t>(log.size());
  const bpf_prog_type type = sleepable_ ? BPF_PROG_TYPE_SYSCALL : BPF_PROG_TYPE_RAW_TRACEPOINT;
  int fd = bpf_prog_load(type, program_name(kind), "GPL", text.data(), text.size(), &options);
  // EACCES is the verifier's answer for a helper the map's access flags forbid (a write into a
  // BPF_F_RDONLY_PROG map, a read from a BPF_F_WRONLY_PROG one): a kernel verdict on the
  // operation, reported as its result. Any other failure is this machine's problem.
  if (fd == -EACCES) return fd;
  if (fd < 0) {
    throw std::runtime_error(std::string("loading ") + program_name(kind) + ": " +
                             std::strerror(-fd) + "\nverifier log:\n" + log.c_str());
  }
  slot = OwnedFd(fd);
  return fd;
}

int64_t MapPrograms::read_s64(const Bytes& scratch, uint32_t offset) {
  int64_t value;
  std::memcpy(&value, scratch.data() + offset, sizeof value);
  return value;
}

MapPrograms::Bytes MapPrograms::run(int cpu, int fd, const Run& request) {
  MAPSIM_ASSERT(request.key->size() == layout_.key_size, "key of key_size bytes");
  MAPSIM_ASSERT(fd >= 0, "a loaded program");
  Bytes scratch(layout_.size, 0);
  write_u64(&scratch, ScratchLayout::kFlagsOffset, request.flags);
  write_u64(&scratch, ScratchLayout::kResultOffset, static_cast<uint64_t>(kNotRun));
  write_u64(&scratch, ScratchLayout::kCpuOffset, kNoCpu);
  std::memcpy(scratch.data() + ScratchLayout::kKeyOffset, request.key->data(),
              request.key->size());
  if (request.value != nullptr) {
    MAPSIM_ASSERT(request.value->size() == layout_.value_size, "value of value_size bytes");
    std::memcpy(scratch.data() + layout_.value_offset, request.value->data(),
                request.value->size());
  }
  const uint32_t index = 0;
  int rc = bpf_map_update_elem(scratch_fd_.get(), &index, scratch.data(), BPF_ANY);
  MAPSIM_ASSERT(rc == 0, "writing the scratch map");

  LIBBPF_OPTS(bpf_test_run_opts, options);
  rc = bpf_prog_test_run_opts(fd, &options);
  if (rc != 0) {
    throw std::runtime_error(std::string("BPF_PROG_TEST_RUN of ") + program_name(request.kind) +
                             ": " + std::strerror(-rc));
  }
  MAPSIM_ASSERT(options.retval == 0, "the program found its scratch value");
  rc = bpf_map_lookup_elem(scratch_fd_.get(), &index, scratch.data());
  MAPSIM_ASSERT(rc == 0, "reading the scratch map");
  MAPSIM_ASSERT(read_s64(scratch, ScratchLayout::kResultOffset) != kNotRun,
                "the program wrote its result");
  MAPSIM_ASSERT(read_s64(scratch, ScratchLayout::kCpuOffset) == cpu,
                "BPF_PROG_TEST_RUN runs the program on the calling thread's CPU");
  return scratch;
}

int MapPrograms::lookup(int cpu, const Bytes& key, Bytes* value) {
  const int fd = program_fd(ProgramKind::kLookup);
  if (fd < 0) return fd;
  Bytes scratch = run(cpu, fd, Run{ProgramKind::kLookup, &key, nullptr, 0});
  auto result = static_cast<int>(read_s64(scratch, ScratchLayout::kResultOffset));
  if (result == 0) {
    auto begin = scratch.begin() + layout_.value_offset;
    value->assign(begin, begin + layout_.value_size);
  }
  return result;
}

int MapPrograms::update(int cpu, const Bytes& key, const Bytes& value, uint64_t flags) {
  const int fd = program_fd(ProgramKind::kUpdate);
  if (fd < 0) return fd;
  Bytes scratch = run(cpu, fd, Run{ProgramKind::kUpdate, &key, &value, flags});
  return static_cast<int>(read_s64(scratch, ScratchLayout::kResultOffset));
}

int MapPrograms::remove(int cpu, const Bytes& key) {
  const int fd = program_fd(ProgramKind::kDelete);
  if (fd < 0) return fd;
  Bytes scratch = run(cpu, fd, Run{ProgramKind::kDelete, &key, nullptr, 0});
  return static_cast<int>(read_s64(scratch, ScratchLayout::kResultOffset));
}

}  // namespace mapsim
