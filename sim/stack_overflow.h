// Stack overflow diagnosis for fiber stacks (sim/fiber.h).
//
// Every fiber stack has a PROT_NONE guard page below it; a simulated context that needs more
// stack than ExplorerOptions::stack_bytes runs into it and the process gets SIGSEGV. Without
// help that is a bare "Segmentation fault" with no hint of the cause. With this, a fault
// inside a registered guard page prints one line naming the stack size and the option to
// raise, then the process dies of the same SIGSEGV (an overflowed fiber cannot be resumed or
// unwound, so there is nothing to recover). Faults anywhere else go to the handler that was
// installed before (or the default action), untouched.
//
// The handler runs on an alternate signal stack (the faulting stack is the one that
// overflowed), which every thread that runs fibers gets on first use. Not installed under
// AddressSanitizer or ThreadSanitizer: they handle SIGSEGV and report stack overflows
// themselves.
#pragma once

#include <cstddef>

namespace mapsim::sim {

// Records [guard, guard + guard_bytes) as the guard page of a fiber stack of `stack_bytes`.
// Thread-safe; at most kMaxGuardPages at once (more are simply not diagnosed).
void register_stack_guard(const void* guard, size_t guard_bytes, size_t stack_bytes);
void unregister_stack_guard(const void* guard);
// Installs the SIGSEGV handler (once per process) and an alternate signal stack for the
// calling thread (once per thread, unless it already has one). Cheap after the first call.
void prepare_stack_overflow_diagnosis();

inline constexpr size_t kMaxGuardPages = 4096;

}  // namespace mapsim::sim
