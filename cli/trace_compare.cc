#include "cli/trace_compare.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace mapsim::cli {
namespace {

using scenario::TraceEntry;
using scenario::TraceFile;

constexpr size_t kContextRecords = 3;  // records shown before the first difference
constexpr size_t kResultDifferencesShown = 8;

std::string hex64(uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

std::string failure_text(const scenario::TraceFailure& failure) {
  if (failure.kind.empty()) return "no failure";
  return failure.kind + " at step " + std::to_string(failure.step) + ": " + failure.message;
}

std::string record_text(const std::vector<TraceEntry>& records, size_t index) {
  return index < records.size() ? records[index].text : "(no record: the trace ended)";
}

void compare_results(const TraceFile& recorded, const TraceFile& replayed,
                     std::vector<std::string>* out) {
  size_t shown = 0;
  const size_t contexts = std::max(recorded.results.size(), replayed.results.size());
  for (size_t c = 0; c < contexts && shown < kResultDifferencesShown; ++c) {
    if (c >= recorded.results.size() || c >= replayed.results.size()) {
      out->push_back("results: context " + std::to_string(c) + " exists only in the " +
                     (c >= recorded.results.size() ? "replay" : "recording"));
      ++shown;
      continue;
    }
    const auto& a = recorded.results[c].operations;
    const auto& b = replayed.results[c].operations;
    for (size_t i = 0; i < std::max(a.size(), b.size()) && shown < kResultDifferencesShown; ++i) {
      const std::string was = i < a.size() ? a[i].name + " -> " + std::to_string(a[i].rc)
                                           : "(did not run)";
      const std::string now = i < b.size() ? b[i].name + " -> " + std::to_string(b[i].rc)
                                           : "(did not run)";
      if (was == now) continue;
      out->push_back("results: context " + std::to_string(c) + " operation " +
                     std::to_string(i) + ": recorded " + was + ", replayed " + now);
      ++shown;
    }
  }
}

void compare_records(const TraceFile& recorded, const TraceFile& replayed,
                     std::vector<std::string>* out) {
  const size_t first = first_record_difference(recorded.records, replayed.records);
  if (first == SIZE_MAX) return;
  std::string text = "trace records differ from record " + std::to_string(first) + " (of " +
                     std::to_string(recorded.records.size()) + " recorded, " +
                     std::to_string(replayed.records.size()) + " replayed):\n";
  const size_t from = first > kContextRecords ? first - kContextRecords : 0;
  for (size_t i = from; i < first; ++i) text += "    same:     " + recorded.records[i].text + "\n";
  text += "    recorded: " + record_text(recorded.records, first) + "\n";
  text += "    replayed: " + record_text(replayed.records, first);
  out->push_back(text);
}

}  // namespace

size_t first_record_difference(const std::vector<TraceEntry>& recorded,
                               const std::vector<TraceEntry>& replayed) {
  const size_t common = std::min(recorded.size(), replayed.size());
  for (size_t i = 0; i < common; ++i) {
    if (!(recorded[i] == replayed[i])) return i;
  }
  return recorded.size() == replayed.size() ? SIZE_MAX : common;
}

std::vector<std::string> trace_differences(const TraceFile& recorded,
                                           const TraceFile& replayed) {
  std::vector<std::string> out;
  if (!(recorded.failure == replayed.failure)) {
    out.push_back("failure: recorded " + failure_text(recorded.failure) + "; replayed " +
                  failure_text(replayed.failure));
  }
  if (recorded.steps != replayed.steps) {
    out.push_back("steps: recorded " + std::to_string(recorded.steps) + ", replayed " +
                  std::to_string(replayed.steps));
  }
  if (recorded.trace_hash != replayed.trace_hash) {
    out.push_back("trace hash: recorded " + hex64(recorded.trace_hash) + ", replayed " +
                  hex64(replayed.trace_hash));
  }
  compare_results(recorded, replayed, &out);
  compare_records(recorded, replayed, &out);
  return out;
}

}  // namespace mapsim::cli
