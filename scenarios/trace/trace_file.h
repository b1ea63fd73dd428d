// Trace files: one execution of a scenario, saved so that it can be replayed, shrunk and drawn
// without the run that found it (docs/trace-format.md describes every field).
//
// A trace file is self-contained: the scenario (as emitted YAML, with the run's overrides
// applied, plus the name of the file it came from), the strategy and seed, the schedule, what
// every operation returned, the failure, the trace hash, and every trace record (text and
// fields, for swimlane pictures), together with the mapsim version and git commit that wrote
// it. Writing is deterministic: the same execution gives the same bytes.
//
// Reading checks everything: a file that is not JSON, not a mapsim trace, from a newer format,
// or with a missing or mistyped field is an error naming the file and the field.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/capture.h"
#include "sim/result.h"
#include "sim/schedule.h"

namespace mapsim::scenario {

struct TraceOperationResult {
  std::string name;  ///< the operation as the trace names it
  int64_t rc = 0;    ///< 0 or a negative errno (what the operation returned)
  bool operator==(const TraceOperationResult&) const = default;
};

struct TraceContextResults {
  int context = 0;
  int cpu = 0;
  bool nested = false;
  std::vector<TraceOperationResult> operations;  ///< only those that ran
  bool operator==(const TraceContextResults&) const = default;
};

// One trace record (sim/trace.h), with the objects named as in `text`.
struct TraceEntry {
  uint32_t step = 0;
  int context = 0;
  int cpu = 0;
  std::string kind;     ///< "step", "begin", "end", "path_event"
  std::string op;       ///< step: the visible operation; begin: the operation's name;
                        ///< path_event: the event's name
  std::string object;   ///< step: "obj#3", "arena#2", ... ("" when none)
  std::string object2;  ///< step: the second object of copies and compares
  int64_t value = 0;    ///< step: its value; begin: the operation index; end: its result;
                        ///< path_event: the event's argument
  std::string text;     ///< the record as one line of text
  bool operator==(const TraceEntry&) const = default;
};

struct TraceFailure {
  std::string kind;     ///< sim::failure_kind_name(), "" when the execution did not fail
  std::string message;
  uint32_t step = 0;
  /// The failure stopped the execution at a step (the simulator's own findings, and the map
  /// invariants checked after every step), rather than judging it after its last step; the
  /// step that led there is `step - 1`. Files without the member: derived from `kind`.
  bool at_step = false;
  bool operator==(const TraceFailure&) const = default;
};

struct TraceFile {
  static constexpr int kFormatVersion = 1;

  int format_version = kFormatVersion;
  std::string mapsim_version;  ///< of the writer
  std::string git_describe;
  std::string git_commit;
  std::string scenario_name;
  std::string scenario_file;   ///< where the scenario was read from ("" if built in C++)
  std::string scenario_yaml;   ///< the scenario that ran (scenarios/scenario_yaml.h)
  /// What the trace shows, in a sentence or two, for the people who keep it (regression
  /// traces say which bug or kernel behaviour they pin down); "" when nobody wrote one.
  /// Optional when read: traces written before the field existed have none.
  std::string description;
  /// The mutants (impl/mutant.h names) planted in the map code when the execution ran, in
  /// catalogue order; empty for the real code. Replay plants them again. Optional when read: older traces
  /// derive it from the scenario's `canary`.
  std::vector<std::string> mutants;
  bool mutants_recorded = false;  ///< the file had the field (reading only)
  std::string strategy;        ///< random | pct | bounded | dpor
  uint64_t seed = 0;
  /// Each context's fiber stack in KiB as the execution ran (sim::Explorer::stack_bytes);
  /// replay runs with the same. 0: not recorded (optional when read: older traces replay with
  /// their scenario's explore.stack_kib, else the build's default).
  uint32_t stack_kib = 0;
  uint64_t execution = 0;      ///< index of the execution in its run
  TraceFailure failure;
  sim::Schedule schedule;
  uint64_t trace_hash = 0;
  uint32_t steps = 0;
  std::vector<TraceContextResults> results;
  std::vector<TraceEntry> records;
  std::string reproduce;       ///< the command that replays this file
};

// Fills failure, schedule, hash, steps, results and records from a captured execution.
void fill_from_capture(const sim::CapturedExecution& captured, TraceFile* file);
// The trace records of a capture, as a trace file holds them.
std::vector<TraceEntry> trace_entries(const sim::CapturedExecution& captured);
std::vector<TraceContextResults> trace_results(const sim::CapturedExecution& captured);

std::string trace_file_json(const TraceFile& file);
// `source` names the text in errors ("out/traces/x.json: ...").
sim::Result<TraceFile> parse_trace_file(std::string_view text, const std::string& source);
// Reads and parses `path`; an unreadable file is an error naming it.
sim::Result<TraceFile> load_trace_file(const std::string& path);
// Writes `text` to `path`, creating its folder; "" on success, else what went wrong.
std::string write_text_file(const std::string& path, const std::string& text);

}  // namespace mapsim::scenario
