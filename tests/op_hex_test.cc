// scenarios/hex.h: hex text <-> bytes in memory order. (op_ prefix: links mapsim::scenarios.)
#include "scenarios/hex.h"

#include <gtest/gtest.h>

namespace mapsim {
namespace {

TEST(HexTest, BytesPrintInMemoryOrderLowercase) {
  EXPECT_EQ(hex_from_bytes({0x01, 0x00, 0xab, 0xff}), "0100abff");
  EXPECT_EQ(hex_from_bytes({}), "");
}

TEST(HexTest, ParsesEitherCaseInOrder) {
  Bytes bytes;
  std::string error;
  ASSERT_TRUE(bytes_from_hex("0a0B00Ff", &bytes, &error)) << error;
  EXPECT_EQ(bytes, (Bytes{0x0a, 0x0b, 0x00, 0xff}));
  EXPECT_EQ(hex_from_bytes(bytes), "0a0b00ff");
}

TEST(HexTest, EmptyTextIsZeroBytes) {
  Bytes bytes{1, 2};
  std::string error;
  ASSERT_TRUE(bytes_from_hex("", &bytes, &error));
  EXPECT_TRUE(bytes.empty());
}

TEST(HexTest, OddDigitCountIsRejected) {
  Bytes bytes;
  std::string error;
  EXPECT_FALSE(bytes_from_hex("010", &bytes, &error));
  EXPECT_EQ(error, "odd number of hex digits (3); each byte takes two");
}

TEST(HexTest, NonHexCharacterIsNamedWithItsPosition) {
  Bytes bytes;
  std::string error;
  EXPECT_FALSE(bytes_from_hex("01zz", &bytes, &error));
  EXPECT_EQ(error, "'z' at position 2 is not a hex digit");
  EXPECT_FALSE(bytes_from_hex("0x01", &bytes, &error));
  EXPECT_EQ(error, "'x' at position 1 is not a hex digit");
}

TEST(HexTest, NonAsciiByteIsNotQuoted) {
  Bytes bytes;
  std::string error;
  EXPECT_FALSE(bytes_from_hex("00\xc3\xa9", &bytes, &error));
  EXPECT_EQ(error, "a non-hex byte at position 2 is not a hex digit");
}

}  // namespace
}  // namespace mapsim
