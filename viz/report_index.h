// The HTML index of a run's output folder: the scenarios with their verdicts, the run's
// pictures (coverage), and each scenario's pictures (failure swimlanes, state graphs, ...) and
// trace files, as one static page (index.html) with no scripts, that links and shows the svg
// files beside it.
//
// Paths are relative to the index's folder. Every picture is an <img class="picture"> whose
// `data-picture` attribute repeats its path, inside a link to the svg (and, when given, to its
// dot text); scenarios are rows of the table with id "scenarios" and sections with id
// "scenario-N"; verdict cells have class "verdict pass" or "verdict fail".
#pragma once

#include <string>
#include <vector>

namespace mapsim::viz {

struct ReportPicture {
  std::string caption;
  std::string path;      ///< the svg, relative to the index
  std::string dot_path;  ///< its dot text ("" when there is none)
};

struct ReportScenario {
  std::string name;
  std::string file;      ///< the scenario file ("" when built in code)
  std::string verdict;   ///< "ok", "violation", "bad input", ...
  bool passed = true;
  std::string details;   ///< one line: executions, failures, time
  std::vector<std::string> traces;  ///< trace files, relative to the index
  std::vector<ReportPicture> pictures;
};

struct ReportIndex {
  std::string title = "mapsim run";
  std::string summary;                      ///< one line under the title
  std::vector<ReportPicture> run_pictures;  ///< pictures of the whole run (coverage)
  std::vector<ReportScenario> scenarios;
};

std::string report_index_html(const ReportIndex& index);
// Writes DIRECTORY/index.html; "" or an error naming the file.
std::string write_report_index(const ReportIndex& index, const std::string& directory);

}  // namespace mapsim::viz
