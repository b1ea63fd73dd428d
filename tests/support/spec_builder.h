// Building ScenarioSpec values in C++ for tests: 4-byte keys and 8-byte values given as
// integers, one call per step.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "impl/uapi.h"
#include "scenarios/scenario_spec.h"
#include "tests/support/bytes.h"

namespace mapsim::testing {

inline Bytes key32(uint32_t key) { return le_bytes(key, 4); }
inline Bytes value64(uint64_t value) { return le_bytes(value, 8); }

inline scenario::StepSpec make_step(scenario::StepKind kind, std::optional<uint32_t> key = {},
                                    std::optional<uint64_t> value = {}, uint64_t flags = 0,
                                    Via via = Via::kSyscall) {
  scenario::StepSpec step;
  step.kind = kind;
  step.via = via;
  if (key) step.key = key32(*key);
  if (value) step.value = value64(*value);
  step.flags = flags;
  return step;
}

inline scenario::StepSpec update(uint32_t key, uint64_t value, uint64_t flags = 0) {
  return make_step(scenario::StepKind::kUpdate, key, value, flags);
}
inline scenario::StepSpec prog_update(uint32_t key, uint64_t value, uint64_t flags = 0) {
  return make_step(scenario::StepKind::kUpdate, key, value, flags, Via::kProgram);
}
inline scenario::StepSpec lookup(uint32_t key) { return make_step(scenario::StepKind::kLookup, key); }
inline scenario::StepSpec prog_lookup(uint32_t key) {
  return make_step(scenario::StepKind::kLookup, key, {}, 0, Via::kProgram);
}
inline scenario::StepSpec remove(uint32_t key) { return make_step(scenario::StepKind::kDelete, key); }
inline scenario::StepSpec prog_delete(uint32_t key) {
  return make_step(scenario::StepKind::kDelete, key, {}, 0, Via::kProgram);
}
inline scenario::StepSpec walk() { return make_step(scenario::StepKind::kWalk); }
inline scenario::StepSpec with_label(scenario::StepSpec step, std::string label) {
  step.label = std::move(label);
  return step;
}

// A map of `type` with 4-byte keys and 8-byte values (hash maps: add BPF_F_ZERO_SEED for a
// hash order independent of the scenario's seed).
inline scenario::ScenarioSpec spec_for(uint32_t type, uint32_t max_entries, uint32_t flags = 0,
                                       int possible_cpus = 2) {
  scenario::ScenarioSpec spec;
  spec.name = "test";
  spec.possible_cpus = possible_cpus;
  spec.map.map_type = type;
  spec.map.key_size = 4;
  spec.map.value_size = 8;
  spec.map.max_entries = max_entries;
  spec.map.map_flags = flags;
  return spec;
}

inline scenario::CpuProgramSpec program(int cpu, std::vector<scenario::StepSpec> steps) {
  scenario::CpuProgramSpec program;
  program.cpu = cpu;
  program.steps = std::move(steps);
  return program;
}

inline scenario::AtomSpec result_atom(std::string label, int64_t rc) {
  scenario::AtomSpec atom;
  atom.kind = scenario::AtomSpec::Kind::kResult;
  atom.label = std::move(label);
  atom.rc = rc;
  return atom;
}

inline scenario::ExpectationSpec expectation(scenario::ExpectationSpec::Kind kind,
                                             std::vector<scenario::AtomSpec> atoms,
                                             std::string description = "") {
  scenario::ExpectationSpec expectation;
  expectation.kind = kind;
  expectation.atoms = std::move(atoms);
  expectation.description = std::move(description);
  return expectation;
}

}  // namespace mapsim::testing
