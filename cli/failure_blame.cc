#include "cli/failure_blame.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <sstream>

#include "scenarios/scenario_yaml.h"

namespace mapsim::cli {
namespace {

// Where the operation labelled `label` ran: its context and index among the context's
// operations (the results list the operations that ran, in program order).
std::optional<viz::SwimlaneOperation> operation_labelled(const scenario::TraceFile& file,
                                                         const std::string& label) {
  for (const scenario::TraceContextResults& results : file.results) {
    for (size_t index = 0; index < results.operations.size(); ++index) {
      const std::string& name = results.operations[index].name;
      if (name == label || name.rfind(label + " ", 0) == 0) {
        return viz::SwimlaneOperation{results.context, index};
      }
    }
  }
  return std::nullopt;
}

// The operation of `context` running at `step`: the last one it began at or before it.
std::optional<viz::SwimlaneOperation> operation_at(const scenario::TraceFile& file, int context,
                                                   uint32_t step) {
  std::optional<viz::SwimlaneOperation> found;
  for (const scenario::TraceEntry& entry : file.records) {
    if (entry.kind != "begin" || entry.context != context) continue;
    if (entry.step > step) break;
    found = viz::SwimlaneOperation{context, static_cast<uint64_t>(entry.value)};
  }
  return found;
}

// N of "expectation N" in the message, or -1.
int expectation_index(const std::string& message) {
  const std::string marker = "expectation ";
  const size_t at = message.find(marker);
  if (at == std::string::npos) return -1;
  const char* digits = message.c_str() + at + marker.size();
  char* end = nullptr;
  const long index = std::strtol(digits, &end, 10);
  return end == digits ? -1 : static_cast<int>(index);
}

void add_label(const scenario::TraceFile& file, const std::string& label,
               BlamedOperations* blamed) {
  if (auto operation = operation_labelled(file, label)) blamed->operations.push_back(*operation);
}

void blame_expectation(const scenario::TraceFile& file, BlamedOperations* blamed) {
  const int index = expectation_index(file.failure.message);
  const scenario::ScenarioParse parse =
      scenario::parse_scenario_yaml(file.scenario_yaml, file.scenario_file);
  if (index < 0 || !parse.ok() || static_cast<size_t>(index) >= parse.spec.expectations.size()) {
    return;
  }
  const scenario::ExpectationSpec& expectation = parse.spec.expectations[index];
  for (const scenario::AtomSpec& atom : expectation.atoms) {
    if (!atom.label.empty()) add_label(file, atom.label, blamed);
  }
  blamed->source = "the steps expectation " + std::to_string(index) + " (" + file.failure.kind +
                   ") names";
  if (blamed->operations.empty()) blamed->source += " (its atoms judge the final state only)";
}

void blame_walk(const scenario::TraceFile& file, BlamedOperations* blamed) {
  const std::string marker = "walk ";
  const size_t at = file.failure.message.find(marker);
  if (at == std::string::npos) return;
  const size_t start = at + marker.size();
  const std::string label =
      file.failure.message.substr(start, file.failure.message.find(' ', start) - start);
  add_label(file, label, blamed);
  blamed->source = "walk " + label;
}

// "  context C cpuN [first, last] ... ('LABEL', line L)" lines after the smallest part's title.
void blame_linearizability(const scenario::TraceFile& file, BlamedOperations* blamed) {
  std::istringstream lines(file.failure.message);
  std::string line;
  bool in_part = false;
  while (std::getline(lines, line)) {
    if (line.rfind("smallest non-linearizable part", 0) == 0) {
      in_part = true;
      continue;
    }
    if (!in_part) continue;
    if (line.rfind("  context ", 0) != 0) break;
    const size_t quote = line.find("  ('");
    if (quote != std::string::npos) {
      const size_t start = quote + 4;
      const std::string label = line.substr(start, line.find('\'', start) - start);
      if (auto operation = operation_labelled(file, label)) {
        blamed->operations.push_back(*operation);
        continue;
      }
    }
    int context = 0;
    unsigned first_step = 0;
    if (std::sscanf(line.c_str(), "  context %d cpu%*d [%u,", &context, &first_step) == 2) {
      if (auto operation = operation_at(file, context, first_step)) {
        blamed->operations.push_back(*operation);
      }
    }
  }
  if (in_part) blamed->source = "the smallest non-linearizable part";
}

}  // namespace

BlamedOperations blamed_operations(const scenario::TraceFile& file) {
  BlamedOperations blamed;
  const std::string& kind = file.failure.kind;
  if (kind == "always" || kind == "never" || kind == "exists") {
    blame_expectation(file, &blamed);
  } else if (kind.rfind("walk", 0) == 0) {
    blame_walk(file, &blamed);
  } else if (kind == "linearizability") {
    blame_linearizability(file, &blamed);
  }
  std::sort(blamed.operations.begin(), blamed.operations.end());
  blamed.operations.erase(std::unique(blamed.operations.begin(), blamed.operations.end()),
                          blamed.operations.end());
  return blamed;
}

}  // namespace mapsim::cli
