// Names and descriptions of LruPlan (synth/lru/lru_plan.h).
#include "synth/lru/lru_plan.h"

#include <sstream>

namespace mapsim::synth {

const char* lru_kind_name(LruKind kind) {
  return kind == LruKind::kCommon ? "common" : "percpu";
}

const char* key_class_name(KeyClass key_class) {
  switch (key_class) {
    case KeyClass::kFresh: return "fresh";
    case KeyClass::kPending: return "pending";
    case KeyClass::kActive: return "active";
    case KeyClass::kInactive: return "inactive";
    case KeyClass::kOuterKey: return "interrupted-op's";
  }
  return "?";
}

const char* irq_phase_name(IrqPhase phase) {
  switch (phase) {
    case IrqPhase::kPopOwnLock: return "in the pop, holding this CPU's LRU lock";
    case IrqPhase::kRefill: return "in the refill, holding the local and global LRU locks";
    case IrqPhase::kStealVictim: return "in the steal, holding the first victim's local lock";
    case IrqPhase::kAfterPop: return "after the pop, before the bucket lock";
    case IrqPhase::kUpdateBucket: return "holding the update's bucket lock";
    case IrqPhase::kUpdatePush: return "pushing the unused node back, holding its lock";
    case IrqPhase::kDeleteBucket: return "holding the delete's bucket lock";
    case IrqPhase::kDeleteBeforePush: return "after the unlink, before the push takes its lock";
    case IrqPhase::kDeletePush: return "in the delete's push, holding its lock";
  }
  return "?";
}

std::string PlanOp::describe() const {
  std::ostringstream text;
  static const char* kKinds[] = {"update", "delete", "prog lookup"};
  text << "cpu" << cpu << " " << kKinds[static_cast<int>(kind)] << " ";
  if (key_class == KeyClass::kFresh || key_class == KeyClass::kOuterKey) {
    text << key_class_name(key_class) << " key";
  } else {
    text << (key_oldest ? "oldest " : "newest ") << (key_referenced ? "referenced " : "")
         << key_class_name(key_class) << " key";
    if (key_class == KeyClass::kPending || key_cpu != 0) text << " of cpu" << key_cpu;
  }
  if (kind == PlanOpKind::kUpdate) {
    static const char* kFlags[] = {"BPF_ANY", "BPF_NOEXIST", "BPF_EXIST"};
    text << " " << kFlags[flags];
  }
  return text.str();
}

std::string LruPlan::describe() const {
  std::ostringstream text;
  text << (percpu_values ? "LRU_PERCPU_HASH" : "LRU_HASH") << " (" << lru_kind_name(lru)
       << " LRU), max_entries " << max_entries << ", " << cpus << " CPUs"
       << (one_bucket ? ", all keys in one bucket" : "") << "\n";
  for (size_t index = 0; index < ops.size(); ++index) {
    text << "  " << index << ": " << ops[index].describe() << "\n";
    if (irq.present && irq.host == static_cast<int>(index)) {
      text << "     interrupt " << irq_phase_name(irq.phase) << ": " << irq.op.describe()
           << "\n";
    }
  }
  return text.str();
}

}  // namespace mapsim::synth
