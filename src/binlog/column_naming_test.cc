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
  EXPECT_EQ(n.mismatch, "the binlog has 2 columns, the definition 3");
  EXPECT_TRUE(n.primary_key.empty());
  EXPECT_EQ(n.unsigned_from_schema, (std::vector<bool>{false, false}));
}

TEST(ColumnNamingTest, TypeMismatchFallsBackToPositions) {
  const TableMapEvent t = BareTable();
  auto schema = Schema();
  schema[0].data_type = "bigint";  // ALTERed since the event
  const ColumnNaming n = ResolveColumnNaming(t, &schema);
  EXPECT_EQ(n.source, NameSource::kPosition);
  EXPECT_EQ(n.mismatch, "column 1 (id) is bigint in the definition but TINY in the binlog");
}

TEST(ColumnNamingTest, NoSchemaMeansPositions) {
  const ColumnNaming n = ResolveColumnNaming(BareTable(), nullptr);
  EXPECT_EQ(n.source, NameSource::kPosition);
  EXPECT_EQ(n.mismatch, "");
}

}  // namespace
}  // namespace safeddl::binlog
