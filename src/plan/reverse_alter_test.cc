#include "plan/reverse_alter.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace safeddl::plan {
namespace {

using Renames = std::vector<schema::ColumnRename>;
using Strings = std::vector<std::string>;

ParsedCreateTable MustParse(std::string_view text) {
  auto parsed = ParseCreateTable(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString() << "\n" << text;
  return parsed.ok() ? *parsed : ParsedCreateTable{};
}

ReverseAlter MustReverse(std::string_view before, std::string_view after,
                         const Renames& renames = {}) {
  auto reverse = ReverseOfChange(MustParse(before), MustParse(after), renames);
  EXPECT_TRUE(reverse.ok()) << reverse.status().ToString();
  return reverse.ok() ? *reverse : ReverseAlter{};
}

// A change run on MariaDB 10.11.19 (sandbox, sql_mode defaults): CREATE, SHOW CREATE (`before`),
// ALTER TABLE t `alter`, SHOW CREATE (`after`). `clauses` is what ReverseOfChange gives, and
// ALTER TABLE t `clauses` on that server gave back a SHOW CREATE equal to `before` under
// ComparableCreate.
struct ServerCase {
  std::string_view name;
  std::string_view alter;
  std::string_view before;
  std::string_view after;
  Renames renames;
  std::string_view clauses;
  Strings lossy_reasons;
  Strings changed_columns;
};

// Before-texts shared by several cases.
constexpr std::string_view kBase = R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql";

const std::vector<ServerCase>& ServerCases() {
  static const std::vector<ServerCase> cases = {
      {
          "add_column_end",
          "ADD COLUMN d int",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  `d` int(11) DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "DROP COLUMN `d`",
          {},
          {},
      },
      {
          "add_column_middle",
          "ADD COLUMN d int NOT NULL DEFAULT 3 AFTER a",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `d` int(11) NOT NULL DEFAULT 3,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "DROP COLUMN `d`",
          {},
          {},
      },
      {
          "add_column_first",
          "ADD COLUMN d int FIRST",
          kBase,
          R"sql(CREATE TABLE `t` (
  `d` int(11) DEFAULT NULL,
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "DROP COLUMN `d`",
          {},
          {},
      },
      {
          "drop_column_middle",
          "DROP COLUMN a",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `kb` (`b`),
  KEY `kab` (`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "DROP INDEX `kb`, DROP INDEX `kab`, ADD COLUMN `a` int(11) DEFAULT NULL AFTER `id`, ADD "
          "KEY `ka` (`a`), ADD KEY `kb` (`b`), ADD KEY `kab` (`a`,`b`)",
          {"column `a` was dropped: its values are gone"},
          {},
      },
      {
          "drop_first_column",
          "DROP COLUMN a",
          R"sql(CREATE TABLE `t` (
  `a` int(11) DEFAULT NULL,
  `b` int(11) DEFAULT NULL,
  `c` int(11) DEFAULT NULL,
  KEY `kb` (`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          R"sql(CREATE TABLE `t` (
  `b` int(11) DEFAULT NULL,
  `c` int(11) DEFAULT NULL,
  KEY `kb` (`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "ADD COLUMN `a` int(11) DEFAULT NULL FIRST",
          {"column `a` was dropped: its values are gone"},
          {},
      },
      {
          "drop_adjacent_columns",
          "DROP COLUMN a, DROP COLUMN b",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "ADD COLUMN `a` int(11) DEFAULT NULL AFTER `id`, ADD COLUMN `b` varchar(10) DEFAULT "
          "'x,y' AFTER `a`, ADD KEY `ka` (`a`), ADD KEY `kb` (`b`), ADD KEY `kab` (`a`,`b`)",
          {"column `a` was dropped: its values are gone",
           "column `b` was dropped: its values are gone"},
          {},
      },
      {
          "add_index",
          "ADD INDEX kc (c(10))",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`),
  KEY `kc` (`c`(10))
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "DROP INDEX `kc`",
          {},
          {},
      },
      {
          "add_unique",
          "ADD UNIQUE KEY ub (b)",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `ub` (`b`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "DROP INDEX `ub`",
          {},
          {},
      },
      {
          "drop_index_between",
          "DROP INDEX kb",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "DROP INDEX `kab`, ADD KEY `kb` (`b`), ADD KEY `kab` (`a`,`b`)",
          {},
          {},
      },
      {
          "change_type",
          "MODIFY a bigint unsigned",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` bigint(20) unsigned DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "CHANGE COLUMN `a` `a` int(11) DEFAULT NULL",
          {},
          {"a"},
      },
      {
          "modify_not_null",
          "MODIFY a int NOT NULL",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) NOT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "CHANGE COLUMN `a` `a` int(11) DEFAULT NULL",
          {},
          {"a"},
      },
      {
          "modify_default",
          "MODIFY b varchar(10) DEFAULT 'z'",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'z',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "CHANGE COLUMN `b` `b` varchar(10) DEFAULT 'x,y'",
          {},
          {"b"},
      },
      {
          "modify_comment",
          "MODIFY b varchar(10) DEFAULT 'x,y' COMMENT 'it''s, (a) \\n \\\\ b'",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y' COMMENT 'it''s, (a) \n \\ b',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "CHANGE COLUMN `b` `b` varchar(10) DEFAULT 'x,y'",
          {},
          {"b"},
      },
      {
          "rename_column",
          "RENAME COLUMN a TO a2",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a2` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a2`),
  KEY `kb` (`b`),
  KEY `kab` (`a2`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {{"a", "a2"}},
          "CHANGE COLUMN `a2` `a` int(11) DEFAULT NULL",
          {},
          {},
      },
      {
          "change_with_move",
          "CHANGE a a2 bigint AFTER c",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  `a2` bigint(20) DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a2`),
  KEY `kb` (`b`),
  KEY `kab` (`a2`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {{"a", "a2"}},
          "CHANGE COLUMN `a2` `a` int(11) DEFAULT NULL AFTER `id`",
          {},
          {"a"},
      },
      {
          "convert_utf8mb4",
          "CONVERT TO CHARACTER SET utf8mb4",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `a` varchar(20) DEFAULT 'é',
  `b` text DEFAULT NULL,
  `c` enum('x','y') DEFAULT 'x',
  `d` varchar(5) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci DEFAULT NULL,
  `e` char(3) CHARACTER SET latin1 COLLATE latin1_bin DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `kb` (`b`(10))
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `a` varchar(20) DEFAULT 'é',
  `b` mediumtext DEFAULT NULL,
  `c` enum('x','y') DEFAULT 'x',
  `d` varchar(5) DEFAULT NULL,
  `e` char(3) DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `kb` (`b`(10))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci)sql",
          {},
          "CHANGE COLUMN `a` `a` varchar(20) DEFAULT 'é', CHANGE COLUMN `b` `b` text DEFAULT NULL, "
          "CHANGE COLUMN `c` `c` enum('x','y') DEFAULT 'x', CHANGE COLUMN `e` `e` char(3) "
          "CHARACTER SET latin1 COLLATE latin1_bin DEFAULT NULL, DEFAULT CHARSET=latin1, "
          "COLLATE=latin1_swedish_ci",
          {},
          {"a", "b", "c", "e"},
      },
      {
          "column_charset",
          "MODIFY b varchar(10) CHARACTER SET utf8mb4 DEFAULT 'x,y'",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "CHANGE COLUMN `b` `b` varchar(10) DEFAULT 'x,y'",
          {},
          {"b"},
      },
      {
          "engine_rebuild",
          "ENGINE=InnoDB",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "",
          {},
          {},
      },
      {
          "row_format",
          "ROW_FORMAT=COMPACT",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci ROW_FORMAT=COMPACT)sql",
          {},
          "ROW_FORMAT=DEFAULT",
          {},
          {},
      },
      {
          "table_comment",
          "COMMENT='new, (comment)'",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci COMMENT='new, (comment)')sql",
          {},
          "COMMENT=''",
          {},
          {},
      },
      {
          "add_foreign_key",
          "ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES p (id)",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`),
  CONSTRAINT `fk` FOREIGN KEY (`a`) REFERENCES `p` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "DROP FOREIGN KEY `fk`",
          {},
          {},
      },
      {
          "drop_foreign_key",
          "DROP FOREIGN KEY fk",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`),
  CONSTRAINT `fk` FOREIGN KEY (`a`) REFERENCES `p` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "ADD CONSTRAINT `fk` FOREIGN KEY (`a`) REFERENCES `p` (`id`) ON DELETE CASCADE",
          {},
          {},
      },
      {
          "add_check",
          "ADD CONSTRAINT chk CHECK (a > 0)",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`),
  CONSTRAINT `chk` CHECK (`a` > 0)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "DROP CONSTRAINT `chk`",
          {},
          {},
      },
      {
          "add_primary_key",
          "ADD PRIMARY KEY (a)",
          R"sql(CREATE TABLE `t` (
  `a` int(11) DEFAULT NULL,
  `b` int(11) DEFAULT NULL,
  KEY `kb` (`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          R"sql(CREATE TABLE `t` (
  `a` int(11) NOT NULL,
  `b` int(11) DEFAULT NULL,
  PRIMARY KEY (`a`),
  KEY `kb` (`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "DROP PRIMARY KEY, CHANGE COLUMN `a` `a` int(11) DEFAULT NULL",
          {},
          {"a"},
      },
      {
          "drop_primary_key",
          "DROP PRIMARY KEY",
          R"sql(CREATE TABLE `t` (
  `a` int(11) NOT NULL,
  `b` int(11) DEFAULT NULL,
  PRIMARY KEY (`a`),
  UNIQUE KEY `ub` (`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          R"sql(CREATE TABLE `t` (
  `a` int(11) NOT NULL,
  `b` int(11) DEFAULT NULL,
  UNIQUE KEY `ub` (`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "ADD PRIMARY KEY (`a`)",
          {},
          {},
      },
      {
          "rename_in_key",
          "CHANGE a a2 int",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a2` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a2`),
  KEY `kb` (`b`),
  KEY `kab` (`a2`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {{"a", "a2"}},
          "CHANGE COLUMN `a2` `a` int(11) DEFAULT NULL",
          {},
          {},
      },
      {
          "drop_column_in_key",
          "DROP COLUMN b",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kab` (`a`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "DROP INDEX `kab`, ADD COLUMN `b` varchar(10) DEFAULT 'x,y' AFTER `a`, ADD KEY `kb` "
          "(`b`), ADD KEY `kab` (`a`,`b`)",
          {"column `b` was dropped: its values are gone"},
          {},
      },
      {
          "multi",
          "ADD COLUMN d int AFTER id, DROP COLUMN c, ADD INDEX kd (d), DROP INDEX ka",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `d` int(11) DEFAULT NULL,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  PRIMARY KEY (`id`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`),
  KEY `kd` (`d`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "DROP INDEX `kb`, DROP INDEX `kab`, DROP INDEX `kd`, DROP COLUMN `d`, ADD COLUMN `c` "
          "text DEFAULT NULL AFTER `b`, ADD KEY `ka` (`a`), ADD KEY `kb` (`b`), ADD KEY `kab` "
          "(`a`,`b`)",
          {"column `c` was dropped: its values are gone"},
          {},
      },
      {
          "not_null_reorders_unique",
          "MODIFY b int NOT NULL",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `a` int(11) DEFAULT NULL,
  `b` int(11) DEFAULT NULL,
  `c` int(11) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `ua` (`a`),
  UNIQUE KEY `ub` (`b`),
  UNIQUE KEY `uc` (`c`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `a` int(11) DEFAULT NULL,
  `b` int(11) NOT NULL,
  `c` int(11) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `ua` (`a`),
  UNIQUE KEY `ub` (`b`),
  UNIQUE KEY `uc` (`c`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "CHANGE COLUMN `b` `b` int(11) DEFAULT NULL",
          {},
          {"b"},
      },
      {
          "drop_unique_between",
          "DROP INDEX ub",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `a` int(11) DEFAULT NULL,
  `b` int(11) DEFAULT NULL,
  `c` int(11) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `ua` (`a`),
  UNIQUE KEY `ub` (`b`),
  UNIQUE KEY `uc` (`c`),
  KEY `k` (`a`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `a` int(11) DEFAULT NULL,
  `b` int(11) DEFAULT NULL,
  `c` int(11) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `ua` (`a`),
  UNIQUE KEY `uc` (`c`),
  KEY `k` (`a`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "DROP INDEX `uc`, ADD UNIQUE KEY `ub` (`b`), ADD UNIQUE KEY `uc` (`c`)",
          {},
          {},
      },
      {
          "drop_unique_nn",
          "DROP INDEX ua",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `a` int(11) NOT NULL,
  `b` int(11) NOT NULL,
  `c` int(11) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `ua` (`a`),
  UNIQUE KEY `ub` (`b`),
  UNIQUE KEY `uc` (`c`),
  UNIQUE KEY `up` (`c`,`a`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `a` int(11) NOT NULL,
  `b` int(11) NOT NULL,
  `c` int(11) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `ub` (`b`),
  UNIQUE KEY `uc` (`c`),
  UNIQUE KEY `up` (`c`,`a`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "DROP INDEX `ub`, ADD UNIQUE KEY `ua` (`a`), ADD UNIQUE KEY `ub` (`b`)",
          {},
          {},
      },
      {
          "unique_prefix_classes",
          "DROP INDEX un, MODIFY s varchar(20)",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `s` varchar(20) NOT NULL,
  `n` int(11) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `un` (`n`),
  UNIQUE KEY `us` (`s`(5))
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `s` varchar(20) DEFAULT NULL,
  `n` int(11) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `us` (`s`(5))
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "CHANGE COLUMN `s` `s` varchar(20) NOT NULL, ADD UNIQUE KEY `un` (`n`)",
          {},
          {"s"},
      },
      {
          "drop_first_long_unique",
          "DROP INDEX ux",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `x` text DEFAULT NULL,
  `y` text DEFAULT NULL,
  `z` int(11) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uz` (`z`),
  UNIQUE KEY `ux` (`x`) USING HASH,
  UNIQUE KEY `uy` (`y`) USING HASH
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `x` text DEFAULT NULL,
  `y` text DEFAULT NULL,
  `z` int(11) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uz` (`z`),
  UNIQUE KEY `uy` (`y`) USING HASH
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "DROP INDEX `uy`, ADD UNIQUE KEY `ux` (`x`) USING HASH, ADD UNIQUE KEY `uy` (`y`) USING "
          "HASH",
          {},
          {},
      },
      {
          "add_long_unique",
          "ADD UNIQUE KEY uc (c)",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uc` (`c`) USING HASH,
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "DROP INDEX `uc`",
          {},
          {},
      },
      {
          "table_default_charset",
          "DEFAULT CHARSET=utf8mb4",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) CHARACTER SET latin1 COLLATE latin1_swedish_ci DEFAULT 'x,y',
  `c` text CHARACTER SET latin1 COLLATE latin1_swedish_ci DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci)sql",
          {},
          "DEFAULT CHARSET=latin1, COLLATE=latin1_swedish_ci",
          {},
          {},
      },
      {
          "collate_table_only",
          "COLLATE=utf8mb4_unicode_ci",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `a` varchar(10) DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci)sql",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `a` varchar(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci)sql",
          {},
          "DEFAULT CHARSET=utf8mb4, COLLATE=utf8mb4_general_ci",
          {},
          {},
      },
      {
          "utf8mb4_to_latin1",
          "CONVERT TO CHARACTER SET latin1",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `a` varchar(10) DEFAULT NULL,
  `b` varchar(10) CHARACTER SET latin1 COLLATE latin1_swedish_ci DEFAULT NULL,
  `c` text CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci)sql",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `a` varchar(10) DEFAULT NULL,
  `b` varchar(10) DEFAULT NULL,
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "CHANGE COLUMN `a` `a` varchar(10) DEFAULT NULL, CHANGE COLUMN `c` `c` text CHARACTER "
          "SET utf8mb4 COLLATE utf8mb4_unicode_ci DEFAULT NULL, DEFAULT CHARSET=utf8mb4, "
          "COLLATE=utf8mb4_general_ci",
          {},
          {"a", "c"},
      },
      {
          "add_partitioning",
          "PARTITION BY HASH (id) PARTITIONS 4",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci
 PARTITION BY HASH (`id`)
PARTITIONS 4)sql",
          {},
          "REMOVE PARTITIONING",
          {},
          {},
      },
      {
          "remove_partitioning",
          "REMOVE PARTITIONING",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci
 PARTITION BY KEY (`id`)
PARTITIONS 3)sql",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "PARTITION BY KEY (`id`)\nPARTITIONS 3",
          {},
          {},
      },
      {
          "partition_range",
          "ADD COLUMN x int REMOVE PARTITIONING",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `d` date NOT NULL,
  PRIMARY KEY (`id`,`d`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci
 PARTITION BY RANGE (year(`d`))
(PARTITION `p0` VALUES LESS THAN (2000) COMMENT = 'a,b' ENGINE = InnoDB,
 PARTITION `p1` VALUES LESS THAN MAXVALUE ENGINE = InnoDB))sql",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `d` date NOT NULL,
  `x` int(11) DEFAULT NULL,
  PRIMARY KEY (`id`,`d`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "DROP COLUMN `x` PARTITION BY RANGE (year(`d`))\n(PARTITION `p0` VALUES LESS THAN (2000) "
          "COMMENT = 'a,b' ENGINE = InnoDB,\n PARTITION `p1` VALUES LESS THAN MAXVALUE ENGINE = "
          "InnoDB)",
          {},
          {},
      },
      {
          "remove_table_comment",
          "COMMENT=''",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci COMMENT='old')sql",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "COMMENT='old'",
          {},
          {},
      },
      {
          "swap_columns",
          "CHANGE a b varchar(10), CHANGE b a int",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `b` varchar(10) DEFAULT NULL,
  `a` int(11) DEFAULT NULL,
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`b`),
  KEY `kb` (`a`),
  KEY `kab` (`b`,`a`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {{"a", "b"}, {"b", "a"}},
          "CHANGE COLUMN `b` `a` int(11) DEFAULT NULL, CHANGE COLUMN `a` `b` varchar(10) DEFAULT "
          "'x,y'",
          {},
          {"a", "b"},
      },
      {
          "rename_chain",
          "CHANGE a a2 int, CHANGE b a varchar(10) DEFAULT 'x,y'",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a2` int(11) DEFAULT NULL,
  `a` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a2`),
  KEY `kb` (`a`),
  KEY `kab` (`a2`,`a`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {{"a", "a2"}, {"b", "a"}},
          "CHANGE COLUMN `a2` `a` int(11) DEFAULT NULL, CHANGE COLUMN `a` `b` varchar(10) DEFAULT "
          "'x,y'",
          {},
          {},
      },
      {
          "rename_and_readd_name",
          "CHANGE a a2 int, ADD COLUMN a varchar(3) AFTER id",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `a` int(11) DEFAULT NULL,
  `b` int(11) DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `a` varchar(3) DEFAULT NULL,
  `a2` int(11) DEFAULT NULL,
  `b` int(11) DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {{"a", "a2"}},
          "DROP COLUMN `a`, CHANGE COLUMN `a2` `a` int(11) DEFAULT NULL",
          {},
          {},
      },
      {
          "case_only_rename",
          "CHANGE a A int",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `A` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`A`),
  KEY `kb` (`b`),
  KEY `kab` (`A`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "CHANGE COLUMN `A` `a` int(11) DEFAULT NULL",
          {},
          {},
      },
      {
          "quoted_identifiers",
          "CHANGE `a,b` `a``c` int COMMENT 'x`y'",
          R"sql(CREATE TABLE `t` (
  `i``d` int(11) NOT NULL,
  `a,b` int(11) DEFAULT NULL COMMENT 'x`y',
  PRIMARY KEY (`i``d`),
  KEY `k``1` (`a,b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          R"sql(CREATE TABLE `t` (
  `i``d` int(11) NOT NULL,
  `a``c` int(11) DEFAULT NULL COMMENT 'x`y',
  PRIMARY KEY (`i``d`),
  KEY `k``1` (`a``c`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {{"a,b", "a`c"}},
          "CHANGE COLUMN `a``c` `a,b` int(11) DEFAULT NULL COMMENT 'x`y'",
          {},
          {},
      },
      {
          "generated_rename",
          "CHANGE a a2 int",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `a` int(11) DEFAULT NULL,
  `g` int(11) GENERATED ALWAYS AS (`a` + 1) VIRTUAL,
  PRIMARY KEY (`id`),
  KEY `kg` (`g`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `a2` int(11) DEFAULT NULL,
  `g` int(11) GENERATED ALWAYS AS (`a2` + 1) VIRTUAL,
  PRIMARY KEY (`id`),
  KEY `kg` (`g`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {{"a", "a2"}},
          "CHANGE COLUMN `a2` `a` int(11) DEFAULT NULL",
          {},
          {},
      },
      {
          "rename_fk_column",
          "CHANGE a a2 int",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`),
  CONSTRAINT `fk` FOREIGN KEY (`a`) REFERENCES `p` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a2` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a2`),
  KEY `kb` (`b`),
  KEY `kab` (`a2`,`b`),
  CONSTRAINT `fk` FOREIGN KEY (`a2`) REFERENCES `p` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {{"a", "a2"}},
          "CHANGE COLUMN `a2` `a` int(11) DEFAULT NULL",
          {},
          {},
      },
      {
          "rename_in_check",
          "RENAME COLUMN a TO a2, RENAME COLUMN b TO b2",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`),
  CONSTRAINT `c1` CHECK (`a` > 0 and `b` <> 'NOT NULL')
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a2` int(11) DEFAULT NULL,
  `b2` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a2`),
  KEY `kb` (`b2`),
  KEY `kab` (`a2`,`b2`),
  CONSTRAINT `c1` CHECK (`a2` > 0 and `b2` <> 'NOT NULL')
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {{"a", "a2"}, {"b", "b2"}},
          "CHANGE COLUMN `a2` `a` int(11) DEFAULT NULL, CHANGE COLUMN `b2` `b` varchar(10) DEFAULT "
          "'x,y'",
          {},
          {},
      },
      {
          "fk_replaces_generated_index",
          "ADD CONSTRAINT mm FOREIGN KEY (y) REFERENCES p (id)",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `x` int(11) DEFAULT NULL,
  `y` int(11) DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `zz` (`x`),
  KEY `aa` (`y`),
  CONSTRAINT `aa` FOREIGN KEY (`y`) REFERENCES `p` (`x`),
  CONSTRAINT `zz` FOREIGN KEY (`x`) REFERENCES `p` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `x` int(11) DEFAULT NULL,
  `y` int(11) DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `zz` (`x`),
  KEY `mm` (`y`),
  CONSTRAINT `aa` FOREIGN KEY (`y`) REFERENCES `p` (`x`),
  CONSTRAINT `mm` FOREIGN KEY (`y`) REFERENCES `p` (`id`),
  CONSTRAINT `zz` FOREIGN KEY (`x`) REFERENCES `p` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "DROP FOREIGN KEY `mm`, DROP INDEX `mm`, ADD KEY `aa` (`y`)",
          {},
          {},
      },
      {
          "drop_check_middle",
          "DROP CONSTRAINT c2",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`),
  CONSTRAINT `c1` CHECK (`a` > 0),
  CONSTRAINT `c2` CHECK (`a` < 100),
  CONSTRAINT `c3` CHECK (`a` <> 5)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`),
  CONSTRAINT `c1` CHECK (`a` > 0),
  CONSTRAINT `c3` CHECK (`a` <> 5)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "DROP CONSTRAINT `c3`, ADD CONSTRAINT `c2` CHECK (`a` < 100), ADD CONSTRAINT `c3` CHECK "
          "(`a` <> 5)",
          {},
          {},
      },
      {
          "checks_add_and_drop",
          "DROP CONSTRAINT c1, ADD CONSTRAINT c0 CHECK (b <> '')",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`),
  CONSTRAINT `c1` CHECK (`a` > 0),
  CONSTRAINT `c2` CHECK (`a` < 100)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`),
  CONSTRAINT `c2` CHECK (`a` < 100),
  CONSTRAINT `c0` CHECK (`b` <> '')
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "DROP CONSTRAINT `c2`, DROP CONSTRAINT `c0`, ADD CONSTRAINT `c1` CHECK (`a` > 0), ADD "
          "CONSTRAINT `c2` CHECK (`a` < 100)",
          {},
          {},
      },
      {
          "add_fulltext",
          "ADD FULLTEXT KEY ft (c)",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`),
  FULLTEXT KEY `ft` (`c`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "DROP INDEX `ft`",
          {},
          {},
      },
      {
          "add_spatial",
          "ADD SPATIAL KEY sg (g), ADD KEY kb (id)",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `a` int(11) DEFAULT NULL,
  `g` point NOT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `a` int(11) DEFAULT NULL,
  `g` point NOT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  SPATIAL KEY `sg` (`g`),
  KEY `kb` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "DROP INDEX `sg`, DROP INDEX `kb`",
          {},
          {},
      },
      {
          "engine_options",
          "STATS_PERSISTENT=0, PAGE_COMPRESSED=1, CHECKSUM=1",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci STATS_PERSISTENT=0 CHECKSUM=1 `PAGE_COMPRESSED`='1')sql",
          {},
          "STATS_PERSISTENT=DEFAULT, CHECKSUM=0, `PAGE_COMPRESSED`=DEFAULT",
          {},
          {},
      },
      {
          "stats_and_comment_both",
          "COMMENT='b', STATS_PERSISTENT=DEFAULT, ROW_FORMAT=DYNAMIC, STATS_SAMPLE_PAGES=20, "
          "MAX_ROWS=1000, PACK_KEYS=0",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci STATS_PERSISTENT=1 ROW_FORMAT=REDUNDANT COMMENT='a')sql",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci MAX_ROWS=1000 PACK_KEYS=0 STATS_SAMPLE_PAGES=20 ROW_FORMAT=DYNAMIC COMMENT='b')sql",
          {},
          "STATS_PERSISTENT=1, ROW_FORMAT=REDUNDANT, COMMENT='a', MAX_ROWS=0, PACK_KEYS=DEFAULT, "
          "STATS_SAMPLE_PAGES=DEFAULT",
          {},
          {},
      },
      {
          "key_block_size",
          "ROW_FORMAT=COMPRESSED KEY_BLOCK_SIZE=8",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci ROW_FORMAT=COMPRESSED KEY_BLOCK_SIZE=8)sql",
          {},
          "DROP PRIMARY KEY, DROP INDEX `ka`, DROP INDEX `kb`, DROP INDEX `kab`, ADD PRIMARY KEY "
          "(`id`), ADD KEY `ka` (`a`), ADD KEY `kb` (`b`), ADD KEY `kab` (`a`,`b`), "
          "ROW_FORMAT=DEFAULT, KEY_BLOCK_SIZE=0",
          {},
          {},
      },
      {
          "ignored_index",
          "ALTER INDEX ka IGNORED",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`) IGNORED,
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "ALTER INDEX `ka` NOT IGNORED",
          {},
          {},
      },
      {
          "ignored_before_reordered",
          "DROP INDEX ka, ADD KEY ka (a, id)",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`) IGNORED
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`) IGNORED,
  KEY `ka` (`a`,`id`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "DROP INDEX `kb`, DROP INDEX `kab`, DROP INDEX `ka`, ADD KEY `ka` (`a`), ADD KEY `kb` "
          "(`b`), ADD KEY `kab` (`a`,`b`) IGNORED",
          {},
          {},
      },
      {
          "reorder_many",
          "MODIFY f int FIRST, MODIFY a int AFTER d, MODIFY c int AFTER f",
          R"sql(CREATE TABLE `t` (
  `a` int(11) DEFAULT NULL,
  `b` int(11) DEFAULT NULL,
  `c` int(11) DEFAULT NULL,
  `d` int(11) DEFAULT NULL,
  `e` int(11) DEFAULT NULL,
  `f` int(11) DEFAULT NULL
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          R"sql(CREATE TABLE `t` (
  `f` int(11) DEFAULT NULL,
  `c` int(11) DEFAULT NULL,
  `b` int(11) DEFAULT NULL,
  `d` int(11) DEFAULT NULL,
  `a` int(11) DEFAULT NULL,
  `e` int(11) DEFAULT NULL
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "CHANGE COLUMN `a` `a` int(11) DEFAULT NULL FIRST, CHANGE COLUMN `b` `b` int(11) DEFAULT "
          "NULL AFTER `a`, CHANGE COLUMN `f` `f` int(11) DEFAULT NULL AFTER `e`",
          {},
          {},
      },
      {
          "move_first",
          "MODIFY b varchar(10) DEFAULT 'x,y' FIRST",
          kBase,
          R"sql(CREATE TABLE `t` (
  `b` varchar(10) DEFAULT 'x,y',
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "CHANGE COLUMN `b` `b` varchar(10) DEFAULT 'x,y' AFTER `a`",
          {},
          {},
      },
      {
          "replace_pk",
          "DROP PRIMARY KEY, ADD PRIMARY KEY (id, a)",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) NOT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`,`a`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "DROP PRIMARY KEY, CHANGE COLUMN `a` `a` int(11) DEFAULT NULL, ADD PRIMARY KEY (`id`)",
          {},
          {"a"},
      },
      {
          "drop_pk_column",
          "DROP PRIMARY KEY, DROP COLUMN b, ADD PRIMARY KEY (a)",
          R"sql(CREATE TABLE `t` (
  `a` int(11) NOT NULL,
  `b` int(11) NOT NULL,
  `c` int(11) DEFAULT NULL,
  PRIMARY KEY (`a`,`b`),
  KEY `kc` (`c`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          R"sql(CREATE TABLE `t` (
  `a` int(11) NOT NULL,
  `c` int(11) DEFAULT NULL,
  PRIMARY KEY (`a`),
  KEY `kc` (`c`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "DROP PRIMARY KEY, ADD COLUMN `b` int(11) NOT NULL AFTER `a`, ADD PRIMARY KEY (`a`,`b`)",
          {"column `b` was dropped: its values are gone"},
          {},
      },
      {
          "timestamp_on_update",
          "MODIFY ts timestamp NULL DEFAULT NULL, MODIFY d datetime(6)",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `ts` timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
  `d` datetime(3) DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `ts` timestamp NULL DEFAULT NULL,
  `d` datetime(6) DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "CHANGE COLUMN `ts` `ts` timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE "
          "current_timestamp(), CHANGE COLUMN `d` `d` datetime(3) DEFAULT NULL",
          {},
          {"ts", "d"},
      },
      {
          "invisible_column",
          "ADD COLUMN h int INVISIBLE, MODIFY c text INVISIBLE",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text INVISIBLE DEFAULT NULL,
  `h` int(11) INVISIBLE DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "DROP COLUMN `h`, CHANGE COLUMN `c` `c` text DEFAULT NULL",
          {},
          {"c"},
      },
      {
          "compressed_column",
          "MODIFY c text COMPRESSED",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text /*M!100301 COMPRESSED*/ DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "CHANGE COLUMN `c` `c` text DEFAULT NULL",
          {},
          {"c"},
      },
      {
          "add_period_with_columns",
          "ADD COLUMN s date NOT NULL, ADD COLUMN e date NOT NULL, ADD PERIOD FOR p (s, e)",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `s` date NOT NULL,
  `e` date NOT NULL,
  PERIOD FOR `p` (`s`, `e`),
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "DROP PERIOD FOR `p`, DROP COLUMN `s`, DROP COLUMN `e`",
          {},
          {},
      },
      {
          "drop_period",
          "DROP PERIOD FOR p",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `s` date NOT NULL,
  `e` date NOT NULL,
  PERIOD FOR `p` (`s`, `e`),
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `s` date NOT NULL,
  `e` date NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "ADD PERIOD FOR `p` (`s`, `e`)",
          {},
          {},
      },
      {
          "add_system_versioning",
          "ADD SYSTEM VERSIONING",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci WITH SYSTEM VERSIONING)sql",
          {},
          "DROP SYSTEM VERSIONING",
          {"system versioning was added: dropping it deletes the history rows kept since"},
          {},
      },
      {
          "engine_myisam",
          "ENGINE=MyISAM",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `a` int(11) DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `a` int(11) DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ka` (`a`)
) ENGINE=MyISAM DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "ENGINE=InnoDB",
          {},
          {},
      },
      {
          "engine_aria_options",
          "ENGINE=InnoDB",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `a` int(11) DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=Aria DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci PAGE_CHECKSUM=1 TRANSACTIONAL=1)sql",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `a` int(11) DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci PAGE_CHECKSUM=1 TRANSACTIONAL=1)sql",
          {},
          "ENGINE=Aria",
          {},
          {},
      },
      {
          "convert_with_unique",
          "CONVERT TO CHARACTER SET utf8mb4",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `a` varchar(50) NOT NULL,
  `b` varchar(50) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `ua` (`a`),
  UNIQUE KEY `ub` (`b`(10)),
  KEY `k` (`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `a` varchar(50) NOT NULL,
  `b` varchar(50) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `ua` (`a`),
  UNIQUE KEY `ub` (`b`(10)),
  KEY `k` (`b`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci)sql",
          {},
          "CHANGE COLUMN `a` `a` varchar(50) NOT NULL, CHANGE COLUMN `b` `b` varchar(50) DEFAULT "
          "NULL, DEFAULT CHARSET=latin1, COLLATE=latin1_swedish_ci",
          {},
          {"a", "b"},
      },
      {
          "add_column_with_unique",
          "ADD COLUMN u int NOT NULL AFTER id, ADD UNIQUE KEY uu (u)",
          kBase,
          R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `u` int(11) NOT NULL,
  `a` int(11) DEFAULT NULL,
  `b` varchar(10) DEFAULT 'x,y',
  `c` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uu` (`u`),
  KEY `ka` (`a`),
  KEY `kb` (`b`),
  KEY `kab` (`a`,`b`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {},
          "DROP INDEX `uu`, DROP COLUMN `u`",
          {},
          {},
      },
      {
          "rename_swap_positions",
          "CHANGE d d2 int FIRST, CHANGE a a2 int AFTER d2, MODIFY b bigint AFTER c",
          R"sql(CREATE TABLE `t` (
  `a` int(11) DEFAULT NULL,
  `b` int(11) DEFAULT NULL,
  `c` int(11) DEFAULT NULL,
  `d` int(11) DEFAULT NULL
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          R"sql(CREATE TABLE `t` (
  `d2` int(11) DEFAULT NULL,
  `a2` int(11) DEFAULT NULL,
  `c` int(11) DEFAULT NULL,
  `b` bigint(20) DEFAULT NULL
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci)sql",
          {{"d", "d2"}, {"a", "a2"}},
          "CHANGE COLUMN `a2` `a` int(11) DEFAULT NULL, CHANGE COLUMN `b` `b` int(11) DEFAULT NULL "
          "AFTER `a`, CHANGE COLUMN `d2` `d` int(11) DEFAULT NULL AFTER `c`",
          {},
          {"b"},
      },
  };
  return cases;
}

TEST(ReverseAlterTest, ServerVerifiedChangesGoBackExactly) {
  for (const ServerCase& c : ServerCases()) {
    SCOPED_TRACE(fmt::format("{}: ALTER TABLE t {}", c.name, c.alter));
    const ReverseAlter r = MustReverse(c.before, c.after, c.renames);
    EXPECT_EQ(r.clauses, c.clauses);
    EXPECT_EQ(r.lossy_reasons, c.lossy_reasons);
    EXPECT_EQ(r.changed_columns, c.changed_columns);
  }
}

TEST(ReverseAlterTest, NothingToDoForTheSameDefinition) {
  for (const ServerCase& c : ServerCases()) {
    SCOPED_TRACE(c.name);
    const ReverseAlter r = MustReverse(c.after, c.after);
    EXPECT_EQ(r.clauses, "");
    EXPECT_TRUE(r.lossy_reasons.empty());
    EXPECT_TRUE(r.changed_columns.empty());
  }
}

TEST(ReverseAlterTest, RefusesARenameTheDefinitionsDoNotHave) {
  const ParsedCreateTable before = MustParse("CREATE TABLE `t` (\n  `a` int(11)\n) ENGINE=InnoDB");
  const ParsedCreateTable after = MustParse("CREATE TABLE `t` (\n  `b` int(11)\n) ENGINE=InnoDB");
  auto r = ReverseOfChange(before, after, {{"x", "b"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("`x`"), std::string::npos) << r.status().message();
  EXPECT_FALSE(ReverseOfChange(before, after, {{"a", "y"}}).ok());
  EXPECT_TRUE(ReverseOfChange(before, after, {{"a", "b"}}).ok());
}

TEST(ReverseAlterTest, ColumnsAreMatchedIgnoringCaseButRenamedBackExactly) {
  const ReverseAlter r = MustReverse("CREATE TABLE `t` (\n  `Ab` int(11) DEFAULT NULL\n) E=1",
                                     "CREATE TABLE `t` (\n  `aB` bigint(20) DEFAULT NULL\n) E=1");
  EXPECT_EQ(r.clauses, "CHANGE COLUMN `aB` `Ab` int(11) DEFAULT NULL");
  EXPECT_EQ(r.changed_columns, Strings{"Ab"});
}

TEST(ReverseAlterTest, ANotNullInsideAStringDoesNotMakeAKeyNotNull) {
  // UNIQUE keys over NOT NULL columns sort before the others: `ub` then `ua`, two classes, so
  // putting `ub` back leaves `ua` where it is.
  const ReverseAlter r = MustReverse(R"sql(CREATE TABLE `t` (
  `a` varchar(10) DEFAULT 'NOT NULL',
  `b` int(11) NOT NULL,
  UNIQUE KEY `ub` (`b`),
  UNIQUE KEY `ua` (`a`)
) ENGINE=InnoDB)sql",
                                     R"sql(CREATE TABLE `t` (
  `a` varchar(10) DEFAULT 'NOT NULL',
  `b` int(11) NOT NULL,
  UNIQUE KEY `ua` (`a`)
) ENGINE=InnoDB)sql");
  EXPECT_EQ(r.clauses, "ADD UNIQUE KEY `ub` (`b`)");
}

TEST(ReverseAlterTest, AForeignKeyChangedUnderItsNameIsReportedNotEmitted) {
  // Two ALTERs can do this; one cannot undo it (InnoDB: duplicate foreign key name).
  const ReverseAlter r = MustReverse(R"sql(CREATE TABLE `t` (
  `a` int(11) DEFAULT NULL,
  KEY `fk` (`a`),
  CONSTRAINT `fk` FOREIGN KEY (`a`) REFERENCES `p` (`id`)
) ENGINE=InnoDB)sql",
                                     R"sql(CREATE TABLE `t` (
  `a` int(11) DEFAULT NULL,
  KEY `fk` (`a`),
  CONSTRAINT `fk` FOREIGN KEY (`a`) REFERENCES `p` (`x`)
) ENGINE=InnoDB)sql");
  EXPECT_EQ(r.clauses, "");
  ASSERT_EQ(r.lossy_reasons.size(), 1u);
  EXPECT_EQ(r.lossy_reasons[0],
            "foreign key `fk` was changed and is not put back (one ALTER cannot drop and add a "
            "foreign key of the same name): run ALTER TABLE ... DROP FOREIGN KEY `fk`, then ALTER "
            "TABLE ... ADD CONSTRAINT `fk` FOREIGN KEY (`a`) REFERENCES `p` (`id`)");
}

TEST(ReverseAlterTest, ReportsWhatItCannotTakeBack) {
  const ReverseAlter r = MustReverse(R"sql(CREATE TABLE `t` (
  `a` int(11) DEFAULT NULL
) ENGINE=Aria UNION=(`x`))sql",
                                     R"sql(CREATE TABLE `t` (
  `a` int(11) DEFAULT NULL,
  PERIOD FOR SYSTEM_TIME (`s`, `e`)
) ENGINE=Aria UNION=(`x`,`y`) DATA DIRECTORY='/d/' PAGE_CHECKSUM=1 TRANSACTIONAL=1 `opt`='v')sql");
  EXPECT_EQ(r.clauses, "UNION=(`x`), TRANSACTIONAL=DEFAULT, `opt`=DEFAULT");
  EXPECT_EQ(
      r.lossy_reasons,
      (Strings{"table option DATA DIRECTORY='/d/' was added and cannot be taken back",
               "table option PAGE_CHECKSUM=1 was added and cannot be taken back",
               "the change added \"PERIOD FOR SYSTEM_TIME (`s`, `e`)\": it is not taken back"}));
}

TEST(ReverseAlterTest, TableDefaultsDecideWhatAColumnWithoutCharsetHolds) {
  // Same text, different columns: the table default charset changed under them.
  const ReverseAlter r = MustReverse(
      "CREATE TABLE `t` (\n  `a` varchar(5) DEFAULT NULL,\n  `n` int(11) DEFAULT NULL\n"
      ") ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci",
      "CREATE TABLE `t` (\n  `a` varchar(5) DEFAULT NULL,\n  `n` int(11) DEFAULT NULL\n"
      ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci");
  EXPECT_EQ(r.clauses,
            "CHANGE COLUMN `a` `a` varchar(5) DEFAULT NULL, DEFAULT CHARSET=latin1, "
            "COLLATE=latin1_swedish_ci");
  EXPECT_EQ(r.changed_columns, Strings{"a"});
}

}  // namespace
}  // namespace safeddl::plan
