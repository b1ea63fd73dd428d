// Validation of a ScenarioSpec before anything runs (bad input is an error naming the file,
// line, field and what was expected; nothing runs until the spec is valid).
//
// Two passes: validate_structure() needs only the spec (CPUs, labels, which step kinds may
// appear where, flags, expectations' labels, strategy parameters); validate_sizes() needs the
// created map's effective sizes (MapFacts) and checks keys and values byte by byte. What the
// kernel itself answers with an errno (an update of a full map, BPF_F_LOCK on a map without a
// spin lock, a NULL key through the syscall) is not an input error: the step runs and records
// the errno.
#pragma once

#include <string>

#include "scenarios/run/compiled_spec.h"
#include "scenarios/scenario_spec.h"

namespace mapsim::scenario {

// "" when valid, else the first problem. REQUIRES: labels are filled in.
std::string validate_structure(const ScenarioSpec& spec);
// "" when valid, else the first problem. REQUIRES: validate_structure(spec) is "".
std::string validate_sizes(const ScenarioSpec& spec, const MapFacts& map);
// "file:line:column: " (or "file: ", or "") for messages about the spec.
std::string spec_position(const ScenarioSpec& spec, const SourcePos& pos);

}  // namespace mapsim::scenario
