// The section readers of a scenario file, one per top-level part (docs/scenario-format.md), and
// what they share: the map's shape (which sizes keys and values) and the table of step labels
// (which expectations refer to).
//
// Order matters and is fixed by scenario_yaml.cc: possible_cpus and map first (values cannot be
// sized without them), then setup, the CPU programs and interrupts (they define the labels),
// then the run settings and the expectations. A section that fails leaves what depends on it
// unchecked rather than reporting follow-on errors: with an unknown map type no value is sized,
// and an atom naming a step that had errors is not judged against it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "scenarios/scenario_spec.h"
#include "scenarios/yaml/reader.h"

namespace mapsim::scenario::yaml {

// Limits of scenario files (documented in the format).
inline constexpr int kPossibleCpusMax = 4096;          ///< SimPlatform::kMaxPossibleCpus
inline constexpr uint32_t kKeySizeMax = 512;           ///< MAX_BPF_STACK: larger keys are E2BIG
inline constexpr uint32_t kValueSizeMax = 1u << 20;    ///< bytes
inline constexpr uint32_t kPercpuValueSizeMax = 32768; ///< PCPU_MIN_UNIT_SIZE: larger is E2BIG
inline constexpr size_t kDeviceNameMax = 15;           ///< IFNAMSIZ - 1

struct MapShape {
  bool known = false;  ///< type and sizes were read without error: values can be sized
  uint32_t type = 0;
  uint32_t key_size = 0;
  uint32_t value_size = 0;
  int possible_cpus = 0;  ///< 0 when possible_cpus itself was wrong

  bool percpu() const;
  bool lru() const;
  bool bloom_filter() const;
  bool devmap() const;
  // Per-CPU maps through the syscall: every possible CPU's slot, rounded up to 8 bytes.
  size_t syscall_value_size() const;
};

// The map types scenario files accept: the ones mapsim simulates.
bool map_type_simulated(uint32_t type);
std::string simulated_map_type_names();

enum class StepPlace : uint8_t { kSetup, kCpu, kInterrupt };

struct StepScope {
  StepPlace place = StepPlace::kCpu;
  int number = 0;    ///< the CPU (kCpu) or the interrupt's index (kInterrupt)
  std::string path;  ///< of the op list: "cpu1", "setup", "interrupts[0].ops"
};

struct LabeledStep {
  StepSpec step;
  bool ok = true;  ///< the step was read without error (atoms are judged against it)
};
using LabelTable = std::map<std::string, LabeledStep, std::less<>>;

int read_possible_cpus(Context& context, const Entry* entry);
uint64_t read_map_seed(Context& context, const Entry* entry);
// REQUIRES: `entry` is the map section. possible_cpus: 0 when that was wrong.
MapShape read_map(Context& context, const Entry& entry, int possible_cpus, MapAttr* attr);
void read_devices(Context& context, const Entry* entry, const MapShape& shape,
                  std::map<uint32_t, std::string>* devices);

// One op list (setup, a CPU's program, an interrupt's ops). Fills default labels, reports
// duplicate labels against `labels` and adds its steps there.
std::vector<StepSpec> read_steps(Context& context, const Value& list, const MapShape& shape,
                                 const StepScope& scope, LabelTable* labels);
// A top-level "cpu<N>" entry; nullopt when the key or the program is wrong.
std::optional<CpuProgramSpec> read_cpu_program(Context& context, const Entry& entry,
                                               const MapShape& shape, LabelTable* labels);
std::vector<InterruptSpec> read_interrupts(Context& context, const Entry& entry,
                                           const MapShape& shape, LabelTable* labels);

FaultSpec read_faults(Context& context, const Entry& entry);
ExploreSpec read_explore(Context& context, const Entry& entry);
ChecksSpec read_checks(Context& context, const Entry& entry);
std::vector<ExpectationSpec> read_expectations(Context& context, const Entry& entry,
                                               const MapShape& shape, const LabelTable& labels);

// Keys and values of steps and atoms, by layout.
enum class ValueLayout : uint8_t {
  kProgram,  ///< value_size bytes: what a program reads or writes
  kSyscall,  ///< the syscall buffer: per CPU for per-CPU maps (a scalar: every CPU; a list)
  kAddend,   ///< 8 bytes: the u64 a program adds through a value pointer
};
std::optional<Bytes> read_key(Context& context, const Value& value, const MapShape& shape);
std::optional<Bytes> read_value(Context& context, const Value& value, const MapShape& shape,
                                ValueLayout layout);
// A value's result code: 0, a negative errno, or an errno name ("ENOENT", "-ENOENT").
std::optional<int64_t> read_result_code(Context& context, const Value& value);

}  // namespace mapsim::scenario::yaml
