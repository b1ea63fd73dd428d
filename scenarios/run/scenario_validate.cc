#include "scenarios/run/scenario_validate.h"

#include <climits>
#include <cstdint>
#include <functional>
#include <set>

#include "impl/lru_path_event.h"
#include "impl/uapi.h"
#include "scenarios/run/step_text.h"
#include "sim/sim_platform.h"
#include "sim/vector_clock.h"

namespace mapsim::scenario {
namespace {

enum class ListKind : uint8_t { kSetup, kCpu, kInterrupt };

using StepVisitor =
    std::function<std::string(const StepSpec& step, const std::string& where, ListKind list,
                              const std::vector<StepSpec>& steps, size_t index)>;

// Visits every step with its place in the spec ("cpus[0].steps[1] (cpu0.1)"); stops at the
// first problem.
std::string visit_steps(const ScenarioSpec& spec, const StepVisitor& visit) {
  auto run = [&](const std::vector<StepSpec>& steps, const std::string& prefix,
                 ListKind list) -> std::string {
    for (size_t index = 0; index < steps.size(); ++index) {
      const std::string where = prefix + "[" + std::to_string(index) + "] (" +
                                steps[index].label + ")";
      std::string problem = visit(steps[index], where, list, steps, index);
      if (!problem.empty()) return spec_position(spec, steps[index].pos) + where + ": " + problem;
    }
    return "";
  };
  std::string problem = run(spec.setup, "setup", ListKind::kSetup);
  for (size_t i = 0; problem.empty() && i < spec.cpus.size(); ++i) {
    problem = run(spec.cpus[i].steps, "cpus[" + std::to_string(i) + "].steps", ListKind::kCpu);
  }
  for (size_t i = 0; problem.empty() && i < spec.interrupts.size(); ++i) {
    problem = run(spec.interrupts[i].steps, "interrupts[" + std::to_string(i) + "].steps",
                  ListKind::kInterrupt);
  }
  return problem;
}

std::string check_step_structure(const StepSpec& step, ListKind list,
                                 const std::vector<StepSpec>& steps, size_t index) {
  const bool program_sequence = step_kind_is_program_sequence(step.kind);
  if (step_kind_is_syscall_only(step.kind) && step.via == Via::kProgram) {
    return std::string("via: ") + step_kind_name(step.kind) +
           " is a bpf(2) command, no BPF program can do it";
  }
  if (list == ListKind::kInterrupt && !program_sequence && step.via != Via::kProgram) {
    return "via: an interrupt runs BPF program operations, expected via prog";
  }
  switch (step.kind) {
    case StepKind::kUpdate:
      break;
    case StepKind::kLookup:
      if (step.via == Via::kProgram && step.flags != 0) {
        return "flags: bpf_map_lookup_elem() takes no flags";
      }
      break;
    case StepKind::kLookupAndDelete:
      break;
    case StepKind::kDelete:
    case StepKind::kGetNextKey:
    case StepKind::kWalk:
    case StepKind::kBatchWalk:
    case StepKind::kBatchWalkAndDelete:
    case StepKind::kLookupKeepPointer:
    case StepKind::kAddThroughPointer:
      if (step.flags != 0) return std::string("flags: ") + step_kind_name(step.kind) +
                                  " takes no flags, got " + element_flags_text(step.flags);
      break;
    case StepKind::kLookupAddElseInsert:
      if (step.flags != 0 && step.flags != bpf::kNoExist) {
        return "flags: the insert of lookup_add_else_insert is always BPF_NOEXIST, got " +
               element_flags_text(step.flags);
      }
      break;
  }
  if (step.batch_size != 0 && !step_kind_is_batch_walk(step.kind)) {
    return std::string("batch_size: ") + step_kind_name(step.kind) +
           " takes none (only batch walks do), got " + std::to_string(step.batch_size);
  }
  // The pointer a kLookupKeepPointer keeps is used by the very next step of the same program,
  // inside one RCU read section: the pair cannot be split or left half done.
  if (step.kind == StepKind::kLookupKeepPointer &&
      (index + 1 >= steps.size() || steps[index + 1].kind != StepKind::kAddThroughPointer)) {
    return "lookup_keep_pointer must be followed by add_through_pointer in the same program";
  }
  if (step.kind == StepKind::kAddThroughPointer &&
      (index == 0 || steps[index - 1].kind != StepKind::kLookupKeepPointer)) {
    return "add_through_pointer must directly follow a lookup_keep_pointer of the same program";
  }
  return "";
}

std::string check_atom_labels(const ScenarioSpec& spec, const ExpectationSpec& expectation,
                              const std::string& where, const std::set<std::string>& labels,
                              const std::set<std::string>& walks) {
  if (expectation.atoms.empty()) {
    return spec_position(spec, expectation.pos) + where + ".atoms: expected at least one atom";
  }
  for (size_t i = 0; i < expectation.atoms.size(); ++i) {
    const AtomSpec& atom = expectation.atoms[i];
    const std::string at =
        spec_position(spec, atom.pos) + where + ".atoms[" + std::to_string(i) + "]: ";
    switch (atom.kind) {
      case AtomSpec::Kind::kResult:
      case AtomSpec::Kind::kValue:
        if (labels.count(atom.label) == 0) {
          return at + "label: no step is labelled '" + atom.label + "'";
        }
        break;
      case AtomSpec::Kind::kWalkRepeats:
      case AtomSpec::Kind::kWalkSkips:
        if (walks.count(atom.label) == 0) {
          return at + "label: '" + atom.label + "' is not a walk step";
        }
        break;
      case AtomSpec::Kind::kPathEvent:
        if (!path_event_from_name(atom.event)) {
          return at + "event: '" + atom.event +
                 "' is no LRU path event (docs/lru-path-events.md lists them)";
        }
        if (!atom.label.empty() && labels.count(atom.label) == 0) {
          return at + "label: no step is labelled '" + atom.label + "'";
        }
        break;
      case AtomSpec::Kind::kFinalPresent:
      case AtomSpec::Kind::kFinalValue:
      case AtomSpec::Kind::kFinalCount:
        break;
    }
  }
  return "";
}

std::string check_explore(const ScenarioSpec& spec) {
  const ExploreSpec& explore = spec.explore;
  const std::string at = spec_position(spec, {}) + "explore.";
  static const std::set<std::string> kStrategies = {"random", "pct", "bounded", "dpor"};
  if (kStrategies.count(explore.strategy) == 0) {
    return at + "strategy: expected random, pct, bounded or dpor, got '" + explore.strategy + "'";
  }
  if (explore.max_steps == 0) return at + "max_steps: expected at least 1";
  if (!(explore.time_seconds >= 0)) return at + "time: expected a duration >= 0 seconds";
  if (explore.pct_depth < 1 || explore.pct_depth > 32) {
    return at + "pct_depth: expected 1..32, got " + std::to_string(explore.pct_depth);
  }
  if (explore.preemption_bound < 0) {
    return at + "preemption_bound: expected >= 0, got " +
           std::to_string(explore.preemption_bound);
  }
  if (spec.faults.allocation_failures > 8) {
    return spec_position(spec, {}) + "faults.allocation_failures: expected at most 8, got " +
           std::to_string(spec.faults.allocation_failures);
  }
  return "";
}

std::string check_sizes(const StepSpec& step, const MapFacts& map) {
  const uint32_t key_size = map.info.key_size;
  const bool program =
      step.via == Via::kProgram || step_kind_is_program_sequence(step.kind);
  auto expect_key = [&]() -> std::string {
    if (!step.key) {
      // A NULL key: the syscall layer answers (EFAULT, or fine for key_size 0); a program
      // would not pass the verifier.
      if (program && key_size != 0) return "key: a BPF program cannot pass a NULL key";
      return "";
    }
    if (step.key->size() != key_size) {
      return "key: expected " + std::to_string(key_size) + " bytes (key_size), got " +
             std::to_string(step.key->size());
    }
    return "";
  };
  auto expect_value = [&](size_t bytes, const char* what) -> std::string {
    if (step.value.size() == bytes) return "";
    return "value: expected " + std::to_string(bytes) + " bytes (" + what + "), got " +
           std::to_string(step.value.size());
  };
  auto expect_no_value = [&]() -> std::string {
    if (step.value.empty()) return "";
    return std::string("value: ") + step_kind_name(step.kind) + " takes no value";
  };
  auto expect_no_key = [&]() -> std::string {
    if (!step.key) return "";
    return std::string("key: ") + step_kind_name(step.kind) + " takes no key";
  };
  auto first = [](std::initializer_list<std::string> problems) {
    for (const std::string& problem : problems) {
      if (!problem.empty()) return problem;
    }
    return std::string();
  };
  const uint32_t value_size = map.info.value_size;
  switch (step.kind) {
    case StepKind::kUpdate:
      return first({expect_key(),
                    program ? expect_value(value_size, "value_size")
                            : expect_value(map.syscall_value_size,
                                           map.per_cpu ? "a slot of round_up(value_size, 8) "
                                                         "bytes per possible CPU"
                                                       : "value_size")});
    case StepKind::kLookup:
      if (map.keys == KeySpace::kNone && !program) {
        return first({expect_key(), expect_value(value_size, "the item a bloom filter tests")});
      }
      return first({expect_key(), expect_no_value()});
    case StepKind::kDelete:
    case StepKind::kLookupAndDelete:
    case StepKind::kGetNextKey:
    case StepKind::kLookupKeepPointer:
      return first({expect_key(), expect_no_value()});
    case StepKind::kWalk:
    case StepKind::kBatchWalk:
    case StepKind::kBatchWalkAndDelete:
      return first({expect_no_key(), expect_no_value()});
    case StepKind::kLookupAddElseInsert:
      if (value_size < 4) return "value_size: an atomic add needs a value of at least 4 bytes";
      return first({expect_key(), expect_value(value_size, "value_size: inserted, and its "
                                                           "first 8 bytes are the addend")});
    case StepKind::kAddThroughPointer:
      if (value_size < 4) return "value_size: an atomic add needs a value of at least 4 bytes";
      return first({expect_no_key(), expect_value(8, "the u64 addend")});
  }
  return "";
}

std::string check_final_atoms(const ScenarioSpec& spec, const MapFacts& map) {
  for (size_t e = 0; e < spec.expectations.size(); ++e) {
    for (size_t i = 0; i < spec.expectations[e].atoms.size(); ++i) {
      const AtomSpec& atom = spec.expectations[e].atoms[i];
      const std::string at = spec_position(spec, atom.pos) + "expectations[" +
                             std::to_string(e) + "].atoms[" + std::to_string(i) + "]: ";
      const bool keyed = atom.kind == AtomSpec::Kind::kFinalPresent ||
                         atom.kind == AtomSpec::Kind::kFinalValue;
      if (keyed && atom.key.size() != map.info.key_size) {
        return at + "key: expected " + std::to_string(map.info.key_size) +
               " bytes (key_size), got " + std::to_string(atom.key.size());
      }
      if (atom.kind == AtomSpec::Kind::kFinalPresent && map.keys == KeySpace::kNone &&
          atom.value.size() != map.info.value_size) {
        return at + "value: a bloom filter's presence is that of an item of value_size (" +
               std::to_string(map.info.value_size) + ") bytes, got " +
               std::to_string(atom.value.size());
      }
      if (atom.kind == AtomSpec::Kind::kFinalValue && atom.value.size() != map.syscall_value_size) {
        return at + "value: expected " + std::to_string(map.syscall_value_size) +
               " bytes (what a syscall lookup returns), got " + std::to_string(atom.value.size());
      }
      if (atom.kind == AtomSpec::Kind::kFinalValue && map.keys == KeySpace::kNone) {
        return at + "final_value: a bloom filter holds no values";
      }
      if (atom.kind == AtomSpec::Kind::kFinalCount && map.keys == KeySpace::kNone) {
        return at + "final_count: a bloom filter cannot be counted (no get_next_key)";
      }
    }
  }
  return "";
}

}  // namespace

std::string spec_position(const ScenarioSpec& spec, const SourcePos& pos) {
  if (spec.file.empty()) return "";
  if (pos.line <= 0) return spec.file + ": ";
  return spec.file + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column) + ": ";
}

std::string validate_structure(const ScenarioSpec& spec) {
  const std::string top = spec_position(spec, {});
  if (spec.possible_cpus < 1 || spec.possible_cpus > SimPlatform::kMaxPossibleCpus) {
    return top + "possible_cpus: expected 1.." + std::to_string(SimPlatform::kMaxPossibleCpus) +
           ", got " + std::to_string(spec.possible_cpus);
  }
  for (const auto& [ifindex, name] : spec.devices) {
    if (ifindex == 0 || ifindex > static_cast<uint32_t>(INT32_MAX)) {
      return top + "devices: ifindex " + std::to_string(ifindex) + " (" + name +
             ") is not a device index (1.." + std::to_string(INT32_MAX) + ")";
    }
  }
  std::set<int> program_cpus;
  int contexts = 0;
  for (size_t i = 0; i < spec.cpus.size(); ++i) {
    const CpuProgramSpec& program = spec.cpus[i];
    const std::string at = spec_position(spec, program.pos) + "cpus[" + std::to_string(i) + "]";
    if (program.cpu < 0 || program.cpu >= spec.possible_cpus) {
      return at + ".cpu: expected 0.." + std::to_string(spec.possible_cpus - 1) +
             " (possible_cpus is " + std::to_string(spec.possible_cpus) + "), got " +
             std::to_string(program.cpu);
    }
    if (!program_cpus.insert(program.cpu).second) {
      return at + ".cpu: CPU " + std::to_string(program.cpu) + " already has a program";
    }
    if (!program.steps.empty()) ++contexts;
  }
  for (size_t i = 0; i < spec.interrupts.size(); ++i) {
    const InterruptSpec& interrupt = spec.interrupts[i];
    const std::string at =
        spec_position(spec, interrupt.pos) + "interrupts[" + std::to_string(i) + "]";
    if (interrupt.cpu < 0 || interrupt.cpu >= spec.possible_cpus) {
      return at + ".cpu: expected 0.." + std::to_string(spec.possible_cpus - 1) + ", got " +
             std::to_string(interrupt.cpu);
    }
    if (interrupt.steps.empty()) return at + ".steps: expected at least one step";
    ++contexts;
  }
  if (contexts > sim::kMaxContexts) {
    return top + "cpus, interrupts: at most " + std::to_string(sim::kMaxContexts) +
           " programs and interrupts together, got " + std::to_string(contexts);
  }
  std::set<std::string> labels;
  std::set<std::string> walks;
  std::string problem = visit_steps(
      spec, [&](const StepSpec& step, const std::string&, ListKind list,
                const std::vector<StepSpec>& steps, size_t index) -> std::string {
        if (step.label.empty()) return "label: empty";
        if (!labels.insert(step.label).second) {
          return "label: '" + step.label + "' names another step too";
        }
        if (step_kind_is_walk(step.kind)) walks.insert(step.label);
        return check_step_structure(step, list, steps, index);
      });
  if (!problem.empty()) return problem;
  for (size_t i = 0; i < spec.expectations.size(); ++i) {
    problem = check_atom_labels(spec, spec.expectations[i],
                                "expectations[" + std::to_string(i) + "]", labels, walks);
    if (!problem.empty()) return problem;
  }
  const ChecksSpec& checks = spec.checks;
  const bool any_off = !checks.invariants || !checks.linearizability || !checks.races ||
                       !checks.walks;
  if (any_off && checks.why_off.empty()) {
    return top + "checks.why_off: a check is turned off; say why";
  }
  return check_explore(spec);
}

std::string validate_sizes(const ScenarioSpec& spec, const MapFacts& map) {
  std::string problem =
      visit_steps(spec, [&](const StepSpec& step, const std::string&, ListKind,
                            const std::vector<StepSpec>&, size_t) { return check_sizes(step, map); });
  if (!problem.empty()) return problem;
  return check_final_atoms(spec, map);
}

}  // namespace mapsim::scenario
