// Load runs: which tables load, each literal form's field (escapes, hex, NULL, epochs), the
// literals that have none, and the shape of the LOAD DATA and the checking UPDATE.
#include "flashback/load_data.h"

#include <gtest/gtest.h>

#include "flashback/batch_sql.h"

namespace safeddl::flashback {
namespace {

// `d`.`t` (id INT PK, n DECIMAL, s VARCHAR, ts TIMESTAMP).
TableTarget Target() {
  TableTarget t;
  t.quoted = "`d`.`t`";
  t.quoted_database = "`d`";
  t.columns = {"`id`", "`n`", "`s`", "`ts`"};
  t.comparable = {true, true, true, true};
  t.locator.kind = LocatorKind::kPrimaryKey;
  t.locator.columns = {0};
  t.key_index = "PRIMARY";
  t.load_forms = {LoadForm::kNumber, LoadForm::kNumber, LoadForm::kBytes, LoadForm::kEpoch};
  return t;
}

LiteralOp Update(std::vector<std::string_view> current, std::vector<std::string_view> target) {
  return LiteralOp{OpKind::kUpdate, std::move(current), std::move(target)};
}

TEST(LoadDataTest, ColumnFormsFromTheTableMap) {
  binlog::ColumnDef c;
  c.real_type = binlog::ColumnType::kLongLong;
  EXPECT_EQ(LoadFormOf(c), LoadForm::kNumber);
  c.real_type = binlog::ColumnType::kBlob;
  EXPECT_EQ(LoadFormOf(c), LoadForm::kBytes);
  c.real_type = binlog::ColumnType::kTimestamp2;
  EXPECT_EQ(LoadFormOf(c), LoadForm::kEpoch);
  for (binlog::ColumnType no : {binlog::ColumnType::kFloat, binlog::ColumnType::kDouble,
                                binlog::ColumnType::kBit, binlog::ColumnType::kYear,
                                binlog::ColumnType::kEnum, binlog::ColumnType::kSet,
                                binlog::ColumnType::kGeometry}) {
    c.real_type = no;
    EXPECT_EQ(LoadFormOf(c), LoadForm::kNone) << static_cast<int>(no);
  }
}

TEST(LoadDataTest, WhichTablesLoad) {
  EXPECT_TRUE(TableLoads(Target()));
  TableTarget t = Target();
  t.load_forms[1] = LoadForm::kNone;
  EXPECT_FALSE(TableLoads(t));
  t = Target();
  t.locator.kind = LocatorKind::kUniqueKey;
  EXPECT_FALSE(TableLoads(t));
  t = Target();
  t.order_sensitive = true;
  EXPECT_FALSE(TableLoads(t));
}

TEST(LoadDataTest, FieldsAreTheLiteralsBytesEscaped) {
  std::string out;
  ASSERT_TRUE(AppendLoadLine(Target(),
                             Update({"1", "-12.50", "'a\tb\\\\c\\'d\\0e\\n\\r\\Z'",
                                     "FROM_UNIXTIME(1700000000.123456)"},
                                    {"1", "NULL", "X'00095C0A41'", "NULL"}),
                             out));
  // A literal's escapes become the bytes they stand for, then field escapes (a tab, which a
  // literal holds as it is, too).
  EXPECT_EQ(out,
            "1\t-12.50\ta\\tb\\\\c'd\\0e\\n\\r\x1a\t1700000000.123456\t"
            "1\t\\N\t\\0\\t\\\\\\nA\t\\N\n");
  out.clear();
  ASSERT_TRUE(AppendLoadLine(Target(), Update({"2", "0", "_latin1 X'E9'", "NULL"},
                                              {"2", "3", "'plain'", "FROM_UNIXTIME(5)"}),
                             out));
  EXPECT_EQ(out, "2\t0\t\xe9\t\\N\t2\t3\tplain\t5\n");
}

TEST(LoadDataTest, LiteralsWithoutAFieldFormAreRefused) {
  std::string out = "kept\n";
  const TableTarget t = Target();
  // A zero TIMESTAMP is quoted, not FROM_UNIXTIME; DEFAULT is no value; a number where bytes
  // belong, bytes where a number belongs, a bad hex literal, an unknown escape.
  for (const LiteralOp& op :
       {Update({"1", "0", "'x'", "'0000-00-00 00:00:00'"}, {"1", "0", "'x'", "NULL"}),
        Update({"1", "DEFAULT", "'x'", "NULL"}, {"1", "0", "'x'", "NULL"}),
        Update({"1", "0", "7", "NULL"}, {"1", "0", "'x'", "NULL"}),
        Update({"1", "'7'", "'x'", "NULL"}, {"1", "0", "'x'", "NULL"}),
        Update({"1", "0", "X'0'", "NULL"}, {"1", "0", "'x'", "NULL"}),
        Update({"1", "0", "'a\\qb'", "NULL"}, {"1", "0", "'x'", "NULL"}),
        Update({"1", "0", "_utf8mb4'x'", "NULL"}, {"1", "0", "'x'", "NULL"})}) {
    EXPECT_FALSE(AppendLoadLine(t, op, out)) << op.current[1] << " " << op.current[2];
  }
  EXPECT_EQ(out, "kept\n");
}

TEST(LoadDataTest, StatementsLoadCheckAndSetTheRun) {
  const TableTarget t = Target();
  const std::string table = LoadTableName(t, 3);
  EXPECT_EQ(table, "`d`.`safeddl_flashback_load_3`");
  TableTarget odd = t;
  odd.quoted = "`a``.``b`.`t`";
  odd.quoted_database = "`a``.``b`";
  EXPECT_EQ(LoadTableName(odd, 0), "`a``.``b`.`safeddl_flashback_load_0`");
  EXPECT_EQ(CreateLoadTableSql(t, table),
            "CREATE TEMPORARY TABLE IF NOT EXISTS `d`.`safeddl_flashback_load_3` ENGINE=Aria AS "
            "SELECT `id` AS `c0`, `n` AS `c1`, `s` AS `c2`, `ts` AS `c3`, `id` AS `t0`, `n` AS "
            "`t1`, `s` AS `t2`, `ts` AS `t3` FROM `d`.`t` WHERE 0");
  EXPECT_EQ(LoadDataSql(t, table),
            "LOAD DATA LOCAL INFILE 'safeddl-flashback-run' INTO TABLE "
            "`d`.`safeddl_flashback_load_3` CHARACTER SET binary FIELDS TERMINATED BY '\\t' "
            "ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (`c0`, `c1`, `c2`, @c3, `t0`, `t1`, "
            "`t2`, @t3) SET `c3` = FROM_UNIXTIME(@c3), `t3` = FROM_UNIXTIME(@t3)");
  EXPECT_EQ(LoadedRunStatements(t, table, 250, /*start=*/false, /*commit=*/true),
            " SAVEPOINT safeddl_run; UPDATE `d`.`safeddl_flashback_load_3` AS l STRAIGHT_JOIN "
            "`d`.`t` AS t ON t.`id` = l.`c0` AND t.`n` <=> l.`c1` AND t.`s` <=> l.`c2` AND "
            "t.`ts` <=> l.`c3` SET t.`n` = l.`t1`, t.`s` = l.`t2`, t.`ts` = l.`t3`; SET n = "
            "ROW_COUNT(); DELETE FROM `d`.`safeddl_flashback_load_3`; IF n <> 250 THEN ROLLBACK "
            "TO SAVEPOINT safeddl_run; SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'safeddl: a "
            "row of the run is not as recorded'; END IF; COMMIT;");
}

}  // namespace
}  // namespace safeddl::flashback
