#include "sim/visible_op.h"


namespace mapsim::sim {

const char* visible_op_kind_name(VisibleOpKind kind) {
  switch (kind) {
    case VisibleOpKind::kSpinLock: return "spin_lock";
    case VisibleOpKind::kSpinUnlock: return "spin_unlock";
    case VisibleOpKind::kBucketLock: return "bucket_lock";
    case VisibleOpKind::kBucketUnlock: return "bucket_unlock";
    case VisibleOpKind::kAtomicLoad: return "atomic_load";
    case VisibleOpKind::kAtomicStore: return "atomic_store";
    case VisibleOpKind::kAtomicRmw: return "atomic_rmw";
    case VisibleOpKind::kRacyLoad: return "read_once";
    case VisibleOpKind::kRacyStore: return "write_once";
    case VisibleOpKind::kRcuReadLock: return "rcu_read_lock";
    case VisibleOpKind::kRcuReadUnlock: return "rcu_read_unlock";
    case VisibleOpKind::kRcuDeferFree: return "free_after_grace_period";
    case VisibleOpKind::kAllocate: return "allocate";
    case VisibleOpKind::kRelease: return "release";
    case VisibleOpKind::kCopy: return "copy";
    case VisibleOpKind::kCompare: return "compare";
    case VisibleOpKind::kIrqEntry: return "irq_entry";
    case VisibleOpKind::kIrqExit: return "irq_exit";
  }
  return "?";
}

std::string object_key_name(ObjectKey key) {
  const std::string id = std::to_string(object_id(key));
  switch (object_tag(key)) {
    case ObjectTag::kNone: return "-";
    case ObjectTag::kSimObject: return "obj#" + id;
    case ObjectTag::kArenaBlock: return "block#" + id;
    case ObjectTag::kStack: return "stack#" + id;
    case ObjectTag::kExternal: return "external";
    case ObjectTag::kRcu: return "rcu";
    case ObjectTag::kCpu: return "cpu" + id;
  }
  return "?" + id;
}

std::string describe(const VisibleOp& op) { return describe(op, &object_key_name); }

std::string describe(const VisibleOp& op, const std::function<std::string(ObjectKey)>& name) {
  std::string text = visible_op_kind_name(op.kind);
  // Appended piece by piece: GCC 12 at -O3 reports a false -Wrestrict for "x" + std::string&&
  // (PR 105329).
  auto append_object = [&](const char* separator, ObjectKey key, const Span& span) {
    text += separator;
    text += name(key);
    if (span.bytes == 0) return;
    text += '[';
    text += std::to_string(span.offset);
    text += '+';
    text += std::to_string(span.bytes);
    text += ']';
  };
  if (op.object != kNoObject) append_object(" ", op.object, op.span);
  if (op.object2 != kNoObject) append_object(" <- ", op.object2, op.span2);
  return text;
}

}  // namespace mapsim::sim
