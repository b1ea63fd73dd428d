#include "impl/jhash.h"

namespace mapsim {
namespace {

uint32_t load_le32(const uint8_t* bytes) {
  return uint32_t{bytes[0]} | uint32_t{bytes[1]} << 8 | uint32_t{bytes[2]} << 16 |
         uint32_t{bytes[3]} << 24;
}

}  // namespace

uint32_t jhash(const void* data, size_t length, uint32_t initval) {
  const auto* bytes = static_cast<const uint8_t*>(data);
  const uint32_t start = jhash_internal::kInitval + static_cast<uint32_t>(length) + initval;
  jhash_internal::State state{start, start, start};
  while (length > 12) {
    state.a += load_le32(bytes);
    state.b += load_le32(bytes + 4);
    state.c += load_le32(bytes + 8);
    state.mix();
    length -= 12;
    bytes += 12;
  }
  if (length == 0) return state.c;  // only for empty input; maps never hash zero bytes
  uint32_t* lanes[3] = {&state.a, &state.b, &state.c};
  for (size_t index = 0; index < length; ++index) {
    *lanes[index / 4] += uint32_t{bytes[index]} << (8 * (index % 4));
  }
  return state.finish();
}

}  // namespace mapsim
