#include "cli/scenario_run_record.h"

#include <algorithm>

#include "cli/exit_status.h"

namespace mapsim::cli {
int exit_status_of(scenario::Verdict verdict) {
  switch (verdict) {
    case scenario::Verdict::kPass: return kExitOk;
    case scenario::Verdict::kViolation:
    case scenario::Verdict::kFailedExpectation: return kExitFindings;
    case scenario::Verdict::kBadScenario: return kExitUsage;
    case scenario::Verdict::kInternalError: return kExitInternal;
  }
  return kExitInternal;
}

int exit_status_of(const std::vector<ScenarioRunRecord>& records) {
  int worst = kExitOk;
  for (const ScenarioRunRecord& record : records) {
    worst = worst_exit_status(worst, exit_status_of(record.result.verdict));
  }
  return worst;
}

}  // namespace mapsim::cli
