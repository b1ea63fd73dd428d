#include "cli/report_junit.h"

#include "scenarios/run/atom_eval.h"

namespace mapsim::cli {
namespace {

using scenario::Verdict;

bool is_failure(Verdict verdict) {
  return verdict == Verdict::kViolation || verdict == Verdict::kFailedExpectation;
}
bool is_error(Verdict verdict) {
  return verdict == Verdict::kBadScenario || verdict == Verdict::kInternalError;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

std::string testcase(const ScenarioRunRecord& record) {
  const Verdict verdict = record.result.verdict;
  std::string xml = "    <testcase classname=\"" + xml_escape("mapsim." + record.file) +
                    "\" name=\"" + xml_escape(record.name) + "\"";
  if (!is_failure(verdict) && !is_error(verdict)) return xml + "/>\n";
  const std::string findings = findings_text(record);
  const char* element = is_error(verdict) ? "error" : "failure";
  xml += ">\n      <" + std::string(element) + " type=\"" +
         scenario::verdict_name(verdict) + "\" message=\"" +
         xml_escape(first_line(findings)) + "\">" + xml_escape(findings) + "</" + element +
         ">\n    </testcase>\n";
  return xml;
}

}  // namespace

std::string xml_escape(const std::string& text) {
  std::string escaped;
  for (unsigned char c : text) {
    switch (c) {
      case '&': escaped += "&amp;"; break;
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      case '"': escaped += "&quot;"; break;
      case '\'': escaped += "&apos;"; break;
      default:
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          escaped += '?';
        } else {
          escaped += static_cast<char>(c);
        }
    }
  }
  return escaped;
}

std::string findings_text(const ScenarioRunRecord& record) {
  const scenario::ScenarioResult& result = record.result;
  std::string text;
  for (const std::string& error : record.errors) text += error + "\n";
  if (!record.errors.empty()) return text;
  if (!result.error.empty()) {
    // Not one execution's failure (nondeterminism, an exception, an unknown canary): rerunning
    // the scenario as it ran reproduces it.
    text += scenario::verdict_name(result.verdict) + std::string(": ") + result.error + "\n";
    text += "  reproduce: " + record.rerun + "\n";
  }
  for (size_t i = 0; i < result.failures.size(); ++i) {
    const scenario::ScenarioFailure& failure = result.failures[i];
    const bool named = failure.message.rfind(failure.kind + ":", 0) == 0;
    text += (named ? "" : failure.kind + ": ") + failure.message + "\n";
    if (i < record.traces.size()) {
      const FailureTrace& trace = record.traces[i];
      if (!trace.error.empty()) text += "  (trace not written: " + trace.error + ")\n";
      text += "  reproduce: " + trace.reproduce + "\n";
    }
  }
  if (result.failing_executions > result.failures.size()) {
    text += "(" + std::to_string(result.failing_executions - result.failures.size()) +
            " more failing executions not kept)\n";
  }
  for (const scenario::ExpectationResult& expectation : result.expectations) {
    if (expectation.status != scenario::ExpectationResult::Status::kUnmet) continue;
    if (expectation.kind != scenario::ExpectationSpec::Kind::kExists) continue;
    text += "expectation " + std::to_string(expectation.index) + " (" +
            expectation.description + "): " + expectation.message + "\n";
    text += "  reproduce: " + record.rerun + "\n";
  }
  return text;
}

std::string report_junit(const std::vector<ScenarioRunRecord>& records) {
  size_t failures = 0;
  size_t errors = 0;
  for (const ScenarioRunRecord& record : records) {
    failures += is_failure(record.result.verdict) ? 1 : 0;
    errors += is_error(record.result.verdict) ? 1 : 0;
  }
  const std::string counts = "tests=\"" + std::to_string(records.size()) + "\" failures=\"" +
                             std::to_string(failures) + "\" errors=\"" +
                             std::to_string(errors) + "\"";
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"mapsim\" " +
                    counts + ">\n  <testsuite name=\"mapsim run\" " + counts + ">\n";
  for (const ScenarioRunRecord& record : records) xml += testcase(record);
  return xml + "  </testsuite>\n</testsuites>\n";
}

}  // namespace mapsim::cli
