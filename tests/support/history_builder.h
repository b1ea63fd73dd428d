// HistoryBuilder: hand-made concurrent histories (model/linearizability/history.h) for tests,
// one line per op:
//
//   HistoryBuilder h(hash_map(kTypeHash), /*possible_cpus=*/2);
//   h.update(0, {0, 10}, key(1), u64(7));          // context 0 (CPU 0), steps 0..10, rc 0
//   h.lookup(1, {2, 4}, key(1)).returns(-2);       // context 1 (CPU 1) saw ENOENT
//   h.lookup(1, {12, 13}, key(1)).reads(u64(7));
//
// Context c runs on CPU c % possible_cpus unless .on_cpu() says otherwise.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "model/linearizability/history.h"
#include "tests/support/bytes.h"

namespace mapsim::testing {

struct Interval {
  uint32_t invoked = 0;
  uint32_t returned = 0;
};

inline Bytes key(uint32_t index) { return le_bytes(index, 4); }
inline Bytes u64(uint64_t value) { return le_bytes(value, 8); }

inline MapAttr map_attr(uint32_t type, uint32_t max_entries = 16, uint32_t value_size = 8,
                        uint32_t flags = 0) {
  MapAttr attr;
  attr.map_type = type;
  attr.key_size = 4;
  attr.value_size = value_size;
  attr.max_entries = max_entries;
  attr.map_flags = flags;
  return attr;
}

class HistoryBuilder {
 public:
  using StepKind = scenario::StepKind;

  // Chained setters for the op just added.
  class OpRef {
   public:
    OpRef(linearizability::History* history, size_t index) : history_(history), index_(index) {}
    OpRef& returns(int64_t rc) {
      op().rc = rc;
      return *this;
    }
    OpRef& reads(Bytes value) {
      op().value = std::move(value);
      return *this;
    }
    OpRef& flags(uint64_t flags) {
      op().step.flags = flags;
      return *this;
    }
    OpRef& via_program() {
      op().step.via = Via::kProgram;
      return *this;
    }
    OpRef& on_cpu(int cpu) {
      op().cpu = cpu;
      return *this;
    }
    OpRef& found(bool found) {
      op().found = found;
      return *this;
    }
    linearizability::HistoryOp& op() { return history_->ops[index_]; }

   private:
    linearizability::History* history_;
    size_t index_;
  };

  HistoryBuilder(MapAttr map, int possible_cpus) {
    history_.map = std::move(map);
    history_.possible_cpus = possible_cpus;
  }

  // A setup step (syscall update, BPF_ANY, on CPU 0).
  void setup_update(Bytes key, Bytes value) {
    scenario::StepSpec step;
    step.kind = StepKind::kUpdate;
    step.key = std::move(key);
    step.value = std::move(value);
    step.label = "setup." + std::to_string(history_.setup.size());
    history_.setup.push_back(std::move(step));
  }

  OpRef add(int context, Interval interval, StepKind kind, std::optional<Bytes> key,
            Bytes value = {}) {
    linearizability::HistoryOp op;
    op.context = context;
    op.cpu = context % history_.possible_cpus;
    op.step.kind = kind;
    op.step.key = std::move(key);
    op.step.value = std::move(value);
    op.step.label = "op" + std::to_string(history_.ops.size());
    op.invoked_step = interval.invoked;
    op.returned_step = interval.returned;
    history_.ops.push_back(std::move(op));
    return OpRef(&history_, history_.ops.size() - 1);
  }
  OpRef update(int context, Interval interval, Bytes key, Bytes value) {
    return add(context, interval, StepKind::kUpdate, std::move(key), std::move(value));
  }
  OpRef lookup(int context, Interval interval, Bytes key) {
    return add(context, interval, StepKind::kLookup, std::move(key));
  }
  OpRef remove(int context, Interval interval, Bytes key) {
    return add(context, interval, StepKind::kDelete, std::move(key));
  }

  linearizability::History& history() { return history_; }

 private:
  linearizability::History history_;
};

}  // namespace mapsim::testing
