#include "revert/revert_plan.h"

#include <gtest/gtest.h>

namespace safeddl::revert {
namespace {

schema::TableSchema Table(std::vector<std::string> columns, std::string generated = "") {
  schema::TableSchema t;
  int ordinal = 0;
  for (std::string& name : columns) {
    schema::Column c;
    c.name = std::move(name);
    c.ordinal = ++ordinal;
    c.data_type = "int";
    if (c.name == generated) c.generated = schema::GeneratedKind::kVirtual;
    t.columns.push_back(std::move(c));
  }
  return t;
}

// The ALTER was: DROP COLUMN gone, CHANGE old_name new_name, ADD COLUMN added; `same` kept.
TEST(InvertMappingTest, SwapsTheSwapsMappingOntoTheTablesNow) {
  const std::vector<schema::SharedColumn> swap = {
      {"id", "id"}, {"old_name", "new_name"}, {"same", "same"}};
  const schema::TableSchema now = Table({"id", "new_name", "same", "added"});
  const schema::TableSchema old = Table({"id", "gone", "old_name", "same"});
  schema::ColumnMapping m = InvertMapping(swap, now, old);
  ASSERT_EQ(m.shared.size(), 3u);
  EXPECT_EQ(m.shared[1].source, "new_name");
  EXPECT_EQ(m.shared[1].target, "old_name");
  EXPECT_EQ(m.dropped, std::vector<std::string>{"added"});  // its data is what a revert loses
  EXPECT_EQ(m.added, std::vector<std::string>{"gone"});     // kept as it is in the old table
}

TEST(InvertMappingTest, GeneratedColumnsAreNeverCopied) {
  const std::vector<schema::SharedColumn> swap = {{"id", "id"}, {"g", "g"}};
  schema::ColumnMapping m = InvertMapping(swap, Table({"id", "g"}, "g"), Table({"id", "g"}));
  ASSERT_EQ(m.shared.size(), 1u);
  EXPECT_EQ(m.added, std::vector<std::string>{"g"});
  // Case differences do not break the pairing (the server's names are case-insensitive).
  schema::ColumnMapping c = InvertMapping({{"ID", "Id"}}, Table({"id"}), Table({"iD"}));
  ASSERT_EQ(c.shared.size(), 1u);
  EXPECT_EQ(c.shared[0].target, "iD");
}

}  // namespace
}  // namespace safeddl::revert
