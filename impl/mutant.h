// Mutants: deliberate, realistic bugs planted in the map code, each switched on only under the
// simulator, to measure whether the bundled scenarios and checks catch them (the mutation score,
// docs/mutation-score.md).
//
// How a mutant is compiled in. Map code asks `mutant_active<P>(Mutant::kX)` at the one place a
// mutant changes. A platform that supports mutants has a static member `P::mutant(Mutant)`;
// SimPlatform answers from the options of the execution running on the calling OS thread
// (sim/execution.h, ExecutionOptions::mutants), so every explorer, on whichever thread, has its
// own set and nothing is shared between threads. A platform without that member (RealPlatform;
// impl/real_platform.h asserts it has none) gets a constant `false`: the mutated branch is dead
// code the compiler removes, and production behaviour never depends on this file.
//
// The catalogue (kMutantCatalogue) names each mutant and the kernel rule it breaks (fact sheet
// sections in brackets). Names are stable: reports, scenario files and the CLI use them.
#pragma once

#include <array>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mapsim {

enum class Mutant : uint8_t {
  // ---- LRU lists (impl/internal/lru_list.h, lru_local_list.h, lru_pool_inl.h) ----
  kLruSkipPendingFlush,
  kLruCursorNotMoved,
  kLruMoveSkipsCount,
  kLruMoveInKeepsRef,
  kLruShrinkIgnoresRef,
  kLruStealWithoutVictimLock,
  kLruPushPendingToWrongCpu,
  // ---- LRU hash map (impl/internal/lru_hash_map_ops_inl.h, lru_hash_map_impl.h) ----
  kLruExistenceBeforePop,
  kLruSyscallLookupSetsRef,
  // ---- hash maps (impl/internal/hash_map_impl.h, hash_table.h) ----
  kHashInsertAtTail,
  kHashCapacityBeforeExistence,
  kHashDeleteWithoutBucketLock,
  kHashUpdateUnlinksBeforeLock,
  kHashExtraElementWrongCpu,
  kHashFreeWithoutGracePeriod,
};

inline constexpr int kMutantCount = 15;

struct MutantInfo {
  Mutant mutant;
  std::string_view name;  ///< stable identifier (lower case, dashes)
  std::string_view rule;  ///< the kernel behaviour the mutant breaks, one line
};

inline constexpr std::array<MutantInfo, kMutantCount> kMutantCatalogue = {{
    {Mutant::kLruSkipPendingFlush, "lru-skip-pending-flush",
     "a refill first moves the CPU's LOCAL_PENDING nodes into the global lists [4.7 step 2a]"},
    {Mutant::kLruCursorNotMoved, "lru-cursor-not-moved",
     "a node leaving INACTIVE at the rotation cursor moves the cursor to its predecessor "
     "[4.4]"},
    {Mutant::kLruMoveSkipsCount, "lru-move-skips-count",
     "a move between ACTIVE and INACTIVE updates both counters [4.4]"},
    {Mutant::kLruMoveInKeepsRef, "lru-move-in-keeps-ref",
     "a pending node moved into the global list has its reference bit cleared [4.4]"},
    {Mutant::kLruShrinkIgnoresRef, "lru-shrink-ignores-ref",
     "shrink moves referenced INACTIVE nodes to ACTIVE instead of evicting them [4.6]"},
    {Mutant::kLruStealWithoutVictimLock, "lru-steal-without-victim-lock",
     "stealing from another CPU's local lists holds that CPU's local lock [4.7 step 4]"},
    {Mutant::kLruPushPendingToWrongCpu, "lru-push-pending-to-wrong-cpu",
     "a freed LOCAL_PENDING node returns to its owner CPU's LOCAL_FREE, under the owner's "
     "lock [4.8]"},
    {Mutant::kLruExistenceBeforePop, "lru-existence-before-pop",
     "an LRU update pops a node (and may evict) before it checks whether the key exists "
     "[4.10 step 2]"},
    {Mutant::kLruSyscallLookupSetsRef, "lru-syscall-lookup-sets-ref",
     "only program lookups set the reference bit, never syscall lookups [4.10, 3.13]"},
    {Mutant::kHashInsertAtTail, "hash-insert-at-tail",
     "a new element goes to the head of its bucket's chain [3.4]"},
    {Mutant::kHashCapacityBeforeExistence, "hash-capacity-before-existence",
     "an update checks existence (EEXIST/ENOENT) before capacity (E2BIG) [3.5]"},
    {Mutant::kHashDeleteWithoutBucketLock, "hash-delete-without-bucket-lock",
     "a delete unlinks the element under its bucket lock [3.6, 3.11]"},
    {Mutant::kHashUpdateUnlinksBeforeLock, "hash-update-unlinks-before-lock",
     "an update unlinks the old element only after taking the bucket lock [3.5, 3.11]"},
    {Mutant::kHashExtraElementWrongCpu, "hash-extra-element-wrong-cpu",
     "a replacing update swaps with the calling CPU's own extra element [3.2, 3.12]"},
    {Mutant::kHashFreeWithoutGracePeriod, "hash-free-without-grace-period",
     "a BPF_F_NO_PREALLOC element is freed only after an RCU grace period [3.2, 3.12]"},
}};

constexpr const MutantInfo& mutant_info(Mutant mutant) {
  return kMutantCatalogue[static_cast<size_t>(mutant)];
}

constexpr std::string_view mutant_name(Mutant mutant) { return mutant_info(mutant).name; }

// The mutant called `name`, or nullopt.
constexpr std::optional<Mutant> mutant_from_name(std::string_view name) {
  for (const MutantInfo& info : kMutantCatalogue) {
    if (info.name == name) return info.mutant;
  }
  return std::nullopt;
}

constexpr bool mutant_catalogue_is_ordered() {
  for (size_t index = 0; index < kMutantCatalogue.size(); ++index) {
    if (static_cast<size_t>(kMutantCatalogue[index].mutant) != index) return false;
  }
  return true;
}
static_assert(mutant_catalogue_is_ordered(), "kMutantCatalogue[i] describes Mutant i");
static_assert(static_cast<int>(Mutant::kHashFreeWithoutGracePeriod) + 1 == kMutantCount,
              "every Mutant has a catalogue entry");

// A set of mutants (usually empty, or one).
class MutantSet {
 public:
  static_assert(kMutantCount <= 32, "a MutantSet is one 32-bit word");

  constexpr MutantSet() = default;
  constexpr explicit MutantSet(Mutant mutant) { add(mutant); }

  constexpr void add(Mutant mutant) { bits_ |= bit(mutant); }
  constexpr bool contains(Mutant mutant) const { return (bits_ & bit(mutant)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr bool operator==(const MutantSet&) const = default;

 private:
  static constexpr uint32_t bit(Mutant mutant) { return uint32_t{1} << static_cast<int>(mutant); }
  uint32_t bits_ = 0;
};

// True when platform P can switch mutants on at all.
template <class P>
inline constexpr bool kPlatformHasMutants = requires(Mutant mutant) {
  { P::mutant(mutant) } -> std::same_as<bool>;
};

// Whether `mutant` is switched on for the code running now. Constant false on platforms without
// mutants, so the mutated branch compiles away.
template <class P>
inline bool mutant_active(Mutant mutant) {
  if constexpr (kPlatformHasMutants<P>) {
    return P::mutant(mutant);
  } else {
    (void)mutant;
    return false;
  }
}

}  // namespace mapsim
