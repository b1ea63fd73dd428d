// Scenario files: YAML text <-> ScenarioSpec (the format: docs/scenario-format.md).
//
// Parsing is all-or-nothing: a file either gives a complete, valid ScenarioSpec or a list of
// every error found (not just the first), each one line
//
//   file:line:column: field.path: what is wrong, what was expected
//
// with 1-based line and column ("cpu1[2].value", "map.flags", "expectations[0].exists[1].step").
// YAML syntax errors stop the parse at once (nothing after them can be trusted); every other
// error is collected and the parse goes on with the next field. Nothing runs until the file is
// valid: callers run a spec only when `errors` is empty.
//
// Emission writes the canonical form of a spec: parse_scenario_yaml(emit_scenario_yaml(s))
// gives back s (positions aside: strip_positions()), and emitting that again gives the same text.
// `mapsim minimize` writes smaller scenarios this way and trace files embed their scenario so.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scenarios/scenario_spec.h"

namespace mapsim::scenario {

struct ScenarioParse {
  ScenarioSpec spec;                ///< meaningful only when errors is empty
  std::vector<std::string> errors;  ///< "file:line:column: path: message", in file order

  bool ok() const { return errors.empty(); }
};

// `file` names the text in error messages and becomes spec.file; the default spec.name is its
// stem ("scenarios/lru.yaml" -> "lru").
ScenarioParse parse_scenario_yaml(std::string_view text, const std::string& file);

// Reads and parses `path`. A missing or unreadable file is one error ("path: cannot read: ...").
ScenarioParse load_scenario_file(const std::string& path);

// The scenario files under a folder: every *.yaml and *.yml file, recursively, sorted by path.
// A path that is a file is returned as is (whatever its extension); a path that does not exist
// gives an empty list (load_scenario_file then reports it).
std::vector<std::string> scenario_files_in(const std::string& path);

// The canonical YAML of `spec` (docs/scenario-format.md "Canonical form"). Total: it never
// fails, and what a spec gets wrong comes back as errors when the text is parsed.
std::string emit_scenario_yaml(const ScenarioSpec& spec);

// Every error the parser would report for `spec` (empty: valid). For specs built or changed in
// C++ (minimisation, tests): the spec is emitted and the text parsed, so the messages' positions
// refer to that emitted text; the field paths are the spec's.
std::vector<std::string> validate_scenario(const ScenarioSpec& spec);

// Gives every step with an empty label its default ("cpu<N>.<index>", "irq<I>.<index>",
// "setup.<index>"), as the parser does.
void fill_default_labels(ScenarioSpec* spec);

// The spec with every SourcePos zeroed: parsed specs compare by content with it.
ScenarioSpec strip_positions(ScenarioSpec spec);

}  // namespace mapsim::scenario
