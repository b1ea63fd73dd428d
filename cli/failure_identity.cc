#include "cli/failure_identity.h"

#include <cctype>

#include "scenarios/run/scenario_run.h"

namespace mapsim::cli {

std::string check_of(const std::string& message) {
  std::string check;
  for (char c : message) {
    if (c == ':' || c == ';' || c == '\n') break;
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) {
      check += c;
    } else if (check.empty() || check.back() != '#') {
      check += '#';
    }
  }
  return check;
}

FailureIdentity failure_identity(const scenario::ScenarioSpec& spec,
                                 const sim::Schedule& schedule) {
  FailureIdentity identity;
  const scenario::ReplayResult replay = scenario::replay_scenario(spec, schedule);
  if (!replay.ok() || replay.failure_kind.empty()) return identity;
  identity.kind = replay.failure_kind;
  const auto& violations = replay.judgement.violations;
  if (replay.result.failure.kind == sim::FailureKind::kCheck && !violations.empty()) {
    const scenario::Finding& finding = violations.front();
    const int index = finding.expectation;
    if (index >= 0 && static_cast<size_t>(index) < spec.expectations.size()) {
      identity.expectation = spec.expectations[static_cast<size_t>(index)];
      identity.expectation_index = index;
    } else {
      identity.check = check_of(finding.message);
    }
  } else {
    identity.check = check_of(replay.result.failure.message);
  }
  return identity;
}

std::string identity_text(const FailureIdentity& identity) {
  if (!identity.failed()) return "no failure";
  if (identity.expectation) {
    const std::string& description = identity.expectation->description;
    return identity.kind + " (expectation " + std::to_string(identity.expectation_index) +
           (description.empty() ? std::string() : " '" + description + "'") + ")";
  }
  return identity.kind + (identity.check.empty() ? "" : " (" + identity.check + ")");
}

}  // namespace mapsim::cli
