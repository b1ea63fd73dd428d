#include "scenarios/map_dump.h"

#include <optional>
#include <utility>

#include "impl/uapi.h"

namespace mapsim {

uint64_t dump_key_limit(uint32_t max_entries) { return 2 * uint64_t{max_entries} + 16; }

DumpResult dump_map(BackendMap& map, int cpu, uint64_t key_limit) {
  DumpResult result;
  std::optional<Bytes> previous;  // nullopt: ask for the first key
  for (;;) {
    Bytes next;
    const int rc = map.get_next_key(cpu, previous, &next);
    if (rc == bpf::kENOENT) return result;
    if (rc != 0) {
      result.rc = rc;
      return result;
    }
    if (result.entries.size() == key_limit) {
      result.rc = bpf::kELOOP;
      return result;
    }
    DumpEntry entry;
    entry.key = next;
    entry.rc = map.lookup(Via::kSyscall, cpu, next, 0, &entry.value);
    if (entry.rc != 0) entry.value.clear();
    result.entries.push_back(std::move(entry));
    previous = std::move(next);
  }
}

}  // namespace mapsim
