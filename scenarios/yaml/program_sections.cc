// The per-CPU programs (top-level cpu<N> keys) and the interrupts.
#include "scenarios/yaml/sections.h"

namespace mapsim::scenario::yaml {
namespace {

constexpr std::string_view kInterruptKeys[] = {"cpu", "ops"};

// The last CPU a program may name: possible_cpus - 1, or the largest machine when
// possible_cpus itself was wrong (reported there; CPU numbers are then not judged).
uint64_t last_cpu(const MapShape& shape) {
  return static_cast<uint64_t>(shape.possible_cpus > 0 ? shape.possible_cpus
                                                       : kPossibleCpusMax) - 1;
}

std::string cpu_range_note(const MapShape& shape) {
  return shape.possible_cpus > 0 ? " (possible_cpus is " + std::to_string(shape.possible_cpus) + ")"
                                 : "";
}

}  // namespace

std::optional<CpuProgramSpec> read_cpu_program(Context& context, const Entry& entry,
                                               const MapShape& shape, LabelTable* labels) {
  const std::optional<uint64_t> cpu = parse_decimal(std::string_view(entry.key).substr(3));
  if (!cpu || *cpu > last_cpu(shape)) {
    context.error(entry.key_pos, entry.key,
                  "no such CPU; expected cpu0 to cpu" + std::to_string(last_cpu(shape)) +
                      cpu_range_note(shape) + ", written without leading zeros");
    return std::nullopt;
  }
  CpuProgramSpec program;
  program.pos = entry.key_pos;
  program.cpu = static_cast<int>(*cpu);
  const StepScope scope{StepPlace::kCpu, program.cpu, entry.key};
  program.steps = read_steps(context, entry.value, shape, scope, labels);
  return program;
}

std::vector<InterruptSpec> read_interrupts(Context& context, const Entry& entry,
                                           const MapShape& shape, LabelTable* labels) {
  std::vector<InterruptSpec> interrupts;
  const std::optional<std::vector<Value>> items =
      read_list(context, entry.value, "a list of interrupts ({cpu: 0, ops: [...]})");
  if (!items) return interrupts;
  for (size_t index = 0; index < items->size(); ++index) {
    const Value& item = (*items)[index];
    InterruptSpec interrupt;
    interrupt.pos = item.pos;
    const std::optional<std::vector<Entry>> fields =
        read_entries(context, item, kInterruptKeys, "an interrupt (cpu, ops)");
    if (!fields) continue;
    const Entry* cpu = find_entry(*fields, "cpu");
    const Entry* ops = find_entry(*fields, "ops");
    if (cpu == nullptr || ops == nullptr) {
      context.error(item.pos, item.path + (cpu == nullptr ? ".cpu" : ".ops"),
                    "missing; an interrupt needs cpu (the CPU whose program it interrupts) "
                    "and ops");
    }
    if (cpu != nullptr) {
      const std::optional<uint64_t> number = read_unsigned(context, cpu->value, 0, last_cpu(shape));
      interrupt.cpu = static_cast<int>(number.value_or(0));
    }
    if (ops != nullptr) {
      const StepScope scope{StepPlace::kInterrupt, static_cast<int>(index),
                            ops->value.path};
      interrupt.steps = read_steps(context, ops->value, shape, scope, labels);
    }
    interrupts.push_back(std::move(interrupt));
  }
  return interrupts;
}

}  // namespace mapsim::scenario::yaml
