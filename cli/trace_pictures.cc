#include "cli/trace_pictures.h"

#include <cctype>
#include <filesystem>
#include <functional>

#include "cli/failure_blame.h"

#include "impl/assert.h"
#include "impl/uapi.h"
#include "scenarios/scenario_yaml.h"
#include "sim/trace.h"
#include "sim/visible_op.h"
#include "viz/lru_flowchart_dot.h"

namespace mapsim::cli {
namespace {

std::optional<sim::VisibleOpKind> visible_op_kind_named(const std::string& name) {
  for (int value = 0; value <= static_cast<int>(sim::VisibleOpKind::kIrqExit); ++value) {
    const auto kind = static_cast<sim::VisibleOpKind>(value);
    if (name == sim::visible_op_kind_name(kind)) return kind;
  }
  return std::nullopt;
}

uint64_t object_id(const std::string& name) {
  if (name.empty() || name == "-") return 0;
  return std::hash<std::string>{}(name) | 1;  // never 0 ("no object")
}

viz::SwimlaneRecord swimlane_record(const scenario::TraceEntry& entry,
                                    std::vector<uint64_t>* running) {
  using Kind = viz::SwimlaneRecord::Kind;
  viz::SwimlaneRecord record;
  record.context = entry.context;
  record.step = entry.step;
  record.value = entry.value;
  const size_t context = entry.context >= 0 ? static_cast<size_t>(entry.context) : 0;
  if (running->size() <= context) running->resize(context + 1, 0);
  if (entry.kind == "begin") {
    record.kind = Kind::kInvoke;
    record.operation = static_cast<uint64_t>(entry.value);
    record.text = entry.op;
    (*running)[context] = record.operation;
  } else if (entry.kind == "end") {
    record.kind = Kind::kResult;
    record.operation = (*running)[context];
  } else if (entry.kind == "path_event") {
    record.kind = Kind::kPathEvent;
    record.text = entry.op;
  } else {
    record.kind = Kind::kStep;
    record.text = entry.op;
    if (object_id(entry.object) != 0) record.text += " " + entry.object;
    if (object_id(entry.object2) != 0) record.text += ", " + entry.object2;
    record.object = object_id(entry.object);
    record.object2 = object_id(entry.object2);
    record.object_name = entry.object;
    if (const auto kind = visible_op_kind_named(entry.op)) {
      record.access = viz::swimlane_access(*kind, false);
      record.access2 = viz::swimlane_access(*kind, true);
    }
  }
  return record;
}

}  // namespace

viz::SwimlaneTrace trace_file_swimlanes(const scenario::TraceFile& file,
                                        const std::string& title) {
  viz::SwimlaneTrace trace;
  trace.title = title;
  for (const scenario::TraceContextResults& results : file.results) {
    if (results.context < 0) continue;
    if (trace.contexts.size() <= static_cast<size_t>(results.context)) {
      trace.contexts.resize(static_cast<size_t>(results.context) + 1);
    }
    trace.contexts[results.context] = viz::SwimlaneContext{
        results.cpu, results.nested,
        (results.nested ? "irq@cpu" : "cpu") + std::to_string(results.cpu)};
  }
  std::vector<uint64_t> running;
  for (const scenario::TraceEntry& entry : file.records) {
    trace.records.push_back(swimlane_record(entry, &running));
  }
  if (!file.failure.kind.empty()) {
    viz::SwimlaneViolation violation;
    violation.kind = file.failure.kind;
    violation.message = file.failure.message;
    if (file.failure.at_step && file.failure.step > 0) {
      violation.step = file.failure.step - 1;
    } else {
      BlamedOperations blamed = blamed_operations(file);
      violation.operations = std::move(blamed.operations);
      violation.operations_source = std::move(blamed.source);
    }
    trace.violation = std::move(violation);
  }
  return trace;
}

std::string trace_file_drawing_problem(const scenario::TraceFile& file) {
  if (std::string problem = trace_file_swimlanes(file, "").validate(); !problem.empty()) {
    return problem;
  }
  // Names are what tie a record to this mapsim's code: one it does not know would be drawn
  // without its accesses (hand-offs, reads-from) or left off the LRU walks, silently.
  const std::string another_version =
      " (a trace written by another mapsim version" +
      (file.git_describe.empty() ? std::string() : ", " + file.git_describe) + "?)";
  for (size_t index = 0; index < file.records.size(); ++index) {
    const scenario::TraceEntry& entry = file.records[index];
    if (entry.kind == "step" && !visible_op_kind_named(entry.op)) {
      return "record " + std::to_string(index) + ": op '" + entry.op +
             "' is not a visible operation this mapsim knows" + another_version;
    }
    if (entry.kind == "path_event" && !path_event_from_name(entry.op)) {
      return "record " + std::to_string(index) + ": op '" + entry.op +
             "' is not an LRU path event this mapsim knows" + another_version;
    }
  }
  return "";
}

namespace {

// The records a walk is made of (operation begin / end, path events) as a simulator trace.
sim::Trace path_event_trace(const scenario::TraceFile& file) {
  sim::Trace trace;
  for (const scenario::TraceEntry& entry : file.records) {
    sim::TraceRecord record;
    record.context = static_cast<uint8_t>(entry.context);
    record.cpu = static_cast<uint16_t>(entry.cpu);
    record.step = entry.step;
    record.value = static_cast<uint64_t>(entry.value);
    if (entry.kind == "begin") {
      record.kind = sim::TraceKind::kOperationBegin;
    } else if (entry.kind == "end") {
      record.kind = sim::TraceKind::kOperationEnd;
    } else if (entry.kind == "path_event") {
      const std::optional<PathEvent> event = path_event_from_name(entry.op);
      MAPSIM_ASSERT(event.has_value(), "trace_file_drawing_problem() checked the event names");
      record.kind = sim::TraceKind::kPathEvent;
      record.op.object = static_cast<uint16_t>(*event);
    } else {
      continue;
    }
    trace.push(record);
  }
  return trace;
}

// The label an operation's name starts with ("<label> <kind> key=..."), or "".
std::string operation_label(const scenario::TraceFile& file, int context, uint64_t operation) {
  for (const scenario::TraceContextResults& results : file.results) {
    if (results.context != context || operation >= results.operations.size()) continue;
    const std::string& name = results.operations[operation].name;
    return name.substr(0, name.find(' '));
  }
  return "";
}

// Letters, digits, '-' and '_' only: a file name on every system.
std::string file_name_safe(const std::string& text) {
  std::string safe;
  for (const char c : text) {
    safe += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  }
  return safe;
}

}  // namespace

viz::LruPathCounts trace_file_lru_walks(const scenario::TraceFile& file) {
  viz::LruPathCounts counts;
  counts.add_trace(path_event_trace(file));
  return counts;
}

std::vector<LruUpdateWalk> trace_file_lru_updates(const scenario::TraceFile& file) {
  std::vector<LruUpdateWalk> updates;
  for (viz::TracedLruPath& traced : viz::lru_paths_of(path_event_trace(file))) {
    if (traced.path.entry != viz::kEntryUpdate) continue;
    LruUpdateWalk update;
    update.label = operation_label(file, traced.context, traced.operation);
    std::string name = "cpu" + std::to_string(traced.cpu) + "-op" +
                       std::to_string(traced.operation);
    if (!update.label.empty()) name += "-" + file_name_safe(update.label);
    update.walk = std::move(traced);
    // A batch reports several updates in one operation: number them.
    size_t same = 0;
    for (const LruUpdateWalk& earlier : updates) {
      same += earlier.walk.context == update.walk.context &&
              earlier.walk.operation == update.walk.operation;
    }
    if (update.walk.paths_in_operation > 1) name += "-w" + std::to_string(same);
    const std::string& outcome = update.walk.path.outcome;
    name += "-" + (outcome.empty() ? std::string("cut-short")
                                   : file_name_safe(outcome.substr(outcome.rfind('.') + 1)));
    update.name = name;
    updates.push_back(std::move(update));
  }
  return updates;
}

std::optional<viz::LruListKind> lru_list_kind(const MapAttr& map) {
  if (map.map_type != bpf::kMapLruHash && map.map_type != bpf::kMapLruPercpuHash) {
    return std::nullopt;
  }
  return (map.map_flags & bpf::kFNoCommonLru) != 0 ? viz::LruListKind::kPercpu
                                                    : viz::LruListKind::kCommon;
}

std::optional<viz::LruListKind> lru_list_kind(const scenario::TraceFile& file) {
  const scenario::ScenarioParse parse =
      scenario::parse_scenario_yaml(file.scenario_yaml, file.scenario_file);
  if (!parse.ok()) return std::nullopt;
  return lru_list_kind(parse.spec.map);
}

DrawnPictures write_picture_file(const viz::Picture& picture, const std::string& out_dir,
                                 const std::string& stem, const std::string& caption) {
  DrawnPictures drawn;
  if (!picture.ok()) {
    drawn.error = stem + ": " + picture.error;
    return drawn;
  }
  const std::string folder = (std::filesystem::path(out_dir) / "pictures").string();
  drawn.error = viz::write_picture(picture, folder, stem);
  drawn.unwritable = !drawn.error.empty();
  if (drawn.error.empty()) {
    const std::string dot_path = picture.dot.empty() ? "" : "pictures/" + stem + ".dot";
    drawn.pictures.push_back(viz::ReportPicture{caption, "pictures/" + stem + ".svg", dot_path});
  }
  return drawn;
}

DrawnPictures write_trace_pictures(const scenario::TraceFile& file, const std::string& out_dir,
                                   const std::string& stem, bool detail,
                                   size_t lru_update_pictures) {
  if (std::string problem = trace_file_drawing_problem(file); !problem.empty()) {
    DrawnPictures drawn;
    drawn.error = problem;
    return drawn;
  }
  viz::SwimlaneOptions options;
  options.detail = detail;
  const std::string title = file.scenario_name + ": execution " +
                            std::to_string(file.execution) +
                            (file.failure.kind.empty() ? "" : " (" + file.failure.kind + ")");
  DrawnPictures drawn = write_picture_file(
      viz::draw_swimlanes(trace_file_swimlanes(file, title), options), out_dir,
      stem + "-swimlanes", "swimlanes: " + title);
  if (!drawn.error.empty()) return drawn;
  const std::optional<viz::LruListKind> kind = lru_list_kind(file);
  const viz::LruPathCounts walks = trace_file_lru_walks(file);
  if (!kind || walks.paths == 0) return drawn;
  DrawnPictures more = write_picture_file(
      viz::draw_lru_coverage(*kind, walks, "LRU walks of " + title), out_dir,
      stem + "-lru-walks", "LRU walks of this execution");
  drawn.pictures.insert(drawn.pictures.end(), more.pictures.begin(), more.pictures.end());
  drawn.error = more.error;
  drawn.unwritable = more.unwritable;
  if (!drawn.error.empty()) return drawn;
  if (lru_update_pictures == 0) return drawn;
  const std::vector<LruUpdateWalk> updates = trace_file_lru_updates(file);
  const size_t drawn_updates = std::min(updates.size(), lru_update_pictures);
  for (size_t index = 0; index < drawn_updates; ++index) {
    const LruUpdateWalk& update = updates[index];
    const std::string who = "CPU " + std::to_string(update.walk.cpu) + ", operation " +
                            std::to_string(update.walk.operation) +
                            (update.label.empty() ? "" : " '" + update.label + "'");
    DrawnPictures one = write_picture_file(
        viz::draw_lru_path(*kind, update.walk.path, "LRU update of " + who + " in " + title),
        out_dir, stem + "-lru-update-" + update.name, "LRU update path: " + who);
    drawn.pictures.insert(drawn.pictures.end(), one.pictures.begin(), one.pictures.end());
    if (!one.error.empty()) {
      drawn.error = one.error;
      drawn.unwritable = one.unwritable;
      return drawn;
    }
  }
  if (updates.size() > drawn_updates) {
    drawn.notes.push_back(stem + ": drew the first " + std::to_string(drawn_updates) + " of " +
                          std::to_string(updates.size()) +
                          " LRU update paths (cap " + std::to_string(lru_update_pictures) +
                          ", --lru-updates)");
  }
  return drawn;
}

}  // namespace mapsim::cli
