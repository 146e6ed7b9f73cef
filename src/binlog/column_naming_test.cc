#include "binlog/column_naming.h"

#include <gtest/gtest.h>

namespace safeddl::binlog {
namespace {

ColumnDef Col(ColumnType type, std::optional<std::string> name = std::nullopt) {
  ColumnDef c;
  c.type = type;
  c.real_type = type;
  c.name = std::move(name);
  return c;
}

// `t` (id TINYINT [UNSIGNED], v VARCHAR) without optional metadata.
TableMapEvent BareTable() {
  TableMapEvent t;
  t.database = "d";
  t.table = "t";
  t.columns = {Col(ColumnType::kTiny), Col(ColumnType::kVarchar)};
  return t;
}

std::vector<SchemaColumn> Schema() {
  return {{"id", "tinyint", true, true}, {"v", "varchar", false, false}};
}

TEST(ColumnNamingTest, MetadataNamesWin) {
  TableMapEvent t = BareTable();
  t.columns[0].name = "a";
  t.columns[1].name = "b";
  t.has_column_names = true;
  t.has_signedness = true;
  const auto schema = Schema();
  const ColumnNaming n = ResolveColumnNaming(t, &schema);
  EXPECT_EQ(n.source, NameSource::kMetadata);
  EXPECT_EQ(n.names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(n.unsigned_from_schema, (std::vector<bool>{false, false}));
  EXPECT_EQ(n.primary_key, std::vector<uint32_t>{0});  // no PK metadata: from the schema
}

TEST(ColumnNamingTest, SchemaNamesSignednessAndKey) {
  const TableMapEvent t = BareTable();
  const auto schema = Schema();
  const ColumnNaming n = ResolveColumnNaming(t, &schema);
  EXPECT_EQ(n.source, NameSource::kSchema);
  EXPECT_EQ(n.names, (std::vector<std::string>{"id", "v"}));
  EXPECT_EQ(n.unsigned_from_schema, (std::vector<bool>{true, false}));
  EXPECT_EQ(n.primary_key, std::vector<uint32_t>{0});
  EXPECT_EQ(n.mismatch, "");
  EXPECT_EQ(NameSourceName(n.source), "schema");
}

TEST(ColumnNamingTest, ColumnCountMismatchFallsBackToPositions) {
  const TableMapEvent t = BareTable();
  auto schema = Schema();
  schema.push_back({"added", "int", false, false});
  const ColumnNaming n = ResolveColumnNaming(t, &schema);
  EXPECT_EQ(n.source, NameSource::kPosition);
  EXPECT_EQ(n.names, (std::vector<std::string>{"@1", "@2"}));
  EXPECT_EQ(n.mismatch, "the binlog has 2 columns, the current schema 3");
  EXPECT_TRUE(n.primary_key.empty());
  EXPECT_EQ(n.unsigned_from_schema, (std::vector<bool>{false, false}));
}

TEST(ColumnNamingTest, TypeMismatchFallsBackToPositions) {
  const TableMapEvent t = BareTable();
  auto schema = Schema();
  schema[0].data_type = "bigint";  // ALTERed since the event
  const ColumnNaming n = ResolveColumnNaming(t, &schema);
  EXPECT_EQ(n.source, NameSource::kPosition);
  EXPECT_EQ(n.mismatch, "column 1 (id) is bigint in the current schema but TINY in the binlog");
}

TEST(ColumnNamingTest, NoSchemaMeansPositions) {
  const ColumnNaming n = ResolveColumnNaming(BareTable(), nullptr);
  EXPECT_EQ(n.source, NameSource::kPosition);
  EXPECT_EQ(n.mismatch, "");
}

TEST(ColumnNamingTest, TypeFits) {
  ColumnDef e = Col(ColumnType::kString);
  e.real_type = ColumnType::kEnum;
  EXPECT_TRUE(SchemaTypeFits(e, "enum"));
  EXPECT_FALSE(SchemaTypeFits(e, "set"));
  EXPECT_TRUE(SchemaTypeFits(Col(ColumnType::kBlob), "json"));
  EXPECT_TRUE(SchemaTypeFits(Col(ColumnType::kBlob), "longtext"));
  EXPECT_TRUE(SchemaTypeFits(Col(ColumnType::kString), "inet6"));
  EXPECT_TRUE(SchemaTypeFits(Col(ColumnType::kDatetime2), "datetime"));
  EXPECT_FALSE(SchemaTypeFits(Col(ColumnType::kDatetime2), "timestamp"));
  EXPECT_TRUE(SchemaTypeFits(Col(ColumnType::kLong), "some_future_type"));
}

TEST(ColumnNamingTest, OldTemporalDigitsFromSchema) {
  auto t = std::make_shared<TableMapEvent>();
  t->columns = {Col(ColumnType::kLong), Col(ColumnType::kTime), Col(ColumnType::kDatetime),
                Col(ColumnType::kTimestamp), Col(ColumnType::kDatetime2)};
  t->columns[4].scale = 2;
  const std::shared_ptr<const TableMapEvent> table = t;
  EXPECT_TRUE(HasOldTemporalColumns(*table));
  const std::vector<SchemaColumn> schema = {{"id", "int"},
                                            {"a", "time", false, false, 3},
                                            {"b", "datetime", false, false, 0},
                                            {"c", "timestamp", false, false, 6},
                                            {"d", "datetime", false, false, 5}};
  auto with = WithSchemaTemporalDigits(table, &schema);
  ASSERT_NE(with, table);
  EXPECT_EQ(with->columns[1].scale, 3);
  EXPECT_EQ(with->columns[2].scale, 0);
  EXPECT_EQ(with->columns[3].scale, 6);
  EXPECT_EQ(with->columns[4].scale, 2);   // DATETIME2 carries its own digits
  EXPECT_EQ(table->columns[1].scale, 0);  // the original is not changed

  // Nothing to change, no schema, or a schema that does not fit: the same table map.
  EXPECT_EQ(WithSchemaTemporalDigits(with, &schema), with);
  EXPECT_EQ(WithSchemaTemporalDigits(table, nullptr), table);
  std::vector<SchemaColumn> altered = schema;
  altered[1].data_type = "varchar";
  EXPECT_EQ(WithSchemaTemporalDigits(table, &altered), table);
  altered.pop_back();
  EXPECT_EQ(WithSchemaTemporalDigits(table, &altered), table);
  EXPECT_FALSE(HasOldTemporalColumns(BareTable()));
}

}  // namespace
}  // namespace safeddl::binlog
