#include "cli/render_command.h"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>

#include "cli/exit_status.h"
#include "cli/run_pictures.h"
#include "cli/trace_pictures.h"
#include "scenarios/trace/trace_file.h"

namespace mapsim::cli {
namespace {

namespace fs = std::filesystem;

int report_outcome(const RunPicturesOutcome& outcome, const std::string& out_dir) {
  for (const std::string& error : outcome.bad_input) {
    std::cerr << "mapsim render: " << error << "\n";
  }
  for (const std::string& error : outcome.failures) {
    std::cerr << "mapsim render: " << error << "\n";
  }
  for (const std::string& error : outcome.unwritable) {
    std::cerr << "mapsim render: " << error << "\n";
  }
  // An --out folder that cannot be written is bad input, like a missing trace file.
  if (!outcome.bad_input.empty() || !outcome.unwritable.empty()) return kExitUsage;
  if (!outcome.failures.empty()) return kExitInternal;
  for (const std::string& note : outcome.notes) std::cout << "mapsim render: " << note << "\n";
  std::cout << "mapsim render: pictures in " << out_dir << "/ (index.html)\n";
  return kExitOk;
}

// A trace file drawn as a one-scenario run.
int render_trace(const RenderCommandOptions& options) {
  sim::Result<scenario::TraceFile> file = scenario::load_trace_file(options.path);
  if (!file.ok()) {
    std::cerr << "mapsim render: " << file.error() << "\n";
    return kExitUsage;
  }
  const scenario::TraceFile& trace = file.value();
  RunSummaryScenario summary;
  summary.name = trace.scenario_name;
  summary.file = trace.scenario_file;
  summary.passed = trace.failure.kind.empty();
  summary.verdict = summary.passed ? "no failure" : trace.failure.kind;
  summary.details = "execution " + std::to_string(trace.execution) + " of a " + trace.strategy +
                    " run, " + std::to_string(trace.steps) + " steps; recorded by mapsim " +
                    trace.git_describe;
  summary.trace_paths.push_back(options.path);
  RunPictureOptions drawing;
  drawing.title = "mapsim render " + options.path;
  drawing.detail = options.detail;
  drawing.lru_update_pictures = options.lru_updates;
  return report_outcome(write_run_pictures({summary}, options.out_dir, drawing), options.out_dir);
}

int render_run_folder(const RenderCommandOptions& options) {
  sim::Result<std::vector<RunSummaryScenario>> summaries =
      run_summaries_from_report(options.path);
  if (!summaries.ok()) {
    std::cerr << "mapsim render: " << summaries.error() << "\n";
    return kExitUsage;
  }
  RunPictureOptions drawing;
  drawing.title = "mapsim run " + options.path;
  drawing.detail = options.detail;
  drawing.lru_update_pictures = options.lru_updates;
  return report_outcome(write_run_pictures(summaries.value(), options.out_dir, drawing),
                        options.out_dir);
}

}  // namespace

CLI::App* add_render_command(CLI::App& app, RenderCommandOptions* options) {
  CLI::App* render = app.add_subcommand(
      "render", "Draw a trace file or a run folder: swimlanes, LRU paths, coverage, index.html");
  render->add_option("path", options->path, "a trace file, or the --out folder of `mapsim run`")
      ->required();
  render->add_option("--out", options->out_dir, "folder for index.html and pictures/")
      ->required();
  render->add_flag("--detail", options->detail, "draw every visible operation in swimlanes");
  render->add_option("--lru-updates", options->lru_updates,
                     "at most N pictures of single LRU updates per trace (0: none)")
      ->capture_default_str();
  return render;
}

int run_render_command(const RenderCommandOptions& options) {
  std::error_code error;
  if (fs::is_directory(options.path, error)) return render_run_folder(options);
  if (!fs::exists(options.path, error)) {
    std::cerr << "mapsim render: " << options.path << ": no such file or folder\n";
    return kExitUsage;
  }
  return render_trace(options);
}

}  // namespace mapsim::cli
