// Completing table maps from the table's definition, and when the definition does not fit.
#include "binlog/schema_fill.h"

#include <gtest/gtest.h>

namespace safeddl::binlog {
namespace {

ColumnDef Col(ColumnType type, ColumnType real_type = ColumnType::kNull) {
  ColumnDef c;
  c.type = type;
  c.real_type = real_type == ColumnType::kNull ? type : real_type;
  return c;
}

ColumnDef Sized(ColumnType type, uint32_t max_length, ColumnType real_type = ColumnType::kNull) {
  ColumnDef c = Col(type, real_type);
  c.max_length = max_length;
  return c;
}

SchemaColumn Def(std::string name, std::string data_type) {
  SchemaColumn s;
  s.name = std::move(name);
  s.data_type = std::move(data_type);
  return s;
}

constexpr uint32_t kLatin1Swedish = 8;
constexpr uint32_t kUtf8mb4General = 45;

// A bare (binlog_row_metadata=NO_LOG) table map of
//   u TINYINT UNSIGNED, s INT, v VARCHAR(10) latin1, e ENUM('red','green'), b BINARY(4),
//   id UUID, st SET('a','b','c'), d DECIMAL(10,2), t DATETIME(3), old TIME(2) (old format)
// and its definition.
std::shared_ptr<const TableMapEvent> BareTable() {
  auto t = std::make_shared<TableMapEvent>();
  t->database = "d";
  t->table = "t";
  ColumnDef dec = Col(ColumnType::kNewDecimal);
  dec.precision = 10;
  dec.scale = 2;
  ColumnDef dt = Col(ColumnType::kDatetime2);
  dt.scale = 3;
  t->columns = {Col(ColumnType::kTiny),
                Col(ColumnType::kLong),
                Sized(ColumnType::kVarchar, 10),
                Sized(ColumnType::kString, 1, ColumnType::kEnum),
                Sized(ColumnType::kString, 4),
                Sized(ColumnType::kString, 16),
                Sized(ColumnType::kString, 1, ColumnType::kSet),
                dec,
                dt,
                Col(ColumnType::kTime)};
  return t;
}

std::vector<SchemaColumn> Definition() {
  std::vector<SchemaColumn> d = {Def("u", "tinyint"), Def("s", "int"),     Def("v", "varchar"),
                                 Def("e", "enum"),    Def("b", "binary"),  Def("id", "uuid"),
                                 Def("st", "set"),    Def("d", "decimal"), Def("t", "datetime"),
                                 Def("old", "time")};
  d[0].is_unsigned = true;
  d[2].collation = kLatin1Swedish;
  d[2].octet_length = 10;
  d[3].collation = kUtf8mb4General;
  d[3].elements = {"red", "green"};
  d[4].collation = kBinaryCollation;
  d[4].octet_length = 4;
  d[5].collation = kBinaryCollation;
  d[6].collation = kUtf8mb4General;
  d[6].elements = {"a", "b", "c"};
  d[7].numeric_precision = 10;
  d[7].numeric_scale = 2;
  d[8].datetime_precision = 3;
  d[9].datetime_precision = 2;
  return d;
}

TEST(SchemaFillTest, CompletesWhatTheBinlogLeftOut) {
  const auto table = BareTable();
  const auto definition = Definition();
  const SchemaFill fill = FillFromSchema(table, &definition);
  ASSERT_EQ(fill.mismatch, "");
  const auto& c = fill.table->columns;
  EXPECT_EQ(c[0].is_unsigned, true);
  EXPECT_EQ(c[1].is_unsigned, false);
  EXPECT_EQ(c[2].collation, kLatin1Swedish);
  EXPECT_EQ(c[3].enum_values, (std::vector<std::string>{"red", "green"}));
  EXPECT_EQ(c[4].collation, kBinaryCollation);
  EXPECT_EQ(c[4].plugin, TypePlugin::kNone);
  EXPECT_EQ(c[5].plugin, TypePlugin::kUuid);
  EXPECT_EQ(c[6].set_values, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(c[9].scale, 2);  // old-format TIME(2): digits the binlog does not carry
  EXPECT_EQ(c[0].name, "u");
  EXPECT_FALSE(table->columns[0].is_unsigned.has_value());  // the input is not changed
}

TEST(SchemaFillTest, LoggedMetadataWins) {
  auto table = std::make_shared<TableMapEvent>(*BareTable());
  table->columns[0].is_unsigned = false;  // MINIMAL says signed: trust the binlog
  table->columns[2].collation = kUtf8mb4General;
  table->columns[3].enum_values = {"x", "y"};  // logged labels are in the column's charset
  const auto definition = Definition();
  const SchemaFill fill = FillFromSchema(table, &definition);
  ASSERT_EQ(fill.mismatch, "");
  EXPECT_EQ(fill.table->columns[0].is_unsigned, false);
  EXPECT_EQ(fill.table->columns[2].collation, kUtf8mb4General);
  EXPECT_EQ(fill.table->columns[3].enum_values, (std::vector<std::string>{"red", "green"}));
}

// Each way a definition can belong to another time than the row images.
TEST(SchemaFillTest, RefusesADefinitionThatDoesNotFit) {
  const auto table = BareTable();
  const auto check = [&](std::vector<SchemaColumn> definition, const std::string& expected) {
    const SchemaFill fill = FillFromSchema(table, &definition);
    EXPECT_EQ(fill.mismatch, expected);
    EXPECT_EQ(fill.table, table);
  };
  auto d = Definition();
  d.push_back(Def("added", "int"));
  check(d, "the binlog has 10 columns, the definition 11");
  d = Definition();
  d[1].data_type = "bigint";
  check(d, "column 2 (s) is bigint in the definition but LONG in the binlog");
  d = Definition();
  d[2].octet_length = 40;  // CONVERT TO utf8mb4 since
  check(d,
        "column 3 (v) is varchar with a byte length of 40 in the definition but 10 in the "
        "binlog");
  d = Definition();
  d[7].numeric_scale = 3;
  check(d, "column 8 (d) is decimal(10,3) in the definition but decimal(10,2) in the binlog");
  d = Definition();
  d[8].datetime_precision = 6;
  check(d,
        "column 9 (t) is datetime with fractional digits 6 in the definition but 3 in the "
        "binlog");
  d = Definition();
  d[3].elements.resize(300, "x");
  check(d, "column 4 (e) is enum with bytes per value 2 in the definition but 1 in the binlog");
  d = Definition();
  d[6].elements.resize(9, "x");
  check(d, "column 7 (st) is set with bytes per value 2 in the definition but 1 in the binlog");
  EXPECT_EQ(FillFromSchema(table, nullptr).table, table);
}

TEST(SchemaFillTest, InexactColumnsOfABareTableMap) {
  const std::vector<std::string> inexact = InexactColumns(*BareTable());
  EXPECT_EQ(inexact, (std::vector<std::string>{"column 1: signedness", "column 2: signedness",
                                               "column 3: charset", "column 4: ENUM labels",
                                               "column 5: charset", "column 6: charset",
                                               "column 7: SET labels",
                                               "column 10: fractional digits (old temporal "
                                               "format)"}));
  // FULL metadata carries all of it (but the old temporal digits).
  auto full = std::make_shared<TableMapEvent>(*BareTable());
  full->columns.pop_back();
  for (ColumnDef& c : full->columns) {
    if (c.IsNumeric()) c.is_unsigned = false;
    if (c.IsCharacter()) c.collation = kBinaryCollation;
  }
  full->columns[0].name = "u";
  full->columns[3].enum_values = {"red", "green"};
  full->columns[6].set_values = {"a"};
  EXPECT_TRUE(InexactColumns(*full).empty());
}

TEST(SchemaFillTest, TypeFits) {
  EXPECT_TRUE(SchemaTypeFits(Col(ColumnType::kString, ColumnType::kEnum), "enum"));
  EXPECT_FALSE(SchemaTypeFits(Col(ColumnType::kString, ColumnType::kEnum), "set"));
  EXPECT_TRUE(SchemaTypeFits(Col(ColumnType::kBlob), "json"));
  EXPECT_TRUE(SchemaTypeFits(Col(ColumnType::kBlob), "longtext"));
  EXPECT_TRUE(SchemaTypeFits(Col(ColumnType::kString), "inet6"));
  EXPECT_TRUE(SchemaTypeFits(Col(ColumnType::kDatetime2), "datetime"));
  EXPECT_FALSE(SchemaTypeFits(Col(ColumnType::kDatetime2), "timestamp"));
  EXPECT_TRUE(SchemaTypeFits(Col(ColumnType::kLong), "some_future_type"));
}

TEST(SchemaFillTest, EnumElements) {
  EXPECT_EQ(ParseEnumElements("enum('red','green')"), (std::vector<std::string>{"red", "green"}));
  // As information_schema writes set('a''b','',',','\','x\ny').
  EXPECT_EQ(ParseEnumElements("set('a''b','',',','\\\\','x\\ny')"),
            (std::vector<std::string>{"a'b", "", ",", "\\", "x\ny"}));
  EXPECT_EQ(ParseEnumElements("enum('ä€')"), std::vector<std::string>{"ä€"});
  EXPECT_TRUE(ParseEnumElements("varchar(10)").empty());
  EXPECT_TRUE(ParseEnumElements("enum(").empty());
}

}  // namespace
}  // namespace safeddl::binlog
