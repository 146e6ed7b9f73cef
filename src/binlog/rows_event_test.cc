// Table-map and rows-event tests on hand-built event bodies.
#include "binlog/rows_event.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include "binlog/table_map_event.h"
#include "binlog/test_util.h"

namespace safeddl::binlog {
namespace {

using testing::Bytes;
using testing::PutLe;
using testing::PutPacked;
using testing::PutPackedString;

// Table `d`.`t` (id INT UNSIGNED NOT NULL, name VARCHAR(20) latin1, e ENUM('a','b'),
// amount DECIMAL(5,2)) with FULL optional metadata.
std::string TableMapBody(bool optional_metadata = true) {
  std::string b;
  PutLe(b, 42, 6);  // table id
  PutLe(b, 1, 2);   // flags
  b += Bytes({1, 'd', 0, 1, 't', 0});
  PutPacked(b, 4);
  b += Bytes({3, 15, 254, 246});
  std::string meta = Bytes({20, 0, 0xf7, 0x01, 5, 2});
  PutPackedString(b, meta);
  b += Bytes({0x0e});  // columns 1..3 nullable
  if (!optional_metadata) return b;
  auto field = [&](int type, const std::string& value) {
    b.push_back(static_cast<char>(type));
    PutPackedString(b, value);
  };
  field(1, Bytes({0x80}));      // signedness: id unsigned, amount signed (MSB first)
  field(2, Bytes({45, 0, 8}));  // default utf8mb4_general_ci, char column #0 -> latin1
  std::string names;
  for (const char* n : {"id", "name", "e", "amount"}) PutPackedString(names, n);
  field(4, names);
  std::string enums;
  PutPacked(enums, 2);
  PutPackedString(enums, "a");
  PutPackedString(enums, "b");
  field(6, enums);
  field(8, Bytes({0}));         // simple primary key: column 0
  field(10, Bytes({33}));       // ENUM/SET default charset utf8mb3
  field(99, Bytes({1, 2, 3}));  // unknown field: skipped
  return b;
}

std::shared_ptr<const TableMapEvent> Map(bool optional_metadata = true) {
  const std::string body = TableMapBody(optional_metadata);
  Result<TableMapEvent> tm = ParseTableMapEvent(ByteReader(body), 8);
  EXPECT_TRUE(tm.ok()) << tm.status().ToString();
  return std::make_shared<const TableMapEvent>(*tm);
}

TEST(TableMapTest, ParsesColumnsAndOptionalMetadata) {
  auto tm = Map();
  EXPECT_EQ(tm->table_id, 42u);
  EXPECT_EQ(tm->database, "d");
  EXPECT_EQ(tm->table, "t");
  ASSERT_EQ(tm->columns.size(), 4u);
  EXPECT_FALSE(tm->columns[0].nullable);
  EXPECT_TRUE(tm->columns[1].nullable);
  EXPECT_EQ(tm->columns[0].is_unsigned, true);
  EXPECT_EQ(tm->columns[3].is_unsigned, false);
  EXPECT_FALSE(tm->columns[1].is_unsigned.has_value());
  EXPECT_EQ(tm->columns[1].collation, 8u);
  EXPECT_EQ(tm->columns[2].collation, 33u);
  EXPECT_EQ(tm->columns[2].real_type, ColumnType::kEnum);
  EXPECT_EQ(tm->columns[2].enum_values, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(tm->columns[3].name, "amount");
  EXPECT_EQ(tm->columns[3].precision, 5);
  EXPECT_EQ(tm->primary_key, (std::vector<PrimaryKeyPart>{{0, 0}}));
  EXPECT_TRUE(tm->has_column_names && tm->has_signedness && tm->has_charsets);
}

TEST(TableMapTest, WithoutOptionalMetadata) {
  auto tm = Map(false);
  EXPECT_FALSE(tm->has_column_names);
  EXPECT_FALSE(tm->columns[0].name.has_value());
  EXPECT_FALSE(tm->columns[0].is_unsigned.has_value());
}

TEST(TableMapTest, TruncationAnywhereIsCorruptionWithOffset) {
  const std::string body = TableMapBody();
  for (size_t len = 0; len < body.size(); ++len) {
    const std::string prefix = body.substr(0, len);
    Result<TableMapEvent> tm = ParseTableMapEvent(ByteReader(prefix, 1000), 8);
    // Cutting inside the optional block may still leave a parseable prefix of whole fields.
    if (tm.ok()) continue;
    EXPECT_EQ(tm.status().code(), StatusCode::kCorruption) << len;
    EXPECT_NE(tm.status().message().find("offset 10"), std::string::npos)
        << len << ": " << tm.status().message();
  }
}

TEST(TableMapTest, ColumnCountPastBufferIsCorruption) {
  std::string b;
  PutLe(b, 1, 6);
  PutLe(b, 0, 2);
  b += Bytes({1, 'd', 0, 1, 't', 0});
  PutPacked(b, 5000);
  b += Bytes({3});
  Status s = ParseTableMapEvent(ByteReader(b, 0), 8).status();
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("column count 5000 at offset 14"), std::string::npos) << s.message();
}

// Row image for (id, name, e, amount); `present` selects columns, nulls marks NULL ones.
std::string Row(uint32_t id, std::string_view name, int e, bool amount_null) {
  std::string r;
  r.push_back(static_cast<char>(amount_null ? 0x08 : 0x00));
  PutLe(r, id, 4);
  r.push_back(static_cast<char>(name.size()));
  r += name;
  r.push_back(static_cast<char>(e));
  if (!amount_null) r += Bytes({0x80, 0x01, 0x02});  // 1.02 as DECIMAL(5,2)
  return r;
}

TableMaps Maps(std::shared_ptr<const TableMapEvent> tm) {
  TableMaps maps;
  maps[tm->table_id] = tm;
  return maps;
}

TEST(RowsEventTest, WriteRowsV1TwoRows) {
  std::string b;
  PutLe(b, 42, 6);
  PutLe(b, kRowsFlagStmtEnd, 2);
  PutPacked(b, 4);
  b += Bytes({0x0f});
  b += Row(7, "caf\xe9", 2, false);
  b += Row(8, "", 1, true);
  Result<RowsEvent> ev =
      ParseRowsEvent(ByteReader(b), {RowsKind::kInsert, false, false}, 8, Maps(Map()));
  ASSERT_TRUE(ev.ok()) << ev.status().ToString();
  ASSERT_EQ(ev->rows.size(), 2u);
  EXPECT_TRUE(ev->end_of_statement());
  const auto& a = ev->rows[0].after.values;
  EXPECT_EQ(ToJson(a[0]), "7");
  EXPECT_EQ(ToJson(a[1]), "\"caf\xc3\xa9\"");
  EXPECT_EQ(ToJson(a[2]), "\"b\"");
  EXPECT_EQ(ToJson(a[3]), "\"1.02\"");
  EXPECT_TRUE(ev->rows[1].after.values[3].is_null());
  EXPECT_TRUE(ev->rows[0].before.values.empty());
}

TEST(RowsEventTest, UpdateWithPartialImages) {
  // MINIMAL image: before has only id (col 0); after has only name (col 1).
  std::string b;
  PutLe(b, 42, 6);
  PutLe(b, kRowsFlagStmtEnd, 2);
  PutPacked(b, 4);
  b += Bytes({0x01, 0x02});
  b += Bytes({0x00});
  PutLe(b, 7, 4);
  b += Bytes({0x00, 2, 'h', 'i'});
  Result<RowsEvent> ev =
      ParseRowsEvent(ByteReader(b), {RowsKind::kUpdate, false, false}, 8, Maps(Map()));
  ASSERT_TRUE(ev.ok()) << ev.status().ToString();
  ASSERT_EQ(ev->rows.size(), 1u);
  const RowChange& c = ev->rows[0];
  EXPECT_EQ(ToJson(c.before.values[0]), "7");
  EXPECT_TRUE(c.before.values[1].is_absent());
  EXPECT_TRUE(c.after.values[0].is_absent());
  EXPECT_EQ(c.after.values[1].bytes(), "hi");
}

TEST(RowsEventTest, DeleteRowsV2SkipsExtraData) {
  std::string b;
  PutLe(b, 42, 6);
  PutLe(b, 0, 2);
  PutLe(b, 5, 2);  // extra data length, including itself
  b += Bytes({0, 1, 9});
  PutPacked(b, 4);
  b += Bytes({0x0f});
  b += Row(9, "x", 1, true);
  Result<RowsEvent> ev =
      ParseRowsEvent(ByteReader(b), {RowsKind::kDelete, true, false}, 10, Maps(Map()));
  ASSERT_TRUE(ev.ok()) << ev.status().ToString();
  EXPECT_EQ(ToJson(ev->rows[0].before.values[0]), "9");
  EXPECT_TRUE(ev->rows[0].after.values.empty());
}

TEST(RowsEventTest, CompressedRows) {
  const std::string rows = Row(7, "abc", 1, true) + Row(8, "def", 2, true);
  uLongf clen = compressBound(rows.size());
  std::string comp(clen, '\0');
  ASSERT_EQ(compress(reinterpret_cast<Bytef*>(comp.data()), &clen,
                     reinterpret_cast<const Bytef*>(rows.data()), rows.size()),
            Z_OK);
  comp.resize(clen);
  std::string b;
  PutLe(b, 42, 6);
  PutLe(b, kRowsFlagStmtEnd, 2);
  PutPacked(b, 4);
  b += Bytes({0x0f});
  b += Bytes({0x81, static_cast<int>(rows.size())});
  b += comp;
  Result<RowsEvent> ev =
      ParseRowsEvent(ByteReader(b), {RowsKind::kInsert, false, true}, 8, Maps(Map()));
  ASSERT_TRUE(ev.ok()) << ev.status().ToString();
  ASSERT_EQ(ev->rows.size(), 2u);
  EXPECT_EQ(ev->rows[1].after.values[1].bytes(), "def");

  // A wrong announced length is corruption.
  std::string bad = b;
  bad[13] = static_cast<char>(rows.size() + 1);
  Status s = ParseRowsEvent(ByteReader(bad, 500), {RowsKind::kInsert, false, true}, 8, Maps(Map()))
                 .status();
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("offset 512"), std::string::npos) << s.message();
}

TEST(RowsEventTest, UnknownTableIdIsCorruption) {
  std::string b;
  PutLe(b, 43, 6);
  PutLe(b, 0, 2);
  PutPacked(b, 4);
  b += Bytes({0x0f});
  Status s = ParseRowsEvent(ByteReader(b, 300), {RowsKind::kInsert, false, false}, 8, Maps(Map()))
                 .status();
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("table id 43"), std::string::npos);
}

TEST(RowsEventTest, TruncatedRowIsCorruptionNamingColumnAndOffset) {
  std::string b;
  PutLe(b, 42, 6);
  PutLe(b, 0, 2);
  PutPacked(b, 4);
  b += Bytes({0x0f});
  std::string row = Row(7, "abcdef", 1, true);
  b += row.substr(0, 7);  // cut inside the VARCHAR
  Status s = ParseRowsEvent(ByteReader(b, 100), {RowsKind::kInsert, false, false}, 8, Maps(Map()))
                 .status();
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("column 1 (name) at offset 115"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("truncated at offset 116: need 6 bytes, 1 left"), std::string::npos)
      << s.message();
}

TEST(RowsEventTest, MoreColumnsThanTheMapIsCorruption) {
  std::string b;
  PutLe(b, 42, 6);
  PutLe(b, 0, 2);
  PutPacked(b, 5);
  b += Bytes({0x1f});
  Status s =
      ParseRowsEvent(ByteReader(b), {RowsKind::kInsert, false, false}, 8, Maps(Map())).status();
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("5 columns but the table map"), std::string::npos);
}

}  // namespace
}  // namespace safeddl::binlog
