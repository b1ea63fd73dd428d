// Swimlane layout (internal to swimlane_dot.cc, exposed for tests): which records are drawn,
// in which row, and the cross-context relations between them.
//
//   relations    computed over every record: a lock hand-off joins a release to the next
//                successful acquire of that lock by another context; a reads-from edge joins
//                the last write of an object to a read of it by another context (repeated
//                reads of the same write by the same context are drawn once);
//   drawn items  invocations and results always; with `detail` every step and path event;
//                without it, only the steps that relations or the violation point at (as dots);
//   cap          more than record_cap items: the first and the last items are kept, with a gap
//                item where items were left out; when the violating step would fall in the
//                gap, a window of items around it is kept too (so two gaps). Relations that
//                lose an end are dropped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "viz/swimlane.h"

namespace mapsim::viz::internal {

inline constexpr size_t kNoItem = static_cast<size_t>(-1);

struct SwimlaneRelation {
  enum class Kind : uint8_t { kHandoff, kReadsFrom };
  Kind kind = Kind::kHandoff;
  size_t from = 0;  ///< record index
  size_t to = 0;    ///< record index
};

struct SwimlaneItem {
  enum class Look : uint8_t { kInvoke, kResult, kStep, kPathEvent, kAnchor, kGap };
  Look look = Look::kStep;
  size_t record = kNoItem;  ///< kNoItem for a gap
  int row = 0;
  size_t gap = 0;           ///< kGap: index into SwimlaneLayout::gaps
};

// Records the cap left out, between two drawn items.
struct SwimlaneGap {
  size_t first_record = 0;
  size_t last_record = 0;
  size_t records = 0;
  uint32_t first_step = 0;  ///< of the first left-out item
  uint32_t last_step = 0;   ///< of the last left-out item
};

struct SwimlaneLayout {
  std::vector<SwimlaneItem> items;         ///< drawn, in row order
  std::vector<size_t> item_of_record;      ///< record -> index in items, or kNoItem
  std::vector<SwimlaneRelation> relations; ///< both ends drawn
  std::optional<size_t> violating_record;  ///< the kStep record of the violating step
  // Left out by the cap, in order (empty when nothing was), and their records in all.
  std::vector<SwimlaneGap> gaps;
  size_t left_out_records = 0;
  size_t candidate_items = 0;  ///< items before the cap
};

// REQUIRES: trace.validate() is empty.
SwimlaneLayout layout_swimlanes(const SwimlaneTrace& trace, const SwimlaneOptions& options);

}  // namespace mapsim::viz::internal
