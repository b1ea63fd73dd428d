#include "cli/run_command.h"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <map>
#include <set>

#include "cli/exit_status.h"
#include "cli/failure_traces.h"
#include "cli/parallel_run.h"
#include "cli/progress_line.h"
#include "cli/report_json.h"
#include "cli/report_junit.h"
#include "cli/run_pictures.h"
#include "cli/scenario_run_record.h"
#include "scenarios/scenario_yaml.h"
#include "scenarios/trace/trace_file.h"

namespace mapsim::cli {
namespace {

namespace fs = std::filesystem;

// Every 64th execution of every part is replayed from its own schedule at once and must give
// the same trace: nondeterminism is an internal error (exit 3), found at about 1.5% extra cost.
constexpr uint32_t kDeterminismCheckEvery = 64;

// A name usable in file names, unique among `taken`.
std::string unique_name(const std::string& name, std::set<std::string>* taken) {
  std::string base;
  for (char c : name) {
    base += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'
                ? c
                : '_';
  }
  if (base.empty()) base = "scenario";
  std::string unique = base;
  for (int n = 2; !taken->insert(unique).second; ++n) unique = base + "-" + std::to_string(n);
  return unique;
}

// `mapsim run FILE` with the overrides that change what runs (not --jobs, --out, reports).
std::string rerun_command(const std::string& file, const CommonOptions& common) {
  std::string command = "mapsim run " + shell_quote(file);
  if (common.seed) command += " --seed " + shell_quote(*common.seed);
  if (common.strategy) command += " --strategy " + *common.strategy;
  if (common.executions) command += " --executions " + std::to_string(*common.executions);
  if (common.time_seconds) command += " --time " + std::to_string(*common.time_seconds);
  if (common.stack_kib) command += " --stack-kib " + std::to_string(*common.stack_kib);
  return command;
}

// The scenario files the paths name, or "" with *error for a path that names none.
std::vector<std::string> collect_files(const std::vector<std::string>& paths,
                                       std::vector<std::string>* errors) {
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code ignored;
    if (!fs::exists(path, ignored)) {
      errors->push_back(path + ": no such file or folder");
      continue;
    }
    std::vector<std::string> found = scenario::scenario_files_in(path);
    if (found.empty()) errors->push_back(path + ": no scenario files (*.yaml, *.yml) in it");
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

ScenarioRunRecord load_record(const std::string& file, const CommonOptions& common,
                              std::set<std::string>* names, std::string* usage_error) {
  ScenarioRunRecord record;
  record.file = file;
  record.rerun = rerun_command(file, common);
  scenario::ScenarioParse parse = scenario::load_scenario_file(file);
  if (!parse.ok()) {
    record.name = unique_name(fs::path(file).stem().string(), names);
    record.errors = parse.errors;
    record.result.verdict = scenario::Verdict::kBadScenario;
    record.result.scenario = record.name;
    record.result.error = parse.errors.front();
    return record;
  }
  record.spec = std::move(parse.spec);
  *usage_error = apply_overrides(common, &record.spec);
  record.name = unique_name(record.spec.name, names);
  return record;
}

void print_record(const ScenarioRunRecord& record) {
  const scenario::ScenarioResult& result = record.result;
  const scenario::Verdict verdict = result.verdict;
  const char* tag = verdict == scenario::Verdict::kPass ? "PASS " :
                    verdict == scenario::Verdict::kBadScenario ||
                    verdict == scenario::Verdict::kInternalError ? "ERROR" : "FAIL ";
  std::cout << tag << " " << record.name << " (" << record.file << "): "
            << scenario::verdict_name(verdict);
  if (record.errors.empty()) {
    std::cout << ", " << result.executions << " executions"
              << (result.exhausted ? " (exhaustive)" : "")
              << (result.time_budget_reached ? " (time budget reached)" : "");
    if (result.failing_executions > 0) std::cout << ", " << result.failing_executions
                                                  << " failing";
  }
  std::cout << "\n";
  if (record.errors.empty() && !result.header.empty()) std::cout << "  " << result.header << "\n";
  for (const scenario::ExpectationResult& expectation : result.expectations) {
    std::cout << "  expectation " << expectation.index
              << (expectation.description.empty() ? "" : " (" + expectation.description + ")")
              << ": " << scenario::expectation_status_name(expectation.status) << ": "
              << expectation.message << "\n";
    for (const WitnessTrace& witness : record.witnesses) {
      if (witness.expectation != expectation.index) continue;
      std::cout << "    witness: "
                << (witness.trace.error.empty() ? witness.trace.reproduce
                                                : "not written: " + witness.trace.error)
                << "\n";
    }
  }
  if (verdict == scenario::Verdict::kPass) return;
  std::string findings = findings_text(record);
  std::string indented = "  ";
  for (char c : findings) {
    indented += c;
    if (c == '\n') indented += "  ";
  }
  std::cout << indented.substr(0, indented.size() - 2);
}

bool write_reports(const std::vector<ScenarioRunRecord>& records, const CommonOptions& common) {
  const std::string json = report_json(records);
  const std::string junit = report_junit(records);
  std::vector<std::pair<std::string, const std::string*>> outputs = {
      {(fs::path(common.out_dir) / "report.json").string(), &json},
      {(fs::path(common.out_dir) / "junit.xml").string(), &junit}};
  if (!common.json_file.empty()) outputs.push_back({common.json_file, &json});
  if (!common.junit_file.empty()) outputs.push_back({common.junit_file, &junit});
  bool ok = true;
  for (const auto& [path, text] : outputs) {
    const std::string error = scenario::write_text_file(path, *text);
    if (!error.empty()) {
      std::cerr << "mapsim run: " << error << "\n";
      ok = false;
    }
  }
  return ok;
}

}  // namespace

CLI::App* add_run_command(CLI::App& app, RunCommandOptions* options) {
  CLI::App* run = app.add_subcommand(
      "run", "Explore scenario files (files or folders), check them, report and save traces");
  run->add_option("paths", options->paths, "scenario files (.yaml) or folders of them")
      ->required();
  add_common_options(run, &options->common, /*reports=*/true);
  run->add_flag("--witnesses", options->witnesses,
                "also write DIR/witnesses/<scenario>-e<n>.json: the execution that showed each "
                "met exists expectation, as a trace file");
  return run;
}

int run_run_command(const RunCommandOptions& options) {
  std::vector<std::string> path_errors;
  const std::vector<std::string> files = collect_files(options.paths, &path_errors);
  for (const std::string& error : path_errors) std::cerr << "mapsim run: " << error << "\n";
  if (!path_errors.empty()) return kExitUsage;
  std::vector<ScenarioRunRecord> records;
  std::set<std::string> names;
  for (const std::string& file : files) {
    std::string usage_error;
    records.push_back(load_record(file, options.common, &names, &usage_error));
    if (!usage_error.empty()) {
      std::cerr << "mapsim run: " << usage_error << "\n";
      return kExitUsage;
    }
  }
  for (ScenarioRunRecord& record : records) {
    if (record.errors.empty()) {
      ProgressLine progress(record.name, stderr_is_terminal());
      ParallelRunOptions run;
      run.jobs = options.common.jobs;
      run.determinism_check_every = kDeterminismCheckEvery;
      run.progress = [&progress](const RunTotals& totals) { progress.update(totals); };
      record.result = run_scenario_parallel(record.spec, run);
      progress.finish();
      write_failure_traces(options.common.out_dir, &record);
      if (options.witnesses) write_witness_traces(options.common.out_dir, &record);
    }
    print_record(record);
  }
  const bool reports_written = write_reports(records, options.common);
  // Pictures of every failure's trace and of the run's LRU coverage, and index.html.
  const RunPicturesOutcome pictures =
      write_run_pictures(run_summaries(records), options.common.out_dir, RunPictureOptions{});
  for (const std::string& error : pictures.bad_input) {
    std::cerr << "mapsim run: pictures: " << error << "\n";
  }
  for (const std::string& note : pictures.notes) {
    std::cout << "mapsim run: pictures: " << note << "\n";
  }
  for (const std::string& error : pictures.failures) {
    std::cerr << "mapsim run: pictures: " << error << "\n";
  }
  for (const std::string& error : pictures.unwritable) {
    std::cerr << "mapsim run: pictures: " << error << "\n";
  }
  std::map<std::string, size_t> verdicts;
  for (const ScenarioRunRecord& record : records) {
    ++verdicts[scenario::verdict_name(record.result.verdict)];
  }
  std::cout << "mapsim run: " << records.size() << " scenarios:";
  for (const auto& [verdict, count] : verdicts) std::cout << " " << count << " " << verdict;
  std::cout << "; reports and pictures in " << options.common.out_dir << "/ (index.html)\n";
  int status = exit_status_of(records);
  // Output the user asked for (--out DIR and what goes in it, --json, --junit) that cannot be
  // written is bad input, as docs/cli.md's table says; a picture mapsim could not draw from its
  // own traces, or a trace of its own it cannot read back, is mapsim's failure: internal error.
  if (!reports_written || !pictures.unwritable.empty()) {
    status = worst_exit_status(status, kExitUsage);
  }
  if (!pictures.bad_input.empty() || !pictures.failures.empty()) {
    status = worst_exit_status(status, kExitInternal);
  }
  return status;
}

}  // namespace mapsim::cli
