// Schedule: the record of every nondeterministic choice of one execution (STYLE G3, the
// "record" next to mechanism and decision; loom's Path).
//
// An execution is a pure function of its scenario and its schedule: replaying the choices
// through the same Strategy interface (sim/strategy/replay.h) reproduces it step for step, and
// the trace hash stored with the schedule proves it. Two kinds of choice exist:
// - context: which context takes the next step (every step records one, even when only one
//   context was enabled, so that a divergent replay is noticed at the first step that differs);
// - value: the outcome of a nondeterministic event inside a step (today: 1 = this allocation
//   fails, 0 = it succeeds).
//
// Text forms (both carry the scenario's name and structural fingerprint, so that a schedule is
// never silently replayed against another scenario):
//   compact:  mapsim-schedule/1 scenario=lru%20steal fingerprint=0123456789abcdef
//             hash=fedcba9876543210 choices=0.0.1.v1.1.0        (one line)
//   JSON:     {"format":"mapsim-schedule","version":1,"scenario":"lru steal",
//              "fingerprint":"0123456789abcdef","trace_hash":"fedcba9876543210",
//              "choices":[0,0,1,{"value":1},1,0]}
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/result.h"

namespace mapsim::sim {

struct Choice {
  enum class Kind : uint8_t { kContext, kValue };
  Kind kind = Kind::kContext;
  uint16_t value = 0;  ///< context id, or the chosen outcome

  static Choice context(int id) { return {Kind::kContext, static_cast<uint16_t>(id)}; }
  static Choice outcome(int value) { return {Kind::kValue, static_cast<uint16_t>(value)}; }
  bool operator==(const Choice&) const = default;
};

struct Schedule {
  static constexpr int kFormatVersion = 1;
  static constexpr int kMaxValue = 65535;

  std::string scenario;      ///< the scenario's name
  uint64_t fingerprint = 0;  ///< the scenario's structure (sim/scenario.h)
  uint64_t trace_hash = 0;   ///< the trace this schedule produced; 0 when unknown
  std::vector<Choice> choices;

  std::string to_compact() const;
  std::string to_json() const;
  // Only the choices, "0.0.1.v1.1.0".
  std::string choices_text() const;

  static Result<Schedule> parse_compact(std::string_view text);
  static Result<Schedule> parse_json(std::string_view text);
  // Either form, recognised by its first non-blank character.
  static Result<Schedule> parse(std::string_view text);
  // Parses "0.0.1.v1" into `out`; an error names the first bad entry.
  static std::string parse_choices(std::string_view text, std::vector<Choice>* out);
};

}  // namespace mapsim::sim
