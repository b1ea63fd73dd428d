// The JUnit XML report of `mapsim run` (--junit FILE, and DIR/junit.xml with --out DIR), for CI
// systems that show test results: one <testsuite> for the run, one <testcase> per scenario
// (classname "mapsim.<file>", name the scenario). A violation or failed expectation is a
// <failure> whose text lists each finding and ends with the command that reproduces it; a bad
// scenario or internal error is an <error>. No time attributes: equal runs give equal files.
#pragma once

#include <string>
#include <vector>

#include "cli/scenario_run_record.h"

namespace mapsim::cli {

std::string report_junit(const std::vector<ScenarioRunRecord>& records);

// Text made safe for XML attribute values and character data (markup characters escaped,
// characters XML 1.0 forbids replaced by '?').
std::string xml_escape(const std::string& text);

// The findings of a record as text, one per line, each failure followed by its reproducing
// command (shared by the JUnit report and the terminal output).
std::string findings_text(const ScenarioRunRecord& record);

}  // namespace mapsim::cli
