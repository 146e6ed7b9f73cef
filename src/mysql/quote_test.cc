#include "mysql/quote.h"

#include <gtest/gtest.h>

namespace safeddl::mysql {
namespace {

TEST(QuoteIdentifierTest, DoublesBackticks) {
  EXPECT_EQ(*QuoteIdentifier("t"), "`t`");
  EXPECT_EQ(*QuoteIdentifier("a`b"), "`a``b`");
  EXPECT_EQ(*QuoteIdentifier("``"), "``````");
  EXPECT_EQ(*QuoteIdentifier("x`; DROP TABLE t; --"), "`x``; DROP TABLE t; --`");
}

TEST(QuoteIdentifierTest, KeepsUnicodeAndQuotes) {
  EXPECT_EQ(*QuoteIdentifier("tä😀ble"), "`tä😀ble`");
  EXPECT_EQ(*QuoteIdentifier("it's \"q\""), "`it's \"q\"`");
  EXPECT_EQ(*QuoteIdentifier("select"), "`select`");
}

TEST(QuoteIdentifierTest, RefusesEmptyAndNul) {
  EXPECT_EQ(QuoteIdentifier("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(QuoteIdentifier(std::string_view("a\0b", 3)).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(QuoteIdentifierTest, Qualified) {
  EXPECT_EQ(*QuoteQualified("db", "t`x"), "`db`.`t``x`");
  EXPECT_EQ(*QuoteQualified("", "t"), "`t`");
}

TEST(QuoteStringTest, PlainAsciiStaysReadable) { EXPECT_EQ(QuoteString("abc 123"), "'abc 123'"); }

TEST(QuoteStringTest, AnythingElseGoesAsHex) {
  EXPECT_EQ(QuoteString("it's"), "CONVERT(X'69742773' USING utf8mb4)");
  EXPECT_EQ(QuoteString("a\\b"), "CONVERT(X'615C62' USING utf8mb4)");
  EXPECT_EQ(QuoteString("é"), "CONVERT(X'C3A9' USING utf8mb4)");
  EXPECT_EQ(QuoteBytes(std::string_view("\0\xff", 2)), "X'00FF'");
  EXPECT_EQ(QuoteBytes(""), "X''");
}

}  // namespace
}  // namespace safeddl::mysql
