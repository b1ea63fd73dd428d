#include "sim/scenario.h"

#include "sim/hashing.h"

namespace mapsim::sim {
namespace {
const std::vector<int64_t> kNoResults;
}  // namespace

const std::vector<int64_t>& Outcome::cpu_results(int cpu) const {
  for (size_t context = 0; context < contexts.size(); ++context) {
    if (!contexts[context].nested && contexts[context].cpu == cpu) return results[context];
  }
  return kNoResults;
}

const std::vector<int64_t>& Outcome::nested_results(int index) const {
  int seen = 0;
  for (size_t context = 0; context < contexts.size(); ++context) {
    if (contexts[context].nested && seen++ == index) return results[context];
  }
  return kNoResults;
}

uint64_t scenario_fingerprint(const Scenario& scenario, const ScenarioInstance& instance) {
  uint64_t hash = hash_text(0x6d617073696dull, scenario.name);
  hash = hash_mix(hash, static_cast<uint64_t>(scenario.possible_cpus));
  for (size_t cpu = 0; cpu < instance.cpus.size(); ++cpu) {
    hash = hash_mix(hash, cpu);
    for (const Operation& operation : instance.cpus[cpu]) hash = hash_text(hash, operation.name);
  }
  for (const NestedProgram& nested : instance.nested) {
    hash = hash_mix(hash, 0x1000 + static_cast<uint64_t>(nested.cpu));
    for (const Operation& operation : nested.operations) hash = hash_text(hash, operation.name);
  }
  return hash;
}

}  // namespace mapsim::sim
