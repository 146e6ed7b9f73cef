// Which DDL statements touch a table.
#include "flashback/ddl_check.h"

#include <gtest/gtest.h>

namespace safeddl::flashback {
namespace {

TEST(DdlCheckTest, QualifiedAndBareNames) {
  EXPECT_TRUE(StatementTouchesTable("ALTER TABLE `d`.`t` ADD c INT", "x", "d", "t"));
  EXPECT_TRUE(StatementTouchesTable("alter table t add c int", "d", "d", "t"));
  EXPECT_TRUE(StatementTouchesTable("TRUNCATE d.T", "", "d", "t"));
  EXPECT_FALSE(StatementTouchesTable("alter table t add c int", "other", "d", "t"));
  EXPECT_FALSE(StatementTouchesTable("ALTER TABLE `d`.`t2` ADD c INT", "d", "d", "t"));
  EXPECT_FALSE(StatementTouchesTable("CREATE TABLE u (c VARCHAR(5) DEFAULT 't')", "d", "d", "t"));
  EXPECT_TRUE(StatementTouchesTable("RENAME TABLE `d`.`u` TO `d`.`t`", "", "d", "t"));
}

TEST(DdlCheckTest, Databases) {
  EXPECT_TRUE(StatementTouchesTable("DROP DATABASE IF EXISTS `d`", "", "d", "t"));
  EXPECT_TRUE(StatementTouchesTable("drop schema d", "", "d", "t"));
  EXPECT_FALSE(StatementTouchesTable("DROP DATABASE e", "", "d", "t"));
}

}  // namespace
}  // namespace safeddl::flashback
