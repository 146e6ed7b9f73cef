#include "schema/alter_parser.h"

#include <gtest/gtest.h>

namespace safeddl::schema {
namespace {

using Names = std::vector<std::string>;

AlterAnalysis MustAnalyze(std::string_view text) {
  auto a = AnalyzeAlter(text);
  EXPECT_TRUE(a.ok()) << text << ": " << a.status().ToString();
  return a.ok() ? *a : AlterAnalysis{};
}

void ExpectInvalid(std::string_view text, std::string_view message_part) {
  auto a = AnalyzeAlter(text);
  ASSERT_FALSE(a.ok()) << text;
  EXPECT_EQ(a.status().code(), StatusCode::kInvalidArgument) << text;
  EXPECT_NE(a.status().message().find(message_part), std::string::npos) << a.status().message();
}

using Renames = std::vector<ColumnRename>;

TEST(AlterParserTest, GhostStyleExample) {
  AlterAnalysis a = MustAnalyze(
      "ADD COLUMN c INT, DROP COLUMN d, CHANGE COLUMN a b VARCHAR(10), RENAME COLUMN x TO y, "
      "ENGINE=InnoDB");
  EXPECT_EQ(a.added_columns, Names{"c"});
  EXPECT_EQ(a.dropped_columns, Names{"d"});
  EXPECT_EQ(a.renamed_columns, (Renames{{"a", "b"}, {"x", "y"}}));
  EXPECT_EQ(a.modified_columns, Names{"b"});
  EXPECT_FALSE(a.renames_table);
  EXPECT_FALSE(a.drops_primary_key);
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a.ghost_alter,
            "ADD COLUMN c INT, DROP COLUMN d, CHANGE COLUMN a b VARCHAR(10), RENAME COLUMN x TO y, "
            "ENGINE=InnoDB");
}

TEST(AlterParserTest, ChangeWithSameNameIsNotARename) {
  AlterAnalysis a = MustAnalyze("CHANGE a a BIGINT, CHANGE COLUMN `B` b INT, MODIFY COLUMN c TEXT");
  EXPECT_TRUE(a.renamed_columns.empty());
  EXPECT_EQ(a.modified_columns, (Names{"a", "b", "c"}));
}

TEST(AlterParserTest, RenameColumnWithQuotedHostileNames) {
  AlterAnalysis a = MustAnalyze("RENAME COLUMN `we``ird, name` TO `sp ace`, CHANGE `x;y` `ü` INT");
  EXPECT_EQ(a.renamed_columns, (Renames{{"we`ird, name", "sp ace"}, {"x;y", "ü"}}));
}

TEST(AlterParserTest, DropsWithAndWithoutColumnKeyword) {
  AlterAnalysis a = MustAnalyze(
      "DROP a, DROP COLUMN b, DROP COLUMN IF EXISTS c, DROP IF EXISTS d, DROP INDEX i, "
      "DROP KEY k, DROP FOREIGN KEY fk, DROP CONSTRAINT ck, DROP CHECK ck2, DROP PARTITION p0, "
      "DROP SYSTEM VERSIONING, DROP COLUMN `index`");
  EXPECT_EQ(a.dropped_columns, (Names{"a", "b", "c", "d", "index"}));
  EXPECT_FALSE(a.drops_primary_key);
}

TEST(AlterParserTest, DropPrimaryKeyInEverySpelling) {
  for (const char* text :
       {"DROP PRIMARY KEY", "drop primary key, add primary key (b)", "DROP INDEX `PRIMARY`",
        "DROP KEY primary", "DROP INDEX IF EXISTS `PRIMARY`", "DROP CONSTRAINT `PRIMARY`"}) {
    AlterAnalysis a = MustAnalyze(text);
    EXPECT_TRUE(a.drops_primary_key) << text;
    EXPECT_TRUE(a.dropped_columns.empty()) << text;
  }
  EXPECT_TRUE(MustAnalyze("drop primary key, add primary key (b)").adds_primary_key);
}

TEST(AlterParserTest, AddsOfNonColumns) {
  AlterAnalysis a = MustAnalyze(
      "ADD INDEX i (a), ADD KEY (b), ADD UNIQUE u (c), ADD UNIQUE KEY (d), "
      "ADD CONSTRAINT fk FOREIGN KEY (e) REFERENCES p (id), ADD FULLTEXT (f), ADD SPATIAL (g), "
      "ADD CHECK (h > 0), ADD PARTITION (PARTITION p9 VALUES LESS THAN (10))");
  EXPECT_TRUE(a.added_columns.empty());
  EXPECT_FALSE(a.adds_primary_key);
  EXPECT_TRUE(MustAnalyze("ADD CONSTRAINT pk PRIMARY KEY (a)").adds_primary_key);
  EXPECT_TRUE(MustAnalyze("ADD CONSTRAINT PRIMARY KEY (a)").adds_primary_key);
  EXPECT_TRUE(MustAnalyze("ADD PRIMARY KEY (a, b)").adds_primary_key);
}

TEST(AlterParserTest, AddColumnForms) {
  AlterAnalysis a = MustAnalyze(
      "ADD c1 INT, ADD COLUMN IF NOT EXISTS c2 INT AFTER c1, ADD COLUMN `key` INT, "
      "ADD (c3 INT, c4 DECIMAL(10,2) DEFAULT 0), ADD COLUMN (c5 ENUM('a,b', 'c'))");
  EXPECT_EQ(a.added_columns, (Names{"c1", "c2", "key", "c3", "c4", "c5"}));
}

TEST(AlterParserTest, RenameTableIsReported) {
  struct Case {
    const char* text;
    const char* name;
  };
  for (const Case& c : {Case{"RENAME TO t2", "t2"}, Case{"RENAME AS `t 2`", "t 2"},
                        Case{"rename t2", "t2"}, Case{"ADD c INT, RENAME TO db2.t2", "db2.t2"}}) {
    AlterAnalysis a = MustAnalyze(c.text);
    EXPECT_TRUE(a.renames_table) << c.text;
    EXPECT_EQ(a.new_table_name, c.name) << c.text;
  }
  AlterAnalysis a = MustAnalyze("RENAME INDEX i TO j, RENAME KEY k TO l, RENAME COLUMN a TO b");
  EXPECT_FALSE(a.renames_table);
}

TEST(AlterParserTest, AlgorithmAndLockAreStripped) {
  AlterAnalysis a =
      MustAnalyze("ALGORITHM=INPLACE, ADD c INT, LOCK = NONE, ENGINE=InnoDB, algorithm copy");
  EXPECT_EQ(a.ghost_alter, "ADD c INT, ENGINE=InnoDB");
  EXPECT_EQ(a.stripped_clauses, (Names{"ALGORITHM=INPLACE", "LOCK = NONE", "algorithm copy"}));
}

TEST(AlterParserTest, AlgorithmInsidePartitionClauseStays) {
  AlterAnalysis a = MustAnalyze("PARTITION BY KEY ALGORITHM=2 (id) PARTITIONS 4");
  EXPECT_TRUE(a.stripped_clauses.empty());
  EXPECT_EQ(a.ghost_alter, "PARTITION BY KEY ALGORITHM=2 (id) PARTITIONS 4");
}

TEST(AlterParserTest, NonReservedWordsAsColumnNames) {
  AlterAnalysis a = MustAnalyze(
      "ADD period INT, ADD system INT, ADD vector INT, DROP period, DROP COLUMN system, "
      "ADD PERIOD FOR p (s, e), DROP SYSTEM VERSIONING, ADD SYSTEM VERSIONING, "
      "DROP PERIOD FOR p, ADD (vector INT, system INT)");
  EXPECT_EQ(a.added_columns, (Names{"period", "system", "vector", "vector", "system"}));
  EXPECT_EQ(a.dropped_columns, (Names{"period", "system"}));
}

TEST(AlterParserTest, ColumnNamedAlgorithmIsNotStripped) {
  AlterAnalysis a = MustAnalyze("ADD COLUMN algorithm INT, DROP lock_id");
  EXPECT_EQ(a.added_columns, Names{"algorithm"});
  EXPECT_EQ(a.dropped_columns, Names{"lock_id"});
  EXPECT_TRUE(a.stripped_clauses.empty());
}

TEST(AlterParserTest, EmptyWhenNothingButOptions) {
  EXPECT_TRUE(MustAnalyze("").empty());
  EXPECT_TRUE(MustAnalyze("   -- just a comment\n").empty());
  EXPECT_TRUE(MustAnalyze("ALGORITHM=INPLACE, LOCK=NONE").empty());
  EXPECT_FALSE(MustAnalyze("ENGINE=InnoDB").empty());
  EXPECT_FALSE(MustAnalyze("FORCE").empty());
}

TEST(AlterParserTest, MultipleStatementsAreRefused) {
  ExpectInvalid("ADD c INT; DROP TABLE t", "more than one statement");
  ExpectInvalid("ADD c INT;;", "more than one statement");
  ExpectInvalid("ADD c INT /*!50100 ; DROP TABLE x */", "more than one statement");
}

TEST(AlterParserTest, SemicolonsInsideStringsCommentsAndNamesAreFine) {
  AlterAnalysis a = MustAnalyze(
      "ADD c VARCHAR(5) DEFAULT ';' COMMENT \"a;b\", ADD `d;e` INT -- ; not here\n /* ; */");
  EXPECT_EQ(a.added_columns, (Names{"c", "d;e"}));
}

TEST(AlterParserTest, OneTrailingSemicolonIsAccepted) {
  AlterAnalysis a = MustAnalyze("ADD c INT;  \n");
  EXPECT_EQ(a.ghost_alter, "ADD c INT");
}

TEST(AlterParserTest, CommentsAreBlankedInGhostAlter) {
  AlterAnalysis a = MustAnalyze("ADD a INT -- first\n, DROP b # second\n");
  EXPECT_EQ(a.ghost_alter, "ADD a INT, DROP b");
  EXPECT_EQ(a.dropped_columns, Names{"b"});
}

TEST(AlterParserTest, CommasInsideParenthesesAndStringsDoNotSplit) {
  AlterAnalysis a =
      MustAnalyze("MODIFY e ENUM('x,y','z') NOT NULL, ADD g INT AS (IF(a, 1, 2)) VIRTUAL, DROP h");
  EXPECT_EQ(a.modified_columns, Names{"e"});
  EXPECT_EQ(a.added_columns, Names{"g"});
  EXPECT_EQ(a.dropped_columns, Names{"h"});
}

TEST(AlterParserTest, MalformedTextIsInvalidArgument) {
  ExpectInvalid("ADD c INT,, DROP d", "empty clause");
  ExpectInvalid(", ADD c INT", "empty clause");
  ExpectInvalid("ADD c INT,", "empty clause");
  ExpectInvalid("ADD c DECIMAL(10,2", "unbalanced '('");
  ExpectInvalid("ADD c INT)", "unbalanced ')'");
  ExpectInvalid("ADD c INT DEFAULT 'x", "unterminated");
  ExpectInvalid("DROP `c", "unterminated");
}

TEST(AlterParserTest, LeadingAlterTableIsAcceptedAndReported) {
  AlterAnalysis a = MustAnalyze("ALTER TABLE `db`.`my t` ADD c INT, DROP d");
  EXPECT_EQ(a.named_db, "db");
  EXPECT_EQ(a.named_table, "my t");
  EXPECT_EQ(a.ghost_alter, "ADD c INT, DROP d");
  AlterAnalysis b = MustAnalyze("alter online table t WAIT 5 add c int");
  EXPECT_FALSE(b.named_db.has_value());
  EXPECT_EQ(b.named_table, "t");
  EXPECT_EQ(b.ghost_alter, "add c int");
  EXPECT_EQ(b.stripped_clauses, Names{"WAIT 5"});
  AlterAnalysis c = MustAnalyze("ALTER TABLE t NOWAIT FORCE");
  EXPECT_EQ(c.ghost_alter, "FORCE");
  AlterAnalysis d = MustAnalyze("ALTER COLUMN a SET DEFAULT 1");  // not a prefix: a clause
  EXPECT_FALSE(d.named_table.has_value());
  EXPECT_EQ(d.ghost_alter, "ALTER COLUMN a SET DEFAULT 1");
}

TEST(AlterParserTest, AlterIgnoreAndDataClausesAreUnsupported) {
  EXPECT_EQ(MustAnalyze("ALTER IGNORE TABLE t ADD UNIQUE (a)").unsupported_clauses.size(), 1u);
  AlterAnalysis a = MustAnalyze(
      "DISCARD TABLESPACE, IMPORT TABLESPACE, TRUNCATE PARTITION p0, "
      "EXCHANGE PARTITION p1 WITH TABLE x");
  EXPECT_EQ(a.unsupported_clauses,
            (Names{"DISCARD TABLESPACE", "IMPORT TABLESPACE", "TRUNCATE PARTITION p0",
                   "EXCHANGE PARTITION p1 WITH TABLE x"}));
  EXPECT_TRUE(
      MustAnalyze("ADD c INT, CONVERT TO CHARACTER SET utf8mb4").unsupported_clauses.empty());
}

TEST(AlterParserTest, ExecutableCommentsAreAnalyzed) {
  AlterAnalysis a = MustAnalyze("ADD c INT /*!50100 , DROP d */");
  EXPECT_EQ(a.dropped_columns, Names{"d"});
  EXPECT_EQ(a.ghost_alter.find("/*"), std::string::npos);
}

}  // namespace
}  // namespace safeddl::schema
