// The op script's `dump` op (spec/op-script.md): walk a map with get_next_key from null until
// -ENOENT and look each key up through the syscall, as `bpftool map dump` does.
//
// A faithful map cannot walk forever, but a broken implementation (or a map changing under
// the walk) can; the walk gives up with -ELOOP once it has gone past dump_key_limit() keys, so
// a dump always terminates and says why it stopped.
#pragma once

#include <cstdint>
#include <vector>

#include "scenarios/op_backend.h"

namespace mapsim {

struct DumpEntry {
  Bytes key;
  int rc = 0;   ///< the lookup's result
  Bytes value;  ///< syscall layout; empty unless rc == 0
};

struct DumpResult {
  int rc = 0;  ///< 0 when the walk ended with -ENOENT, else the error that stopped it
  std::vector<DumpEntry> entries;
};

// 2 x max_entries + 16: twice what the map can hold, plus slack for tiny maps.
uint64_t dump_key_limit(uint32_t max_entries);

// Walks `map` on `cpu`. If the walk yields a key after `key_limit` keys, stops with -ELOOP
// without looking that key up.
DumpResult dump_map(BackendMap& map, int cpu, uint64_t key_limit);

}  // namespace mapsim
