// The scenario file driver: YAML document -> sections in dependency order -> ScenarioSpec.
#include "scenarios/scenario_yaml.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "impl/mutant.h"
#include "scenarios/scenario_keys.h"
#include "scenarios/yaml/document.h"
#include "scenarios/yaml/reader.h"
#include "scenarios/yaml/sections.h"
#include "sim/vector_clock.h"

namespace mapsim::scenario {
namespace {

using yaml::Context;
using yaml::Entry;
using yaml::find_entry;

constexpr std::string_view kTopKeys[] = {
    "name",  "description", "possible_cpus", "map_seed", "map",    "devices",     "setup",
    "cpu<N>", "interrupts", "faults",        "explore",  "checks", "expectations", "keys",
    "canary"};

// The comment lines that open the file ("# text"), without "#" and one following space.
std::string opening_comment(std::string_view text) {
  constexpr std::string_view kByteOrderMark = "\xef\xbb\xbf";
  if (text.substr(0, kByteOrderMark.size()) == kByteOrderMark) {
    text.remove_prefix(kByteOrderMark.size());
  }
  std::string comment;
  bool first = true;
  while (!text.empty() && text[0] == '#') {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(1, end == std::string_view::npos ? end : end - 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty() && line[0] == ' ') line.remove_prefix(1);
    comment += (first ? "" : "\n") + std::string(line);
    first = false;
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return comment;
}

void read_text_fields(Context& context, const std::vector<Entry>& entries, ScenarioSpec* spec) {
  spec->name = std::filesystem::path(spec->file).stem().string();
  if (const Entry* name = find_entry(entries, "name")) {
    const std::optional<std::string> text = yaml::read_string(context, name->value, "a name");
    if (text && (text->empty() || text->find('\n') != std::string::npos)) {
      context.error(name->value.pos, name->key, "expected a one-line, non-empty name");
    } else if (text) {
      spec->name = *text;
    }
  }
  spec->description = opening_comment(context.text());
  if (const Entry* description = find_entry(entries, "description")) {
    spec->description =
        yaml::read_string(context, description->value, "a description").value_or("");
  }
  if (const Entry* canary = find_entry(entries, "canary")) {
    const std::optional<std::string> name =
        yaml::read_string(context, canary->value, "a mutant's name");
    if (name && !mutant_from_name(*name)) {
      std::string known;
      for (int index = 0; index < kMutantCount; ++index) {
        known += (index == 0 ? "" : ", ") + std::string(mutant_name(static_cast<Mutant>(index)));
      }
      context.error(canary->value.pos, canary->key,
                    "unknown mutant '" + *name + "'; a canary plants one of: " + known);
    } else if (name) {
      spec->canary = *name;
    }
  }
}

void read_programs(Context& context, const std::vector<Entry>& entries,
                   const yaml::MapShape& shape, yaml::LabelTable* labels, ScenarioSpec* spec) {
  if (const Entry* setup = find_entry(entries, "setup")) {
    spec->setup = yaml::read_steps(context, setup->value, shape,
                                   yaml::StepScope{yaml::StepPlace::kSetup, 0, "setup"}, labels);
  }
  for (const Entry& entry : entries) {
    if (entry.key.rfind("cpu", 0) != 0) continue;
    if (auto program = yaml::read_cpu_program(context, entry, shape, labels)) {
      spec->cpus.push_back(std::move(*program));
    }
  }
  if (const Entry* interrupts = find_entry(entries, "interrupts")) {
    spec->interrupts = yaml::read_interrupts(context, *interrupts, shape, labels);
    for (size_t index = 0; index < spec->interrupts.size(); ++index) {
      const InterruptSpec& interrupt = spec->interrupts[index];
      bool has_program = false;
      for (const CpuProgramSpec& program : spec->cpus) has_program |= program.cpu == interrupt.cpu;
      if (has_program) continue;
      context.error(interrupt.pos, "interrupts[" + std::to_string(index) + "].cpu",
                    "CPU " + std::to_string(interrupt.cpu) + " runs no program; an interrupt "
                    "fires inside the program of its CPU (add cpu" +
                        std::to_string(interrupt.cpu) + ": [...])");
    }
  }
}

// The simulator runs at most sim::kMaxContexts programs (CPU programs and interrupts) at once.
void check_context_count(Context& context, const ScenarioSpec& spec) {
  const size_t programs = spec.cpus.size() + spec.interrupts.size();
  if (programs <= static_cast<size_t>(sim::kMaxContexts)) return;
  const size_t first_over = static_cast<size_t>(sim::kMaxContexts);
  const bool cpu = first_over < spec.cpus.size();
  const SourcePos pos = cpu ? spec.cpus[first_over].pos
                            : spec.interrupts[first_over - spec.cpus.size()].pos;
  context.error(pos, cpu ? "cpu" + std::to_string(spec.cpus[first_over].cpu)
                         : "interrupts[" + std::to_string(first_over - spec.cpus.size()) + "]",
                "too many programs: the simulator runs at most " +
                    std::to_string(sim::kMaxContexts) + " CPU programs and interrupts together, "
                    "this scenario has " + std::to_string(programs));
}

void read_sections(Context& context, const std::vector<Entry>& entries, SourcePos root_pos,
                   ScenarioSpec* spec) {
  read_text_fields(context, entries, spec);
  spec->possible_cpus = yaml::read_possible_cpus(context, find_entry(entries, "possible_cpus"));
  spec->map_seed = yaml::read_map_seed(context, find_entry(entries, "map_seed"));
  yaml::MapShape shape;
  if (const Entry* map = find_entry(entries, "map")) {
    shape = yaml::read_map(context, *map, spec->possible_cpus, &spec->map);
  } else {
    context.error(root_pos, "map", "missing; a scenario needs a map (type, key_size, "
                                   "value_size, max_entries)");
  }
  yaml::read_devices(context, find_entry(entries, "devices"), shape, &spec->devices);
  yaml::LabelTable labels;
  read_programs(context, entries, shape, &labels, spec);
  check_context_count(context, *spec);
  const bool any_program = std::any_of(entries.begin(), entries.end(), [](const Entry& entry) {
    return entry.key.rfind("cpu", 0) == 0;
  });
  if (!any_program) {
    context.error(root_pos, "cpu0", "missing; a scenario needs at least one CPU program "
                                    "(cpu0: [update 1 10, ...])");
  }
  if (const Entry* faults = find_entry(entries, "faults")) {
    spec->faults = yaml::read_faults(context, *faults);
  }
  if (const Entry* explore = find_entry(entries, "explore")) {
    spec->explore = yaml::read_explore(context, *explore);
  }
  if (const Entry* checks = find_entry(entries, "checks")) {
    spec->checks = yaml::read_checks(context, *checks);
  }
  if (const Entry* expectations = find_entry(entries, "expectations")) {
    spec->expectations = yaml::read_expectations(context, *expectations, shape, labels);
  }
}

template <class Step>
void zero_step_positions(std::vector<Step>* steps) {
  for (Step& step : *steps) step.pos = SourcePos{};
}

}  // namespace

ScenarioParse parse_scenario_yaml(std::string_view original, const std::string& file) {
  // Keys asked for by bucket (`keys:`, `$name.i`) become plain keys first.
  const KeyResolution keys = resolve_scenario_keys(original, file, default_key_cache_directory());
  if (!keys.errors.empty()) {
    ScenarioParse failed;
    failed.spec.file = file;
    failed.errors = keys.errors;
    return failed;
  }
  const std::string_view text = keys.text;
  Context context(file, text);
  ScenarioParse result;
  result.spec.file = file;
  const std::optional<YAML::Node> root = yaml::load_one_document(context, text);
  if (root) {
    const yaml::Value value = yaml::make_value(*root, "", SourcePos{1, 1});
    const auto entries = yaml::read_entries(context, value, kTopKeys,
                                            "a scenario (a map of map:, cpu0:, ...)");
    if (entries) read_sections(context, *entries, value.pos, &result.spec);
  }
  result.errors = context.sorted_errors();
  return result;
}

ScenarioParse load_scenario_file(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    return ScenarioParse{{}, {path + ": is a folder; expected a scenario file (.yaml)"}};
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    const std::string why = std::filesystem::exists(path, error) ? "permission denied or unreadable"
                                                                 : "no such file";
    return ScenarioParse{{}, {path + ": cannot read: " + why}};
  }
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) return ScenarioParse{{}, {path + ": cannot read: read error"}};
  return parse_scenario_yaml(text.str(), path);
}

std::vector<std::string> scenario_files_in(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (!fs::is_directory(path, error)) {
    return fs::exists(path, error) ? std::vector<std::string>{path} : std::vector<std::string>{};
  }
  std::vector<std::string> files;
  for (fs::recursive_directory_iterator it(path, error), end; !error && it != end;
       it.increment(error)) {
    const std::string extension = it->path().extension().string();
    if ((extension == ".yaml" || extension == ".yml") && it->is_regular_file(error)) {
      files.push_back(it->path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> validate_scenario(const ScenarioSpec& spec) {
  const std::string name = "<emitted " + (spec.name.empty() ? std::string("scenario") : spec.name) +
                           ">";
  return parse_scenario_yaml(emit_scenario_yaml(spec), name).errors;
}

void fill_default_labels(ScenarioSpec* spec) {
  auto fill = [](std::vector<StepSpec>* steps, const std::string& prefix) {
    for (size_t index = 0; index < steps->size(); ++index) {
      StepSpec& step = (*steps)[index];
      if (step.label.empty()) step.label = prefix + "." + std::to_string(index);
    }
  };
  fill(&spec->setup, "setup");
  for (CpuProgramSpec& program : spec->cpus) {
    fill(&program.steps, "cpu" + std::to_string(program.cpu));
  }
  for (size_t index = 0; index < spec->interrupts.size(); ++index) {
    fill(&spec->interrupts[index].steps, "irq" + std::to_string(index));
  }
}

ScenarioSpec strip_positions(ScenarioSpec spec) {
  zero_step_positions(&spec.setup);
  zero_step_positions(&spec.cpus);
  zero_step_positions(&spec.interrupts);
  zero_step_positions(&spec.expectations);
  for (CpuProgramSpec& program : spec.cpus) zero_step_positions(&program.steps);
  for (InterruptSpec& interrupt : spec.interrupts) zero_step_positions(&interrupt.steps);
  for (ExpectationSpec& expectation : spec.expectations) {
    zero_step_positions(&expectation.atoms);
  }
  return spec;
}

}  // namespace mapsim::scenario
