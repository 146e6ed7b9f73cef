#include "locks/statement.h"

#include <gtest/gtest.h>

namespace safeddl::locks {
namespace {

TEST(StatementTest, DdlHeads) {
  auto s = ParseStatement("ALTER TABLE `my db`.`Or``ders` ADD COLUMN c INT", "app");
  EXPECT_EQ(s.kind, StatementKind::kDdl);
  EXPECT_EQ(s.verb, "ALTER TABLE");
  ASSERT_EQ(s.tables.size(), 1u);
  EXPECT_EQ(s.tables[0], (TableName{"my db", "Or`ders"}));

  s = ParseStatement("/* gh */ create unique index i on Orders (a)", "app");
  EXPECT_EQ(s.verb, "CREATE INDEX");
  ASSERT_EQ(s.tables.size(), 1u);
  EXPECT_EQ(s.tables[0], (TableName{"app", "Orders"}));

  s = ParseStatement("DROP INDEX i ON app2.t", "app");
  EXPECT_EQ(s.tables.at(0), (TableName{"app2", "t"}));
  s = ParseStatement("truncate t", "app");
  EXPECT_EQ(s.verb, "TRUNCATE TABLE");
  s = ParseStatement("OPTIMIZE NO_WRITE_TO_BINLOG TABLE t", "app");
  EXPECT_EQ(s.verb, "OPTIMIZE TABLE");
  EXPECT_EQ(s.tables.at(0).name, "t");
  s = ParseStatement("RENAME TABLE a TO b, c TO d", "app");
  ASSERT_EQ(s.tables.size(), 4u);
  EXPECT_EQ(s.tables[3].name, "d");
}

TEST(StatementTest, DmlAndLockTables) {
  auto s = ParseStatement("insert ignore into orders (a) values ('FROM x')", "app");
  EXPECT_EQ(s.kind, StatementKind::kWrite);
  EXPECT_EQ(s.tables.at(0).name, "orders");
  s = ParseStatement("DELETE LOW_PRIORITY FROM app.orders WHERE id = 1", "");
  EXPECT_EQ(s.tables.at(0), (TableName{"app", "orders"}));
  s = ParseStatement("SELECT a, 'FROM y' FROM orders WHERE 1", "app");
  EXPECT_EQ(s.kind, StatementKind::kRead);
  EXPECT_EQ(s.tables.at(0).name, "orders");
  s = ParseStatement("LOCK TABLES a WRITE, b AS x READ LOCAL", "app");
  EXPECT_EQ(s.kind, StatementKind::kLockTables);
  ASSERT_EQ(s.tables.size(), 2u);
  EXPECT_EQ(s.tables[1].name, "b");
}

TEST(StatementTest, NothingToRead) {
  EXPECT_EQ(ParseStatement("", "app").kind, StatementKind::kNone);
  EXPECT_EQ(ParseStatement("COMMIT", "app").kind, StatementKind::kOther);
  EXPECT_TRUE(ParseStatement("ALTER TABLE", "app").tables.empty());
}

}  // namespace
}  // namespace safeddl::locks
