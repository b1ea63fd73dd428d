#include "model/linearizability/random_history.h"

#include <algorithm>
#include <optional>
#include <random>
#include <utility>

#include "impl/assert.h"
#include "model/reference/create_model.h"
#include "model/reference/reference_uapi.h"

namespace mapsim::linearizability {
namespace {

using reference::Caller;
using reference::ModelOp;
using reference::OpCode;
using scenario::StepKind;
using scenario::StepSpec;

constexpr uint32_t kPointSpacing = 16;

class Draw {
 public:
  explicit Draw(uint64_t seed) : engine_(seed) {}
  uint64_t below(uint64_t bound) { return bound == 0 ? 0 : engine_() % bound; }
  bool chance(uint32_t percent) { return below(100) < percent; }
  Bytes bytes(size_t count) {
    Bytes out(count);
    for (unsigned char& byte : out) byte = static_cast<unsigned char>(below(4));
    return out;
  }

 private:
  std::mt19937_64 engine_;
};

Bytes key_bytes(uint32_t index, uint32_t key_size) {
  Bytes key(key_size, 0);
  for (uint32_t i = 0; i < key_size && i < 4; ++i) {
    key[i] = static_cast<unsigned char>(index >> (8 * i));
  }
  return key;
}

reference::MapModel create(const RandomHistoryOptions& options) {
  reference::CreateRequest request;
  request.type = options.map.map_type;
  request.key_size = options.map.key_size;
  request.value_size = options.map.value_size;
  request.max_entries = options.map.max_entries;
  request.map_flags = options.map.map_flags;
  std::optional<reference::MapModel> model;
  const int rc = reference::create_map_model(
      request, reference::ModelOptions{options.possible_cpus, 0}, &model);
  MAPSIM_ASSERT(rc == 0, "REQUIRES: a map the reference model creates");
  return std::move(*model);
}

StepSpec random_step(Draw& draw, const RandomHistoryOptions& options,
                     const reference::MapModel& model) {
  StepSpec step;
  const uint32_t roll = static_cast<uint32_t>(draw.below(100));
  const uint32_t key_index = static_cast<uint32_t>(draw.below(options.key_count));
  step.key = key_bytes(key_index, options.map.key_size);
  const bool program = options.program_ops && draw.chance(40);
  step.via = program ? Via::kProgram : Via::kSyscall;
  if (roll < 40) {
    step.kind = StepKind::kUpdate;
    step.flags = draw.below(3);  // BPF_ANY, BPF_NOEXIST, BPF_EXIST
    step.value = draw.bytes(program ? options.map.value_size : model.syscall_value_size());
  } else if (roll < 75) {
    step.kind = StepKind::kLookup;
  } else if (roll < 90 || (!options.lookup_and_delete && !options.get_next_key)) {
    step.kind = StepKind::kDelete;
  } else if (options.get_next_key && (roll < 95 || !options.lookup_and_delete)) {
    step.kind = StepKind::kGetNextKey;
    step.via = Via::kSyscall;
    if (draw.chance(20)) step.key.reset();
  } else {
    step.kind = StepKind::kLookupAndDelete;
    step.via = Via::kSyscall;
  }
  return step;
}

ModelOp model_op_for(const StepSpec& step, int cpu) {
  ModelOp op;
  op.code = step.kind == StepKind::kUpdate             ? OpCode::kUpdate
            : step.kind == StepKind::kDelete           ? OpCode::kDelete
            : step.kind == StepKind::kGetNextKey       ? OpCode::kGetNextKey
            : step.kind == StepKind::kLookupAndDelete  ? OpCode::kLookupAndDelete
                                                       : OpCode::kLookup;
  op.caller = step.via == Via::kProgram ? Caller::kProgram : Caller::kSyscall;
  op.cpu = cpu;
  op.key = step.key;
  op.value = step.value;
  op.flags = step.flags;
  return op;
}

// Widens each op's interval around its point within its context's neighbours.
void widen(Draw& draw, uint32_t widen_max, History& history) {
  std::vector<std::vector<size_t>> by_context;
  for (size_t i = 0; i < history.ops.size(); ++i) {
    const size_t context = static_cast<size_t>(history.ops[i].context);
    if (by_context.size() <= context) by_context.resize(context + 1);
    by_context[context].push_back(i);
  }
  for (const std::vector<size_t>& ops : by_context) {
    uint32_t floor = 0;  // the earliest step this op may start at
    for (size_t j = 0; j < ops.size(); ++j) {
      HistoryOp& op = history.ops[ops[j]];
      const uint32_t point = op.invoked_step;
      const uint32_t ceiling = j + 1 < ops.size()
                                   ? history.ops[ops[j + 1]].invoked_step - 1
                                   : point + widen_max;
      const uint32_t reach_back = static_cast<uint32_t>(draw.below(widen_max + 1));
      op.invoked_step = std::max(floor, point >= reach_back ? point - reach_back : 0);
      const uint32_t reach_forward = static_cast<uint32_t>(draw.below(widen_max + 1));
      op.returned_step = std::min(ceiling, point + reach_forward);
      floor = op.returned_step + 1;
    }
  }
}

}  // namespace

History random_linearizable_history(uint64_t seed, const RandomHistoryOptions& options) {
  MAPSIM_ASSERT(options.contexts >= 1 && options.contexts <= options.possible_cpus,
                "REQUIRES: one context per CPU at most");
  Draw draw(seed);
  reference::MapModel model = create(options);
  History history;
  history.map = options.map;
  history.possible_cpus = options.possible_cpus;
  for (uint32_t k = 0; k < options.setup_keys; ++k) {
    StepSpec step;
    step.kind = StepKind::kUpdate;
    step.key = key_bytes(k, options.map.key_size);
    step.value = draw.bytes(model.syscall_value_size());
    step.label = "setup." + std::to_string(k);
    model.apply(model_op_for(step, 0));
    history.setup.push_back(std::move(step));
  }
  for (uint32_t i = 0; i < options.ops; ++i) {
    HistoryOp op;
    op.context = static_cast<int>(draw.below(static_cast<uint64_t>(options.contexts)));
    op.cpu = op.context;
    op.step = random_step(draw, options, model);
    op.step.label = "op" + std::to_string(i);
    const reference::ModelResult result = model.apply(model_op_for(op.step, op.cpu));
    op.rc = result.rc;
    op.value = result.data;
    op.invoked_step = op.returned_step = kPointSpacing * (i + 1);
    history.ops.push_back(std::move(op));
  }
  widen(draw, options.widen_max, history);
  return history;
}

}  // namespace mapsim::linearizability
