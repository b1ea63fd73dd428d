#include "scenarios/run/execution_judge.h"

#include "scenarios/hex.h"

namespace mapsim::scenario {
namespace {

std::string keys_text(const std::vector<Bytes>& keys) {
  std::string text;
  for (size_t i = 0; i < keys.size() && i < 8; ++i) text += (i ? " " : "") + hex_from_bytes(keys[i]);
  if (keys.size() > 8) text += " ... (" + std::to_string(keys.size()) + " keys)";
  return text;
}

void add_walk_findings(const CompiledSpec& compiled, const ExecutionFlags& flags,
                       std::vector<Finding>* findings) {
  for (size_t i = 0; i < compiled.walk_slots.size() && i < flags.walks.size(); ++i) {
    const std::string& label = compiled.slots[compiled.walk_slots[i]].step->label;
    const WalkVerdict& walk = flags.walks[i];
    if (walk.repeats()) {
      findings->push_back(Finding{Finding::Kind::kWalkRepeat,
                                  "walk " + label + " returned keys more than once: " +
                                      keys_text(walk.repeated),
                                  {label}, -1});
    }
    if (walk.skips()) {
      findings->push_back(Finding{Finding::Kind::kWalkSkip,
                                  "walk " + label + " missed keys present during the whole walk: " +
                                      keys_text(walk.skipped),
                                  {label}, -1});
    }
  }
}

std::vector<std::string> atom_labels(const ExpectationSpec& expectation) {
  std::vector<std::string> labels;
  for (const AtomSpec& atom : expectation.atoms) {
    if (!atom.label.empty()) labels.push_back(atom.label);
  }
  return labels;
}

// Whether satisfied `expected` expectation `expectation` covers `finding`.
bool covers(const ExpectationSpec& expectation, const Finding& finding) {
  switch (finding.kind) {
    case Finding::Kind::kWalkRepeat:
    case Finding::Kind::kWalkSkip: {
      const AtomSpec::Kind wanted = finding.kind == Finding::Kind::kWalkRepeat
                                        ? AtomSpec::Kind::kWalkRepeats
                                        : AtomSpec::Kind::kWalkSkips;
      for (const AtomSpec& atom : expectation.atoms) {
        if (atom.kind == wanted && atom.flag && atom.label == finding.labels.front()) return true;
      }
      return false;
    }
    case Finding::Kind::kLinearizability:
      return true;
    case Finding::Kind::kInvariant:
    case Finding::Kind::kAlways:
    case Finding::Kind::kNever:
    case Finding::Kind::kInternal:
      return false;
  }
  return false;
}

}  // namespace

ExecutionJudgement judge_execution(const CompiledSpec& compiled, const ExecutionFlags& flags,
                                   AtomEvaluator& atoms) {
  ExecutionJudgement judgement;
  judgement.judged = true;
  const std::vector<ExpectationSpec>& expectations = compiled.spec.expectations;
  std::vector<Finding> findings;
  if (!flags.invariant_problem.empty()) {
    findings.push_back(Finding{Finding::Kind::kInvariant, flags.invariant_problem, {}, -1});
  }
  if (compiled.spec.checks.walks) add_walk_findings(compiled, flags, &findings);
  for (const Finding& finding : flags.history) {
    // A malformed history is mapsim's own error and is reported even with the check off.
    if (compiled.spec.checks.linearizability || finding.kind == Finding::Kind::kInternal) {
      findings.push_back(finding);
    }
  }
  for (size_t i = 0; i < expectations.size(); ++i) {
    const ExpectationSpec& expectation = expectations[i];
    const bool satisfied = atoms.all_hold(expectation);
    judgement.satisfied.push_back(satisfied);
    const std::string name = "expectation " + std::to_string(i) +
                             (expectation.description.empty() ? "" : " '" +
                                                                          expectation.description +
                                                                          "'");
    if (expectation.kind == ExpectationSpec::Kind::kAlways && !satisfied) {
      std::string failed;
      for (const AtomSpec& atom : expectation.atoms) {
        if (!atoms.holds(atom)) failed += (failed.empty() ? "" : "; ") + atom_text(atom);
      }
      findings.push_back(Finding{Finding::Kind::kAlways,
                                 name + " (always) does not hold: not (" + failed + ")",
                                 atom_labels(expectation), static_cast<int>(i)});
    }
    if (expectation.kind == ExpectationSpec::Kind::kNever && satisfied) {
      std::string held;
      for (const AtomSpec& atom : expectation.atoms) held += (held.empty() ? "" : "; ") + atom_text(atom);
      findings.push_back(Finding{Finding::Kind::kNever, name + " (never) holds: " + held,
                                 atom_labels(expectation), static_cast<int>(i)});
    }
  }
  for (Finding& finding : findings) {
    int excuser = -1;
    for (size_t i = 0; i < expectations.size() && excuser < 0; ++i) {
      if (expectations[i].kind == ExpectationSpec::Kind::kExpected && judgement.satisfied[i] &&
          covers(expectations[i], finding)) {
        excuser = static_cast<int>(i);
      }
    }
    if (excuser < 0) {
      judgement.violations.push_back(std::move(finding));
      continue;
    }
    judgement.excused.push_back(std::move(finding));
    bool listed = false;
    for (int known : judgement.excusing) listed = listed || known == excuser;
    if (!listed) judgement.excusing.push_back(excuser);
  }
  return judgement;
}

std::string violation_message(const ExecutionJudgement& judgement) {
  if (judgement.violations.empty()) return "";
  const Finding& first = judgement.violations.front();
  std::string message = std::string(finding_kind_name(first.kind)) + ": " + first.message;
  if (judgement.violations.size() > 1) {
    message += " (and " + std::to_string(judgement.violations.size() - 1) + " more: ";
    for (size_t i = 1; i < judgement.violations.size(); ++i) {
      message += (i > 1 ? ", " : "") + std::string(finding_kind_name(judgement.violations[i].kind));
    }
    message += ")";
  }
  return message;
}

}  // namespace mapsim::scenario
