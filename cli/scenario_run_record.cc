#include "cli/scenario_run_record.h"

#include <algorithm>

#include "cli/exit_status.h"

namespace mapsim::cli {
namespace {

// Severity order of exit statuses: internal error, bad input, findings, ok.
int severity(int status) {
  switch (status) {
    case kExitInternal: return 3;
    case kExitUsage: return 2;
    case kExitFindings: return 1;
    default: return 0;
  }
}

}  // namespace

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
    const int status = exit_status_of(record.result.verdict);
    if (severity(status) > severity(worst)) worst = status;
  }
  return worst;
}

}  // namespace mapsim::cli
