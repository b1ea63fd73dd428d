// The execution driver: setup, start, the step loop and the end (see execution.h). The
// platform-facing half (objects, memory, RCU, locks) is in execution_platform.cc.
#include "sim/execution.h"

#include <exception>

#include "impl/assert.h"
#include "impl/uapi.h"
#include "sim/sim_platform.h"

namespace mapsim::sim {
namespace {

thread_local Execution* current_execution = nullptr;

// Epochs 0 (never registered) and the poison pattern (freed memory) are never used.
constexpr uint32_t kPoisonEpoch = 0xdbdbdbdb;

// Makes an execution the current one for a scope (setup, the run, checks, teardown). Several
// explorers may exist on one thread; only the one working is current.
class CurrentScope {
 public:
  explicit CurrentScope(Execution* execution) : previous_(current_execution) {
    current_execution = execution;
  }
  ~CurrentScope() { current_execution = previous_; }
  CurrentScope(const CurrentScope&) = delete;
  CurrentScope& operator=(const CurrentScope&) = delete;

 private:
  Execution* previous_;
};

uint32_t next_epoch(uint32_t epoch) {
  do {
    ++epoch;
  } while (epoch == 0 || epoch == kPoisonEpoch);
  return epoch;
}

}  // namespace

const char* failure_kind_name(FailureKind kind) {
  switch (kind) {
    case FailureKind::kNone: return "none";
    case FailureKind::kCheck: return "check failed";
    case FailureKind::kStepCheck: return "step check failed";
    case FailureKind::kDeadlock: return "deadlock";
    case FailureKind::kLivelock: return "livelock (step bound reached)";
    case FailureKind::kDataRace: return "data race";
    case FailureKind::kUseAfterFree: return "use after free";
    case FailureKind::kAssertion: return "assertion failed";
    case FailureKind::kException: return "exception";
    case FailureKind::kProgramError: return "program error";
    case FailureKind::kReplayDiverged: return "replay diverged";
    case FailureKind::kBadScenario: return "bad scenario";
  }
  return "?";
}

Execution::Execution(SimPlatform& platform, StackPool& stacks, Arena& arena,
                     const ExecutionOptions& options)
    : platform_(platform), stacks_(stacks), arena_(arena), options_(options) {
  cpus_.resize(platform.possible_cpus());
}

Execution::~Execution() { discard_instance(); }

Execution* Execution::current() { return current_execution; }

std::string Execution::context_name(int context) const {
  if (context < 0 || context >= context_count_) return "main";
  const Context& c = contexts_[context];
  return (c.nested ? "irq@cpu" : "cpu") + std::to_string(c.cpu);
}

uint32_t Execution::operations_in_flight() const {
  uint32_t count = 0;
  for (int id = 0; id < context_count_; ++id) count += contexts_[id].in_operation ? 1 : 0;
  return count;
}

int Execution::current_cpu() const {
  if (mode_ == Mode::kDirect || current_ < 0) return 0;
  return contexts_[current_].cpu;
}

void Execution::inspect(const std::function<void()>& inspection) {
  CurrentScope scope(this);
  mode_ = Mode::kDirect;
  inspection();
}

void Execution::discard_instance() {
  if (!has_instance_) return;
  CurrentScope scope(this);
  mode_ = Mode::kDirect;
  current_ = -1;
  instance_ = ScenarioInstance{};
  has_instance_ = false;
}

uint64_t Execution::fingerprint(const Scenario& scenario, std::string* error) {
  discard_instance();
  CurrentScope scope(this);
  arena_.reset();
  epoch_ = next_epoch(epoch_);
  setup_objects_ = 0;
  random_.reseed(scenario.seed);
  failure_ = Failure{};
  build_instance(scenario);
  const uint64_t result = failure_ ? 0 : scenario_fingerprint(scenario, instance_);
  if (failure_) *error = failure_.message;
  discard_instance();
  return result;
}

ExecutionResult Execution::run(const Scenario& scenario, Strategy& strategy,
                               Schedule* schedule) {
  discard_instance();
  CurrentScope scope(this);
  strategy_ = &strategy;
  schedule_ = schedule;
  schedule_->choices.clear();
  arena_.reset();
  rcu_.reset();
  trace_.clear();
  free_events_.clear();
  object_keys_.clear();
  epoch_ = next_epoch(epoch_);
  setup_objects_ = 0;
  random_.reseed(scenario.seed);
  step_ = 0;
  allocation_failures_ = 0;
  failure_ = Failure{};
  aborted_ = false;
  abort_reason_.clear();
  current_ = -1;
  last_stepped_ = -1;
  context_count_ = 0;
  build_instance(scenario);
  if (!failure_) {
    create_contexts();
    races_.reset(context_count_);
  }
  if (!failure_) start_programs();
  if (!failure_ && !aborted_) main_loop();
  abandon_fibers();
  mode_ = Mode::kDirect;
  current_ = -1;
  ExecutionResult result;
  result.steps = step_;
  result.failure = failure_;
  result.aborted = aborted_;
  result.abort_reason = abort_reason_;
  result.completed = !failure_ && !aborted_;
  if (result.completed && instance_.check_end) {
    std::string problem = run_check([this] { return instance_.check_end(outcome_); });
    if (!problem.empty()) result.failure = Failure{FailureKind::kCheck, problem, step_};
  }
  result.trace_hash = trace_.hash();
  return result;
}

void Execution::build_instance(const Scenario& scenario) {
  mode_ = Mode::kDirect;
  instance_ = scenario.build(platform_);
  has_instance_ = true;
  const int cpus = platform_.possible_cpus();
  int count = 0;
  for (size_t cpu = 0; cpu < instance_.cpus.size(); ++cpu) {
    if (instance_.cpus[cpu].empty()) continue;
    if (static_cast<int>(cpu) >= cpus) {
      failure_ = {FailureKind::kBadScenario,
                  "scenario: CPU " + std::to_string(cpu) + " has a program but the machine has " +
                      std::to_string(cpus) + " CPUs", 0};
      return;
    }
    ++count;
  }
  for (const NestedProgram& nested : instance_.nested) {
    if (nested.cpu < 0 || nested.cpu >= cpus) {
      failure_ = {FailureKind::kBadScenario,
                  "scenario: a nested program targets CPU " + std::to_string(nested.cpu) +
                      " but the machine has " + std::to_string(cpus) + " CPUs", 0};
      return;
    }
    ++count;
  }
  if (count > kMaxContexts) {
    failure_ = {FailureKind::kBadScenario,
                "scenario: " + std::to_string(count) + " programs, at most " +
                    std::to_string(kMaxContexts) + " can run in one execution", 0};
  }
}

void Execution::create_contexts() {
  context_count_ = 0;
  outcome_.contexts.clear();
  outcome_.results.clear();
  for (CpuState& cpu : cpus_) cpu = CpuState{};
  auto add = [&](int cpu, bool nested, const std::vector<Operation>* program) {
    contexts_[context_count_].reset(this, context_count_, cpu, nested, program);
    ++context_count_;
    outcome_.contexts.push_back(Outcome::ContextInfo{cpu, nested});
  };
  for (size_t cpu = 0; cpu < instance_.cpus.size(); ++cpu) {
    if (!instance_.cpus[cpu].empty()) add(static_cast<int>(cpu), false, &instance_.cpus[cpu]);
  }
  for (const NestedProgram& nested : instance_.nested) add(nested.cpu, true, &nested.operations);
  outcome_.results.resize(context_count_);
  for (int id = 0; id < context_count_; ++id) {
    Context& c = contexts_[id];
    c.results = &outcome_.results[id];
    if (c.nested) continue;
    CpuState& cpu = cpus_[c.cpu];
    cpu.stack[cpu.depth++] = static_cast<int8_t>(id);
  }
}

void Execution::Context::reset(Execution* owner, int context_id, int context_cpu,
                               bool is_nested, const std::vector<Operation>* operations) {
  fiber.abandon();
  execution = owner;
  id = context_id;
  cpu = context_cpu;
  nested = is_nested;
  program = operations;
  results = nullptr;
  status = nested ? ContextStatus::kDormant : ContextStatus::kReady;
  pending = VisibleOp{VisibleOpKind::kIrqEntry, make_object_key(ObjectTag::kCpu, cpu)};
  pending_lock = nullptr;
  forced_lock_error = 0;
  allocations = 0;
  constructed = 0;
  in_operation = false;
  interrupted = -1;
  held_count = 0;
}

void Execution::context_entry(void* argument) {
  auto* context = static_cast<Context*>(argument);
  Execution* execution = context->execution;
  // The message is built inside the handler and the failure raised after it: a context that
  // stops never returns, so nothing may be left alive on its stack but moved-from locals.
  std::string message;
  try {
    execution->run_program(*context);
  } catch (const std::exception& error) {
    message = execution->context_name(context->id) + " threw: " + error.what();
  } catch (...) {
    message = execution->context_name(context->id) + " threw a non-std exception";
  }
  if (!message.empty()) execution->stop(FailureKind::kException, std::move(message));
}

void Execution::run_program(Context& context) {
  const std::vector<Operation>& program = *context.program;
  for (size_t index = 0; index < program.size(); ++index) {
    trace_.push(TraceRecord{TraceKind::kOperationBegin, static_cast<uint8_t>(context.id),
                            static_cast<uint16_t>(context.cpu), step_, VisibleOp{}, index});
    context.in_operation = true;
    const int64_t result = program[index].run();
    context.in_operation = false;
    context.results->push_back(result);
    trace_.push(TraceRecord{TraceKind::kOperationEnd, static_cast<uint8_t>(context.id),
                            static_cast<uint16_t>(context.cpu), step_, VisibleOp{},
                            static_cast<uint64_t>(result)});
  }
  if (context.nested) {
    schedule(VisibleOp{VisibleOpKind::kIrqExit, make_object_key(ObjectTag::kCpu, context.cpu)});
  }
}

void Execution::start_programs() {
  mode_ = Mode::kRunning;
  starting_ = true;
  for (int id = 0; id < context_count_ && !failure_; ++id) {
    Context& c = contexts_[id];
    if (c.nested) continue;
    current_ = id;
    c.fiber.start(stacks_.acquire(id), &Execution::context_entry, &c);
    on_fiber_ = true;
    c.fiber.resume();
    on_fiber_ = false;
    if (c.fiber.finished()) finish_context(c);
  }
  starting_ = false;
  current_ = -1;
  if (!failure_) run_step_check();
}

void Execution::main_loop() {
  next_ = decide();
  while (next_ >= 0) {
    Context& c = contexts_[next_];
    current_ = next_;
    next_ = kStop;
    if (c.status == ContextStatus::kDormant) {
      enter_nested(c);
      if (failure_) break;
    }
    on_fiber_ = true;
    c.fiber.resume();
    on_fiber_ = false;
    if (failure_ || aborted_) break;
    if (c.fiber.finished()) {
      finish_context(c);
      if (failure_) break;
      current_ = -1;
      next_ = decide();
    }
  }
}

void Execution::schedule(const VisibleOp& op, const LockWord* lock) {
  MAPSIM_ASSERT(on_fiber_, "scheduling points are reached on a context's fiber");
  Context& me = contexts_[current_];
  me.pending = op;
  me.pending_lock = lock;
  if (starting_) {
    switch_to_main();
    commit_step(me);
    return;
  }
  run_step_check();
  const int next = decide();
  if (next != me.id) {
    next_ = next;
    switch_to_main();
  }
  commit_step(me);
}

void Execution::switch_to_main() {
  Context& me = contexts_[current_];
  on_fiber_ = false;
  me.fiber.suspend();
  // Resumed by the main loop: this context was chosen (current_ is set again).
  on_fiber_ = true;
  if (failure_ || aborted_) {
    MAPSIM_ASSERT(false, "an abandoned context was resumed");
  }
}

void Execution::stop(FailureKind kind, std::string message) {
  if (!failure_) {
    failure_ = Failure{kind, std::move(message), step_};
  } else {
    std::string().swap(message);  // nothing may stay alive on a stack that is abandoned
  }
  leave_forever();
}

void Execution::leave_forever() {
  if (!on_fiber_) return;
  on_fiber_ = false;
  contexts_[current_].fiber.suspend();
  MAPSIM_ASSERT(false, "a context of a finished execution was resumed");
}

void Execution::fail(FailureKind kind, std::string message) {
  MAPSIM_ASSERT(mode_ == Mode::kRunning, message.c_str());
  stop(kind, std::move(message));
  // Reached only when the failure was raised on the main stack (never by the platform).
  MAPSIM_ASSERT(false, "fail() outside a context");
  __builtin_unreachable();
}

void Execution::commit_step(Context& context) {
  context.status = ContextStatus::kReady;
  current_ = context.id;
  last_stepped_ = context.id;
  trace_.push(TraceRecord{TraceKind::kStep, static_cast<uint8_t>(context.id),
                          static_cast<uint16_t>(context.cpu), step_, context.pending, 0});
  ++step_;
  races_.tick(context.id);
  strategy_->on_step(Transition{static_cast<uint16_t>(context.id),
                                static_cast<uint16_t>(context.cpu), context.pending});
  if (step_ >= options_.max_steps) {
    std::string message = "no end after " + std::to_string(step_) +
                          " steps (max_steps); a context may spin forever";
    stop(FailureKind::kLivelock, std::move(message));
  }
}

void Execution::enter_nested(Context& context) {
  CpuState& cpu = cpus_[context.cpu];
  context.interrupted = cpu.depth > 0 ? cpu.stack[cpu.depth - 1] : -1;
  if (context.interrupted >= 0) {
    contexts_[context.interrupted].status = ContextStatus::kPreempted;
  }
  cpu.stack[cpu.depth++] = static_cast<int8_t>(context.id);
  commit_step(context);
  races_.nested_entry(context.cpu, context.interrupted, context.id);
  context.fiber.start(stacks_.acquire(context.id), &Execution::context_entry, &context);
}

void Execution::finish_context(Context& context) {
  context.status = ContextStatus::kFinished;
  CpuState& cpu = cpus_[context.cpu];
  MAPSIM_ASSERT(cpu.depth > 0 && cpu.stack[cpu.depth - 1] == context.id,
                "a finishing context is the innermost on its CPU");
  --cpu.depth;
  races_.cpu_finished(context.cpu, context.id);
  if (context.nested && context.interrupted >= 0) {
    races_.nested_exit(context.id, context.interrupted);
    contexts_[context.interrupted].status = ContextStatus::kReady;
  }
  if (rcu_.depth(context.id) > 0) {
    std::string message = context_name(context.id) + " finished inside an RCU read-side section";
    stop(FailureKind::kProgramError, std::move(message));
  } else if (context.held_count > 0) {
    std::string message = context_name(context.id) + " finished holding lock " +
                          object_key_name(context.held_locks[0]);
    stop(FailureKind::kProgramError, std::move(message));
  } else {
    run_step_check();
  }
}

void Execution::run_step_check() {
  if (!instance_.check_step) return;
  const Mode saved = mode_;
  mode_ = Mode::kDirect;
  std::string problem = run_check([this] { return instance_.check_step(); });
  mode_ = saved;
  if (!problem.empty()) stop(FailureKind::kStepCheck, std::move(problem));
}

std::string Execution::run_check(const std::function<std::string()>& check) {
  check_operations_ = 0;
  checking_ = true;
  std::string problem;
  try {
    problem = check();
  } catch (const CheckDidNotFinish&) {
    problem = "the check did not finish within " + std::to_string(options_.max_steps) +
              " operations (it may be walking a corrupt structure, e.g. a cyclic chain)";
  } catch (const CheckTouchedFreedMemory& touched) {
    problem = "the check reached freed memory: " + touched.message;
  }
  checking_ = false;
  return problem;
}

void Execution::abandon_fibers() {
  for (int id = 0; id < context_count_; ++id) contexts_[id].fiber.abandon();
}

}  // namespace mapsim::sim
