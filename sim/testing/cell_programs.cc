#include "sim/testing/cell_programs.h"

#include <memory>

#include "sim/random.h"
#include "sim/sim_platform.h"

namespace mapsim::sim::testing {
namespace {

using Cell = SimPlatform::Racy<int64_t>;
using AtomicCell = SimPlatform::Atomic<int64_t>;

struct CellState {
  explicit CellState(int count) : cells(count), atomics(count), locks(count) {}
  std::vector<Cell> cells;
  std::vector<AtomicCell> atomics;
  std::vector<SimPlatform::SpinLock> locks;
};

int64_t run_steps(SimPlatform& platform, CellState& state, const std::vector<CellStep>& steps) {
  int64_t last_read = 0;
  for (const CellStep& step : steps) {
    switch (step.kind) {
      case CellStep::Kind::kAllocate: {
        void* block = platform.allocate(16);
        state.cells[step.cell].store(block != nullptr ? step.value : -step.value);
        platform.release(block);
        break;
      }
      case CellStep::Kind::kRead:
        last_read = state.cells[step.cell].load();
        break;
      case CellStep::Kind::kWrite:
        state.cells[step.cell].store(step.value + last_read);
        break;
      case CellStep::Kind::kAdd:
        last_read = state.atomics[step.cell].fetch_add(step.value);
        break;
      case CellStep::Kind::kLockedIncrement:
        state.locks[step.cell].lock();
        state.cells[step.cell].store(state.cells[step.cell].load() + step.value);
        state.locks[step.cell].unlock();
        break;
    }
  }
  return last_read;
}

}  // namespace

CellProgram random_cell_program(uint64_t seed, int cpus, int steps_per_cpu, int cells,
                                bool with_locks, bool with_allocations) {
  Random random(seed);
  CellProgram program(cpus);
  for (auto& steps : program) {
    for (int i = 0; i < steps_per_cpu; ++i) {
      CellStep step;
      const uint64_t roll = random.below(with_locks ? 10 : 8);
      step.kind = roll < 4 ? CellStep::Kind::kRead
                 : roll < 7 ? CellStep::Kind::kWrite
                 : roll < 8 ? CellStep::Kind::kAdd
                            : CellStep::Kind::kLockedIncrement;
      if (with_allocations && random.below(4) == 0) step.kind = CellStep::Kind::kAllocate;
      step.cell = static_cast<int>(random.below(cells));
      step.value = 1 + static_cast<int64_t>(random.below(3));
      steps.push_back(step);
    }
  }
  return program;
}

std::string describe(const CellProgram& program) {
  static const char* kNames[] = {"r", "w", "add", "inc", "alloc"};
  std::string text;
  for (size_t cpu = 0; cpu < program.size(); ++cpu) {
    text += "cpu" + std::to_string(cpu) + ":";
    for (const CellStep& step : program[cpu]) {
      text += ' ';
      text += kNames[static_cast<int>(step.kind)];
      text += std::to_string(step.cell) + "/" + std::to_string(step.value);
    }
    text += "\n";
  }
  return text;
}

Scenario cell_program_scenario(const std::string& name, const CellProgram& program, int cells,
                               bool check_odd, int nested_cpu) {
  Scenario scenario;
  scenario.name = name;
  scenario.possible_cpus = static_cast<int>(program.size());
  scenario.build = [program, cells, check_odd, nested_cpu](SimPlatform& platform) {
    auto state = std::make_shared<CellState>(cells);
    ScenarioInstance instance;
    instance.cpus.resize(program.size());
    for (size_t index = 0; index < program.size(); ++index) {
      const std::vector<CellStep>& steps = program[index];
      Operation operation{"steps", [&platform, state, &steps] {
                            return run_steps(platform, *state, steps);
                          }};
      if (nested_cpu >= 0 && index + 1 == program.size()) {
        instance.nested.push_back(NestedProgram{nested_cpu, {std::move(operation)}});
      } else {
        instance.cpus[index].push_back(std::move(operation));
      }
    }
    if (check_odd) {
      instance.check_end = [state](const Outcome&) -> std::string {
        const int64_t value = state->cells[0].load() + state->atomics[0].load();
        return value % 2 != 0 ? "cell 0 ends odd (" + std::to_string(value) + ")" : "";
      };
    }
    instance.state = state;
    return instance;
  };
  return scenario;
}

Scenario lastzero_scenario(int n) {
  Scenario scenario;
  scenario.name = "lastzero(" + std::to_string(n) + ")";
  scenario.possible_cpus = n + 1;
  scenario.build = [n](SimPlatform&) {
    auto state = std::make_shared<CellState>(n + 1);
    ScenarioInstance instance;
    instance.cpus.resize(n + 1);
    instance.cpus[0].push_back(Operation{"scan", [state, n] {
      int64_t index = n;
      while (index > 0 && state->cells[index].load() != 0) --index;
      return index;
    }});
    for (int j = 1; j <= n; ++j) {
      instance.cpus[j].push_back(Operation{"set", [state, j] {
        state->cells[j].store(state->cells[j - 1].load() + 1);
        return int64_t{0};
      }});
    }
    instance.state = state;
    return instance;
  };
  return scenario;
}

Scenario indexer_scenario(int threads, int messages, int table_size) {
  Scenario scenario;
  scenario.name = "indexer(" + std::to_string(threads) + "," + std::to_string(messages) + "," +
                  std::to_string(table_size) + ")";
  scenario.possible_cpus = threads;
  scenario.build = [threads, messages, table_size](SimPlatform&) {
    auto state = std::make_shared<CellState>(table_size);
    ScenarioInstance instance;
    instance.cpus.resize(threads);
    for (int tid = 0; tid < threads; ++tid) {
      instance.cpus[tid].push_back(Operation{"insert", [state, tid, messages, table_size] {
        int64_t probes = 0;
        for (int m = 1; m <= messages; ++m) {
          const int64_t message = m * 11 + tid;
          int64_t slot = (message * 7) % table_size;
          for (;;) {
            int64_t expected = 0;
            if (state->atomics[slot].compare_exchange_strong(expected, message)) break;
            slot = (slot + 1) % table_size;
            ++probes;
          }
        }
        return probes;
      }});
    }
    instance.state = state;
    return instance;
  };
  return scenario;
}

Scenario readers_writers_scenario(int readers, int writers, bool locked) {
  Scenario scenario;
  scenario.name = "readers_writers(" + std::to_string(readers) + "," + std::to_string(writers) +
                  (locked ? ",locked)" : ")");
  scenario.possible_cpus = readers + writers;
  scenario.build = [readers, writers, locked](SimPlatform&) {
    auto state = std::make_shared<CellState>(1);
    ScenarioInstance instance;
    instance.cpus.resize(readers + writers);
    for (int w = 0; w < writers; ++w) {
      instance.cpus[w].push_back(Operation{"write", [state, w, locked] {
        if (locked) state->locks[0].lock();
        state->cells[0].store(w + 1);
        if (locked) state->locks[0].unlock();
        return int64_t{0};
      }});
    }
    for (int r = 0; r < readers; ++r) {
      instance.cpus[writers + r].push_back(Operation{"read", [state, locked] {
        if (locked) state->locks[0].lock();
        const int64_t value = state->cells[0].load();
        if (locked) state->locks[0].unlock();
        return value;
      }});
    }
    instance.state = state;
    return instance;
  };
  return scenario;
}

Scenario independent_stores_scenario(int cpus, int steps) {
  Scenario scenario;
  scenario.name = "independent_stores";
  scenario.possible_cpus = cpus;
  scenario.build = [cpus, steps](SimPlatform&) {
    auto cells = std::make_shared<std::vector<SimPlatform::Racy<int>>>(cpus);
    ScenarioInstance instance;
    instance.cpus.resize(cpus);
    for (int cpu = 0; cpu < cpus; ++cpu) {
      instance.cpus[cpu].push_back(Operation{"store", [cells, cpu, steps] {
        for (int i = 0; i < steps; ++i) (*cells)[cpu].store(i);
        return int64_t{0};
      }});
    }
    instance.state = cells;
    return instance;
  };
  return scenario;
}

}  // namespace mapsim::sim::testing
