// Trace files for `mapsim run` and `mapsim minimize` (scenarios/trace/trace_file.h): one
// execution of a spec, re-run from its schedule with everything captured, written where the
// reports say.
//
// Writing a trace re-runs the execution; if the re-run does not reproduce the schedule's trace
// hash, the scenario is not deterministic, and that is an internal error (exit 3), not a trace.
#pragma once

#include <string>
#include <vector>

#include "cli/scenario_run_record.h"
#include "impl/mutant.h"
#include "scenarios/run/scenario_compile.h"
#include "scenarios/scenario_spec.h"
#include "scenarios/trace/trace_file.h"
#include "sim/schedule.h"

namespace mapsim::cli {

// The explorer options under which the executions of `spec` ran: the compiled limits, with the
// spec's canary mutant planted (an unknown canary is an error).
sim::Result<sim::ExplorerOptions> run_explorer_options(const scenario::CompiledScenario& compiled,
                                                       const scenario::ScenarioSpec& spec);

// The names of `mutants`, in catalogue order (a trace file's `mutants`).
std::vector<std::string> mutant_names(MutantSet mutants);
// The set a trace file's `mutants` names; an unknown name is an error naming it and the known
// ones (a trace from a build with other mutants).
sim::Result<MutantSet> mutants_named(const std::vector<std::string>& names);

// "" when a trace's recorded `mutants` (if the file has the field) name exactly `planted`, the
// mutants its scenario plants (its canary); else what is wrong, naming the field.
std::string recorded_mutants_problem(const scenario::TraceFile& trace, MutantSet planted);

// The trace file of the execution `schedule` of `spec`; `failure_kind` is the run's finer name
// of its failure ("invariant", "always", "deadlock", ...; "" when it did not fail), `path`
// where it will be written (for its reproducing command).
sim::Result<scenario::TraceFile> make_trace_file(const scenario::ScenarioSpec& spec,
                                                 const sim::Schedule& schedule,
                                                 const std::string& failure_kind,
                                                 uint64_t execution, const std::string& path);

// Writes OUT_DIR/traces/<name>-<n>.json for each kept failure of `record` (n from 1) and fills
// record->traces. A failure of the whole run rather than of one execution (a canary that no
// execution caught) has no trace: its reproducing command reruns the scenario. A re-run that diverges turns the record's verdict into an internal error.
void write_failure_traces(const std::string& out_dir, ScenarioRunRecord* record);

// `mapsim run --witnesses`: writes OUT_DIR/witnesses/<name>-e<index>.json, the trace of the
// execution that showed each met `exists` expectation of `record` (an execution that did not
// fail: the trace shows the behaviour the expectation describes, and replays like any other),
// and fills record->witnesses. Its description names the expectation.
void write_witness_traces(const std::string& out_dir, ScenarioRunRecord* record);

// `text` quoted for a POSIX shell when it needs to be ("out/traces/a b.json" -> 'out/...').
std::string shell_quote(const std::string& text);

}  // namespace mapsim::cli
