// Execution: runs one interleaving of a scenario (the driver; loom's rt::Execution).
//
// Life of an execution:
//   1. Setup: Scenario::build() runs on the main stack in direct mode (visible operations take
//      effect at once, nothing is scheduled or recorded).
//   2. Start: every CPU program gets a fiber and runs to its first visible operation, where it
//      parks. Code before the first visible operation touches nothing shared (plain memory is
//      race-checked), so starting them in CPU order loses no behaviour.
//   3. Steps: at every scheduling point the strategy picks one enabled context; that context
//      performs its pending visible operation and runs on to its next one (one *step*). The
//      decision is taken inside the fiber that just announced its operation: when the strategy
//      keeps the same context no stack switch happens at all.
//   4. End: all contexts finished and every nested program fired -> the end-of-execution check;
//      or a failure / a strategy abort cut it short, and the remaining fibers are abandoned.
//
// Enabledness: a context is enabled when it is the top of its CPU's stack (nested programs run
// above the program they interrupt) and its pending operation can proceed: a spin lock acquire
// needs the lock free; a bucket (rqspinlock) acquire needs it free or held by the same CPU (the
// acquire then fails with -EDEADLK at once, as 6.18 does for AA re-entry). A dormant nested
// program is enabled (firing it is its first step) while its CPU's stack is shallow enough.
// When nothing is enabled but some context has not finished:
//   - contexts waiting for bucket locks give up the way rqspinlock does: -EDEADLK when the
//     wait-for chain returns to their own CPU (ABBA), -ETIMEDOUT otherwise;
//   - otherwise it is a deadlock, reported with every blocked context and what it waits for.
// A step bound per execution reports livelock (a spin loop that never ends).
//
// Object keys: SimPlatform objects carry a small header (execution epoch, local index). The
// local index numbers objects in first-touch order for the execution's own tables; the stable
// key used by DPOR and traces is derived from where the object lives (arena block and offset,
// fiber stack and offset, or the registering context's own construction count), so it does not
// depend on the interleaving.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <unordered_map>
#include <string>
#include <vector>

#include "impl/mutant.h"
#include "sim/arena.h"
#include "sim/fiber.h"
#include "sim/race_detector.h"
#include "sim/random.h"
#include "sim/rcu_model.h"
#include "sim/scenario.h"
#include "sim/schedule.h"
#include "sim/strategy/strategy.h"
#include "sim/trace.h"

namespace mapsim::sim {

struct ExecutionOptions {
  uint32_t max_steps = 100'000;            ///< steps per execution before livelock is reported
  uint32_t max_allocation_failures = 0;    ///< fault injection: failures per execution (0: off)
  int nested_depth_max = 1;                ///< a nested program fires only onto a CPU stack of
                                           ///< at most this many contexts
  bool nested_blocked_by_spin_locks = false;  ///< no nesting while the CPU holds a spin lock
                                              ///< (raw_spin_lock_irqsave; NMIs ignore it)
  bool detect_races = true;                ///< plain-memory race detection
  MutantSet mutants;                       ///< bugs planted in the map code (impl/mutant.h)
};

enum class FailureKind : uint8_t {
  kNone,
  kCheck,           ///< the end-of-execution check failed
  kStepCheck,       ///< the after-every-step check failed
  kDeadlock,
  kLivelock,        ///< step bound reached
  kDataRace,
  kUseAfterFree,
  kAssertion,       ///< MAPSIM_ASSERT fired inside the simulation
  kException,       ///< an operation threw
  kProgramError,    ///< misuse of a primitive: unlock of a free lock, exit holding a lock, ...
  kReplayDiverged,  ///< the schedule does not fit this execution
  kBadScenario,     ///< the scenario cannot run (a CPU out of range, too many contexts)
};
const char* failure_kind_name(FailureKind kind);

struct Failure {
  FailureKind kind = FailureKind::kNone;
  std::string message;
  uint32_t step = 0;
  explicit operator bool() const { return kind != FailureKind::kNone; }
};

struct ExecutionResult {
  uint32_t steps = 0;
  bool completed = false;    ///< every context finished
  bool aborted = false;      ///< the strategy cut it short without a failure
  std::string abort_reason;
  Failure failure;
  uint64_t trace_hash = 0;
};

// The identity every SimPlatform object carries. Zero-filled memory is a valid, unregistered
// header (registered on first use, keyed by its location). A constructed header registers at
// once when an execution exists, so objects that setup creates on the heap get keys in
// construction order rather than in the (interleaving-dependent) order of first use. Copies
// are new objects.
struct SimObjectHeader {
  uint32_t epoch = 0;  ///< execution that registered the object; 0 = never
  uint32_t index = 0;  ///< local index in that execution

  SimObjectHeader();
  SimObjectHeader(const SimObjectHeader&) : SimObjectHeader() {}
  SimObjectHeader& operator=(const SimObjectHeader&) { return *this; }
};

class Execution {
 public:
  Execution(SimPlatform& platform, StackPool& stacks, Arena& arena,
            const ExecutionOptions& options);
  ~Execution();
  Execution(const Execution&) = delete;
  Execution& operator=(const Execution&) = delete;

  // Runs one execution; `schedule` receives every choice (its choices are cleared first).
  ExecutionResult run(const Scenario& scenario, Strategy& strategy, Schedule* schedule);
  // Destroys the last run's scenario instance (in direct mode).
  void discard_instance();
  // Runs `inspection` with this execution current, in direct mode (observers looking at the
  // last run's state).
  void inspect(const std::function<void()>& inspection);
  // Builds one instance of `scenario` (direct mode) and returns its fingerprint, or 0 with
  // *error set when the scenario cannot run.
  uint64_t fingerprint(const Scenario& scenario, std::string* error);

  const Trace& trace() const { return trace_; }
  const Outcome& outcome() const { return outcome_; }
  const ScenarioInstance& instance() const { return instance_; }
  const ExecutionOptions& options() const { return options_; }
  std::string context_name(int context) const;

  // The execution working on this OS thread (inside run(), fingerprint(), teardown), or
  // nullptr.
  static Execution* current();

  // ---- the platform's side (sim/sim_platform.cc) ----
  // True in setup, checks and teardown: operations take effect at once.
  bool direct() const { return mode_ != Mode::kRunning; }
  // True while a context's fiber runs a step (not in setup, checks or on the main stack).
  bool in_context() const { return mode_ == Mode::kRunning && on_fiber_; }
  int current_cpu() const;
  int current_context() const { return current_; }
  uint32_t step() const { return step_; }
  int context_count() const { return context_count_; }
  // Operations that have begun and not returned, over all contexts (a step check's view of
  // how much state may be in flight).
  uint32_t operations_in_flight() const;

  // Registers (or looks up) the object and returns its stable key; the local index is in
  // header.index afterwards. A header full of poison is a use after free.
  ObjectKey object_key(SimObjectHeader& header);
  // A scheduling point: returns when this context has been chosen to perform `op`. `lock` is
  // the lock an acquire waits for (it decides whether the context is enabled).
  void schedule(const VisibleOp& op, const LockWord* lock = nullptr);
  // The result of the step just taken, for the trace.
  void set_step_value(uint64_t value) { trace_.back().value = value; }
  // A bucket-lock acquire the simulator resolved as failed (0 if none).
  int take_forced_lock_error();
  void note_lock_acquired(ObjectKey lock, bool spin);
  void note_lock_released(ObjectKey lock, bool spin);
  RaceDetector& races() { return races_; }
  void report_race(const RaceDetector::Race& race);
  // Fails the execution from a context and never returns (see stop()).
  [[noreturn]] void fail(FailureKind kind, std::string message);

  void* allocate(size_t bytes);
  void release(void* block);
  void release_after_grace_period(void* block);
  void rcu_read_lock();
  void rcu_read_unlock();
  // The key of the memory at [address, address + bytes) for racy copies: its arena block (with
  // the span touched), its fiber stack, or "external".
  ObjectKey memory_key(const void* address, size_t bytes, Span* span) const;
  // Fails the execution when [address, address + bytes) lies in freed memory; `what` names
  // the access ("copies", "compares").
  void check_memory_live(const void* address, size_t bytes, const char* what);
  // A pointer as an address-free value (arena block key and offset) for traces.
  uint64_t stable_pointer_value(const void* address) const;
  // An 8-byte value that may hold an address (uintptr_t links), made address-free.
  uint64_t stable_word(uint64_t bits) const;
  void path_event(uint16_t event, uint64_t argument);
  // get_random_u32() for map hash seeds: a deterministic stream seeded by the scenario.
  uint32_t random_u32();
  uint64_t bytes_in_use() const { return arena_.bytes_in_use(); }

 private:
  enum class Mode : uint8_t { kDirect, kRunning };
  static constexpr int kMaxHeldLocks = 16;
  static constexpr int kStop = -2;  // decide(): the execution is over

  struct Context {
    Execution* execution = nullptr;
    int id = 0;
    int cpu = 0;
    bool nested = false;
    const std::vector<Operation>* program = nullptr;
    std::vector<int64_t>* results = nullptr;
    Fiber fiber;
    ContextStatus status = ContextStatus::kFinished;
    VisibleOp pending;
    const LockWord* pending_lock = nullptr;  // what a pending acquire waits for
    int forced_lock_error = 0;     // set when a stuck bucket-lock wait is given up
    uint32_t allocations = 0;      // allocation requests so far (fault-injection ordinal)
    uint32_t constructed = 0;      // objects registered outside arena and stacks
    bool in_operation = false;     // between an operation's begin and end
    int interrupted = -1;          // nested: the context it preempted (-1: CPU was idle)
    std::array<ObjectKey, kMaxHeldLocks> held_locks{};
    int held_count = 0;

    // Back to a fresh context (the fiber keeps its identity; it is restarted later).
    void reset(Execution* owner, int context_id, int context_cpu, bool is_nested,
               const std::vector<Operation>* operations);
  };
  struct CpuState {
    std::array<int8_t, kMaxContexts> stack{};  // contexts on this CPU, innermost last
    int depth = 0;
    int spin_locks_held = 0;
  };

  static void context_entry(void* argument);
  void build_instance(const Scenario& scenario);
  void create_contexts();
  void start_programs();
  void main_loop();
  void run_program(Context& context);
  int decide();
  uint64_t enabled_mask();
  bool is_enabled(const Context& context) const;
  bool resolve_stuck_bucket_locks();
  std::string describe_deadlock() const;
  void commit_step(Context& context);
  void enter_nested(Context& context);
  void finish_context(Context& context);
  void run_step_check();
  // Runs a check in direct mode; a check that performs more than max_steps operations (a walk
  // around a corrupt, cyclic structure) is stopped and reported.
  std::string run_check(const std::function<std::string()>& check);
  struct CheckDidNotFinish {};
  void switch_to_main();
  void reclaim(const std::vector<uint32_t>& blocks);
  // Poisons a live block and records who freed it, for use-after-free reports.
  void free_block(uint32_t index);
  // "<what>" followed by both trails: the access (the current context's last events) and the
  // free (who released, or retired and reclaimed, the block, with their last events).
  // Defined in sim/execution_free_report.cc.
  // `access_step`: the step of the access (taken, or about to be).
  std::string describe_use_after_free(uint32_t block_index, const std::string& what,
                                      uint32_t access_step) const;
  std::string describe_free(uint32_t block_index) const;
  // The step number of the last trace record (the step just taken).
  uint32_t last_step() const { return trace_.size() > 0 ? trace_.records().back().step : 0; }
  struct CheckTouchedFreedMemory {
    std::string message;
  };
  void abandon_fibers();
  Snapshot snapshot(uint64_t enabled);
  ObjectKey stable_key_for(const void* address);
  // Records the failure; on a context's fiber, also leaves it for good (returns on main).
  // Callers pass a named, moved message: temporaries of the calling expression would never be
  // destroyed on an abandoned stack.
  void stop(FailureKind kind, std::string message);
  void leave_forever();
  void strategy_aborted();
  bool choose_allocation_failure(Context& context);
  bool waits_in_cycle(const Context& context) const;
  bool nested_may_fire(const Context& context) const;

  SimPlatform& platform_;
  StackPool& stacks_;
  Arena& arena_;
  ExecutionOptions options_;

  Strategy* strategy_ = nullptr;
  Schedule* schedule_ = nullptr;
  ScenarioInstance instance_;
  bool has_instance_ = false;
  Outcome outcome_;

  std::array<Context, kMaxContexts> contexts_{};
  int context_count_ = 0;
  std::vector<CpuState> cpus_;
  std::array<ContextView, kMaxContexts> views_{};

  Mode mode_ = Mode::kDirect;
  bool starting_ = false;
  bool checking_ = false;
  uint32_t check_operations_ = 0;
  bool on_fiber_ = false;
  int current_ = -1;
  int last_stepped_ = -1;
  uint32_t allocation_failures_ = 0;
  int next_ = -1;
  uint32_t step_ = 0;
  uint32_t epoch_ = 0;
  uint32_t setup_objects_ = 0;
  std::vector<ObjectKey> object_keys_;  // by local index
  Trace trace_;
  RaceDetector races_;
  RcuModel rcu_;
  Random random_;
  std::vector<uint32_t> reclaim_scratch_;
  // Who freed each freed block of this execution (by arena block index).
  struct FreeEvent {
    int freed_by = -1;           ///< context whose step freed it; -1: setup or teardown
    uint32_t freed_step = 0;
    size_t freed_trace_end = 0;  ///< trace records up to and including that step
    bool deferred = false;       ///< released after an RCU grace period
    int retired_by = -1;         ///< deferred: the context that retired it
    uint32_t retired_step = 0;
    size_t retired_trace_end = 0;
  };
  std::unordered_map<uint32_t, FreeEvent> free_events_;
  Failure failure_;
  bool aborted_ = false;
  std::string abort_reason_;
};

}  // namespace mapsim::sim
