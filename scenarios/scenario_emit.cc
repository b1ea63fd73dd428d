// emit_scenario_yaml: the canonical text of a spec (docs/scenario-format.md "Canonical form").
//
// Canonical means: fixed key order, the description as the opening comment, defaults left out
// (except name, possible_cpus and the map's four required fields), default labels left out, each
// op as a shorthand string when the shorthand can say everything about it, otherwise as a
// long-form map. The parser reads every choice made here back to the same spec.
#include <set>

#include "scenarios/bpf_names.h"
#include "scenarios/scenario_yaml.h"
#include "scenarios/yaml/bytes_text.h"
#include "scenarios/yaml/emit_text.h"
#include "scenarios/yaml/flags_text.h"
#include "scenarios/yaml/step_fields.h"

namespace mapsim::scenario {
namespace {

using yaml::MapShape;
using yaml::StepPlace;
using yaml::ValueLayout;

bool comment_safe(std::string_view text) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\n' && c != '\t') || byte == 0x7f) return false;
  }
  return true;
}

std::string description_text(const std::string& description) {
  if (description.empty()) return "";
  if (!comment_safe(description)) return "description: " + yaml::quoted(description) + "\n";
  std::string text;
  size_t start = 0;
  while (true) {
    const size_t end = description.find('\n', start);
    const std::string line = description.substr(start, end - start);
    text += line.empty() ? "#\n" : "# " + line + "\n";
    if (end == std::string::npos) return text;
    start = end + 1;
  }
}

std::string via_text(Via via) { return via == Via::kProgram ? "prog" : "syscall"; }

std::string element_flags_text(uint64_t flags) {
  const std::optional<std::string> names = yaml::flags_text(flags, yaml::FlagSet::kElement);
  return names ? *names : std::to_string(flags);
}

// Writes one op of an op list, as a shorthand string when that says everything about it.
class StepWriter {
 public:
  StepWriter(const MapShape& shape, StepPlace place) : shape_(shape), place_(place) {}

  std::string text(const StepSpec& step, const std::string& default_label) const {
    const bool label_shown = !step.label.empty() && step.label != default_label;
    return shorthand_fits(step, label_shown) ? shorthand(step, label_shown)
                                             : long_form(step, label_shown);
  }

 private:
  Via default_via(const yaml::OpRules& rules) const {
    return place_ == StepPlace::kInterrupt || !rules.syscall_ok ? Via::kProgram : Via::kSyscall;
  }
  bool takes_value(const yaml::OpRules& rules) const {
    return rules.takes_value || (rules.kind == StepKind::kLookup && shape_.bloom_filter());
  }
  std::string value(const StepSpec& step) const {
    ValueLayout layout = step.via == Via::kSyscall ? ValueLayout::kSyscall : ValueLayout::kProgram;
    if (step.kind == StepKind::kAddThroughPointer) layout = ValueLayout::kAddend;
    return yaml::value_text(step.value, shape_, layout);
  }
  bool shorthand_fits(const StepSpec& step, bool label_shown) const;
  std::string shorthand(const StepSpec& step, bool label_shown) const;
  std::string long_form(const StepSpec& step, bool label_shown) const;

  const MapShape& shape_;
  StepPlace place_;
};

bool StepWriter::shorthand_fits(const StepSpec& step, bool label_shown) const {
  const yaml::OpRules& rules = yaml::op_rules(step.kind);
  const bool key_wanted = rules.takes_key && shape_.key_size > 0;
  const bool key_optional = step.kind == StepKind::kGetNextKey;
  if (step.key.has_value() != key_wanted && !(key_optional && !step.key)) return false;
  if (takes_value(rules) ? value(step).find_first_of(" [") != std::string::npos
                         : !step.value.empty()) {
    return false;
  }
  if (step.flags != 0 && !(rules.takes_flags && yaml::flags_text(step.flags,
                                                                 yaml::FlagSet::kElement))) {
    return false;
  }
  // The shorthand's batch size is the positional word of a batch walk, and only there.
  if (step.batch_size != 0 && !step_kind_is_batch_walk(step.kind)) return false;
  return !label_shown || yaml::label_syntax_ok(step.label);
}

std::string StepWriter::shorthand(const StepSpec& step, bool label_shown) const {
  const yaml::OpRules& rules = yaml::op_rules(step.kind);
  std::string text(rules.name);
  if (step.key) text += " " + yaml::key_text(*step.key, shape_);
  if (takes_value(rules)) text += " " + value(step);
  if (step.flags != 0) text += " " + element_flags_text(step.flags);
  if (step.batch_size != 0) text += " " + std::to_string(step.batch_size);
  if (step.via != default_via(rules)) text += " via " + via_text(step.via);
  if (label_shown) text += " as " + step.label;
  return text;
}

std::string StepWriter::long_form(const StepSpec& step, bool label_shown) const {
  const yaml::OpRules& rules = yaml::op_rules(step.kind);
  std::string text = "{op: " + std::string(rules.name);
  if (step.key) text += ", key: " + yaml::key_text(*step.key, shape_);
  if (takes_value(rules) || !step.value.empty()) text += ", value: " + value(step);
  if (step.flags != 0) text += ", flags: " + element_flags_text(step.flags);  // names or digits
  if (step.batch_size != 0) text += ", batch_size: " + std::to_string(step.batch_size);
  if (step.via != default_via(rules)) text += ", via: " + via_text(step.via);
  if (label_shown) text += ", label: " + yaml::plain_or_quoted(step.label);
  return text + "}";
}

void write_steps(const std::vector<StepSpec>& steps, const MapShape& shape, StepPlace place,
                 const std::string& label_prefix, const std::string& indent, std::string* out) {
  const StepWriter writer(shape, place);
  for (size_t index = 0; index < steps.size(); ++index) {
    const std::string default_label = label_prefix + "." + std::to_string(index);
    *out += indent + "- " + writer.text(steps[index], default_label) + "\n";
  }
}

void write_map(const ScenarioSpec& spec, std::string* out) {
  const MapAttr& map = spec.map;
  const std::string_view type = map_type_name(map.map_type);
  *out += "map:\n";
  *out += "  type: " + (type.empty() ? std::to_string(map.map_type) : std::string(type)) + "\n";
  *out += "  key_size: " + std::to_string(map.key_size) + "\n";
  *out += "  value_size: " + std::to_string(map.value_size) + "\n";
  *out += "  max_entries: " + std::to_string(map.max_entries) + "\n";
  if (map.map_flags != 0) {
    const auto names = yaml::flags_text(map.map_flags, yaml::FlagSet::kMapCreate);
    std::string list = std::to_string(map.map_flags);
    if (names) {
      list = "[";
      for (char c : *names) list += c == '|' ? std::string(", ") : std::string(1, c);
      list += "]";
    }
    *out += "  flags: " + list + "\n";
  }
  if (map.numa_node != 0) *out += "  numa_node: " + std::to_string(map.numa_node) + "\n";
  if (map.map_extra != 0) *out += "  map_extra: " + std::to_string(map.map_extra) + "\n";
  if (!map.name.empty()) *out += "  name: " + yaml::quoted(map.name) + "\n";
  if (!spec.devices.empty() || yaml::shape_of(spec).devmap()) {
    std::string devices;
    for (const auto& [ifindex, name] : spec.devices) {
      devices += (devices.empty() ? "" : ", ") + std::to_string(ifindex) + ": " +
                 yaml::quoted(name);
    }
    *out += "devices: {" + devices + "}\n";
  }
}

void write_programs(const ScenarioSpec& spec, const MapShape& shape, std::string* out) {
  if (!spec.setup.empty()) {
    *out += "setup:\n";
    write_steps(spec.setup, shape, StepPlace::kSetup, "setup", "  ", out);
  }
  for (const CpuProgramSpec& program : spec.cpus) {
    const std::string name = "cpu" + std::to_string(program.cpu);
    *out += name + ":" + (program.steps.empty() ? " []" : "") + "\n";
    write_steps(program.steps, shape, StepPlace::kCpu, name, "  ", out);
  }
  if (spec.interrupts.empty()) return;
  *out += "interrupts:\n";
  for (size_t index = 0; index < spec.interrupts.size(); ++index) {
    const InterruptSpec& interrupt = spec.interrupts[index];
    *out += "  - cpu: " + std::to_string(interrupt.cpu) + "\n";
    *out += std::string("    ops:") + (interrupt.steps.empty() ? " []" : "") + "\n";
    write_steps(interrupt.steps, shape, StepPlace::kInterrupt, "irq" + std::to_string(index),
                "      ", out);
  }
}

void write_run_settings(const ScenarioSpec& spec, std::string* out) {
  if (spec.faults != FaultSpec{}) {
    *out += "faults:\n  allocation_failures: " +
            std::to_string(spec.faults.allocation_failures) + "\n";
  }
  const ExploreSpec& explore = spec.explore;
  const ExploreSpec defaults;
  if (explore != defaults) {
    *out += "explore:\n";
    if (explore.strategy != defaults.strategy) {
      *out += "  strategy: " + yaml::plain_or_quoted(explore.strategy) + "\n";
    }
    auto number = [&](const char* key, auto value, auto default_value) {
      if (value == default_value) return;
      *out += "  " + std::string(key) + ": " + std::to_string(value) + "\n";
    };
    number("executions", explore.executions, defaults.executions);
    number("max_steps", explore.max_steps, defaults.max_steps);
    if (explore.time_seconds != defaults.time_seconds) {
      *out += "  time_seconds: " + yaml::seconds_text(explore.time_seconds) + "\n";
    }
    number("seed", explore.seed, defaults.seed);
    number("pct_depth", explore.pct_depth, defaults.pct_depth);
    number("preemption_bound", explore.preemption_bound, defaults.preemption_bound);
    number("stack_kib", explore.stack_kib, defaults.stack_kib);
  }
  const ChecksSpec& checks = spec.checks;
  if (checks != ChecksSpec{}) {
    *out += "checks:\n";
    if (!checks.invariants) *out += "  invariants: false\n";
    if (!checks.linearizability) *out += "  linearizability: false\n";
    if (!checks.races) *out += "  races: false\n";
    if (!checks.walks) *out += "  walks: false\n";
    if (!checks.why_off.empty()) *out += "  why_off: " + yaml::quoted(checks.why_off) + "\n";
  }
}

std::string atom_text(const AtomSpec& atom, const MapShape& shape,
                      const std::map<std::string, const StepSpec*>& steps) {
  using Kind = AtomSpec::Kind;
  const std::string label = yaml::plain_or_quoted(atom.label);
  const std::string flag = atom.flag ? "true" : "false";
  switch (atom.kind) {
    case Kind::kResult:
      return "{step: " + label + ", rc: " + yaml::result_code_text(atom.rc) + "}";
    case Kind::kValue: {
      const auto step = steps.find(atom.label);
      const bool program = step != steps.end() && step->second->via == Via::kProgram;
      return "{step: " + label + ", value: " +
             yaml::value_text(atom.value, shape,
                              program ? ValueLayout::kProgram : ValueLayout::kSyscall) + "}";
    }
    case Kind::kWalkRepeats:
      return "{walk: " + label + ", repeats: " + flag + "}";
    case Kind::kWalkSkips:
      return "{walk: " + label + ", skips: " + flag + "}";
    case Kind::kFinalPresent:
      if (atom.key.empty() && shape.bloom_filter()) {  // a bloom filter's item
        return "{item: " + yaml::value_text(atom.value, shape, ValueLayout::kSyscall) +
               ", present: " + flag + "}";
      }
      return "{key: " + yaml::key_text(atom.key, shape) + ", present: " + flag + "}";
    case Kind::kFinalValue:
      return "{key: " + yaml::key_text(atom.key, shape) + ", value: " +
             yaml::value_text(atom.value, shape, ValueLayout::kSyscall) + "}";
    case Kind::kFinalCount:
      return "{count: " + std::to_string(atom.count) + "}";
    case Kind::kPathEvent:
      return "{path_event: " + yaml::plain_or_quoted(atom.event) +
             (atom.label.empty() ? "" : ", step: " + label) + "}";
  }
  return "{}";
}

std::map<std::string, const StepSpec*> steps_by_label(const ScenarioSpec& spec) {
  std::map<std::string, const StepSpec*> steps;
  auto add = [&](const std::vector<StepSpec>& list, const std::string& prefix) {
    for (size_t index = 0; index < list.size(); ++index) {
      const std::string& label = list[index].label;
      steps.emplace(label.empty() ? prefix + "." + std::to_string(index) : label, &list[index]);
    }
  };
  add(spec.setup, "setup");
  for (const CpuProgramSpec& program : spec.cpus) {
    add(program.steps, "cpu" + std::to_string(program.cpu));
  }
  for (size_t index = 0; index < spec.interrupts.size(); ++index) {
    add(spec.interrupts[index].steps, "irq" + std::to_string(index));
  }
  return steps;
}

void write_expectations(const ScenarioSpec& spec, const MapShape& shape, std::string* out) {
  if (spec.expectations.empty()) return;
  static constexpr const char* kKindNames[] = {"always", "never", "exists", "expected"};
  static_assert(static_cast<int>(ExpectationSpec::Kind::kExpected) == 3,
                "kKindNames follows ExpectationSpec::Kind position by position");
  const auto steps = steps_by_label(spec);
  *out += "expectations:\n";
  for (const ExpectationSpec& expectation : spec.expectations) {
    *out += std::string("  - ") + kKindNames[static_cast<int>(expectation.kind)] + ":" +
            (expectation.atoms.empty() ? " []" : "") + "\n";
    for (const AtomSpec& atom : expectation.atoms) {
      *out += "      - " + atom_text(atom, shape, steps) + "\n";
    }
    if (!expectation.description.empty()) {
      *out += "    description: " + yaml::quoted(expectation.description) + "\n";
    }
  }
}

}  // namespace

std::string emit_scenario_yaml(const ScenarioSpec& spec) {
  const MapShape shape = yaml::shape_of(spec);
  std::string out = description_text(spec.description);
  out += "name: " + yaml::plain_or_quoted(spec.name) + "\n";
  out += "possible_cpus: " + std::to_string(spec.possible_cpus) + "\n";
  if (spec.map_seed != 0) out += "map_seed: " + std::to_string(spec.map_seed) + "\n";
  if (!spec.canary.empty()) out += "canary: " + yaml::plain_or_quoted(spec.canary) + "\n";
  write_map(spec, &out);
  write_programs(spec, shape, &out);
  write_run_settings(spec, &out);
  write_expectations(spec, shape, &out);
  return out;
}

}  // namespace mapsim::scenario
