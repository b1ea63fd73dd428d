// check_linearizable() on random histories (model/linearizability/random_history.h):
// - histories built from a sequential run of the reference model with widened intervals are
//   linearizable by construction, for every map type the checker has a specification for;
// - on tiny HASH and ARRAY histories, original and with one result mutated, the verdict equals
//   a brute-force search over every order of the ops (an independent checker: permutations,
//   the reference model, exact results);
// - per-key partitioning gives the verdicts of whole-history checking;
// - a violation's smallest part is not linearizable on its own either.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <random>

#include "model/linearizability/linearizability_check.h"
#include "model/linearizability/random_history.h"
#include "model/reference/create_model.h"
#include "model/reference/reference_uapi.h"
#include "tests/support/history_builder.h"

namespace mapsim {
namespace {

using linearizability::check_linearizable;
using linearizability::format_verdict;
using linearizability::History;
using linearizability::HistoryOp;
using linearizability::LinearizabilityOptions;
using linearizability::LinearizabilityVerdict;
using linearizability::random_linearizable_history;
using linearizability::RandomHistoryOptions;
using scenario::StepKind;
using testing::map_attr;
using Kind = LinearizabilityVerdict::Kind;

RandomHistoryOptions options_for(MapAttr map, int contexts, uint32_t ops, uint32_t keys) {
  RandomHistoryOptions options;
  options.map = std::move(map);
  options.possible_cpus = 4;
  options.contexts = contexts;
  options.ops = ops;
  options.key_count = keys;
  return options;
}

TEST(LinearizabilityRandomTest, WidenedSequentialRunsAreLinearizable) {
  struct Case {
    const char* name;
    MapAttr map;
    uint32_t keys;
    bool get_next_key;
  };
  const Case cases[] = {
      {"hash", map_attr(reference::kTypeHash, 16), 4, false},
      {"hash full", map_attr(reference::kTypeHash, 3), 6, false},
      {"hash get_next_key", map_attr(reference::kTypeHash, 8, 8, reference::kZeroSeed), 4, true},
      {"percpu_hash", map_attr(reference::kTypePercpuHash, 4, 4), 6, false},
      {"array", map_attr(reference::kTypeArray, 4), 5, false},
      {"percpu_array", map_attr(reference::kTypePercpuArray, 4, 12), 5, false},
      {"lru_hash", map_attr(reference::kTypeLruHash, 4), 8, false},
      {"lru_percpu_hash", map_attr(reference::kTypeLruPercpuHash, 4, 4), 8, false},
      {"lru_hash per-CPU lists",
       map_attr(reference::kTypeLruHash, 8, 8, reference::kNoCommonLru), 12, false},
  };
  for (const Case& c : cases) {
    for (uint64_t seed = 1; seed <= 40; ++seed) {
      RandomHistoryOptions options =
          options_for(c.map, 2 + static_cast<int>(seed % 3), 40, c.keys);
      options.get_next_key = c.get_next_key;
      options.setup_keys = static_cast<uint32_t>(seed % 3);
      const History history = random_linearizable_history(seed, options);
      const LinearizabilityVerdict verdict = check_linearizable(history);
      ASSERT_EQ(verdict.kind, Kind::kLinearizable)
          << c.name << " seed " << seed << "\n" << format_verdict(verdict);
    }
  }
}

// ---- one mutated result ----

void mutate_one_result(std::mt19937_64& random, const reference::MapModel& model,
                       History& history) {
  HistoryOp& op = history.ops[random() % history.ops.size()];
  const bool reads = op.step.kind == StepKind::kLookup ||
                     op.step.kind == StepKind::kLookupAndDelete ||
                     op.step.kind == StepKind::kGetNextKey;
  if (reads && op.rc == 0 && random() % 2 == 0) {
    op.value[random() % op.value.size()] ^= static_cast<unsigned char>(1 + random() % 3);
    return;
  }
  if (op.rc != 0) {
    op.rc = 0;
    if (reads) {
      const size_t bytes = op.step.kind == StepKind::kGetNextKey ? 4
                           : op.step.via == Via::kProgram         ? model.info().value_size
                                                                  : model.syscall_value_size();
      op.value.assign(bytes, static_cast<unsigned char>(random() % 4));
    }
    return;
  }
  op.value.clear();
  op.rc = random() % 2 == 0 ? reference::kENOENT : reference::kEEXIST;
}

// ---- the brute-force checker ----

reference::ModelOp model_op_of(const scenario::StepSpec& step, int cpu) {
  reference::ModelOp op;
  op.code = step.kind == StepKind::kUpdate            ? reference::OpCode::kUpdate
            : step.kind == StepKind::kDelete          ? reference::OpCode::kDelete
            : step.kind == StepKind::kGetNextKey      ? reference::OpCode::kGetNextKey
            : step.kind == StepKind::kLookupAndDelete ? reference::OpCode::kLookupAndDelete
                                                      : reference::OpCode::kLookup;
  op.caller = step.via == Via::kProgram ? reference::Caller::kProgram
                                        : reference::Caller::kSyscall;
  op.cpu = cpu;
  op.key = step.key;
  op.value = step.value;
  op.flags = op.caller == reference::Caller::kProgram && op.code == reference::OpCode::kLookup
                 ? 0
                 : step.flags;
  return op;
}

reference::MapModel model_after_setup(const History& history) {
  reference::CreateRequest request;
  request.type = history.map.map_type;
  request.key_size = history.map.key_size;
  request.value_size = history.map.value_size;
  request.max_entries = history.map.max_entries;
  request.map_flags = history.map.map_flags;
  std::optional<reference::MapModel> model;
  EXPECT_EQ(reference::create_map_model(request, {history.possible_cpus, history.hash_seed},
                                        &model),
            0);
  for (const scenario::StepSpec& step : history.setup) model->apply(model_op_of(step, 0));
  return std::move(*model);
}

// Some order of all ops that respects real time (A.returned < B.invoked puts A first) and
// program order, in which the model gives every recorded result exactly?
bool brute_force_linearizable(const History& history, const reference::MapModel& model,
                              std::vector<bool>& used) {
  if (std::all_of(used.begin(), used.end(), [](bool u) { return u; })) return true;
  for (size_t i = 0; i < history.ops.size(); ++i) {
    if (used[i]) continue;
    const HistoryOp& op = history.ops[i];
    bool minimal = true;
    for (size_t j = 0; j < history.ops.size() && minimal; ++j) {
      if (used[j] || j == i) continue;
      const HistoryOp& other = history.ops[j];
      if (other.returned_step < op.invoked_step) minimal = false;
      if (other.context == op.context && other.invoked_step < op.invoked_step) minimal = false;
    }
    if (!minimal) continue;
    reference::MapModel next = model;
    const reference::ModelResult result = next.apply(model_op_of(op.step, op.cpu));
    if (result.rc != op.rc || result.data != op.value) continue;
    used[i] = true;
    if (brute_force_linearizable(history, next, used)) return true;
    used[i] = false;
  }
  return false;
}

bool brute_force_linearizable(const History& history) {
  std::vector<bool> used(history.ops.size(), false);
  return brute_force_linearizable(history, model_after_setup(history), used);
}

TEST(LinearizabilityRandomTest, BruteForceAgreesOnTinyHistories) {
  const MapAttr maps[] = {map_attr(reference::kTypeHash, 2, 8, reference::kZeroSeed),
                          map_attr(reference::kTypeArray, 3)};
  int mutated_violations = 0;
  int mutated = 0;
  for (const MapAttr& map : maps) {
    for (uint64_t seed = 1; seed <= 250; ++seed) {
      RandomHistoryOptions options = options_for(map, 3, 6, 3);
      options.get_next_key = map.map_type == reference::kTypeHash;
      options.widen_max = 40;
      options.setup_keys = static_cast<uint32_t>(seed % 2);
      History history = random_linearizable_history(seed, options);
      std::mt19937_64 random(seed);
      for (int round = 0; round < 2; ++round) {
        const bool expected = brute_force_linearizable(history);
        const LinearizabilityVerdict verdict = check_linearizable(history);
        ASSERT_NE(verdict.kind, Kind::kNotCheckable) << format_verdict(verdict);
        ASSERT_EQ(verdict.kind == Kind::kLinearizable, expected)
            << "type " << map.map_type << " seed " << seed << " round " << round << "\n"
            << format_verdict(verdict);
        if (round == 1) {
          ++mutated;
          mutated_violations += expected ? 0 : 1;
        }
        mutate_one_result(random, model_after_setup(history), history);
      }
    }
  }
  // One changed result usually leaves no order that explains the history.
  EXPECT_GT(mutated_violations * 2, mutated) << mutated_violations << " of " << mutated;
}

TEST(LinearizabilityRandomTest, PerKeyPartitionsGiveTheWholeHistoryVerdict) {
  const MapAttr maps[] = {map_attr(reference::kTypeHash, 8),
                          map_attr(reference::kTypePercpuHash, 8, 4),
                          map_attr(reference::kTypeArray, 4),
                          map_attr(reference::kTypePercpuArray, 4, 8)};
  int violations = 0;
  for (const MapAttr& map : maps) {
    for (uint64_t seed = 1; seed <= 60; ++seed) {
      History history = random_linearizable_history(seed, options_for(map, 3, 14, 3));
      std::mt19937_64 random(seed * 7);
      if (seed % 2 == 0) mutate_one_result(random, model_after_setup(history), history);
      // Verdicts only: no shrinking.
      LinearizabilityOptions options;
      options.shrink_max_checks = 0;
      LinearizabilityOptions whole = options;
      whole.partition_per_key = false;
      const LinearizabilityVerdict per_key = check_linearizable(history, options);
      ASSERT_EQ(per_key.partitioning, "per key");
      ASSERT_EQ(per_key.kind, check_linearizable(history, whole).kind)
          << "type " << map.map_type << " seed " << seed << "\n" << format_verdict(per_key);
      violations += per_key.kind == Kind::kNotLinearizable ? 1 : 0;
    }
  }
  EXPECT_GT(violations, 20);
}

// The smallest part fails with every other op free, "never" included: alone, it fails too.
TEST(LinearizabilityRandomTest, SmallestPartIsNotLinearizableAlone) {
  struct Case {
    MapAttr map;
    uint32_t ops;
    bool expect_minimal;  // per-key HASH parts shrink to the end; LRU whole-history ones may not
  };
  int parts = 0;
  for (const Case& c : {Case{map_attr(reference::kTypeHash, 8), 24, true},
                        Case{map_attr(reference::kTypeLruHash, 4), 12, false}}) {
    for (uint64_t seed = 1; seed <= 40; ++seed) {
      History history = random_linearizable_history(seed, options_for(c.map, 3, c.ops, 6));
      std::mt19937_64 random(seed);
      mutate_one_result(random, model_after_setup(history), history);
      const LinearizabilityVerdict verdict = check_linearizable(history);
      if (verdict.kind != Kind::kNotLinearizable) continue;
      ++parts;
      if (c.expect_minimal) {
        EXPECT_TRUE(verdict.smallest_part_minimal) << seed;
      }
      EXPECT_LT(verdict.smallest_part.size(), history.ops.size());
      History part = history;
      part.ops.clear();
      for (const auto& op : verdict.smallest_part) part.ops.push_back(history.ops[op.index]);
      EXPECT_EQ(check_linearizable(part).kind, Kind::kNotLinearizable)
          << "seed " << seed << "\n" << format_verdict(verdict);
    }
  }
  EXPECT_GT(parts, 30);
}

}  // namespace
}  // namespace mapsim
