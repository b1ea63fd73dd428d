#include "sim/transition.h"

namespace mapsim::sim {
namespace {

bool overlapping(const Span& left, const Span& right) {
  if (left.bytes == 0 || right.bytes == 0) return true;  // a whole object
  return left.offset < right.offset + right.bytes && right.offset < left.offset + left.bytes;
}

bool conflicting(ObjectKey left, const Span& left_span, AccessMode left_mode, ObjectKey right,
                 const Span& right_span, AccessMode right_mode) {
  if (left == kNoObject || left != right) return false;
  if (left_mode == AccessMode::kNone || right_mode == AccessMode::kNone) return false;
  if (left_mode == AccessMode::kRead && right_mode == AccessMode::kRead) return false;
  return overlapping(left_span, right_span);
}

}  // namespace

AccessMode primary_access(VisibleOpKind kind) {
  switch (kind) {
    case VisibleOpKind::kSpinLock:
    case VisibleOpKind::kSpinUnlock:
    case VisibleOpKind::kBucketLock:
    case VisibleOpKind::kBucketUnlock:
      return AccessMode::kLock;
    case VisibleOpKind::kAtomicLoad:
    case VisibleOpKind::kRacyLoad:
    case VisibleOpKind::kRcuReadLock:
    case VisibleOpKind::kCompare:
      return AccessMode::kRead;
    case VisibleOpKind::kAtomicStore:
    case VisibleOpKind::kAtomicRmw:
    case VisibleOpKind::kRacyStore:
    // Unlocks are writes: the order of two readers leaving decides which of them ends a grace
    // period and so when retired memory is reclaimed.
    case VisibleOpKind::kRcuReadUnlock:
    case VisibleOpKind::kRcuDeferFree:
    case VisibleOpKind::kRelease:
    case VisibleOpKind::kCopy:
      return AccessMode::kWrite;
    case VisibleOpKind::kAllocate:
    case VisibleOpKind::kIrqEntry:
    case VisibleOpKind::kIrqExit:
      return AccessMode::kNone;
  }
  return AccessMode::kWrite;
}

AccessMode secondary_access(VisibleOpKind kind) {
  switch (kind) {
    case VisibleOpKind::kCopy:
    case VisibleOpKind::kCompare:
      return AccessMode::kRead;
    default:
      return AccessMode::kNone;
  }
}

bool dependent(const Transition& a, const Transition& b) {
  if (a.context == b.context) return true;
  if (is_interrupt_boundary(a.op.kind) || is_interrupt_boundary(b.op.kind)) {
    return a.cpu == b.cpu;
  }
  const AccessMode a1 = primary_access(a.op.kind);
  const AccessMode a2 = secondary_access(a.op.kind);
  const AccessMode b1 = primary_access(b.op.kind);
  const AccessMode b2 = secondary_access(b.op.kind);
  const VisibleOp& x = a.op;
  const VisibleOp& y = b.op;
  return conflicting(x.object, x.span, a1, y.object, y.span, b1) ||
         conflicting(x.object, x.span, a1, y.object2, y.span2, b2) ||
         conflicting(x.object2, x.span2, a2, y.object, y.span, b1) ||
         conflicting(x.object2, x.span2, a2, y.object2, y.span2, b2);
}

}  // namespace mapsim::sim
