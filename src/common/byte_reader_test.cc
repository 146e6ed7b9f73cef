#include "common/byte_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace safeddl {
namespace {

using ::testing::HasSubstr;

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

TEST(ByteReaderTest, FixedLittleEndianIntegers) {
  const std::string buf =
      Bytes({0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c});
  ByteReader r(buf);
  EXPECT_EQ(*r.ReadU8(), 0x01);
  EXPECT_EQ(*r.ReadU16(), 0x0302);
  EXPECT_EQ(*r.ReadU24(), 0x060504u);
  EXPECT_EQ(r.position(), 6u);
  EXPECT_EQ(*r.ReadU48(), 0x0c0b0a090807ull);
  EXPECT_TRUE(r.empty());
}

TEST(ByteReaderTest, U32AndU64) {
  const std::string buf = Bytes({0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0, 0, 0, 0, 0x80});
  ByteReader r(buf);
  EXPECT_EQ(*r.ReadU32(), 0xffffffffu);
  EXPECT_EQ(*r.ReadU64(), 0x8000000000000001ull);
}

TEST(ByteReaderTest, BigEndianAndSigned) {
  const std::string buf = Bytes({0x80, 0x00, 0x01, 0xfe, 0xff, 0xff, 0xff, 0x7f});
  ByteReader r(buf);
  EXPECT_EQ(*r.ReadUintBe(3), 0x800001u);
  EXPECT_EQ(*r.ReadIntLe(2), -2);
  EXPECT_EQ(*r.ReadIntLe(3), 0x7fffff);
}

TEST(ByteReaderTest, SignedFullWidth) {
  const std::string buf = Bytes({0, 0, 0, 0, 0, 0, 0, 0x80});
  ByteReader r(buf);
  EXPECT_EQ(*r.ReadIntLe(8), INT64_MIN);
}

TEST(ByteReaderTest, BadWidthIsInvalidArgument) {
  ByteReader r("abcdefghij");
  EXPECT_EQ(r.ReadUintLe(0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.ReadUintBe(9).status().code(), StatusCode::kInvalidArgument);
}

TEST(ByteReaderTest, PackedIntegers) {
  const std::string buf =
      Bytes({0xfa, 0xfc, 0x34, 0x12, 0xfd, 0x56, 0x34, 0x12, 0xfe, 1, 2, 3, 4, 5, 6, 7, 8});
  ByteReader r(buf);
  EXPECT_EQ(*r.ReadPackedInt(), 250u);
  EXPECT_EQ(*r.ReadPackedInt(), 0x1234u);
  EXPECT_EQ(*r.ReadPackedInt(), 0x123456u);
  EXPECT_EQ(*r.ReadPackedInt(), 0x0807060504030201ull);
  EXPECT_TRUE(r.empty());
}

TEST(ByteReaderTest, PackedNullMarkerIsCorruption) {
  const std::string buf = Bytes({0xfb});
  ByteReader r(buf, 100);
  Status s = r.ReadPackedInt().status();
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_THAT(s.message(), HasSubstr("0xfb at offset 100"));
}

TEST(ByteReaderTest, TruncatedPackedIntDoesNotAdvance) {
  const std::string buf = Bytes({0xfe, 1, 2});
  ByteReader r(buf, 10);
  Status s = r.ReadPackedInt().status();
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.message(), "truncated at offset 10: need 9 bytes, 3 left");
  EXPECT_EQ(r.position(), 0u);
}

TEST(ByteReaderTest, TruncationNamesAbsoluteOffset) {
  const std::string buf = Bytes({1, 2, 3, 4, 5, 6});
  ByteReader r(buf, 31);
  ASSERT_TRUE(r.ReadU32().ok());
  Status s = r.ReadU32().status();
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.message(), "truncated at offset 35: need 4 bytes, 2 left");
  EXPECT_EQ(r.offset(), 35u);
}

TEST(ByteReaderTest, Strings) {
  const std::string buf = std::string(
      "\x03"
      "abc"
      "\x02\x00"
      "hi"
      "db\0"
      "rest",
      15);
  ByteReader r(buf);
  EXPECT_EQ(*r.ReadPackedString(), "abc");
  EXPECT_EQ(*r.ReadLengthPrefixed(2), "hi");
  EXPECT_EQ(*r.ReadNulTerminated(), "db");
  EXPECT_EQ(r.Peek(), "rest");
  EXPECT_EQ(r.ReadRest(), "rest");
  EXPECT_TRUE(r.empty());
}

TEST(ByteReaderTest, LengthPastBufferIsCorruption) {
  const std::string buf = Bytes({0x05, 'a', 'b'});
  ByteReader r(buf, 7);
  Status s = r.ReadPackedString().status();
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.message(), "truncated at offset 8: need 5 bytes, 2 left");
  EXPECT_EQ(r.position(), 0u);  // not advanced
}

TEST(ByteReaderTest, HugeLengthDoesNotOverflow) {
  const std::string buf = Bytes({0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 'x'});
  ByteReader r(buf);
  Status s = r.ReadPackedString().status();
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_THAT(s.message(), HasSubstr("need 18446744073709551615 bytes, 1 left"));
}

TEST(ByteReaderTest, UnterminatedString) {
  ByteReader r("abc", 5);
  Status s = r.ReadNulTerminated().status();
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_THAT(s.message(), HasSubstr("offset 5"));
}

TEST(ByteReaderTest, Skip) {
  ByteReader r("abcdef");
  EXPECT_TRUE(r.Skip(4).ok());
  EXPECT_EQ(r.Skip(3).message(), "truncated at offset 4: need 3 bytes, 2 left");
  EXPECT_TRUE(r.Skip(2).ok());
  EXPECT_TRUE(r.empty());
}

}  // namespace
}  // namespace safeddl
