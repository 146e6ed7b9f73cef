#include "binlog/column_decoder.h"

#include <gtest/gtest.h>

#include <bit>

#include "binlog/table_map_event.h"
#include "binlog/test_util.h"

namespace safeddl::binlog {
namespace {

using testing::Bytes;
using testing::PutLe;

ColumnDef Col(ColumnType type, uint16_t metadata = 0) {
  ColumnDef c;
  c.type = type;
  c.metadata = metadata;
  EXPECT_TRUE(DeriveColumnMetadata(c, 0).ok());
  return c;
}

Value Decode(const std::string& bytes, const ColumnDef& col) {
  ByteReader r(bytes);
  Result<Value> v = DecodeColumnValue(r, col);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_TRUE(r.empty()) << "unread bytes";
  return v.ok() ? *v : Value();
}

TEST(ColumnDecoderTest, IntegersSignedAndUnsigned) {
  ColumnDef tiny = Col(ColumnType::kTiny);
  EXPECT_EQ(ToJson(Decode(Bytes({0x80}), tiny)), "-128");
  tiny.is_unsigned = true;
  EXPECT_EQ(ToJson(Decode(Bytes({0xff}), tiny)), "255");
  ColumnDef i24 = Col(ColumnType::kInt24);
  EXPECT_EQ(ToJson(Decode(Bytes({0x00, 0x00, 0x80}), i24)), "-8388608");
  i24.is_unsigned = true;
  EXPECT_EQ(ToJson(Decode(Bytes({0xff, 0xff, 0xff}), i24)), "16777215");
  ColumnDef big = Col(ColumnType::kLongLong);
  EXPECT_EQ(ToJson(Decode(Bytes({0, 0, 0, 0, 0, 0, 0, 0x80}), big)), "-9223372036854775808");
  big.is_unsigned = true;
  const Value max = Decode(std::string(8, '\xff'), big);
  EXPECT_EQ(ToJson(max), "\"18446744073709551615\"");  // BIGINT UNSIGNED as a string
  EXPECT_EQ(ToSqlLiteral(max), "18446744073709551615");
}

TEST(ColumnDecoderTest, ReinterpretUnsignedWithoutMetadata) {
  const Value v = Decode(Bytes({0xff, 0xff}), Col(ColumnType::kShort));
  EXPECT_EQ(v.int_value(), -1);
  EXPECT_EQ(ReinterpretUnsigned(v).uint_value(), 65535u);
}

TEST(ColumnDecoderTest, FloatAndDouble) {
  std::string f;
  PutLe(f, std::bit_cast<uint32_t>(3.14f), 4);
  EXPECT_EQ(ToJson(Decode(f, Col(ColumnType::kFloat, 4))), "3.14");
  std::string d;
  PutLe(d, std::bit_cast<uint64_t>(-2.718281828459045), 8);
  EXPECT_EQ(ToSqlLiteral(Decode(d, Col(ColumnType::kDouble, 8))), "-2.718281828459045");
}

TEST(ColumnDecoderTest, Bits) {
  // BIT(10): metadata byte 0 = 10 % 8, byte 1 = 10 / 8; value big-endian in 2 bytes.
  EXPECT_EQ(ToJson(Decode(Bytes({0x02, 0xaa}), Col(ColumnType::kBit, 0x0102))), "682");
  const Value b64 = Decode(std::string(8, '\xff'), Col(ColumnType::kBit, 0x0800));
  EXPECT_EQ(ToJson(b64), "\"18446744073709551615\"");
  EXPECT_EQ(ToJson(Decode(Bytes({0x01}), Col(ColumnType::kBit, 0x0001))), "1");
}

TEST(ColumnDecoderTest, DecimalColumn) {
  const Value v = Decode(Bytes({0x7E, 0xF2, 0x04, 0xC7, 0x2D, 0xFB, 0x2D}),
                         Col(ColumnType::kNewDecimal, 0x040e));  // (14,4)
  EXPECT_EQ(ToJson(v), "\"-1234567890.1234\"");
  EXPECT_EQ(ToSqlLiteral(v), "-1234567890.1234");
}

TEST(ColumnDecoderTest, VarcharLengthPrefixDependsOnMaxLength) {
  ColumnDef short_vc = Col(ColumnType::kVarchar, 20);
  short_vc.collation = 45;
  EXPECT_EQ(ToJson(Decode(Bytes({3, 'a', '"', 'c'}), short_vc)), "\"a\\\"c\"");
  ColumnDef long_vc = Col(ColumnType::kVarchar, 1200);
  long_vc.collation = 45;
  const Value v = Decode(Bytes({2, 0, 'i', '\''}), long_vc);
  EXPECT_EQ(ToSqlLiteral(v), "'i\\''");
}

TEST(ColumnDecoderTest, CharOver255BytesUsesTwoByteLength) {
  // CHAR(255) utf8mb4 = 1020 bytes: metadata 0xce 0xfc as logged by MariaDB 10.11.
  ColumnDef c = Col(ColumnType::kString, 0xfcce);
  EXPECT_EQ(c.real_type, ColumnType::kString);
  EXPECT_EQ(c.max_length, 1020u);
  EXPECT_EQ(Decode(Bytes({1, 0, 'x'}), c).bytes(), "x");
}

TEST(ColumnDecoderTest, BinaryIsZeroPaddedAndHex) {
  ColumnDef c = Col(ColumnType::kString, 0x10fe);  // BINARY(16)
  c.collation = kBinaryCollation;
  const Value v = Decode(Bytes({2, 0x12, 0x3e}), c);
  EXPECT_EQ(v.bytes().size(), 16u);
  EXPECT_EQ(ToJson(v), "{\"hex\":\"123e0000000000000000000000000000\"}");
  EXPECT_EQ(ToSqlLiteral(v), "X'123e0000000000000000000000000000'");
}

// UUID/INET6/INET4 are logged as BINARY(16)/BINARY(4) with their trailing 0x00 bytes stripped
// (MariaDB 10.11.19 logged '123e4567-e89b-12d3-a456-426655440000' as 14 bytes and the zero UUID
// as none); ColumnDef::plugin, from the schema, says what they are.
TEST(ColumnDecoderTest, TypePluginsArePaddedAndShownAsText) {
  ColumnDef uuid = Col(ColumnType::kString, 0x10fe);  // BINARY(16)
  uuid.collation = kBinaryCollation;
  uuid.plugin = TypePlugin::kUuid;
  const Value u = Decode(Bytes({14, 0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3, 0xa4, 0x56,
                                0x42, 0x66, 0x55, 0x44}),
                         uuid);
  EXPECT_EQ(u.kind(), ValueKind::kUuid);
  EXPECT_EQ(u.bytes().size(), 16u);
  EXPECT_EQ(ToJson(u), "\"123e4567-e89b-12d3-a456-426655440000\"");
  EXPECT_EQ(ToSqlLiteral(u), "'123e4567-e89b-12d3-a456-426655440000'");
  EXPECT_EQ(ToJson(Decode(Bytes({0}), uuid)), "\"00000000-0000-0000-0000-000000000000\"");

  ColumnDef inet6 = uuid;
  inet6.plugin = TypePlugin::kInet6;
  inet6.collation = std::nullopt;  // the plugin alone decides
  const Value v6 = Decode(Bytes({1, 0x20}), inet6);
  EXPECT_EQ(v6.kind(), ValueKind::kInet6);
  EXPECT_EQ(ToJson(v6), "\"2000::\"");
  EXPECT_EQ(ToJson(Decode(Bytes({0}), inet6)), "\"::\"");
  std::string mapped = Bytes({12});
  mapped += std::string(10, '\0') + "\xff\xff";
  EXPECT_EQ(ToSqlLiteral(Decode(mapped, inet6)), "'::ffff:0.0.0.0'");

  ColumnDef inet4 = Col(ColumnType::kString, 0x04fe);  // BINARY(4)
  inet4.plugin = TypePlugin::kInet4;
  const Value v4 = Decode(Bytes({2, 10, 1}), inet4);
  EXPECT_EQ(v4.kind(), ValueKind::kInet4);
  EXPECT_EQ(ToJson(v4), "\"10.1.0.0\"");
  EXPECT_EQ(ToSqlLiteral(v4), "'10.1.0.0'");
  EXPECT_EQ(v4.ToText(), "10.1.0.0");
}

TEST(ColumnDecoderTest, TypePluginValueTooLongIsCorruption) {
  ColumnDef inet4 = Col(ColumnType::kString, 0x08fe);  // a table map at odds with the schema
  inet4.plugin = TypePlugin::kInet4;
  const std::string bytes = Bytes({5, 1, 2, 3, 4, 5});
  ByteReader r(bytes, 100);
  const Status s = DecodeColumnValue(r, inet4).status();
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("offset 100"), std::string::npos) << s.message();
}

TEST(ColumnDecoderTest, BlobsAndLatin1Text) {
  ColumnDef blob = Col(ColumnType::kBlob, 2);
  blob.collation = kBinaryCollation;
  EXPECT_EQ(ToJson(Decode(Bytes({0, 0}), blob)), "{\"hex\":\"\"}");
  ColumnDef text = Col(ColumnType::kBlob, 4);
  text.collation = 8;  // latin1_swedish_ci
  const Value v = Decode(Bytes({4, 0, 0, 0, 'c', 'a', 'f', 0xe9}), text);
  EXPECT_EQ(ToJson(v), "\"caf\xc3\xa9\"");
  EXPECT_EQ(ToSqlLiteral(v), "_latin1 X'636166e9'");
  ColumnDef lt = Col(ColumnType::kBlob, 4);
  lt.collation = 45;
  EXPECT_EQ(ToJson(Decode(Bytes({4, 0, 0, 0, 0xf0, 0x9f, 0x98, 0x80}), lt)),
            "\"\xf0\x9f\x98\x80\"");
}

TEST(ColumnDecoderTest, EnumAndSetWithAndWithoutLabels) {
  ColumnDef e = Col(ColumnType::kString, 0x01f7);  // ENUM, pack length 1
  EXPECT_EQ(ToJson(Decode(Bytes({2}), e)), "2");
  e.enum_values = {"a", "b", "c"};
  EXPECT_EQ(ToJson(Decode(Bytes({2}), e)), "\"b\"");
  EXPECT_EQ(ToSqlLiteral(Decode(Bytes({2}), e)), "'b'");
  ColumnDef s = Col(ColumnType::kString, 0x01f8);  // SET, pack length 1
  EXPECT_EQ(ToJson(Decode(Bytes({5}), s)), "5");
  s.set_values = {"x", "y", "z"};
  EXPECT_EQ(ToJson(Decode(Bytes({5}), s)), "[\"x\",\"z\"]");
  EXPECT_EQ(ToSqlLiteral(Decode(Bytes({5}), s)), "'x,z'");
  EXPECT_EQ(ToJson(Decode(Bytes({0}), s)), "[]");
  const std::string bad_bytes = Bytes({8});
  ByteReader bad(bad_bytes, 50);
  Status st = DecodeColumnValue(bad, s).status();
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("offset 50"), std::string::npos);
}

TEST(ColumnDecoderTest, TemporalColumnsRender) {
  const Value ts =
      Decode(Bytes({0x65, 0x53, 0xf1, 0x00, 0x04, 0xce}), Col(ColumnType::kTimestamp2, 3));
  EXPECT_EQ(ToJson(ts), "\"2023-11-14T22:13:20.123Z\"");
  EXPECT_EQ(ToSqlLiteral(ts), "FROM_UNIXTIME(1700000000.123)");
  const Value zero = Decode(Bytes({0, 0, 0, 0}), Col(ColumnType::kTimestamp2, 0));
  EXPECT_EQ(ToSqlLiteral(zero), "'0000-00-00 00:00:00'");
  const Value d = Decode(Bytes({0, 0, 0}), Col(ColumnType::kDate));
  EXPECT_EQ(ToJson(d), "\"0000-00-00\"");
  const Value y = Decode(Bytes({0}), Col(ColumnType::kYear));
  EXPECT_EQ(ToJson(y), "0");
  EXPECT_EQ(y.ToText(), "0000");
  const Value t = Decode(Bytes({0x4b, 0x91, 0x05}), Col(ColumnType::kTime2, 0));
  EXPECT_EQ(ToSqlLiteral(t), "'-838:59:59'");
}

TEST(ColumnDecoderTest, GeometryIsHex) {
  const Value g = Decode(Bytes({3, 0, 0, 0, 1, 2, 3}), Col(ColumnType::kGeometry, 4));
  EXPECT_EQ(ToJson(g), "{\"hex\":\"010203\"}");
}

// The server lists a charset for GEOMETRY columns too (binary): COLUMN_CHARSET for
// (VARCHAR, GEOMETRY) holds two collations.
TEST(ColumnDecoderTest, GeometryHasACharsetInTheTableMapMetadata) {
  TableMapEvent tm;
  ColumnDef v;
  v.type = v.real_type = ColumnType::kVarchar;
  ColumnDef g;
  g.type = g.real_type = ColumnType::kGeometry;
  tm.columns = {v, g};
  const std::string metadata = Bytes({3, 2, 8, 63});  // COLUMN_CHARSET: latin1, binary
  ASSERT_TRUE(ParseTableMapOptionalMetadata(ByteReader(metadata), tm).ok());
  EXPECT_EQ(tm.columns[0].collation, 8u);
  EXPECT_EQ(tm.columns[1].collation, kBinaryCollation);
}

TEST(ColumnDecoderTest, LengthPastBufferIsCorruption) {
  ColumnDef blob = Col(ColumnType::kBlob, 4);
  const std::string r_bytes = Bytes({0xff, 0xff, 0xff, 0x7f, 'x'});
  ByteReader r(r_bytes, 200);
  Status s = DecodeColumnValue(r, blob).status();
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.message(), "truncated at offset 204: need 2147483647 bytes, 1 left");
}

TEST(ColumnDecoderTest, BadMetadataIsCorruption) {
  ColumnDef c;
  c.type = ColumnType::kNewDecimal;
  c.metadata = 0x0346;  // precision 70
  Status s = DeriveColumnMetadata(c, 12);
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("offset 12"), std::string::npos);
  c.type = ColumnType::kDatetime2;
  c.metadata = 9;
  EXPECT_EQ(DeriveColumnMetadata(c, 0).code(), StatusCode::kCorruption);
}

// Text of every charset: JSON converts it to UTF-8 (expected strings from the server's
// CONVERT(... USING utf8mb4), see charset_test.cc); a SQL literal names the charset so that the
// server converts it into whatever column it goes to.
TEST(ValueRenderTest, TextOfOtherCharsets) {
  const Value cp1251 = Value::String(ColumnType::kVarchar, "\xcf\xf0\xe8\xe2\xe5\xf2", 51);
  EXPECT_EQ(ToJson(cp1251), "\"\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82\"");  // Привет
  EXPECT_EQ(ToSqlLiteral(cp1251), "_cp1251 X'cff0e8e2e5f2'");
  std::string json;
  AppendJson(json, cp1251);
  EXPECT_EQ(json, ToJson(cp1251));

  const Value nopad = Value::String(ColumnType::kVarchar, "\xcf", 1074);  // cp1251 NO PAD
  EXPECT_EQ(ToJson(nopad), "\"\xd0\x9f\"");
  EXPECT_EQ(ToSqlLiteral(nopad), "_cp1251 X'cf'");

  const Value ucs2 = Value::String(ColumnType::kString, std::string("\0a\0\xe9", 4), 35);
  EXPECT_EQ(ToJson(ucs2), "\"a\xc3\xa9\"");
  EXPECT_EQ(ToSqlLiteral(ucs2), "_ucs2 X'006100e9'");
  const Value ucs2_ascii = Value::String(ColumnType::kString, std::string("\0a", 2), 35);
  json.clear();
  AppendJson(json, ucs2_ascii);  // ASCII bytes, but not ASCII text
  EXPECT_EQ(json, "\"a\"");

  const Value sjis = Value::String(ColumnType::kVarchar, "\x93\xfa\\~", 13);
  EXPECT_EQ(ToJson(sjis), "\"\xe6\x97\xa5\\\\~\"");  // 日\~ (glibc alone: ¥‾)

  const Value latin1 = Value::String(ColumnType::kVarchar, "caf\xe9", 8);
  EXPECT_EQ(ToSqlLiteral(latin1), "_latin1 X'636166e9'");

  const Value utf8 = Value::String(ColumnType::kVarchar, "caf\xc3\xa9", 224);  // utf8mb4_unicode_ci
  EXPECT_EQ(ToSqlLiteral(utf8), "'caf\xc3\xa9'");
  EXPECT_EQ(ToJson(utf8), "\"caf\xc3\xa9\"");
}

TEST(ValueRenderTest, TextInvalidInItsCharsetIsHex) {
  const Value cp1251 = Value::String(ColumnType::kVarchar, "a\x98", 51);  // 0x98: no character
  EXPECT_EQ(ToJson(cp1251), "{\"hex\":\"6198\"}");
  EXPECT_EQ(ToSqlLiteral(cp1251), "_cp1251 X'6198'");  // the same bytes, whatever they are
  const Value utf16 = Value::String(ColumnType::kVarchar, std::string("\xd8\x00", 2), 54);
  EXPECT_EQ(ToJson(utf16), "{\"hex\":\"d800\"}");
}

TEST(ValueRenderTest, UnknownCollationKeepsTheOldRules) {
  const Value none = Value::String(ColumnType::kVarchar, "caf\xc3\xa9", std::nullopt);
  EXPECT_EQ(ToJson(none), "\"caf\xc3\xa9\"");
  EXPECT_EQ(ToSqlLiteral(none), "X'636166c3a9'");
  const Value unknown = Value::String(ColumnType::kVarchar, "caf\xe9", 17);  // no such id
  EXPECT_EQ(ToJson(unknown), "{\"hex\":\"636166e9\"}");
  EXPECT_EQ(ToSqlLiteral(unknown), "X'636166e9'");
}

TEST(ValueRenderTest, EscapingAndInvalidUtf8) {
  const Value v = Value::String(ColumnType::kVarchar, std::string("a\0b\\\n\x1a", 6), 45);
  EXPECT_EQ(ToSqlLiteral(v), "'a\\0b\\\\\\n\\Z'");
  EXPECT_EQ(ToJson(v), "\"a\\u0000b\\\\\\n\\u001a\"");
  const Value bad = Value::String(ColumnType::kVarchar, "\xc3(", 45);
  EXPECT_EQ(ToJson(bad), "{\"hex\":\"c328\"}");
  EXPECT_EQ(ToSqlLiteral(bad), "X'c328'");
  EXPECT_EQ(ToSqlLiteral(Value::Null(ColumnType::kLong)), "NULL");
  EXPECT_EQ(ToJson(Value::Null(ColumnType::kLong)), "null");
}

}  // namespace
}  // namespace safeddl::binlog
