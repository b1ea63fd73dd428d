// Scenario files (scenarios/scenario_yaml.h): emit and parse are inverse on the bundled examples,
// on randomly generated valid specs (every map type, op, layout and setting) and on whatever a
// mutated example still parses to.
#include "scenarios/scenario_yaml.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <string>

#include "impl/lru_path_event.h"
#include "impl/uapi.h"

namespace mapsim::scenario {
namespace {

using ::testing::IsEmpty;
using ::testing::SizeIs;

const std::string kExamplesDir = std::string(MAPSIM_SOURCE_DIR) + "/scenarios/examples";

// The parts of two specs that differ, for failure messages.
std::string differences(const ScenarioSpec& left, const ScenarioSpec& right) {
  std::string parts;
  auto check = [&](bool same, const char* name) {
    if (!same) parts += std::string(parts.empty() ? "" : ", ") + name;
  };
  check(left.file == right.file, "file");
  check(left.name == right.name, "name");
  check(left.description == right.description, "description");
  check(left.possible_cpus == right.possible_cpus && left.map_seed == right.map_seed, "machine");
  check(left.map == right.map && left.devices == right.devices, "map");
  check(left.setup == right.setup, "setup");
  check(left.cpus == right.cpus, "cpus");
  check(left.interrupts == right.interrupts, "interrupts");
  check(left.faults == right.faults && left.explore == right.explore, "run settings");
  check(left.checks == right.checks, "checks");
  check(left.expectations == right.expectations, "expectations");
  return parts;
}

// parse(emit(spec)) == spec, and emitting the result gives the same text again.
void expect_round_trip(const ScenarioSpec& spec) {
  const std::string text = emit_scenario_yaml(spec);
  const ScenarioParse parse = parse_scenario_yaml(text, spec.file);
  ASSERT_THAT(parse.errors, IsEmpty()) << text;
  const ScenarioSpec parsed = strip_positions(parse.spec);
  EXPECT_TRUE(parsed == strip_positions(spec))
      << "differ: " << differences(parsed, strip_positions(spec)) << "\n" << text;
  EXPECT_EQ(emit_scenario_yaml(parse.spec), text);
}

TEST(ScenarioYamlRoundTripTest, EveryExampleParsesAndRoundTrips) {
  const std::vector<std::string> files = scenario_files_in(kExamplesDir);
  ASSERT_THAT(files, SizeIs(::testing::Ge(6u)));
  for (const std::string& file : files) {
    SCOPED_TRACE(file);
    const ScenarioParse parse = load_scenario_file(file);
    ASSERT_THAT(parse.errors, IsEmpty());
    EXPECT_FALSE(parse.spec.description.empty()) << "each example opens with a comment";
    EXPECT_FALSE(parse.spec.expectations.empty());
    expect_round_trip(parse.spec);
  }
}

// Valid specs of every shape the format can hold, from one seed.
class RandomSpec {
 public:
  explicit RandomSpec(uint64_t seed) : random_(seed) {}

  ScenarioSpec make();

 private:
  enum class StepPlace { kSetup, kCpu, kInterrupt };

  uint64_t below(uint64_t bound) {
    return std::uniform_int_distribution<uint64_t>(0, bound - 1)(random_);
  }
  bool chance(double probability) { return std::bernoulli_distribution(probability)(random_); }
  uint64_t any() { return random_(); }
  Bytes bytes(size_t size) {
    Bytes result(size);
    for (unsigned char& byte : result) {
      byte = chance(0.5) ? 0 : static_cast<unsigned char>(below(256));
    }
    return result;
  }
  std::string text(bool multi_line);
  Bytes syscall_value();
  StepSpec step(StepPlace place, bool pointer_kept);
  AtomSpec atom(const std::vector<const StepSpec*>& steps);
  void map();
  std::vector<StepSpec> steps(StepPlace place, uint64_t count);
  void run_settings();
  void expectations();

  std::mt19937_64 random_;
  ScenarioSpec spec_;
  int labels_ = 0;
};

std::string RandomSpec::text(bool multi_line) {
  static const std::vector<std::string> kPieces = {
      "a", "Z", "0", " ", "\"", "'", ":", "# ", "\\", "-", "_", ".", "\t", "\xc3\xa9", "{", "[",
      "lookup", "EEXIST", "true", "null"};
  std::string result;
  const uint64_t length = 1 + below(12);
  for (uint64_t index = 0; index < length; ++index) {
    if (multi_line && chance(0.1)) result += chance(0.8) ? "\n" : "\x01";
    result += kPieces[below(kPieces.size())];
  }
  return result;
}

void RandomSpec::map() {
  static constexpr uint32_t kTypes[] = {
      bpf::kMapHash,  bpf::kMapPercpuHash,   bpf::kMapLruHash, bpf::kMapLruPercpuHash,
      bpf::kMapArray, bpf::kMapPercpuArray,  bpf::kMapDevmap,  bpf::kMapDevmapHash,
      bpf::kMapBloomFilter, bpf::kMapLpmTrie};
  static constexpr uint32_t kKeySizes[] = {1, 2, 4, 8, 12, 16};
  MapAttr& map = spec_.map;
  map.map_type = kTypes[below(std::size(kTypes))];
  map.key_size = kKeySizes[below(std::size(kKeySizes))];
  map.value_size = static_cast<uint32_t>(1 + below(24));
  const bool devmap = map.map_type == bpf::kMapDevmap || map.map_type == bpf::kMapDevmapHash;
  if (map.map_type == bpf::kMapArray || map.map_type == bpf::kMapPercpuArray || devmap) {
    map.key_size = 4;
  }
  if (devmap) map.value_size = chance(0.5) ? 4 : 8;
  if (map.map_type == bpf::kMapBloomFilter) map.key_size = 0;
  map.max_entries = static_cast<uint32_t>(below(100));
  if (chance(0.6)) map.map_flags = bpf::kFZeroSeed;
  if (chance(0.3)) map.map_flags |= bpf::kFNoPrealloc;
  if (chance(0.1)) map.map_flags |= uint32_t{1} << 31;  // no name: written as an integer
  if (chance(0.2)) map.numa_node = static_cast<uint32_t>(below(4));
  if (chance(0.2)) map.map_extra = any();
  if (chance(0.3)) map.name = text(false);
  if (devmap) {
    for (uint64_t count = below(3); count > 0; --count) {
      std::string name = text(false).substr(0, 15);
      spec_.devices[static_cast<uint32_t>(1 + below(INT32_MAX))] = name;
    }
  }
}

Bytes RandomSpec::syscall_value() {
  const bool percpu = spec_.map.map_type == bpf::kMapPercpuHash ||
                      spec_.map.map_type == bpf::kMapLruPercpuHash ||
                      spec_.map.map_type == bpf::kMapPercpuArray;
  if (!percpu) return bytes(spec_.map.value_size);
  const size_t slot = (spec_.map.value_size + 7) / 8 * 8;
  Bytes buffer = bytes(slot * static_cast<size_t>(spec_.possible_cpus));
  if (chance(0.8)) {  // zero padding, equal slots or not
    const Bytes one = bytes(spec_.map.value_size);
    for (size_t cpu = 0; cpu < static_cast<size_t>(spec_.possible_cpus); ++cpu) {
      const Bytes value = chance(0.5) ? one : bytes(spec_.map.value_size);
      std::fill(buffer.begin() + cpu * slot, buffer.begin() + (cpu + 1) * slot, 0);
      std::copy(value.begin(), value.end(), buffer.begin() + cpu * slot);
    }
  }
  return buffer;
}

StepSpec RandomSpec::step(StepPlace place, bool pointer_kept) {
  const bool bloom = spec_.map.map_type == bpf::kMapBloomFilter;
  const bool sequences = spec_.map.value_size >= 4 && !bloom;
  std::vector<StepKind> kinds = {StepKind::kUpdate, StepKind::kLookup, StepKind::kDelete};
  if (place != StepPlace::kInterrupt) {
    kinds.insert(kinds.end(), {StepKind::kLookupAndDelete, StepKind::kGetNextKey, StepKind::kWalk,
                               StepKind::kBatchWalk, StepKind::kBatchWalkAndDelete});
  }
  if (sequences) kinds.insert(kinds.end(), {StepKind::kLookupAddElseInsert,
                                            StepKind::kLookupKeepPointer});
  StepSpec step;
  step.kind = pointer_kept ? StepKind::kAddThroughPointer : kinds[below(kinds.size())];
  const bool either = step.kind == StepKind::kUpdate || step.kind == StepKind::kLookup ||
                      step.kind == StepKind::kDelete;
  const bool program_only = step.kind == StepKind::kLookupAddElseInsert ||
                            step.kind == StepKind::kLookupKeepPointer ||
                            step.kind == StepKind::kAddThroughPointer;
  step.via = place == StepPlace::kInterrupt || program_only || (either && !bloom && chance(0.5))
                 ? Via::kProgram
                 : Via::kSyscall;
  const bool keyed =
      !step_kind_is_walk(step.kind) && step.kind != StepKind::kAddThroughPointer;
  if (step_kind_is_batch_walk(step.kind)) {
    static constexpr uint32_t kBatchSizes[] = {0, 1, 2, 7, 4096, UINT32_MAX};
    step.batch_size = kBatchSizes[below(std::size(kBatchSizes))];
  }
  if (keyed && spec_.map.key_size > 0 && !(step.kind == StepKind::kGetNextKey && chance(0.5))) {
    step.key = bytes(spec_.map.key_size);
  }
  if (step.kind == StepKind::kAddThroughPointer) {
    step.value = bytes(8);
  } else if (step.kind == StepKind::kUpdate || step.kind == StepKind::kLookupAddElseInsert ||
             (step.kind == StepKind::kLookup && bloom)) {
    step.value = step.via == Via::kSyscall ? syscall_value() : bytes(spec_.map.value_size);
  }
  const bool flags = step.kind == StepKind::kUpdate || step.kind == StepKind::kLookupAndDelete ||
                     (step.kind == StepKind::kLookup && step.via == Via::kSyscall);
  static constexpr uint64_t kFlags[] = {0, 1, 2, 4, 5, 6, uint64_t{1} << 20, ~uint64_t{0}};
  if (flags) step.flags = kFlags[below(std::size(kFlags))];
  if (chance(0.3)) step.label = (chance(0.5) ? "L" : "_x.y-") + std::to_string(labels_++);
  return step;
}

AtomSpec RandomSpec::atom(const std::vector<const StepSpec*>& steps) {
  AtomSpec atom;
  using Kind = AtomSpec::Kind;
  const bool lru = spec_.map.map_type == bpf::kMapLruHash ||
                   spec_.map.map_type == bpf::kMapLruPercpuHash;
  const bool bloom = spec_.map.map_type == bpf::kMapBloomFilter;
  std::vector<const StepSpec*> lookups;
  std::vector<const StepSpec*> walks;
  for (const StepSpec* step : steps) {
    if ((step->kind == StepKind::kLookup || step->kind == StepKind::kLookupAndDelete ||
         step->kind == StepKind::kLookupKeepPointer) && !bloom) {
      lookups.push_back(step);
    }
    if (step_kind_is_walk(step->kind)) walks.push_back(step);
  }
  static constexpr int64_t kResults[] = {0, -2, -17, -12, -35, -95, -524, -1234, -4095};
  switch (below(7)) {
    case 0:
      if (!lookups.empty()) {
        const StepSpec* step = lookups[below(lookups.size())];
        atom.kind = Kind::kValue;
        atom.label = step->label;
        atom.value = step->via == Via::kSyscall ? syscall_value() : bytes(spec_.map.value_size);
        return atom;
      }
      break;
    case 1:
      if (!walks.empty()) {
        atom.kind = chance(0.5) ? Kind::kWalkRepeats : Kind::kWalkSkips;
        atom.label = walks[below(walks.size())]->label;
        atom.flag = chance(0.5);
        return atom;
      }
      break;
    case 2:
    case 3:
      if (bloom) {  // a bloom filter's item
        atom.kind = Kind::kFinalPresent;
        atom.value = bytes(spec_.map.value_size);
        atom.flag = chance(0.5);
        return atom;
      }
      if (spec_.map.key_size > 0) {
        atom.key = bytes(spec_.map.key_size);
        atom.kind = chance(0.5) ? Kind::kFinalPresent : Kind::kFinalValue;
        if (atom.kind == Kind::kFinalPresent) atom.flag = chance(0.5);
        if (atom.kind == Kind::kFinalValue) atom.value = syscall_value();
        return atom;
      }
      break;
    case 4:
      if (bloom) break;
      atom.kind = Kind::kFinalCount;
      atom.count = chance(0.5) ? below(10) : any();
      return atom;
    case 5:
      if (lru) {
        const auto events = all_path_events();
        atom.kind = Kind::kPathEvent;
        atom.event = path_event_name(events[below(events.size())]);
        if (chance(0.5)) atom.label = steps[below(steps.size())]->label;
        return atom;
      }
      break;
    default:
      break;
  }
  atom.kind = Kind::kResult;
  atom.label = steps[below(steps.size())]->label;
  atom.rc = kResults[below(std::size(kResults))];
  return atom;
}

std::vector<StepSpec> RandomSpec::steps(StepPlace place, uint64_t count) {
  std::vector<StepSpec> list;
  bool pointer_kept = false;
  // A kept pointer is used by the very next op: the pair is never split.
  for (uint64_t index = 0; index < count || pointer_kept; ++index) {
    list.push_back(step(place, pointer_kept));
    pointer_kept = list.back().kind == StepKind::kLookupKeepPointer;
  }
  return list;
}

void RandomSpec::run_settings() {
  static const std::vector<std::string> kStrategies = {"random", "pct", "bounded", "dpor"};
  static constexpr double kSeconds[] = {0, 0.1, 2.5, 1e-5, 123456.789, 1e300};
  if (chance(0.3)) spec_.faults.allocation_failures = static_cast<uint32_t>(below(3));
  ExploreSpec& explore = spec_.explore;
  if (chance(0.5)) explore.strategy = kStrategies[below(kStrategies.size())];
  if (chance(0.5)) explore.executions = chance(0.5) ? below(100000) : any();
  if (chance(0.3)) explore.max_steps = static_cast<uint32_t>(1 + below(UINT32_MAX));
  if (chance(0.3)) explore.time_seconds = kSeconds[below(std::size(kSeconds))];
  if (chance(0.3)) explore.time_seconds = std::uniform_real_distribution<double>(0, 1e6)(random_);
  if (chance(0.3)) explore.seed = any();
  if (chance(0.3)) explore.pct_depth = static_cast<int>(1 + below(32));
  if (chance(0.3)) explore.preemption_bound = static_cast<int>(below(INT32_MAX));
  if (chance(0.3)) {
    explore.stack_kib = ExploreSpec::kMinStackKib +
                        static_cast<uint32_t>(below(ExploreSpec::kMaxStackKib -
                                                    ExploreSpec::kMinStackKib + 1));
  }
  if (chance(0.5)) {
    ChecksSpec& checks = spec_.checks;
    checks.invariants = chance(0.5);
    checks.linearizability = chance(0.5);
    checks.races = chance(0.5);
    checks.walks = chance(0.5) && checks.invariants;
    const bool all_on = checks.invariants && checks.linearizability && checks.races &&
                        checks.walks;
    if (!all_on) checks.why_off = text(true);
  }
}

void RandomSpec::expectations() {
  std::vector<const StepSpec*> all;
  for (const StepSpec& step : spec_.setup) all.push_back(&step);
  for (const CpuProgramSpec& program : spec_.cpus) {
    for (const StepSpec& step : program.steps) all.push_back(&step);
  }
  for (const InterruptSpec& interrupt : spec_.interrupts) {
    for (const StepSpec& step : interrupt.steps) all.push_back(&step);
  }
  for (uint64_t count = below(4); count > 0; --count) {
    ExpectationSpec expectation;
    expectation.kind = static_cast<ExpectationSpec::Kind>(below(4));
    if (expectation.kind == ExpectationSpec::Kind::kExpected || chance(0.5)) {
      expectation.description = text(true);
    }
    for (uint64_t atoms = 1 + below(3); atoms > 0; --atoms) {
      expectation.atoms.push_back(atom(all));
    }
    spec_.expectations.push_back(std::move(expectation));
  }
}

ScenarioSpec RandomSpec::make() {
  spec_ = ScenarioSpec{};
  spec_.file = "random.yaml";
  spec_.name = chance(0.5) ? "random-" + std::to_string(below(100)) : text(false);
  if (chance(0.7)) spec_.description = text(true);
  if (chance(0.2)) spec_.description += "\n";
  spec_.possible_cpus = static_cast<int>(1 + below(4));
  if (chance(0.5)) spec_.map_seed = any();
  map();
  spec_.setup = steps(StepPlace::kSetup, below(3));
  std::vector<int> cpus(static_cast<size_t>(spec_.possible_cpus));
  for (size_t cpu = 0; cpu < cpus.size(); ++cpu) cpus[cpu] = static_cast<int>(cpu);
  std::shuffle(cpus.begin(), cpus.end(), random_);
  cpus.resize(1 + below(cpus.size()));
  for (int cpu : cpus) {
    spec_.cpus.push_back(CpuProgramSpec{SourcePos{}, cpu, steps(StepPlace::kCpu, 1 + below(4))});
  }
  const uint64_t interrupts = spec_.map.map_type == bpf::kMapBloomFilter ? 0 : below(3);
  for (uint64_t index = 0; index < interrupts; ++index) {
    const int cpu = cpus[below(cpus.size())];
    spec_.interrupts.push_back(
        InterruptSpec{SourcePos{}, cpu, steps(StepPlace::kInterrupt, 1 + below(3))});
  }
  fill_default_labels(&spec_);
  run_settings();
  expectations();
  return spec_;
}

TEST(ScenarioYamlRoundTripTest, RandomSpecsRoundTrip) {
  constexpr uint64_t kSpecs = 400;
  // Forms the emitter chooses between: each must have been exercised.
  std::map<std::string, int> forms = {
      {"\n  - {op: ", 0},        {"\n      - {op: ", 0}, {" via prog", 0},
      {" as ", 0},               {", value: [", 0},      {"value: 0x", 0},  {"flags: ", 0},
      {"\ndescription: \"", 0}, {"\n#\n", 0},           {"devices: {", 0}, {"why_off: ", 0},
      {"rc: -1234}", 0},         {"{path_event: ", 0},   {"repeats: ", 0},  {"get_next_key\n", 0},
      {"{item: ", 0},            {", step: ", 0},        {"add_through_pointer ", 0}};
  for (uint64_t seed = 1; seed <= kSpecs; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const ScenarioSpec spec = RandomSpec(seed).make();
    ASSERT_THAT(validate_scenario(spec), IsEmpty()) << emit_scenario_yaml(spec);
    expect_round_trip(spec);
    if (HasFatalFailure() || HasNonfatalFailure()) return;
    const std::string text = "\n" + emit_scenario_yaml(spec);
    for (auto& [form, count] : forms) count += text.find(form) != std::string::npos;
  }
  for (const auto& [form, count] : forms) EXPECT_GT(count, 0) << "never emitted: " << form;
}

// The line of "m.yaml:LINE:COLUMN: message" (one line, non-empty message); nullopt when the
// error is not of that form.
std::optional<int> error_line(const std::string& error) {
  const std::string prefix = "m.yaml:";
  if (error.rfind(prefix, 0) != 0 || error.find('\n') != std::string::npos) return std::nullopt;
  size_t at = prefix.size();
  int numbers[2] = {0, 0};
  for (int& number : numbers) {
    const size_t digits_end = error.find_first_not_of("0123456789", at);
    if (digits_end == at || digits_end == std::string::npos || error[digits_end] != ':') {
      return std::nullopt;
    }
    number = std::stoi(error.substr(at, digits_end - at));
    at = digits_end + 1;
  }
  if (numbers[0] < 1 || numbers[1] < 1) return std::nullopt;
  if (error.compare(at, 1, " ") != 0 || at + 1 >= error.size()) return std::nullopt;
  return numbers[0];
}

// Every example, mutated a byte at a time: the parser never crashes, every error is one
// well-formed line with a position inside the text, and what still parses round-trips.
TEST(ScenarioYamlRoundTripTest, MutatedExamplesGiveWellFormedErrorsOrValidSpecs) {
  static const std::string kAlphabet = " \n:-[]{},#'\"|0123456789xabz_.&*!?%@`\t\\";
  std::mt19937_64 random(7);
  int valid = 0;
  int invalid = 0;
  for (const std::string& file : scenario_files_in(kExamplesDir)) {
    std::ifstream stream(file);
    const std::string original((std::istreambuf_iterator<char>(stream)),
                               std::istreambuf_iterator<char>());
    const int lines = static_cast<int>(std::count(original.begin(), original.end(), '\n')) + 2;
    for (int round = 0; round < 300; ++round) {
      std::string text = original;
      for (int edit = 0; edit < 1 + round % 3; ++edit) {
        const size_t at = random() % text.size();
        const char c = kAlphabet[random() % kAlphabet.size()];
        switch (random() % 3) {
          case 0: text[at] = c; break;
          case 1: text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), c); break;
          default: text.erase(at, 1); break;
        }
      }
      const ScenarioParse parse = parse_scenario_yaml(text, "m.yaml");
      if (parse.ok()) {
        ++valid;
        expect_round_trip(parse.spec);
        continue;
      }
      ++invalid;
      for (const std::string& error : parse.errors) {
        const std::optional<int> line = error_line(error);
        ASSERT_TRUE(line.has_value()) << error << "\n" << text;
        EXPECT_LE(*line, lines) << error;
      }
    }
  }
  EXPECT_GT(valid, 0);
  EXPECT_GT(invalid, 0);
}

}  // namespace
}  // namespace mapsim::scenario
