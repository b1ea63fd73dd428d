// Evaluating expectation atoms (scenario_spec.h, AtomSpec) over one completed execution: its
// observations, its walks' verdicts and the map's final state.
//
// The final state is read from the live map after the execution (direct mode: the end check),
// through the syscall side, which never changes the map (a syscall lookup sets no LRU
// reference bit): present = a lookup succeeds (a bloom filter: the atom's value tests
// positive), value = the bytes a lookup returns, count = the keys a get_next_key iteration
// returns (an array's count is its max_entries).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "impl/map.h"
#include "scenarios/run/compiled_spec.h"
#include "scenarios/run/observation.h"
#include "scenarios/run/walk_check.h"

namespace mapsim::scenario {

class AtomEvaluator {
 public:
  // `walks` is indexed like compiled.walk_slots. REQUIRES: direct mode while holds() runs.
  AtomEvaluator(const CompiledSpec& compiled, const std::vector<Observation>& observations,
                const std::vector<WalkVerdict>& walks, Map& map);

  bool holds(const AtomSpec& atom);
  bool all_hold(const ExpectationSpec& expectation);

 private:
  const Observation* observation(const std::string& label) const;
  const WalkVerdict* walk(const std::string& label) const;
  bool final_present(const AtomSpec& atom);
  bool final_value(const AtomSpec& atom);
  uint64_t final_count();
  bool path_event_seen(const AtomSpec& atom) const;

  const CompiledSpec& compiled_;
  const std::vector<Observation>& observations_;
  const std::vector<WalkVerdict>& walks_;
  Map& map_;
  std::optional<uint64_t> count_;
};

// "result of cpu1.0 is -17 (EEXIST)", "walk cpu0.0 repeats a key", "final count is 3", ...
std::string atom_text(const AtomSpec& atom);
// "always", "never", "exists", "expected".
const char* expectation_kind_name(ExpectationSpec::Kind kind);

}  // namespace mapsim::scenario
