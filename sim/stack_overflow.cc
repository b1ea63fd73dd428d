#include "sim/stack_overflow.h"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <mutex>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define MAPSIM_STACK_DIAGNOSIS 0
#else
#define MAPSIM_STACK_DIAGNOSIS 1
#endif

namespace mapsim::sim {
namespace {

// One registered guard page. `start` is 0 when the slot is free; the signal handler reads the
// table without locks (atomics only), registration takes a mutex against other registrations.
struct GuardSlot {
  std::atomic<uintptr_t> start{0};
  std::atomic<size_t> bytes{0};
  std::atomic<size_t> stack_bytes{0};
};

GuardSlot guard_slots[kMaxGuardPages];
std::mutex registration_mutex;

#if MAPSIM_STACK_DIAGNOSIS
struct sigaction previous_action;

// Decimal text of `value` into `out` (async-signal-safe); returns the length.
size_t format_decimal(size_t value, char* out) {
  char digits[24];
  size_t count = 0;
  do {
    digits[count++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  for (size_t i = 0; i < count; ++i) out[i] = digits[count - 1 - i];
  return count;
}

void write_text(const char* text, size_t length) {
  while (length > 0) {
    const ssize_t written = write(STDERR_FILENO, text, length);
    if (written <= 0) return;
    text += written;
    length -= static_cast<size_t>(written);
  }
}

void write_text(const char* text) { write_text(text, std::strlen(text)); }

// Hands the fault to whoever handled SIGSEGV before us: their function, or the default action
// (restored here, so that returning re-executes the faulting access and the process dies).
void pass_on(int signal, siginfo_t* info, void* context) {
  if ((previous_action.sa_flags & SA_SIGINFO) != 0 && previous_action.sa_sigaction != nullptr) {
    previous_action.sa_sigaction(signal, info, context);
    return;
  }
  if (previous_action.sa_handler != SIG_DFL && previous_action.sa_handler != SIG_IGN &&
      previous_action.sa_handler != nullptr) {
    previous_action.sa_handler(signal);
    return;
  }
  ::signal(SIGSEGV, SIG_DFL);
}

void on_segv(int signal, siginfo_t* info, void* context) {
  const auto address = reinterpret_cast<uintptr_t>(info->si_addr);
  for (const GuardSlot& slot : guard_slots) {
    const uintptr_t start = slot.start.load(std::memory_order_acquire);
    if (start == 0 || address < start || address >= start + slot.bytes.load()) continue;
    char size[24];
    const size_t length = format_decimal(slot.stack_bytes.load() >> 10, size);
    write_text("mapsim: a simulated context overflowed its fiber stack of ");
    write_text(size, length);
    write_text(" KiB (it ran into the guard page below the stack); give the explorer more "
               "stack: --stack-kib N, explore: stack_kib in the scenario, or "
               "ExplorerOptions::stack_bytes\n");
    ::signal(SIGSEGV, SIG_DFL);  // returning re-faults and the process dies of SIGSEGV
    return;
  }
  pass_on(signal, info, context);
}

// The calling thread's alternate signal stack, removed when the thread ends.
class AlternateStack {
 public:
  AlternateStack() {
    stack_t current{};
    if (sigaltstack(nullptr, &current) == 0 && (current.ss_flags & SS_DISABLE) == 0) return;
    bytes_ = static_cast<size_t>(SIGSTKSZ) < (size_t{64} << 10) ? size_t{64} << 10 : SIGSTKSZ;
    void* memory = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                        -1, 0);
    if (memory == MAP_FAILED) return;
    stack_t alternate{};
    alternate.ss_sp = memory;
    alternate.ss_size = bytes_;
    if (sigaltstack(&alternate, nullptr) != 0) {
      munmap(memory, bytes_);
      return;
    }
    memory_ = memory;
  }
  ~AlternateStack() {
    if (memory_ == nullptr) return;
    stack_t disable{};
    disable.ss_flags = SS_DISABLE;
    sigaltstack(&disable, nullptr);
    munmap(memory_, bytes_);
  }
  AlternateStack(const AlternateStack&) = delete;
  AlternateStack& operator=(const AlternateStack&) = delete;

 private:
  void* memory_ = nullptr;
  size_t bytes_ = 0;
};
#endif  // MAPSIM_STACK_DIAGNOSIS

}  // namespace

void register_stack_guard(const void* guard, size_t guard_bytes, size_t stack_bytes) {
  std::lock_guard<std::mutex> lock(registration_mutex);
  for (GuardSlot& slot : guard_slots) {
    if (slot.start.load(std::memory_order_relaxed) != 0) continue;
    slot.bytes.store(guard_bytes);
    slot.stack_bytes.store(stack_bytes);
    slot.start.store(reinterpret_cast<uintptr_t>(guard), std::memory_order_release);
    return;
  }
}

void unregister_stack_guard(const void* guard) {
  std::lock_guard<std::mutex> lock(registration_mutex);
  for (GuardSlot& slot : guard_slots) {
    if (slot.start.load(std::memory_order_relaxed) == reinterpret_cast<uintptr_t>(guard)) {
      slot.start.store(0, std::memory_order_release);
      return;
    }
  }
}

void prepare_stack_overflow_diagnosis() {
#if MAPSIM_STACK_DIAGNOSIS
  static std::once_flag installed;
  std::call_once(installed, [] {
    struct sigaction action {};
    action.sa_sigaction = &on_segv;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    sigaction(SIGSEGV, &action, &previous_action);
  });
  thread_local AlternateStack alternate_stack;
  (void)alternate_stack;
#endif
}

}  // namespace mapsim::sim
