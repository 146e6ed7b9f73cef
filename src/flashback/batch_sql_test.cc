// Multi-row statements: which operations may join a run, and the SQL of the run's insert,
// upsert, delete and conflict check (NULLs grouped apart, FLOAT/DOUBLE never compared).
#include "flashback/batch_sql.h"

#include <gtest/gtest.h>

#include "flashback/row_op.h"

namespace safeddl::flashback {
namespace {

// `d`.`t` (id, v, f DOUBLE, b) with the given locator.
TableTarget Target(LocatorKind kind, std::vector<uint32_t> key) {
  TableTarget t;
  t.quoted = "`d`.`t`";
  t.columns = {"`id`", "`v`", "`f`", "`b`"};
  t.comparable = {true, true, false, true};
  t.locator.kind = kind;
  t.locator.columns = std::move(key);
  if (kind == LocatorKind::kPrimaryKey) t.key_index = "PRIMARY";
  if (kind == LocatorKind::kUniqueKey) t.key_index = "`uk`";
  return t;
}

LiteralOp Op(OpKind kind, std::vector<std::string_view> current,
             std::vector<std::string_view> target) {
  return LiteralOp{kind, std::move(current), std::move(target)};
}

TEST(BatchSqlTest, WhichOperationsMayJoinARun) {
  const TableTarget pk = Target(LocatorKind::kPrimaryKey, {0});
  const std::vector<std::string_view> row1 = {"1", "'a'", "1.5", "X'01'"};
  const std::vector<std::string_view> row1b = {"1", "'b'", "1.5", "X'01'"};
  const std::vector<std::string_view> row2 = {"2", "'a'", "1.5", "X'01'"};
  const std::vector<std::string_view> null_key = {"NULL", "'a'", "1.5", "X'01'"};
  EXPECT_EQ(MultiRowKindOf(pk, Op(OpKind::kInsert, {}, row1)), MultiRowKind::kInsert);
  EXPECT_EQ(MultiRowKindOf(pk, Op(OpKind::kDelete, row1, {})), MultiRowKind::kDelete);
  EXPECT_EQ(MultiRowKindOf(pk, Op(OpKind::kUpdate, row1, row1b)), MultiRowKind::kUpsert);
  // A key change, a NULL key: one row at a time.
  EXPECT_EQ(MultiRowKindOf(pk, Op(OpKind::kUpdate, row1, row2)), MultiRowKind::kNone);
  EXPECT_EQ(MultiRowKindOf(pk, Op(OpKind::kDelete, null_key, {})), MultiRowKind::kNone);

  // A unique key finds rows to delete, but updates need the primary key.
  const TableTarget uk = Target(LocatorKind::kUniqueKey, {1});
  EXPECT_EQ(MultiRowKindOf(uk, Op(OpKind::kDelete, row1, {})), MultiRowKind::kDelete);
  EXPECT_EQ(MultiRowKindOf(uk, Op(OpKind::kUpdate, row1, row2)), MultiRowKind::kNone);

  // No key: only inserts.
  const TableTarget none = Target(LocatorKind::kAllColumns, {0, 1, 3});
  EXPECT_EQ(MultiRowKindOf(none, Op(OpKind::kInsert, {}, row1)), MultiRowKind::kInsert);
  EXPECT_EQ(MultiRowKindOf(none, Op(OpKind::kDelete, row1, {})), MultiRowKind::kNone);

  // A key on a DOUBLE column does not compare exactly.
  const TableTarget float_key = Target(LocatorKind::kPrimaryKey, {2});
  EXPECT_EQ(MultiRowKindOf(float_key, Op(OpKind::kDelete, row1, {})), MultiRowKind::kNone);

  // Order-sensitive tables: inserts only.
  TableTarget triggers = pk;
  triggers.order_sensitive = true;
  EXPECT_EQ(MultiRowKindOf(triggers, Op(OpKind::kInsert, {}, row1)), MultiRowKind::kInsert);
  EXPECT_EQ(MultiRowKindOf(triggers, Op(OpKind::kDelete, row1, {})), MultiRowKind::kNone);
  EXPECT_EQ(MultiRowKindOf(triggers, Op(OpKind::kUpdate, row1, row1b)), MultiRowKind::kNone);
}

TEST(BatchSqlTest, RowIdentityIsTheKeyOrEveryComparableColumn) {
  const std::vector<std::string_view> row = {"12", "'a'", "1.5", "X'01'"};
  EXPECT_EQ(RowIdentity(Target(LocatorKind::kPrimaryKey, {0}), Op(OpKind::kDelete, row, {})),
            "2:12");
  EXPECT_EQ(RowIdentity(Target(LocatorKind::kAllColumns, {0, 1, 3}), Op(OpKind::kInsert, {}, row)),
            "2:123:'a'5:X'01'");
  // Length prefixes keep ("1", "23") and ("12", "3") apart.
  const TableTarget composite = Target(LocatorKind::kPrimaryKey, {0, 1});
  EXPECT_NE(RowIdentity(composite, Op(OpKind::kDelete, {"1", "23", "0", "X''"}, {})),
            RowIdentity(composite, Op(OpKind::kDelete, {"12", "3", "0", "X''"}, {})));
}

TEST(BatchSqlTest, InsertUpsertAndDelete) {
  const TableTarget pk = Target(LocatorKind::kPrimaryKey, {0});
  const std::vector<LiteralOp> ops = {
      Op(OpKind::kUpdate, {"2", "'x'", "0", "X''"}, {"2", "'b'", "2.5", "NULL"}),
      Op(OpKind::kUpdate, {"1", "'x'", "0", "X''"}, {"1", "'a'", "1.5", "X'01'"})};
  EXPECT_EQ(MultiRowInsertSql(pk, ops),
            "INSERT INTO `d`.`t` (`id`, `v`, `f`, `b`) VALUES (2, 'b', 2.5, NULL), "
            "(1, 'a', 1.5, X'01');");
  EXPECT_EQ(MultiRowUpsertSql(pk, ops),
            "INSERT INTO `d`.`t` (`id`, `v`, `f`, `b`) VALUES (2, 'b', 2.5, NULL), "
            "(1, 'a', 1.5, X'01') ON DUPLICATE KEY UPDATE `v`=VALUES(`v`), `f`=VALUES(`f`), "
            "`b`=VALUES(`b`);");
  EXPECT_EQ(MultiRowDeleteSql(pk, ops), "DELETE FROM `d`.`t` WHERE `id` IN (2, 1);");
  const TableTarget composite = Target(LocatorKind::kPrimaryKey, {0, 1});
  EXPECT_EQ(MultiRowDeleteSql(composite, ops),
            "DELETE FROM `d`.`t` WHERE (`id`, `v`) IN ((2, 'x'), (1, 'x'));");
}

TEST(BatchSqlTest, CheckGroupsRowsByTheirNullsAndSkipsFloats) {
  const TableTarget pk = Target(LocatorKind::kPrimaryKey, {0});
  const std::vector<LiteralOp> ops = {Op(OpKind::kDelete, {"1", "'a'", "1.5", "X'01'"}, {}),
                                      Op(OpKind::kDelete, {"2", "NULL", "NULL", "X'02'"}, {}),
                                      Op(OpKind::kDelete, {"3", "'c'", "NULL", "X'03'"}, {})};
  const std::string block = RunStatements(pk, MultiRowKind::kDelete, ops, false, false);
  const size_t end = block.find(" FOR UPDATE;");
  ASSERT_NE(end, std::string::npos) << block;
  EXPECT_EQ(
      block.substr(0, end + 11),
      " SELECT COUNT(*) INTO n FROM `d`.`t` FORCE INDEX (PRIMARY) WHERE `id` IN (1, 2, 3) AND "
      "(((`id`, `v`, `b`) IN ((1, 'a', X'01'), (3, 'c', X'03'))) OR "
      "((`id`, `b`) IN ((2, X'02')) AND `v` IS NULL)) FOR UPDATE");
}

TEST(BatchSqlTest, RunBlockChecksBeforeItChangesAndCountsAfter) {
  const TableTarget pk = Target(LocatorKind::kPrimaryKey, {0});
  const std::vector<LiteralOp> ops = {Op(OpKind::kDelete, {"1", "'a'", "1.5", "X'01'"}, {})};
  EXPECT_EQ(
      BlockSql(RunStatements(pk, MultiRowKind::kDelete, ops, /*start=*/true, /*commit=*/true)),
      "BEGIN NOT ATOMIC DECLARE n BIGINT; START TRANSACTION; SELECT COUNT(*) INTO n FROM "
      "`d`.`t` FORCE INDEX (PRIMARY) WHERE `id` IN (1) AND (((`id`, `v`, `b`) IN ((1, 'a', "
      "X'01')))) FOR UPDATE; "
      "IF NOT (n = 1) THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'safeddl: a row of "
      "the run is not as recorded'; END IF; DELETE FROM `d`.`t` WHERE `id` IN (1); IF NOT "
      "(ROW_COUNT() = 1) THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'safeddl: the run "
      "changed another number of rows'; END IF; COMMIT; END");
  const std::vector<LiteralOp> inserts = {Op(OpKind::kInsert, {}, {"1", "'a'", "1.5", "X'01'"})};
  EXPECT_EQ(BlockSql(RunStatements(pk, MultiRowKind::kInsert, inserts, false, false)),
            "BEGIN NOT ATOMIC DECLARE n BIGINT; INSERT INTO `d`.`t` (`id`, `v`, `f`, `b`) VALUES "
            "(1, 'a', 1.5, "
            "X'01'); IF NOT (ROW_COUNT() = 1) THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = "
            "'safeddl: the run changed another number of rows'; END IF; END");
  const std::vector<LiteralOp> updates = {
      Op(OpKind::kUpdate, {"1", "'a'", "1.5", "X'01'"}, {"1", "'b'", "1.5", "X'01'"})};
  const std::string upsert =
      BlockSql(RunStatements(pk, MultiRowKind::kUpsert, updates, false, true));
  EXPECT_TRUE(upsert.starts_with("BEGIN NOT ATOMIC DECLARE n BIGINT; SELECT COUNT(*) INTO n"));
  EXPECT_NE(upsert.find("END IF; INSERT INTO `d`.`t` (`id`, `v`, `f`, `b`) VALUES (1, 'b', 1.5, "
                        "X'01') ON DUPLICATE KEY UPDATE"),
            std::string::npos);
  EXPECT_TRUE(upsert.ends_with("; COMMIT; END"));
}

}  // namespace
}  // namespace safeddl::flashback
