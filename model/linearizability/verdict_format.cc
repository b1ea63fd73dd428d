// format_verdict() (linearizability_check.h): a verdict as text for reports and test output.
#include <string>

#include "model/linearizability/linearizability_check.h"
#include "scenarios/hex.h"

namespace mapsim::linearizability {
namespace {

std::string op_line(const ReportedOp& op) {
  std::string line = "  context " + std::to_string(op.context) + " cpu" +
                     std::to_string(op.cpu) + " [" + std::to_string(op.invoked_step) + ", " +
                     std::to_string(op.returned_step) + "] " + scenario::step_kind_name(op.kind) +
                     (op.via == Via::kProgram ? " (prog)" : "");
  if (op.key) line += " key " + hex_from_bytes(*op.key);
  if (!op.value.empty()) line += " value " + hex_from_bytes(op.value);
  if (op.flags != 0) line += " flags " + std::to_string(op.flags);
  line += " -> rc " + std::to_string(op.rc);
  if (!op.observed.empty()) line += " read " + hex_from_bytes(op.observed);
  if (!op.label.empty() || op.line > 0) {
    line += "  (";
    if (!op.label.empty()) line += "'" + op.label + "'";
    if (!op.label.empty() && op.line > 0) line += ", ";
    if (op.line > 0) line += "line " + std::to_string(op.line);
    line += ")";
  }
  return line + "\n";
}

}  // namespace

std::string format_verdict(const LinearizabilityVerdict& verdict) {
  std::string text;
  switch (verdict.kind) {
    case LinearizabilityVerdict::Kind::kLinearizable: text = "linearizable"; break;
    case LinearizabilityVerdict::Kind::kNotLinearizable: text = "NOT linearizable"; break;
    case LinearizabilityVerdict::Kind::kNotCheckable: text = "not checkable"; break;
  }
  if (!verdict.reason.empty()) text += ": " + verdict.reason;
  text += "\n";
  if (!verdict.partitioning.empty()) text += "partitioning: " + verdict.partitioning + "\n";
  if (!verdict.smallest_part.empty()) {
    text += std::string("smallest non-linearizable part (") +
            std::to_string(verdict.smallest_part.size()) + " ops" +
            (verdict.smallest_part_minimal ? ", 1-minimal" : ", shrinking stopped early") +
            "; [first step, last step]):\n";
    for (const ReportedOp& op : verdict.smallest_part) text += op_line(op);
  }
  for (const std::string& caveat : verdict.caveats) text += "caveat: " + caveat + "\n";
  if (!verdict.unchecked.empty()) {
    text += "not checked here (walks, judged by the walk check): " +
            std::to_string(verdict.unchecked.size()) + " ops\n";
  }
  const LinearizabilityStats& stats = verdict.stats;
  text += "search: " + std::to_string(stats.ops_checked) + " ops, " +
          std::to_string(stats.partitions) + " partitions (largest " +
          std::to_string(stats.largest_partition) + "), " + std::to_string(stats.states) +
          " configurations, " + std::to_string(stats.cache_hits) + " met again";
  if (stats.shrink_checks > 0) {
    text += ", " + std::to_string(stats.shrink_checks) + " shrinking searches (" +
            std::to_string(stats.shrink_states) + " configurations)";
  }
  return text + "\n";
}

}  // namespace mapsim::linearizability
