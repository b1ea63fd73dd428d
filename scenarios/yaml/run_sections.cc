// How a scenario is run and judged: faults, explore (strategy and budget), checks.
#include <climits>
#include <limits>

#include "scenarios/yaml/sections.h"

namespace mapsim::scenario::yaml {
namespace {

constexpr std::string_view kFaultKeys[] = {"allocation_failures"};
constexpr std::string_view kExploreKeys[] = {"strategy", "executions", "max_steps",
                                             "time_seconds", "seed", "pct_depth",
                                             "preemption_bound", "stack_kib"};
constexpr std::string_view kCheckKeys[] = {"invariants", "linearizability", "races", "walks",
                                           "why_off"};
constexpr std::string_view kStrategies[] = {"random", "pct", "bounded", "dpor"};
constexpr uint64_t kPctDepthMax = 32;  // PctOptions::kMaxDepth
constexpr uint64_t kAllocationFailuresMax = 8;  // DporOptions::kMaxInjectedFailures
constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();

template <class Field>
void read_number(Context& context, const std::vector<Entry>& entries, std::string_view key,
                 uint64_t min, uint64_t max, Field* field) {
  const Entry* entry = find_entry(entries, key);
  if (entry == nullptr) return;
  if (const std::optional<uint64_t> number = read_unsigned(context, entry->value, min, max)) {
    *field = static_cast<Field>(*number);
  }
}

void read_strategy(Context& context, const Entry* entry, std::string* strategy) {
  if (entry == nullptr) return;
  const std::optional<std::string> name =
      read_string(context, entry->value, "a strategy: random, pct, bounded or dpor");
  if (!name) return;
  for (std::string_view known : kStrategies) {
    if (known == *name) {
      *strategy = *name;
      return;
    }
  }
  context.error(entry->value.pos, entry->value.path,
                "unknown strategy '" + *name + "'; expected random, pct, bounded or dpor");
}

}  // namespace

FaultSpec read_faults(Context& context, const Entry& entry) {
  FaultSpec faults;
  const std::optional<std::vector<Entry>> entries =
      read_entries(context, entry.value, kFaultKeys, "faults (allocation_failures)");
  if (!entries) return faults;
  read_number(context, *entries, "allocation_failures", 0, kAllocationFailuresMax,
              &faults.allocation_failures);
  return faults;
}

ExploreSpec read_explore(Context& context, const Entry& entry) {
  ExploreSpec explore;
  const std::optional<std::vector<Entry>> entries =
      read_entries(context, entry.value, kExploreKeys, "explore settings");
  if (!entries) return explore;
  read_strategy(context, find_entry(*entries, "strategy"), &explore.strategy);
  read_number(context, *entries, "executions", 0, kU64Max, &explore.executions);
  read_number(context, *entries, "max_steps", 1, UINT32_MAX, &explore.max_steps);
  read_number(context, *entries, "seed", 0, kU64Max, &explore.seed);
  read_number(context, *entries, "pct_depth", 1, kPctDepthMax, &explore.pct_depth);
  read_number(context, *entries, "preemption_bound", 0, INT_MAX, &explore.preemption_bound);
  read_number(context, *entries, "stack_kib", ExploreSpec::kMinStackKib,
              ExploreSpec::kMaxStackKib, &explore.stack_kib);
  if (const Entry* time = find_entry(*entries, "time_seconds")) {
    explore.time_seconds = read_seconds(context, time->value).value_or(0);
  }
  return explore;
}

ChecksSpec read_checks(Context& context, const Entry& entry) {
  ChecksSpec checks;
  const std::optional<std::vector<Entry>> entries =
      read_entries(context, entry.value, kCheckKeys, "checks");
  if (!entries) return checks;
  bool* const switches[] = {&checks.invariants, &checks.linearizability, &checks.races,
                            &checks.walks};
  bool any_off = false;
  bool all_read = true;
  for (size_t index = 0; index < std::size(switches); ++index) {
    const Entry* check = find_entry(*entries, kCheckKeys[index]);
    if (check == nullptr) continue;
    const std::optional<bool> on = read_bool(context, check->value);
    *switches[index] = on.value_or(true);
    any_off = any_off || !*switches[index];
    all_read = all_read && on.has_value();
  }
  if (!all_read) return checks;  // whether why_off is needed is unknown
  const Entry* why = find_entry(*entries, "why_off");
  if (why != nullptr) {
    checks.why_off = read_string(context, why->value, "the reason a check is off").value_or("");
  }
  if (any_off && checks.why_off.empty()) {
    context.error(why != nullptr ? why->value.pos : entry.key_pos, entry.key + ".why_off",
                  "missing; a check turned off needs the reason, shown in every report");
  } else if (!any_off && why != nullptr) {
    context.error(why->key_pos, entry.key + ".why_off",
                  "every check is on; why_off goes with a check set to false");
  }
  return checks;
}

}  // namespace mapsim::scenario::yaml
