// Visible operations: what a simulated CPU announces before it touches shared state.
//
// The simulator interleaves CPUs only at visible operations (loom's and CHESS's model): lock
// acquire and release, atomics, READ_ONCE/WRITE_ONCE fields, RCU read sections and deferred
// frees, allocation and release, and racy value copies. Everything a CPU does between two
// visible operations is local and runs without interruption; plain shared memory is not a
// scheduling point but is checked for data races (sim/race_detector.h), which is what makes the
// coarse interleaving sound for race-free code.
//
// A VisibleOp names the operation's kind and the object(s) it touches. Object keys are stable
// across executions that share a schedule prefix (they are assigned in first-touch order, not
// taken from addresses), because DPOR compares operations of different executions.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace mapsim::sim {

enum class VisibleOpKind : uint8_t {
  kSpinLock,      ///< raw spin lock acquire (blocks while another context holds it)
  kSpinUnlock,
  kBucketLock,    ///< rqspinlock acquire: may fail with -EDEADLK / -ETIMEDOUT
  kBucketUnlock,
  kAtomicLoad,
  kAtomicStore,
  kAtomicRmw,     ///< exchange, compare-exchange, fetch-op
  kRacyLoad,      ///< READ_ONCE
  kRacyStore,     ///< WRITE_ONCE
  kRcuReadLock,
  kRcuReadUnlock,
  kRcuDeferFree,  ///< kfree_rcu / call_rcu
  kAllocate,
  kRelease,       ///< immediate free
  kCopy,          ///< copy_racy: writes `object`, reads `object2`
  kCompare,       ///< equal_racy: reads `object` and `object2`
  kIrqEntry,      ///< a nested program starts on its CPU (first step of an interrupt context)
  kIrqExit,       ///< the nested program returns; its CPU's interrupted context may resume
};

const char* visible_op_kind_name(VisibleOpKind kind);

// Object keys: a tag in the top byte, an identifier below it.
enum class ObjectTag : uint8_t {
  kNone = 0,
  kSimObject = 1,  ///< a SimPlatform lock, atomic, racy or plain cell (id by first touch)
  kArenaBlock = 2, ///< a block from SimPlatform::allocate() (id by allocation order)
  kStack = 3,      ///< memory on a context's fiber stack (id = stack slot)
  kExternal = 4,   ///< any other memory: one key for all of it (coarse, therefore sound)
  kRcu = 5,        ///< the RCU state of the simulated machine
  kCpu = 6,        ///< a CPU (interrupt entry and exit)
};

using ObjectKey = uint64_t;
inline constexpr ObjectKey kNoObject = 0;

constexpr ObjectKey make_object_key(ObjectTag tag, uint64_t id) {
  return (static_cast<uint64_t>(tag) << 56) | (id & ((uint64_t{1} << 56) - 1));
}
constexpr ObjectTag object_tag(ObjectKey key) { return static_cast<ObjectTag>(key >> 56); }
constexpr uint64_t object_id(ObjectKey key) { return key & ((uint64_t{1} << 56) - 1); }
std::string object_key_name(ObjectKey key);

// The state of a simulated lock, valid when zero-filled (kernel memory from a zeroing
// allocator holds unlocked locks).
struct LockWord {
  uint32_t owner_context_plus_one = 0;  ///< 0: free; else the holding context + 1
  uint32_t owner_cpu_plus_one = 0;      ///< the holding context's CPU + 1
  bool held() const { return owner_context_plus_one != 0; }
};

// The bytes of an arena block a racy copy touches; bytes == 0 means the whole object.
struct Span {
  uint32_t offset = 0;
  uint32_t bytes = 0;
  bool operator==(const Span&) const = default;
};

struct VisibleOp {
  VisibleOp() = default;
  explicit VisibleOp(VisibleOpKind op_kind, ObjectKey first = kNoObject,
                     ObjectKey second = kNoObject)
      : kind(op_kind), object(first), object2(second) {}

  VisibleOpKind kind = VisibleOpKind::kAllocate;
  ObjectKey object = kNoObject;   ///< the object read, written or locked
  ObjectKey object2 = kNoObject;  ///< a second object (the source of a copy)
  Span span;                      ///< the part of `object` touched (racy copies)
  Span span2;                     ///< the part of `object2` touched

  bool same_as(const VisibleOp& other) const {
    return kind == other.kind && object == other.object && object2 == other.object2 &&
           span == other.span && span2 == other.span2;
  }
};

std::string describe(const VisibleOp& op);
// The same, naming objects through `name` (traces number objects by first appearance).
std::string describe(const VisibleOp& op, const std::function<std::string(ObjectKey)>& name);

}  // namespace mapsim::sim
