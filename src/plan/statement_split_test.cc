#include "plan/statement_split.h"

#include <gtest/gtest.h>

#include <ostream>

namespace safeddl::plan {

// Readable failures for EXPECT_EQ on tables (found by argument-dependent lookup).
void PrintTo(const TableRef& t, std::ostream* os) { *os << "{" << t.db << ", " << t.table << "}"; }

namespace {

using Tables = std::vector<TableRef>;
using Renames = std::vector<std::pair<TableRef, TableRef>>;

std::vector<SchemaStatement> MustSplit(std::string_view text) {
  auto r = SplitStatements(text);
  EXPECT_TRUE(r.ok()) << text << "\n" << r.status().ToString();
  return r.ok() ? *r : std::vector<SchemaStatement>{};
}

// Splits a text holding one statement.
SchemaStatement MustSplitOne(std::string_view text) {
  std::vector<SchemaStatement> all = MustSplit(text);
  EXPECT_EQ(all.size(), 1u) << text;
  return all.empty() ? SchemaStatement{} : all.front();
}

// The message of the refusal of `text` (kInvalidArgument).
std::string Refusal(std::string_view text) {
  auto r = SplitStatements(text);
  EXPECT_FALSE(r.ok()) << text;
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
  return r.status().message();
}

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

constexpr std::string_view kAccepts =
    "plan accepts ALTER TABLE, CREATE/DROP/RENAME TABLE, CREATE/DROP INDEX";

// Line numbers matter: line 1 is the line of R"sql(.
constexpr std::string_view kChangeFile = R"sql(-- Release 42: orders; shipping
# reviewed; ok
USE shop;

/* Widen the note column;
   backfill happens later; */
ALTER TABLE orders
  ADD COLUMN note VARCHAR(200) NOT NULL DEFAULT 'n/a; "x"', -- why; because
  ALGORITHM=INPLACE, LOCK=NONE;
ALTER ONLINE IGNORE TABLE `sales`.`order``items` MODIFY qty INT COMMENT 'it''s; \'fine\'';
CREATE TABLE IF NOT EXISTS audit_log (
  id BIGINT PRIMARY KEY,
  msg TEXT DEFAULT "semi;colon"
) ENGINE=InnoDB;
CREATE OR REPLACE TABLE archive.orders_old LIKE orders;
CREATE TABLE totals AS SELECT customer_id, SUM(total) AS s FROM orders GROUP BY customer_id;
;;
CREATE UNIQUE INDEX uq_ref USING BTREE ON orders (`ref`, customer_name(10))
  COMMENT 'one; per' ALGORITHM = INPLACE LOCK=NONE;
DROP INDEX IF EXISTS idx_old ON shop2.orders ALGORITHM=INPLACE;
DROP TABLE IF EXISTS tmp_a, archive.tmp_b, `tmp c`;
RENAME TABLE orders_new TO orders_v2, archive.x TO archive.y;
USE `other db`;
/* the last one has no ';' */ ALTER TABLE t1 DROP COLUMN c -- done
)sql";

TEST(StatementSplitTest, RealisticChangeFile) {
  std::vector<SchemaStatement> s = MustSplit(kChangeFile);
  ASSERT_EQ(s.size(), 10u);

  EXPECT_EQ(s[0].kind, StatementKind::kAlterTable);
  EXPECT_EQ(s[0].line, 7);
  EXPECT_EQ(s[0].tables, (Tables{{"shop", "orders"}}));
  EXPECT_EQ(s[0].alter_clauses,
            "ADD COLUMN note VARCHAR(200) NOT NULL DEFAULT 'n/a; \"x\"',  \n"
            "  ALGORITHM=INPLACE, LOCK=NONE");
  EXPECT_EQ(s[0].sql,
            "ALTER TABLE orders\n"
            "  ADD COLUMN note VARCHAR(200) NOT NULL DEFAULT 'n/a; \"x\"',  \n"
            "  ALGORITHM=INPLACE, LOCK=NONE");

  EXPECT_EQ(s[1].kind, StatementKind::kAlterTable);
  EXPECT_EQ(s[1].line, 10);
  EXPECT_EQ(s[1].tables, (Tables{{"sales", "order`items"}}));
  EXPECT_EQ(s[1].alter_clauses, R"(MODIFY qty INT COMMENT 'it''s; \'fine\'')");
  EXPECT_FALSE(s[1].if_exists);

  EXPECT_EQ(s[2].kind, StatementKind::kCreateTable);
  EXPECT_EQ(s[2].line, 11);
  EXPECT_EQ(s[2].tables, (Tables{{"shop", "audit_log"}}));
  EXPECT_TRUE(s[2].if_not_exists);
  EXPECT_FALSE(s[2].or_replace);
  EXPECT_FALSE(s[2].like.has_value());
  EXPECT_EQ(s[2].sql,
            "CREATE TABLE IF NOT EXISTS audit_log (\n  id BIGINT PRIMARY KEY,\n"
            "  msg TEXT DEFAULT \"semi;colon\"\n) ENGINE=InnoDB");
  EXPECT_TRUE(s[2].alter_clauses.empty());

  EXPECT_EQ(s[3].kind, StatementKind::kCreateTable);
  EXPECT_EQ(s[3].line, 15);
  EXPECT_TRUE(s[3].or_replace);
  EXPECT_FALSE(s[3].if_not_exists);
  EXPECT_EQ(s[3].tables, (Tables{{"archive", "orders_old"}}));
  ASSERT_TRUE(s[3].like.has_value());
  EXPECT_EQ(*s[3].like, (TableRef{"shop", "orders"}));

  EXPECT_EQ(s[4].kind, StatementKind::kCreateTable);
  EXPECT_EQ(s[4].line, 16);
  EXPECT_EQ(s[4].tables, (Tables{{"shop", "totals"}}));
  EXPECT_FALSE(s[4].like.has_value());

  EXPECT_EQ(s[5].kind, StatementKind::kCreateIndex);
  EXPECT_EQ(s[5].line, 18);
  EXPECT_EQ(s[5].tables, (Tables{{"shop", "orders"}}));
  EXPECT_EQ(s[5].alter_clauses,
            "ADD UNIQUE INDEX `uq_ref` (`ref`, customer_name(10)) USING BTREE COMMENT 'one; per', "
            "ALGORITHM=INPLACE, LOCK=NONE");

  EXPECT_EQ(s[6].kind, StatementKind::kDropIndex);
  EXPECT_EQ(s[6].line, 20);
  EXPECT_EQ(s[6].tables, (Tables{{"shop2", "orders"}}));
  EXPECT_TRUE(s[6].if_exists);
  EXPECT_EQ(s[6].alter_clauses, "DROP INDEX IF EXISTS `idx_old`, ALGORITHM=INPLACE");

  EXPECT_EQ(s[7].kind, StatementKind::kDropTable);
  EXPECT_EQ(s[7].line, 21);
  EXPECT_TRUE(s[7].if_exists);
  EXPECT_EQ(s[7].tables, (Tables{{"shop", "tmp_a"}, {"archive", "tmp_b"}, {"shop", "tmp c"}}));

  EXPECT_EQ(s[8].kind, StatementKind::kRenameTable);
  EXPECT_EQ(s[8].line, 22);
  EXPECT_TRUE(s[8].tables.empty());
  EXPECT_EQ(s[8].renames, (Renames{{{"shop", "orders_new"}, {"shop", "orders_v2"}},
                                   {{"archive", "x"}, {"archive", "y"}}}));

  EXPECT_EQ(s[9].kind, StatementKind::kAlterTable);
  EXPECT_EQ(s[9].line, 24);
  EXPECT_EQ(s[9].tables, (Tables{{"other db", "t1"}}));
  EXPECT_EQ(s[9].alter_clauses, "DROP COLUMN c");
  EXPECT_EQ(s[9].sql, "ALTER TABLE t1 DROP COLUMN c");
}

TEST(StatementSplitTest, KindNames) {
  EXPECT_EQ(StatementKindName(StatementKind::kAlterTable), "ALTER TABLE");
  EXPECT_EQ(StatementKindName(StatementKind::kCreateTable), "CREATE TABLE");
  EXPECT_EQ(StatementKindName(StatementKind::kDropTable), "DROP TABLE");
  EXPECT_EQ(StatementKindName(StatementKind::kRenameTable), "RENAME TABLE");
  EXPECT_EQ(StatementKindName(StatementKind::kCreateIndex), "CREATE INDEX");
  EXPECT_EQ(StatementKindName(StatementKind::kDropIndex), "DROP INDEX");
}

TEST(StatementSplitTest, NoUseLeavesTheDatabaseEmpty) {
  std::vector<SchemaStatement> s = MustSplit("ALTER TABLE t ADD c INT;\nUSE d1;\nDROP TABLE t");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].tables, (Tables{{"", "t"}}));
  EXPECT_EQ(s[1].tables, (Tables{{"d1", "t"}}));
  EXPECT_EQ(s[1].line, 3);
}

TEST(StatementSplitTest, LineNumbersAcrossMultiLineStringsAndComments) {
  std::vector<SchemaStatement> s = MustSplit(
      "ALTER TABLE a COMMENT 'line1\n"              // 1
      "line2 ; still the string\n"                  // 2
      "line3';\n"                                   // 3
      "/* c1 ;\n"                                   // 4
      " c2 */ DROP TABLE b;\n"                      // 5
      "/*!40101 ALTER TABLE c ENGINE=InnoDB */;\n"  // 6
      "/*M!100500 RENAME TABLE d TO e */;\n"        // 7
      "DROP TABLE f; DROP TABLE g;\n"               // 8
      "ALTER TABLE h ADD c INT DEFAULT 1--1;\n"     // 9: "--" without a space is no comment
      "#\n"                                         // 10
      "\r\n"                                        // 11
      "-- x\n"                                      // 12
      "\n"                                          // 13
      "  DROP INDEX i ON j");                       // 14
  ASSERT_EQ(s.size(), 8u);
  EXPECT_EQ(s[0].line, 1);
  EXPECT_EQ(s[0].alter_clauses, "COMMENT 'line1\nline2 ; still the string\nline3'");
  EXPECT_EQ(s[1].line, 5);
  EXPECT_EQ(s[1].tables, (Tables{{"", "b"}}));
  EXPECT_EQ(s[2].line, 6);
  EXPECT_EQ(s[2].kind, StatementKind::kAlterTable);
  EXPECT_EQ(s[2].alter_clauses, "ENGINE=InnoDB");
  EXPECT_EQ(s[2].sql, "ALTER TABLE c ENGINE=InnoDB");
  EXPECT_EQ(s[3].line, 7);
  EXPECT_EQ(s[3].renames, (Renames{{{"", "d"}, {"", "e"}}}));
  EXPECT_EQ(s[4].line, 8);
  EXPECT_EQ(s[4].tables, (Tables{{"", "f"}}));
  EXPECT_EQ(s[5].line, 8);
  EXPECT_EQ(s[5].tables, (Tables{{"", "g"}}));
  EXPECT_EQ(s[6].line, 9);
  EXPECT_EQ(s[6].alter_clauses, "ADD c INT DEFAULT 1--1");
  EXPECT_EQ(s[7].line, 14);
  EXPECT_EQ(s[7].kind, StatementKind::kDropIndex);
}

TEST(StatementSplitTest, QuotedNamesWithBackticksDotsAndSemicolons) {
  SchemaStatement s = MustSplitOne("ALTER TABLE `my``db`.`t;1.x` ADD `c``;` INT");
  EXPECT_EQ(s.tables, (Tables{{"my`db", "t;1.x"}}));
  EXPECT_EQ(s.alter_clauses, "ADD `c``;` INT");

  // After the '.', a reserved word is a name, as for the server.
  s = MustSplitOne("DROP TABLE db . `select`, db.`table`");
  EXPECT_EQ(s.tables, (Tables{{"db", "select"}, {"db", "table"}}));
}

TEST(StatementSplitTest, AlterTableVariants) {
  SchemaStatement s = MustSplitOne("alter table if exists t add c int, algorithm=instant;");
  EXPECT_EQ(s.kind, StatementKind::kAlterTable);
  EXPECT_TRUE(s.if_exists);
  EXPECT_EQ(s.tables, (Tables{{"", "t"}}));
  EXPECT_EQ(s.alter_clauses, "add c int, algorithm=instant");

  s = MustSplitOne("ALTER IGNORE TABLE d.t WAIT 5 ADD UNIQUE (a)");
  EXPECT_EQ(s.tables, (Tables{{"d", "t"}}));
  EXPECT_EQ(s.alter_clauses, "WAIT 5 ADD UNIQUE (a)");
  EXPECT_EQ(s.sql, "ALTER IGNORE TABLE d.t WAIT 5 ADD UNIQUE (a)");
}

TEST(StatementSplitTest, CreateTableVariants) {
  SchemaStatement s = MustSplitOne("CREATE TABLE t2 (LIKE db.t1);");
  EXPECT_EQ(s.kind, StatementKind::kCreateTable);
  ASSERT_TRUE(s.like.has_value());
  EXPECT_EQ(*s.like, (TableRef{"db", "t1"}));
  EXPECT_EQ(s.tables, (Tables{{"", "t2"}}));

  s = MustSplitOne("CREATE TABLE t (a INT) ENGINE=InnoDB SELECT 1 AS a");
  EXPECT_FALSE(s.like.has_value());
  EXPECT_EQ(s.tables, (Tables{{"", "t"}}));

  // A column named like (quoted or not in a definition) is not LIKE.
  s = MustSplitOne("CREATE TABLE t (`like` INT)");
  EXPECT_FALSE(s.like.has_value());
}

TEST(StatementSplitTest, CreateIndexVariants) {
  SchemaStatement s = MustSplitOne("CREATE INDEX idx_a ON t (a)");
  EXPECT_EQ(s.kind, StatementKind::kCreateIndex);
  EXPECT_EQ(s.tables, (Tables{{"", "t"}}));
  EXPECT_EQ(s.alter_clauses, "ADD INDEX `idx_a` (a)");
  EXPECT_FALSE(s.if_not_exists);
  EXPECT_FALSE(s.or_replace);
  EXPECT_EQ(s.sql, "CREATE INDEX idx_a ON t (a)");

  s = MustSplitOne(
      "CREATE FULLTEXT INDEX IF NOT EXISTS ft ON db1.docs (title, body) WITH PARSER ngram");
  EXPECT_TRUE(s.if_not_exists);
  EXPECT_EQ(s.tables, (Tables{{"db1", "docs"}}));
  EXPECT_EQ(s.alter_clauses,
            "ADD FULLTEXT INDEX IF NOT EXISTS `ft` (title, body) WITH PARSER ngram");

  s = MustSplitOne("create spatial index sp on geo (g) lock=shared");
  EXPECT_EQ(s.alter_clauses, "ADD SPATIAL INDEX `sp` (g), LOCK=shared");

  s = MustSplitOne(
      "CREATE OR REPLACE UNIQUE INDEX `u``q` ON t (a(10) DESC, `b c`) USING HASH "
      "KEY_BLOCK_SIZE = 8 WAIT 5 ALGORITHM INPLACE");
  EXPECT_TRUE(s.or_replace);
  EXPECT_EQ(s.alter_clauses,
            "WAIT 5 DROP INDEX IF EXISTS `u``q`, ADD UNIQUE INDEX `u``q` (a(10) DESC, `b c`) "
            "USING HASH KEY_BLOCK_SIZE = 8, ALGORITHM=INPLACE");

  // Options before and after ALGORITHM / LOCK stay index options, in order.
  s = MustSplitOne(
      "CREATE INDEX i ON t (a, (b + 1)) COMMENT 'c; d' ALGORITHM=NOCOPY INVISIBLE LOCK = NONE");
  EXPECT_EQ(s.alter_clauses,
            "ADD INDEX `i` (a, (b + 1)) COMMENT 'c; d' INVISIBLE, ALGORITHM=NOCOPY, LOCK=NONE");

  // Reserved words are fine as quoted names.
  s = MustSplitOne("CREATE INDEX `select` ON `from` (`where`)");
  EXPECT_EQ(s.tables, (Tables{{"", "from"}}));
  EXPECT_EQ(s.alter_clauses, "ADD INDEX `select` (`where`)");
}

TEST(StatementSplitTest, DropIndexVariants) {
  SchemaStatement s = MustSplitOne("DROP INDEX `PRIMARY` ON t LOCK = EXCLUSIVE ALGORITHM=COPY;");
  EXPECT_EQ(s.kind, StatementKind::kDropIndex);
  EXPECT_FALSE(s.if_exists);
  EXPECT_EQ(s.alter_clauses, "DROP INDEX `PRIMARY`, LOCK=EXCLUSIVE, ALGORITHM=COPY");

  s = MustSplitOne("DROP INDEX i ON db.t NOWAIT");
  EXPECT_EQ(s.tables, (Tables{{"db", "t"}}));
  EXPECT_EQ(s.alter_clauses, "NOWAIT DROP INDEX `i`");
}

TEST(StatementSplitTest, DropTableVariants) {
  SchemaStatement s = MustSplitOne("DROP TABLES a, b RESTRICT");
  EXPECT_EQ(s.kind, StatementKind::kDropTable);
  EXPECT_FALSE(s.if_exists);
  EXPECT_EQ(s.tables, (Tables{{"", "a"}, {"", "b"}}));
  EXPECT_TRUE(s.alter_clauses.empty());

  s = MustSplitOne("DROP TABLE IF EXISTS x WAIT 3 CASCADE");
  EXPECT_TRUE(s.if_exists);
  EXPECT_EQ(s.tables, (Tables{{"", "x"}}));
}

TEST(StatementSplitTest, RenameTableVariants) {
  SchemaStatement s =
      MustSplitOne("USE app; RENAME TABLE IF EXISTS a WAIT 1 TO old.a, b TO a, old.c TO c");
  EXPECT_EQ(s.kind, StatementKind::kRenameTable);
  EXPECT_TRUE(s.if_exists);
  EXPECT_EQ(s.renames, (Renames{{{"app", "a"}, {"old", "a"}},
                                {{"app", "b"}, {"app", "a"}},
                                {{"old", "c"}, {"app", "c"}}}));
}

TEST(StatementSplitTest, RefusesDmlNamingLineAndFirstWords) {
  std::string m = Refusal("ALTER TABLE t ADD c INT;\n\nINSERT INTO t VALUES (1, ';');");
  EXPECT_TRUE(Contains(m, "line 3: \"INSERT INTO t VALUES ...\"")) << m;
  EXPECT_TRUE(Contains(m, "not a schema change plan understands")) << m;
  EXPECT_TRUE(Contains(m, kAccepts)) << m;

  m = Refusal("UPDATE t SET a = 1 WHERE b = 'x'");
  EXPECT_TRUE(Contains(m, "line 1: \"UPDATE t SET a ...\"")) << m;
  EXPECT_TRUE(Contains(m, kAccepts)) << m;

  m = Refusal("DROP TABLE a;\nDELETE FROM t");
  EXPECT_TRUE(Contains(m, "line 2: \"DELETE FROM t\"")) << m;

  m = Refusal("/*!40101 SET NAMES utf8mb4 */;\nALTER TABLE t ADD c INT");
  EXPECT_TRUE(Contains(m, "line 1: \"SET NAMES utf8mb4\"")) << m;
}

TEST(StatementSplitTest, RefusesOtherObjects) {
  for (std::string_view text :
       {"CREATE VIEW v AS SELECT 1", "CREATE OR REPLACE VIEW v AS SELECT 1",
        "CREATE PROCEDURE p() SELECT 1",
        "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET @a=1", "CREATE DATABASE d",
        "ALTER DATABASE d CHARACTER SET utf8mb4", "DROP VIEW v", "RENAME USER a TO b",
        "TRUNCATE TABLE t", "SELECT 1", "CREATE UNIQUE KEY k ON t (a)"}) {
    std::string m = Refusal(text);
    EXPECT_TRUE(Contains(m, "line 1: ")) << m;
    EXPECT_TRUE(Contains(m, "not a schema change plan understands")) << m;
  }
}

TEST(StatementSplitTest, RefusesDelimiterBlocks) {
  std::string m = Refusal(
      "ALTER TABLE t ADD c INT;\n"
      "DELIMITER //\n"
      "CREATE PROCEDURE p() BEGIN SELECT 1; END //\n"
      "DELIMITER ;\n");
  EXPECT_TRUE(Contains(m, "line 2: \"DELIMITER ...\"")) << m;
  EXPECT_TRUE(Contains(m, "mysql client command")) << m;
  EXPECT_TRUE(Contains(m, kAccepts)) << m;
}

TEST(StatementSplitTest, RefusesTemporaryTables) {
  std::string m = Refusal("ALTER TABLE t ADD c INT;\nCREATE TEMPORARY TABLE tmp (a INT);");
  EXPECT_TRUE(Contains(m, "line 2: \"CREATE TEMPORARY TABLE tmp ...\"")) << m;
  EXPECT_TRUE(Contains(m, "temporary table")) << m;
  EXPECT_TRUE(Contains(m, kAccepts)) << m;

  m = Refusal("CREATE OR REPLACE TEMPORARY TABLE tmp LIKE t");
  EXPECT_TRUE(Contains(m, "temporary table")) << m;
  m = Refusal("DROP TEMPORARY TABLE IF EXISTS tmp");
  EXPECT_TRUE(Contains(m, "temporary table")) << m;
}

TEST(StatementSplitTest, RefusesMissingTableNames) {
  std::string m = Refusal("DROP TABLE a;\n\nALTER TABLE ;");
  EXPECT_TRUE(Contains(m, "line 3: \"ALTER TABLE\": no table name after TABLE")) << m;

  m = Refusal("ALTER TABLE ADD COLUMN c INT");
  EXPECT_TRUE(Contains(m, "no table name after TABLE (found \"ADD\")")) << m;

  m = Refusal("ALTER TABLE db.;");
  EXPECT_TRUE(Contains(m, "no table name after TABLE")) << m;

  m = Refusal("ALTER TABLE t");
  EXPECT_TRUE(Contains(m, "no change after the table name")) << m;

  m = Refusal("CREATE TABLE t;");
  EXPECT_TRUE(Contains(m, "no definition")) << m;
  m = Refusal("CREATE TABLE t LIKE");
  EXPECT_TRUE(Contains(m, "no table name after LIKE")) << m;
  m = Refusal("CREATE TABLE t LIKE a b");
  EXPECT_TRUE(Contains(m, "unexpected \"b\"")) << m;
  m = Refusal("CREATE TABLE t (LIKE a");
  EXPECT_TRUE(Contains(m, "no ')'")) << m;

  m = Refusal("DROP TABLE");
  EXPECT_TRUE(Contains(m, "no table name after TABLE")) << m;
  m = Refusal("DROP TABLE a,");
  EXPECT_TRUE(Contains(m, "no table name after ','")) << m;
  m = Refusal("DROP TABLE a b");
  EXPECT_TRUE(Contains(m, "unexpected \"b\" in DROP TABLE")) << m;

  m = Refusal("RENAME TABLE a b");
  EXPECT_TRUE(Contains(m, "no TO after a (found \"b\")")) << m;
  m = Refusal("RENAME TABLE a TO b,");
  EXPECT_TRUE(Contains(m, "no table name after ','")) << m;

  m = Refusal("USE ;ALTER TABLE t ADD c INT");
  EXPECT_TRUE(Contains(m, "no database name after USE")) << m;
}

TEST(StatementSplitTest, RefusesIncompleteIndexStatements) {
  std::string m = Refusal("ALTER TABLE t ADD c INT;\nCREATE INDEX i (a);");
  EXPECT_TRUE(Contains(m, "line 2: \"CREATE INDEX i ...\": no ON after the index name")) << m;

  m = Refusal("CREATE UNIQUE INDEX ON t (a)");
  EXPECT_TRUE(Contains(m, "no index name after INDEX (found \"ON\")")) << m;
  m = Refusal("CREATE INDEX i ON t");
  EXPECT_TRUE(Contains(m, "no (columns) after the table name")) << m;
  m = Refusal("CREATE INDEX i ON (a)");
  EXPECT_TRUE(Contains(m, "no table name after ON")) << m;
  m = Refusal("CREATE INDEX i ON t (a, (b)");
  EXPECT_TRUE(Contains(m, "unbalanced '('")) << m;
  m = Refusal("CREATE INDEX i ON t (a) ALGORITHM=");
  EXPECT_TRUE(Contains(m, "no value after ALGORITHM")) << m;
  m = Refusal("CREATE OR REPLACE INDEX IF NOT EXISTS i ON t (a)");
  EXPECT_TRUE(Contains(m, "OR REPLACE and IF NOT EXISTS")) << m;

  m = Refusal("DROP INDEX i");
  EXPECT_TRUE(Contains(m, "line 1: \"DROP INDEX i\": no ON after the index name")) << m;
  m = Refusal("DROP INDEX i ON t FORCE");
  EXPECT_TRUE(Contains(m, "unexpected \"FORCE\" in DROP INDEX")) << m;
}

TEST(StatementSplitTest, RefusesFilesWithoutSchemaStatements) {
  for (std::string_view text : {"", "  \n", "-- nothing here\n;;\n", "USE d;", "/* x; */ ;"}) {
    std::string m = Refusal(text);
    EXPECT_TRUE(Contains(m, "no schema statement")) << m;
  }
}

TEST(StatementSplitTest, LexerErrorsNameTheirLine) {
  std::string m =
      Refusal("ALTER TABLE t ADD c INT;\n/* a;\n b */\nALTER TABLE u COMMENT 'oops;\nx");
  EXPECT_TRUE(Contains(m, "line 4: unterminated string")) << m;
  EXPECT_TRUE(Contains(m, "in the change file")) << m;

  m = Refusal("ALTER TABLE t ENGINE=InnoDB;\n\n/* never closed; ALTER TABLE u ENGINE=InnoDB;");
  EXPECT_TRUE(Contains(m, "line 3: unterminated comment")) << m;

  m = Refusal("DROP TABLE a;\nDROP TABLE `b;\nc");
  EXPECT_TRUE(Contains(m, "line 2: unterminated quoted identifier")) << m;

  m = Refusal("DROP TABLE a;\n/*!50100 DROP TABLE b;\n");
  EXPECT_TRUE(Contains(m, "line 2: unterminated comment")) << m;

  m = Refusal("DROP TABLE a;\n/*!50100 ALTER TABLE b COMMENT \"x\\\n");
  EXPECT_TRUE(Contains(m, "line 2: unterminated string")) << m;
}

}  // namespace
}  // namespace safeddl::plan
