// How scenario steps and their results are spelled in traces, schedules and messages.
//
// Operation names are part of a schedule's fingerprint (sim/scenario.h): a schedule replays only
// against a scenario whose steps have the same labels, kinds, keys and flags. Values are shown in
// full up to 16 bytes, longer ones by their first 8 bytes and their length, so that traces stay
// readable; a replay still compares the trace hash, which sees every byte.
//
//   "cpu1.0 update key=01000000 value=0a00000000000000 flags=BPF_NOEXIST"
//   "irq0.0 prog lookup key=01000000"
//   "cpu0.1 walk"
#pragma once

#include <cstdint>
#include <string>

#include "scenarios/scenario_spec.h"

namespace mapsim::scenario {

// step_kind_name() and the kind predicates are in scenarios/scenario_spec.h.
// "BPF_NOEXIST", "BPF_EXIST|BPF_F_LOCK", "0x40" for bits without a name; "BPF_ANY" for 0.
std::string element_flags_text(uint64_t flags);
// The name of the simulator operation that runs `step` (label first).
std::string operation_name(const StepSpec& step);
// "0", "-17 (EEXIST)", "-524 (ENOTSUPP)".
std::string result_text(int64_t rc);
// Hex of at most 16 bytes; longer byte strings as "0102030405060708...(24 bytes)".
std::string short_hex(const Bytes& bytes);

}  // namespace mapsim::scenario
