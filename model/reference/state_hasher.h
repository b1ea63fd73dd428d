// StateHasher: folds a model state into 64 bits (FNV-1a), so that a checker can keep the states
// it has visited in a hash set. Equal states give equal hashes because every model feeds its
// fields in one fixed order; containers are fed with their length first, so that two different
// states cannot produce the same stream by shifting bytes from one field into the next.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <optional>
#include <vector>

namespace mapsim::reference {

class StateHasher {
 public:
  void add(uint64_t number) {
    for (int byte = 0; byte < 8; ++byte) {
      add_byte(static_cast<unsigned char>(number >> (8 * byte)));
    }
  }
  void add(const std::vector<unsigned char>& bytes) {
    add(bytes.size());
    for (unsigned char byte : bytes) add_byte(byte);
  }
  template <class T>
  void add(const std::optional<T>& value) {
    add(value.has_value() ? 1 : 0);
    if (value) add(*value);
  }
  template <class T>
  void add(const std::vector<T>& items) {
    add(items.size());
    for (const T& item : items) add(item);
  }
  template <class T>
  void add(const std::list<T>& items) {
    add(items.size());
    for (const T& item : items) add(item);
  }
  template <class K, class V>
  void add(const std::map<K, V>& items) {
    add(items.size());
    for (const auto& [key, value] : items) {
      add(key);
      add(value);
    }
  }
  // Anything else with a hash_into(StateHasher&) member (the models' own structs).
  template <class T>
    requires requires(const T& item, StateHasher& hasher) { item.hash_into(hasher); }
  void add(const T& item) {
    item.hash_into(*this);
  }

  uint64_t value() const { return state_; }

 private:
  void add_byte(unsigned char byte) {
    state_ ^= byte;
    state_ *= 0x100000001b3ull;  // FNV-1a 64-bit prime
  }

  uint64_t state_ = 0xcbf29ce484222325ull;  // FNV-1a 64-bit offset basis
};

}  // namespace mapsim::reference
