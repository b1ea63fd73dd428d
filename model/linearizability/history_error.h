// HistoryError: a history that does not fit its map or breaks the history contract (history.h):
// an unknown step kind, a key or value of the wrong size, a CPU out of range, ops of one
// context that overlap, an add without its pointer. That is an internal error of whoever
// recorded the history, never a verdict: the checker throws instead of answering, so a broken
// recorder can never be mistaken for a linearizable execution.
//
// The message names the op (its index in History::ops, its label, its scenario line when
// known) and the field, e.g.
//   "history op 3 ('cpu1.0', line 17): key: 8 bytes, the map's key_size is 4".
#pragma once

#include <stdexcept>
#include <string>

namespace mapsim::linearizability {

class HistoryError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

}  // namespace mapsim::linearizability
