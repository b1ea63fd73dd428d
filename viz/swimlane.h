// Swimlanes: one execution drawn as a lane per CPU, time going down.
//
// What is drawn:
//   * a lane per CPU; an interrupt (nested program) is drawn inside its CPU's lane, indented,
//     on a tinted frame spanning its lifetime;
//   * each operation's invocation and its result as boxes, joined by a line (program order);
//     results that are errors are orange, with the errno's name;
//   * with `detail`, every visible operation (lock, atomic, READ_ONCE, copy, ...) as a small box,
//     and the LRU path events as italic notes;
//   * lock hand-offs (a release by one context, then the next acquire of the same lock by
//     another) as orange arrows, and reads-from edges (a read of an object whose last write was
//     by another context) as blue dotted arrows; without `detail` their ends are dots on the
//     lanes at the moment they happen;
//   * the violating step and a note with the failed check, in red; when an end-of-execution
//     check fails (an expectation, a walk check, linearizability), the invocation and result
//     boxes of the operations it names are red too, and the note says how many.
//
// Input: SwimlaneTrace, a plain struct (contexts, records in execution order, the violation),
// so any source can feed it: swimlane_trace_from_sim() adapts a simulator trace; a trace file
// reader only has to fill the same fields.
//
// Layout is computed here (rows in execution order, columns per CPU), and Graphviz only draws
// (engine "nop2": positions given). That keeps a 10,000-step trace well under a second. A trace
// larger than `record_cap` drawn items is drawn as its first and last items (and, when the
// violating step lies between them, a window of items around it), with a gap row where items
// were left out and a note in the title saying which records and steps were.
//
// In the svg: lanes have id "lane.cpuN"; invocation/result boxes "ctxC.opI.invoke" /
// "ctxC.opI.result" (classes "op-invoke", "op-result", "op-error", and "blamed-op" for the
// operations a failed check names); steps "step.N" (class
// "step"); the violating step has class "violating-step" and the note id "violation"; edges have
// classes "handoff", "reads-from", "program-order"; gap rows "gap.N" (class "cap-gap").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "viz/picture.h"

namespace mapsim::sim {
class Trace;
struct ScenarioInstance;
struct Outcome;
struct ExecutionResult;
struct CapturedExecution;
enum class VisibleOpKind : uint8_t;
}  // namespace mapsim::sim

namespace mapsim::viz {

enum class SwimlaneAccess : uint8_t {
  kNone,
  kRead,
  kWrite,
  kReadWrite,  ///< read-modify-write
  kAcquire,    ///< lock acquire (succeeded unless the record's value is non-zero)
  kRelease,    ///< lock release
};

struct SwimlaneContext {
  int cpu = 0;
  bool nested = false;  ///< an interrupt: a nested program running on `cpu`
  std::string name;     ///< "cpu1", "irq@cpu0"
};

struct SwimlaneRecord {
  enum class Kind : uint8_t { kInvoke, kResult, kStep, kPathEvent };
  Kind kind = Kind::kStep;
  int context = 0;         ///< index into SwimlaneTrace::contexts
  uint32_t step = 0;       ///< steps taken before this record
  uint64_t operation = 0;  ///< kInvoke / kResult: index in the context's program
  std::string text;        ///< invoke: operation name; step: "spin_lock obj#3"; event: its name
  int64_t value = 0;       ///< result: returned value; step: its result; event: its argument
  // kStep only: the objects it touches and how (object ids are opaque, equal = same object).
  uint64_t object = 0;
  SwimlaneAccess access = SwimlaneAccess::kNone;
  uint64_t object2 = 0;
  SwimlaneAccess access2 = SwimlaneAccess::kNone;
  std::string object_name;  ///< "obj#3", for edge labels
};

// An operation a failed check names: the `operation`-th of context `context`'s program.
struct SwimlaneOperation {
  int context = 0;
  uint64_t operation = 0;
  auto operator<=>(const SwimlaneOperation&) const = default;
};

struct SwimlaneViolation {
  std::string kind;                ///< "check", "step check", "deadlock", ...
  std::string message;             ///< what failed
  std::optional<uint32_t> step;    ///< the violating step, when one step is to blame
  /// The operations an end-of-execution check names (an expectation's step atoms, a walk, the
  /// smallest non-linearizable part): their boxes are drawn red.
  std::vector<SwimlaneOperation> operations;
  /// How the check chose them, for the note ("the step atoms of expectation 0"); "" for none.
  std::string operations_source;
};

struct SwimlaneTrace {
  std::string title;
  std::vector<SwimlaneContext> contexts;
  std::vector<SwimlaneRecord> records;  ///< execution order
  std::optional<SwimlaneViolation> violation;

  // "" when consistent; else what is wrong (record i names an unknown context, steps go
  // backwards, ...).
  std::string validate() const;
};

struct SwimlaneOptions {
  bool detail = false;          ///< draw every visible operation and path event
  bool lock_handoffs = true;
  bool reads_from = true;
  size_t record_cap = 4000;     ///< drawn items at most (boxes, steps, anchor dots)
};

// A simulator execution as swimlanes. `result` (optional) supplies the violation.
SwimlaneTrace swimlane_trace_from_sim(const sim::Trace& trace,
                                      const sim::ScenarioInstance& instance,
                                      const sim::Outcome& layout,
                                      const sim::ExecutionResult* result, std::string title);

// The same from a captured execution (sim/capture.h: what trace files are written from).
SwimlaneTrace swimlane_trace_from_capture(const sim::CapturedExecution& captured,
                                          std::string title);

// How a visible operation uses its first (or second) object: what a trace-file reader needs to
// fill SwimlaneRecord::access / access2 from the operation's kind.
SwimlaneAccess swimlane_access(sim::VisibleOpKind kind, bool second_object);

// Dot text (positions included; render with engine "nop2"), or "" with *error set when the
// trace is inconsistent.
std::string swimlane_dot(const SwimlaneTrace& trace, const SwimlaneOptions& options,
                         std::string* error);
// Renders; an inconsistent trace gives a Picture with only `error` set.
Picture draw_swimlanes(const SwimlaneTrace& trace, const SwimlaneOptions& options = {});

}  // namespace mapsim::viz
