// DPOR is complete and does not waste work (sim/strategy/dpor.h).
//
// For small programs over shared cells, brute force (depth-first search over every
// interleaving) collects the Mazurkiewicz traces by canonicalisation (sim/testing/dpor_check.h,
// sim/testing/mazurkiewicz.h). Optimal DPOR must reach every trace, find every failing trace,
// and run exactly one execution per trace when nothing blocks; with locks and nested programs,
// the executions it runs per trace are reported and bounded. A wider sweep over generated
// programs is bench/sim_dpor_sweep_bench.cc.
//
// The dependency relation itself is checked two ways, so that "optimal" is not relative to a
// wrong relation: executions with the same canonical name must show every context the same
// values (a relation missing a conflict fails this), and the classic programs' trace counts
// are pinned to numbers worked out by hand (a relation with spurious conflicts changes them).
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "sim/testing/cell_programs.h"
#include "sim/testing/dpor_check.h"

namespace mapsim::sim {
namespace {

struct Measured {
  double ratio = 0;   ///< DPOR executions (blocked ones included) per trace
  size_t traces = 0;  ///< Mazurkiewicz traces, by brute force
  size_t failing = 0;  ///< of which fail
};

// DPOR reaches every trace and every failing trace, and nothing else.
Measured expect_complete(const Scenario& scenario, uint32_t allocation_failures = 0) {
  const testing::DporComparison compared =
      testing::compare_dpor_with_brute_force(scenario, allocation_failures);
  const testing::TraceClasses& all = compared.brute_force;
  const testing::TraceClasses& reduced = compared.dpor;
  EXPECT_TRUE(all.error.empty() && reduced.error.empty()) << all.error << reduced.error;
  EXPECT_TRUE(all.inconsistent.empty())
      << scenario.name << ": equivalent interleavings showed different values, e.g. "
      << *all.inconsistent.begin();
  EXPECT_TRUE(reduced.inconsistent.empty()) << scenario.name;
  EXPECT_TRUE(all.exhausted);
  EXPECT_TRUE(reduced.exhausted);
  EXPECT_EQ(reduced.traces, all.traces) << scenario.name;
  EXPECT_EQ(reduced.failing, all.failing) << scenario.name;
  std::printf("%-28s interleavings %7llu  traces %6zu  dpor executions %6llu (+%llu blocked)"
              "  ratio %.3f\n",
              scenario.name.c_str(), static_cast<unsigned long long>(all.executions),
              all.traces.size(), static_cast<unsigned long long>(reduced.executions),
              static_cast<unsigned long long>(reduced.aborted), compared.ratio());
  return Measured{compared.ratio(), all.traces.size(), all.failing.size()};
}

// lastzero(2): CPU 0 reads a[2] and, when it is not 0, a[1]; CPU 1 sets a[1] = a[0] + 1; CPU 2
// sets a[2] = a[1] + 1. CPU 0 reading a[2] first: 2 traces (CPU 2 reads a[1] before or after
// CPU 1 writes it). After CPU 2's write: CPU 1's write comes before CPU 2's read (1 trace) or
// after it, and then before or after CPU 0 reads a[1] (2 traces). 5 in all.
TEST(DporTest, LastzeroIsOptimal) {
  const Measured two = expect_complete(testing::lastzero_scenario(2));
  EXPECT_EQ(two.ratio, 1.0);
  EXPECT_EQ(two.traces, 5u);
  EXPECT_EQ(expect_complete(testing::lastzero_scenario(3)).ratio, 1.0);
}

TEST(DporTest, IndexerIsOptimal) {
  for (const Scenario& scenario :
       {testing::indexer_scenario(2, 2, 7), testing::indexer_scenario(3, 1, 7),
        testing::indexer_scenario(3, 2, 6)}) {
    EXPECT_EQ(expect_complete(scenario).ratio, 1.0) << scenario.name;
  }
}

// Two writers of x and two readers: the writes in 2 orders, each read before, between or after
// them (3 x 3): 18 traces. Under one lock every order of the 4 critical sections differs: 4! = 24.
TEST(DporTest, ReadersWritersIsOptimal) {
  const Measured plain = expect_complete(testing::readers_writers_scenario(2, 2, false));
  EXPECT_EQ(plain.ratio, 1.0);
  EXPECT_EQ(plain.traces, 18u);
}

TEST(DporTest, LockedReadersWritersReachesEveryTrace) {
  const Measured locked = expect_complete(testing::readers_writers_scenario(2, 2, true));
  EXPECT_LE(locked.ratio, 1.5);
  EXPECT_EQ(locked.traces, 24u);
}

// The generated programs' end check (cell 0 ends odd) fails in some traces: the comparison of
// failing traces is not vacuous.
TEST(DporTest, GeneratedProgramsWithoutLocksAreOptimal) {
  size_t failing = 0;
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    const testing::CellProgram program = testing::random_cell_program(seed, 3, 3, 2, false);
    const Scenario scenario =
        testing::cell_program_scenario("generated-" + std::to_string(seed), program, 2, true);
    const Measured measured = expect_complete(scenario);
    EXPECT_EQ(measured.ratio, 1.0) << testing::describe(program);
    failing += measured.failing;
  }
  EXPECT_GT(failing, 0u);
}

TEST(DporTest, GeneratedProgramsWithLocksReachEveryTrace) {
  size_t failing = 0;
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    const int cpus = seed <= 4 ? 3 : 2;
    const testing::CellProgram program =
        testing::random_cell_program(seed, cpus, 5 - cpus, 2, true);
    const Scenario scenario =
        testing::cell_program_scenario("locked-" + std::to_string(seed), program, 2, true);
    const Measured measured = expect_complete(scenario);
    EXPECT_LE(measured.ratio, 1.5) << testing::describe(program);
    failing += measured.failing;
  }
  EXPECT_GT(failing, 0u);
}

// The last list runs nested on CPU 0, fired at every distinct point DPOR finds. Not optimal:
// with a nested program DPOR may run sleep-set blocked executions (ratio up to 1.2 here).
TEST(DporTest, GeneratedProgramsWithANestedProgramAreOptimal) {
  size_t failing = 0;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    const testing::CellProgram program = testing::random_cell_program(seed, 3, 2, 2, seed > 4);
    const Scenario scenario = testing::cell_program_scenario(
        "nested-" + std::to_string(seed), program, 2, true, /*nested_cpu=*/0);
    const Measured measured = expect_complete(scenario);
    EXPECT_LE(measured.ratio, 1.5) << testing::describe(program);
    failing += measured.failing;
  }
  EXPECT_GT(failing, 0u);
}

// One injected allocation failure: DPOR's fault plans against DFS's outcome branches.
TEST(DporTest, GeneratedProgramsWithAllocationFailuresReachEveryTrace) {
  size_t failing = 0;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    const testing::CellProgram program =
        testing::random_cell_program(seed, 2, 3, 2, false, /*with_allocations=*/true);
    const Scenario scenario =
        testing::cell_program_scenario("faults-" + std::to_string(seed), program, 2, true);
    const Measured measured = expect_complete(scenario, 1);
    EXPECT_EQ(measured.ratio, 1.0) << testing::describe(program);
    failing += measured.failing;
  }
  EXPECT_GT(failing, 0u);
}

}  // namespace
}  // namespace mapsim::sim
