#include "scenarios/trace/trace_file.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "impl/lru_path_event.h"

namespace mapsim::scenario {
namespace {

using nlohmann::json;
constexpr std::string_view kFormatName = "mapsim-trace";

std::string hex64(uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

// Names objects as Trace::format does: SimPlatform objects obj#1, obj#2, ... by appearance.
class ObjectNames {
 public:
  std::string operator()(sim::ObjectKey key) {
    if (key == sim::kNoObject) return "";
    if (sim::object_tag(key) != sim::ObjectTag::kSimObject) return sim::object_key_name(key);
    auto [entry, added] = numbers_.emplace(key, numbers_.size() + 1);
    return "obj#" + std::to_string(entry->second);
  }

 private:
  std::unordered_map<sim::ObjectKey, size_t> numbers_;
};

const char* record_kind_name(sim::TraceKind kind) {
  switch (kind) {
    case sim::TraceKind::kStep: return "step";
    case sim::TraceKind::kOperationBegin: return "begin";
    case sim::TraceKind::kOperationEnd: return "end";
    case sim::TraceKind::kPathEvent: return "path_event";
  }
  return "?";
}

std::string operation_name(const sim::CapturedExecution& captured, int context, uint64_t index) {
  if (static_cast<size_t>(context) >= captured.operation_names.size()) return "";
  const std::vector<std::string>& names = captured.operation_names[context];
  return index < names.size() ? names[index] : "";
}

json entry_json(const TraceEntry& entry) {
  json object = {{"step", entry.step}, {"context", entry.context}, {"cpu", entry.cpu},
                 {"kind", entry.kind}};
  if (!entry.op.empty()) object["op"] = entry.op;
  if (!entry.object.empty()) object["object"] = entry.object;
  if (!entry.object2.empty()) object["object2"] = entry.object2;
  object["value"] = entry.value;
  object["text"] = entry.text;
  return object;
}

json results_json(const TraceContextResults& results) {
  json operations = json::array();
  for (const TraceOperationResult& operation : results.operations) {
    operations.push_back({{"name", operation.name}, {"rc", operation.rc}});
  }
  return {{"context", results.context}, {"cpu", results.cpu}, {"nested", results.nested},
          {"operations", operations}};
}

// One member per line; arrays of records and results one element per line.
void append_member(std::string* text, const std::string& key, const std::string& value,
                   bool last = false) {
  *text += "  " + json(key).dump() + ": " + value + (last ? "\n" : ",\n");
}

template <class T, class ToJson>
std::string array_lines(const std::vector<T>& items, ToJson to_json) {
  if (items.empty()) return "[]";
  std::string text = "[\n";
  for (size_t i = 0; i < items.size(); ++i) {
    text += "    " + to_json(items[i]).dump() + (i + 1 < items.size() ? ",\n" : "\n");
  }
  return text + "  ]";
}

}  // namespace

std::vector<TraceEntry> trace_entries(const sim::CapturedExecution& captured) {
  std::vector<TraceEntry> entries;
  ObjectNames names;
  for (size_t i = 0; i < captured.records.size(); ++i) {
    const sim::TraceRecord& record = captured.records[i];
    TraceEntry entry;
    entry.step = record.step;
    entry.context = record.context;
    entry.cpu = record.cpu;
    entry.kind = record_kind_name(record.kind);
    entry.value = static_cast<int64_t>(record.value);
    switch (record.kind) {
      case sim::TraceKind::kStep:
        entry.op = sim::visible_op_kind_name(record.op.kind);
        entry.object = names(record.op.object);
        entry.object2 = names(record.op.object2);
        break;
      case sim::TraceKind::kOperationBegin:
        entry.op = operation_name(captured, record.context, record.value);
        break;
      case sim::TraceKind::kOperationEnd:
        break;
      case sim::TraceKind::kPathEvent: {
        const char* name = path_event_name(static_cast<PathEvent>(record.op.object));
        entry.op = name != nullptr ? name : "event#" + std::to_string(record.op.object);
        break;
      }
    }
    entry.text = i < captured.lines.size() ? captured.lines[i] : "";
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::vector<TraceContextResults> trace_results(const sim::CapturedExecution& captured) {
  std::vector<TraceContextResults> all;
  const sim::Outcome& outcome = captured.outcome;
  for (size_t context = 0; context < outcome.contexts.size(); ++context) {
    TraceContextResults results;
    results.context = static_cast<int>(context);
    results.cpu = outcome.contexts[context].cpu;
    results.nested = outcome.contexts[context].nested;
    const std::vector<int64_t>& codes = outcome.results[context];
    for (size_t index = 0; index < codes.size(); ++index) {
      results.operations.push_back(
          {operation_name(captured, static_cast<int>(context), index), codes[index]});
    }
    all.push_back(std::move(results));
  }
  return all;
}

void fill_from_capture(const sim::CapturedExecution& captured, TraceFile* file) {
  const sim::Failure& failure = captured.result.failure;
  file->failure = TraceFailure{};
  if (failure) {
    file->failure = {sim::failure_kind_name(failure.kind), failure.message, failure.step,
                     failure.kind != sim::FailureKind::kCheck};
  }
  file->schedule = captured.schedule;
  file->trace_hash = captured.result.trace_hash;
  file->steps = captured.result.steps;
  file->results = trace_results(captured);
  file->records = trace_entries(captured);
  file->stack_kib = static_cast<uint32_t>(captured.stack_bytes >> 10);
}

std::string trace_file_json(const TraceFile& file) {
  std::string text = "{\n";
  append_member(&text, "format", json(kFormatName).dump());
  append_member(&text, "format_version", json(file.format_version).dump());
  append_member(&text, "mapsim", json{{"version", file.mapsim_version},
                                      {"git_describe", file.git_describe},
                                      {"git_commit", file.git_commit}}.dump());
  append_member(&text, "scenario", json{{"name", file.scenario_name},
                                        {"file", file.scenario_file}}.dump());
  append_member(&text, "scenario_yaml", json(file.scenario_yaml).dump());
  append_member(&text, "description", json(file.description).dump());
  append_member(&text, "mutants", json(file.mutants).dump());
  json exploration{{"strategy", file.strategy}, {"seed", file.seed},
                   {"execution", file.execution}};
  if (file.stack_kib != 0) exploration["stack_kib"] = file.stack_kib;
  append_member(&text, "exploration", exploration.dump());
  const json failure = file.failure.kind.empty()
                           ? json(nullptr)
                           : json{{"kind", file.failure.kind},
                                  {"message", file.failure.message},
                                  {"step", file.failure.step},
                                  {"at_step", file.failure.at_step}};
  append_member(&text, "failure", failure.dump());
  append_member(&text, "schedule", json::parse(file.schedule.to_json()).dump());
  append_member(&text, "trace_hash", json(hex64(file.trace_hash)).dump());
  append_member(&text, "steps", json(file.steps).dump());
  append_member(&text, "results", array_lines(file.results, results_json));
  append_member(&text, "records", array_lines(file.records, entry_json));
  append_member(&text, "reproduce", json(file.reproduce).dump(), /*last=*/true);
  return text + "}\n";
}

std::string write_text_file(const std::string& path, const std::string& text) {
  std::error_code error;
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, error);
  if (error) return "cannot create folder '" + parent.string() + "': " + error.message();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return "cannot write '" + path + "': " + std::strerror(errno);
  out << text;
  out.close();
  if (!out) return "cannot write '" + path + "': " + std::strerror(errno);
  return "";
}

sim::Result<TraceFile> load_trace_file(const std::string& path) {
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) {
    return sim::Result<TraceFile>::failure(path + ": is a folder, not a trace file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return sim::Result<TraceFile>::failure(path + ": cannot read: " + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_trace_file(text.str(), path);
}

}  // namespace mapsim::scenario
