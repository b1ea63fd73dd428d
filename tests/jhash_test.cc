// jhash/jhash2 against the fact sheet's vectors (3.3) and each other.
#include "impl/jhash.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

namespace mapsim {
namespace {

TEST(JhashTest, MatchesPublishedVectorsWithSeedZero) {
  const unsigned char one[4] = {1, 0, 0, 0};
  EXPECT_EQ(jhash(one, 4, 0), 0x72a82a9bu);
  EXPECT_EQ(jhash("abc", 3, 0), 0x0e397631u);
}

TEST(JhashTest, Jhash2EqualsJhashOnWordMultiplesOnLittleEndian) {
  std::mt19937 random(7);
  for (size_t words = 1; words <= 16; ++words) {
    std::vector<uint32_t> data(words);
    for (uint32_t& word : data) word = random();
    const uint32_t seed = random();
    EXPECT_EQ(jhash2(data.data(), words, seed), jhash(data.data(), words * 4, seed)) << words;
  }
}

TEST(JhashTest, HtabKeyHashIgnoresAlignment) {
  alignas(8) unsigned char buffer[40] = {};
  for (int index = 0; index < 40; ++index) buffer[index] = static_cast<unsigned char>(index * 7);
  unsigned char shifted[41];
  std::memcpy(shifted + 1, buffer, 40);
  for (uint32_t size : {4u, 8u, 12u, 16u, 20u, 36u}) {
    EXPECT_EQ(htab_key_hash(buffer, size, 99), htab_key_hash(shifted + 1, size, 99)) << size;
  }
}

TEST(JhashTest, EveryTailLengthChangesTheHash) {
  // Each byte of a 1..25-byte input must reach the result (tail handling of 1..12 bytes).
  for (size_t length = 1; length <= 25; ++length) {
    std::vector<unsigned char> data(length, 0x5a);
    const uint32_t base = jhash(data.data(), length, 3);
    for (size_t index = 0; index < length; ++index) {
      data[index] ^= 1;
      EXPECT_NE(jhash(data.data(), length, 3), base) << length << " " << index;
      data[index] ^= 1;
    }
  }
}

}  // namespace
}  // namespace mapsim
