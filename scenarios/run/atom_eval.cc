#include "scenarios/run/atom_eval.h"

#include <cstring>

#include "impl/lru_path_event.h"
#include "scenarios/hex.h"
#include "scenarios/run/step_text.h"

namespace mapsim::scenario {

AtomEvaluator::AtomEvaluator(const CompiledSpec& compiled,
                             const std::vector<Observation>& observations,
                             const std::vector<WalkVerdict>& walks, Map& map)
    : compiled_(compiled), observations_(observations), walks_(walks), map_(map) {}

const Observation* AtomEvaluator::observation(const std::string& label) const {
  auto found = compiled_.slot_of.find(label);
  return found == compiled_.slot_of.end() ? nullptr : &observations_[found->second];
}

const WalkVerdict* AtomEvaluator::walk(const std::string& label) const {
  for (size_t i = 0; i < compiled_.walk_slots.size(); ++i) {
    if (compiled_.slots[compiled_.walk_slots[i]].step->label == label) return &walks_[i];
  }
  return nullptr;
}

bool AtomEvaluator::final_present(const AtomSpec& atom) {
  Bytes value(std::max<size_t>(map_.syscall_value_size(), 8), 0);
  // A bloom filter tests the item in the value buffer; its key is NULL.
  if (compiled_.map.keys == KeySpace::kNone) {
    std::memcpy(value.data(), atom.value.data(), atom.value.size());
    return map_.lookup_elem(nullptr, value.data()) == 0;
  }
  return map_.lookup_elem(atom.key.data(), value.data()) == 0;
}

bool AtomEvaluator::final_value(const AtomSpec& atom) {
  Bytes value(map_.syscall_value_size(), 0);
  if (map_.lookup_elem(atom.key.data(), value.data()) != 0) return false;
  return value == atom.value;
}

uint64_t AtomEvaluator::final_count() {
  if (count_) return *count_;
  const uint32_t key_size = compiled_.map.info.key_size;
  Bytes cursor(std::max<uint32_t>(key_size, 1));
  Bytes next(std::max<uint32_t>(key_size, 1));
  const void* from = nullptr;
  uint64_t count = 0;
  // Bounded like a walk: a broken map must not hang the judge.
  while (count < compiled_.walk_key_limit && map_.get_next_key(from, next.data()) == 0) {
    ++count;
    cursor = next;
    from = cursor.data();
  }
  count_ = count;
  return count;
}

bool AtomEvaluator::path_event_seen(const AtomSpec& atom) const {
  const std::optional<PathEvent> event = path_event_from_name(atom.event);
  if (!event) return false;
  const uint16_t id = static_cast<uint16_t>(*event);
  for (const Observation& observation : observations_) {
    if (!atom.label.empty() && observation.label() != atom.label) continue;
    for (const PathEventRecord& record : observation.path_events) {
      if (record.event == id) return true;
    }
  }
  return false;
}

bool AtomEvaluator::holds(const AtomSpec& atom) {
  switch (atom.kind) {
    case AtomSpec::Kind::kResult: {
      const Observation* seen = observation(atom.label);
      return seen != nullptr && seen->finished && seen->rc == atom.rc;
    }
    case AtomSpec::Kind::kValue: {
      const Observation* seen = observation(atom.label);
      return seen != nullptr && seen->finished && seen->value == atom.value;
    }
    case AtomSpec::Kind::kWalkRepeats: {
      const WalkVerdict* verdict = walk(atom.label);
      return verdict != nullptr && verdict->repeats() == atom.flag;
    }
    case AtomSpec::Kind::kWalkSkips: {
      const WalkVerdict* verdict = walk(atom.label);
      // Without a skip check (the walk failed, presence unknown) "skips" is not shown.
      return verdict != nullptr && verdict->skips_checked && verdict->skips() == atom.flag;
    }
    case AtomSpec::Kind::kFinalPresent:
      return final_present(atom) == atom.flag;
    case AtomSpec::Kind::kFinalValue:
      return final_value(atom);
    case AtomSpec::Kind::kFinalCount:
      return final_count() == atom.count;
    case AtomSpec::Kind::kPathEvent:
      return path_event_seen(atom);
  }
  return false;
}

bool AtomEvaluator::all_hold(const ExpectationSpec& expectation) {
  for (const AtomSpec& atom : expectation.atoms) {
    if (!holds(atom)) return false;
  }
  return true;
}

std::string atom_text(const AtomSpec& atom) {
  const std::string negation = atom.flag ? "" : "not ";
  switch (atom.kind) {
    case AtomSpec::Kind::kResult:
      return "result of " + atom.label + " is " + result_text(atom.rc);
    case AtomSpec::Kind::kValue:
      return "value read by " + atom.label + " is " + short_hex(atom.value);
    case AtomSpec::Kind::kWalkRepeats:
      return "walk " + atom.label + " does " + negation + "repeat a key";
    case AtomSpec::Kind::kWalkSkips:
      return "walk " + atom.label + " does " + negation + "skip a key";
    case AtomSpec::Kind::kFinalPresent:
      return "finally key " + hex_from_bytes(atom.key) + " is " + negation + "present";
    case AtomSpec::Kind::kFinalValue:
      return "finally key " + hex_from_bytes(atom.key) + " holds " + short_hex(atom.value);
    case AtomSpec::Kind::kFinalCount:
      return "finally the map holds " + std::to_string(atom.count) + " keys";
    case AtomSpec::Kind::kPathEvent:
      return "path event " + atom.event + (atom.label.empty() ? "" : " in " + atom.label);
  }
  return "?";
}

const char* expectation_kind_name(ExpectationSpec::Kind kind) {
  switch (kind) {
    case ExpectationSpec::Kind::kAlways: return "always";
    case ExpectationSpec::Kind::kNever: return "never";
    case ExpectationSpec::Kind::kExists: return "exists";
    case ExpectationSpec::Kind::kExpected: return "expected";
  }
  return "?";
}

}  // namespace mapsim::scenario
