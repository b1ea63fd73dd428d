// Reading trace files (scenarios/trace/trace_file.h): every field is checked, and an error
// names the file and the field ("out/traces/x.json: 'steps' must not be negative").
#include <nlohmann/json.hpp>

#include <charconv>
#include <type_traits>

#include "scenarios/trace/trace_file.h"
#include "sim/fiber.h"

namespace mapsim::scenario {
namespace {

using nlohmann::json;

// Reads typed fields of one JSON object; the first error wins and names the field's path.
class Reader {
 public:
  Reader(const json& object, std::string path, std::string* error)
      : object_(object), path_(std::move(path)), error_(error) {}

  const json* member(const char* key, bool required = true) {
    if (!error_->empty()) return nullptr;
    if (!object_.is_object()) {
      fail(path_.empty() ? "the file" : path_, "must be a JSON object");
      return nullptr;
    }
    auto found = object_.find(key);
    if (found == object_.end()) {
      if (required) fail(name(key), "is missing");
      return nullptr;
    }
    return &*found;
  }
  void text(const char* key, std::string* out) {
    const json* value = member(key);
    if (value == nullptr) return;
    if (!value->is_string()) return fail(name(key), "must be a string");
    *out = value->get<std::string>();
  }
  template <class T>
  void number(const char* key, T* out) {
    const json* value = member(key);
    if (value == nullptr) return;
    if (!value->is_number_integer()) return fail(name(key), "must be an integer");
    if constexpr (std::is_unsigned_v<T>) {
      if (!value->is_number_unsigned()) return fail(name(key), "must not be negative");
    }
    *out = value->get<T>();
  }
  void flag(const char* key, bool* out) {
    const json* value = member(key);
    if (value == nullptr) return;
    if (!value->is_boolean()) return fail(name(key), "must be true or false");
    *out = value->get<bool>();
  }
  void hex64(const char* key, uint64_t* out) {
    std::string digits;
    text(key, &digits);
    if (!error_->empty()) return;
    auto [end, status] = std::from_chars(digits.data(), digits.data() + digits.size(), *out, 16);
    if (digits.empty() || digits.size() > 16 || status != std::errc() ||
        end != digits.data() + digits.size()) {
      fail(name(key), "must be 16 hex digits, got '" + digits + "'");
    }
  }
  const json* array(const char* key) {
    const json* value = member(key);
    if (value != nullptr && !value->is_array()) {
      fail(name(key), "must be an array");
      return nullptr;
    }
    return value;
  }
  std::string name(const std::string& key) const {
    return path_.empty() ? key : path_ + "." + key;
  }
  void fail(const std::string& field, const std::string& what) {
    if (error_->empty()) *error_ = "'" + field + "' " + what;
  }

 private:
  const json& object_;
  std::string path_;
  std::string* error_;
};

void read_results(const json& items, std::vector<TraceContextResults>* out, std::string* error) {
  for (size_t i = 0; i < items.size() && error->empty(); ++i) {
    Reader reader(items[i], "results[" + std::to_string(i) + "]", error);
    TraceContextResults results;
    reader.number("context", &results.context);
    reader.number("cpu", &results.cpu);
    reader.flag("nested", &results.nested);
    if (const json* operations = reader.array("operations")) {
      for (size_t k = 0; k < operations->size() && error->empty(); ++k) {
        Reader op(operations->at(k), reader.name("operations[" + std::to_string(k) + "]"),
                  error);
        TraceOperationResult result;
        op.text("name", &result.name);
        op.number("rc", &result.rc);
        results.operations.push_back(std::move(result));
      }
    }
    out->push_back(std::move(results));
  }
}

void read_records(const json& items, std::vector<TraceEntry>* out, std::string* error) {
  for (size_t i = 0; i < items.size() && error->empty(); ++i) {
    Reader reader(items[i], "records[" + std::to_string(i) + "]", error);
    TraceEntry entry;
    reader.number("step", &entry.step);
    reader.number("context", &entry.context);
    reader.number("cpu", &entry.cpu);
    reader.text("kind", &entry.kind);
    if (reader.member("op", false)) reader.text("op", &entry.op);
    if (reader.member("object", false)) reader.text("object", &entry.object);
    if (reader.member("object2", false)) reader.text("object2", &entry.object2);
    reader.number("value", &entry.value);
    reader.text("text", &entry.text);
    if (error->empty() && entry.kind != "step" && entry.kind != "begin" && entry.kind != "end" &&
        entry.kind != "path_event") {
      reader.fail(reader.name("kind"), "must be step, begin, end or path_event, got '" +
                                           entry.kind + "'");
    }
    out->push_back(std::move(entry));
  }
}

void read_header(Reader& top, TraceFile* file, std::string* error) {
  std::string format;
  top.text("format", &format);
  if (error->empty() && format != "mapsim-trace") {
    top.fail("format", "is '" + format + "', not 'mapsim-trace': not a mapsim trace file");
  }
  top.number("format_version", &file->format_version);
  if (error->empty() && (file->format_version < 1 ||
                         file->format_version > TraceFile::kFormatVersion)) {
    top.fail("format_version", "is " + std::to_string(file->format_version) +
                                   "; this mapsim reads versions 1 to " +
                                   std::to_string(TraceFile::kFormatVersion) +
                                   " (a newer mapsim wrote it?)");
  }
  if (const json* mapsim = top.member("mapsim")) {
    Reader reader(*mapsim, "mapsim", error);
    reader.text("version", &file->mapsim_version);
    reader.text("git_describe", &file->git_describe);
    reader.text("git_commit", &file->git_commit);
  }
  if (const json* scenario = top.member("scenario")) {
    Reader reader(*scenario, "scenario", error);
    reader.text("name", &file->scenario_name);
    reader.text("file", &file->scenario_file);
  }
  top.text("scenario_yaml", &file->scenario_yaml);
  // Fields added within version 1: absent from older traces.
  if (top.member("description", false)) top.text("description", &file->description);
  if (const json* mutants = top.member("mutants", false)) {
    file->mutants_recorded = true;
    if (!mutants->is_array()) return top.fail("mutants", "must be an array of mutant names");
    for (size_t i = 0; i < mutants->size(); ++i) {
      if (!mutants->at(i).is_string()) {
        return top.fail("mutants[" + std::to_string(i) + "]", "must be a string");
      }
      file->mutants.push_back(mutants->at(i).get<std::string>());
    }
  }
  if (const json* exploration = top.member("exploration")) {
    Reader reader(*exploration, "exploration", error);
    reader.text("strategy", &file->strategy);
    reader.number("seed", &file->seed);
    reader.number("execution", &file->execution);
    // Added within version 1: absent from older traces.
    if (reader.member("stack_kib", false)) {
      uint64_t kib = 0;
      reader.number("stack_kib", &kib);
      constexpr uint64_t kMin = sim::StackPool::kMinimumStackBytes >> 10;
      constexpr uint64_t kMax = sim::StackPool::kMaximumStackBytes >> 10;
      file->stack_kib = static_cast<uint32_t>(kib);
      if (error->empty() && (kib < kMin || kib > kMax)) {
        reader.fail(reader.name("stack_kib"),
                    "is " + std::to_string(kib) + "; expected " +
                        std::to_string(kMin) + " to " + std::to_string(kMax) +
                        " (KiB of fiber stack per context)");
      }
    }
  }
}

// Whether a failure of `kind` stopped its execution at a step, for files without "at_step":
// the simulator's own findings did; the scenario's checks judged the finished execution.
bool failure_kind_is_at_a_step(const std::string& kind) {
  static const char* kAtStep[] = {"deadlock",   "livelock",  "data_race",     "use_after_free",
                                  "assertion",  "exception", "program_error", "step_check",
                                  "replay_diverged"};
  for (const char* name : kAtStep) {
    if (kind == name) return true;
  }
  return false;
}

void read_failure(Reader& top, TraceFile* file, std::string* error) {
  const json* failure = top.member("failure");
  if (failure == nullptr || failure->is_null()) return;
  Reader reader(*failure, "failure", error);
  reader.text("kind", &file->failure.kind);
  reader.text("message", &file->failure.message);
  reader.number("step", &file->failure.step);
  if (error->empty() && file->failure.kind.empty()) reader.fail("failure.kind", "is empty");
  // Files written before the member existed: the simulator's own findings stop at a step.
  file->failure.at_step = failure_kind_is_at_a_step(file->failure.kind);
  if (reader.member("at_step", /*required=*/false) != nullptr) {
    reader.flag("at_step", &file->failure.at_step);
  }
}

}  // namespace

sim::Result<TraceFile> parse_trace_file(std::string_view text, const std::string& source) {
  auto failure = [&](const std::string& what) {
    return sim::Result<TraceFile>::failure(source + ": " + what);
  };
  const json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return failure("not valid JSON (is this a mapsim trace file?)");
  if (!document.is_object()) return failure("not a JSON object (is this a mapsim trace file?)");
  TraceFile file;
  std::string error;
  Reader top(document, "", &error);
  read_header(top, &file, &error);
  read_failure(top, &file, &error);
  if (const json* schedule = top.member("schedule")) {
    sim::Result<sim::Schedule> parsed = sim::Schedule::parse_json(schedule->dump());
    if (!parsed.ok()) {
      top.fail("schedule", "is not a valid schedule: " + parsed.error());
    } else {
      file.schedule = parsed.value();
    }
  }
  top.hex64("trace_hash", &file.trace_hash);
  top.number("steps", &file.steps);
  if (const json* results = top.array("results")) read_results(*results, &file.results, &error);
  if (const json* records = top.array("records")) read_records(*records, &file.records, &error);
  top.text("reproduce", &file.reproduce);
  if (!error.empty()) return failure(error);
  return sim::Result<TraceFile>::success(std::move(file));
}

}  // namespace mapsim::scenario
