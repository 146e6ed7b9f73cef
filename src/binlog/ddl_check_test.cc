// Which DDL statements touch a table.
#include "binlog/ddl_check.h"

#include <gtest/gtest.h>

namespace safeddl::binlog {
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

TEST(DdlCheckTest, DdlStatements) {
  EXPECT_TRUE(IsDdlStatement("ALTER TABLE t ADD c INT"));
  EXPECT_TRUE(IsDdlStatement("  /* safeddl */ create table u (a int)"));
  EXPECT_TRUE(IsDdlStatement("TRUNCATE t"));
  EXPECT_TRUE(IsDdlStatement("rename table a to b"));
  EXPECT_FALSE(IsDdlStatement("BEGIN"));
  EXPECT_FALSE(IsDdlStatement("SAVEPOINT `s`"));
  EXPECT_FALSE(IsDdlStatement("INSERT INTO t VALUES (1)"));
  EXPECT_FALSE(IsDdlStatement("/* unterminated"));
}

TEST(DdlCheckTest, AltersTableOnlyAsItsTarget) {
  EXPECT_TRUE(StatementAltersTable("ALTER TABLE `d`.`t` ADD c INT", "x", "d", "t"));
  EXPECT_TRUE(StatementAltersTable("alter online ignore table t engine=innodb", "d", "d", "T"));
  EXPECT_TRUE(StatementAltersTable("TRUNCATE TABLE d.t", "", "d", "t"));
  EXPECT_TRUE(StatementAltersTable("truncate t", "d", "d", "t"));
  EXPECT_TRUE(StatementAltersTable("ALTER TABLE IF EXISTS `d`.`t` ADD c INT", "", "d", "t"));
  // The migration's own statements mention the table without altering it.
  EXPECT_FALSE(StatementAltersTable("CREATE TABLE `d`.`_t_gho` LIKE `d`.`t`", "d", "d", "t"));
  EXPECT_FALSE(StatementAltersTable("ALTER TABLE `d`.`_t_gho` ADD c INT", "d", "d", "t"));
  EXPECT_FALSE(StatementAltersTable("RENAME TABLE `d`.`t` TO `d`.`_t_del`, `d`.`_t_gho` TO `d`.`t`",
                                    "d", "d", "t"));
  EXPECT_FALSE(StatementAltersTable("alter table t add c int", "other", "d", "t"));
  EXPECT_FALSE(StatementAltersTable("ALTER TABLE `e`.`t` ADD c INT", "d", "d", "t"));
}

}  // namespace
}  // namespace safeddl::binlog
