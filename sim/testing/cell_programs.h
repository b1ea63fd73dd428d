// Small concurrent programs over shared cells: the workloads of the DPOR proof
// (tests/sim_dpor_test.cc) and of the simulator benchmarks. Test-only scenarios built from
// SimPlatform primitives; nothing here is compiled into a RealPlatform build.
//
// Classic DPOR benchmarks (Flanagan & Godefroid, POPL 2005; Abdulla et al., JACM 2017):
//   lastzero(n):   array[0..n] = 0; CPU 0 scans i = n, n-1, ... until array[i] == 0;
//                  CPU j (1..n) does array[j] = array[j-1] + 1.
//   indexer(t, m, size): t CPUs each insert m messages into an open-addressing table of `size`
//                  cells with compare-and-swap (collisions need a small table).
//   readers_writers(r, w, locked): w writers store to x, r readers load it; with `locked`
//                  every access is inside one lock.
//   independent_stores(n, steps): n CPUs each store `steps` times to a cell of its own (nothing
//                  shared, no blocking: every schedule is equivalent, so strategies' own costs
//                  and choice sequences show alone).
// Generated programs: `cpus` CPUs each doing `ops` reads, writes, atomic adds (and lock-
// protected increments) over `cells` cells, seeded; the end check fails when cell 0 ends odd
// (an "assertion" some interleavings violate).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/scenario.h"

namespace mapsim::sim::testing {

struct CellStep {
  enum class Kind : uint8_t { kRead, kWrite, kAdd, kLockedIncrement, kAllocate };
  Kind kind = Kind::kRead;
  int cell = 0;
  int64_t value = 0;  ///< written value (plus the last value read), or the added amount
};
// kAllocate: allocate 16 bytes; store `value` to the cell if that worked, -value if not.
using CellProgram = std::vector<std::vector<CellStep>>;  // [cpu][step]

// `with_allocations`: some steps allocate (fault injection makes them fail).
CellProgram random_cell_program(uint64_t seed, int cpus, int steps_per_cpu, int cells,
                                bool with_locks, bool with_allocations = false);
std::string describe(const CellProgram& program);

// `check_odd`: the end check fails when cell 0 ends odd. `nested_cpu` >= 0: the program's last
// list is a nested program on that CPU instead of a CPU program.
Scenario cell_program_scenario(const std::string& name, const CellProgram& program, int cells,
                               bool check_odd, int nested_cpu = -1);
Scenario lastzero_scenario(int n);
Scenario indexer_scenario(int threads, int messages, int table_size);
Scenario readers_writers_scenario(int readers, int writers, bool locked);
Scenario independent_stores_scenario(int cpus, int steps);

}  // namespace mapsim::sim::testing
