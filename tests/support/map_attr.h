// The attributes of a map to create, from the fields most tests set (the rest keep MapAttr's
// defaults: no map_extra, no inner map, ...).
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "impl/uapi.h"

namespace mapsim::testing {

inline MapAttr make_attr(uint32_t type, uint32_t key_size, uint32_t value_size,
                         uint32_t max_entries, uint32_t flags = 0, std::string name = "") {
  MapAttr attr;
  attr.map_type = type;
  attr.key_size = key_size;
  attr.value_size = value_size;
  attr.max_entries = max_entries;
  attr.map_flags = flags;
  attr.name = std::move(name);
  return attr;
}

}  // namespace mapsim::testing
