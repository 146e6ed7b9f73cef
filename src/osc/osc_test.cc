#include <gtest/gtest.h>

#include "osc/applier.h"
#include "osc/load_thresholds.h"
#include "osc/revert_record.h"
#include "osc/table_names.h"
#include "osc/unfit_values.h"

namespace safeddl::osc {
namespace {

TEST(TableNamesTest, FollowsGhOst) {
  auto names = MakeTableNames("orders", "", false, "");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(names->ghost, "_orders_gho");
  EXPECT_EQ(names->changelog, "_orders_ghc");
  EXPECT_EQ(names->old, "_orders_del");
  EXPECT_EQ(names->revert, "_orders_ghr");
  auto stamped = MakeTableNames("orders", "o", true, "20261122081259");
  ASSERT_TRUE(stamped.ok());
  EXPECT_EQ(stamped->ghost, "_o_gho");
  EXPECT_EQ(stamped->old, "_o_20261122081259_del");
}

TEST(TableNamesTest, TooLongNamesPointToForceTableNames) {
  auto names = MakeTableNames(std::string(60, 'x'), "", false, "");
  ASSERT_FALSE(names.ok());
  EXPECT_EQ(names.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(names.status().message().find("--force-table-names"), std::string::npos);
}

TEST(LoadThresholdsTest, ParsesList) {
  auto t = ParseLoadThresholds("Threads_running=50, Threads_connected=500", "--max-load");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->at("Threads_running"), 50);
  EXPECT_EQ(t->at("Threads_connected"), 500);
  EXPECT_TRUE(ParseLoadThresholds("", "--max-load")->empty());
}

TEST(LoadThresholdsTest, RejectsMalformed) {
  for (const char* bad : {"50", "Threads_running", "Threads_running=x", "a-b=1", "x=-1"}) {
    auto t = ParseLoadThresholds(bad, "--max-load");
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_NE(t.status().message().find("--max-load"), std::string::npos);
  }
}

TEST(LoadThresholdsTest, FirstExceededIsCaseInsensitiveAndInclusive) {
  LoadThresholds t = {{"Threads_running", 50}};
  EXPECT_EQ(FirstExceeded(t, {{"THREADS_RUNNING", 49}}), "");
  EXPECT_EQ(FirstExceeded(t, {{"THREADS_RUNNING", 50}}), "Threads_running=50 >= 50");
}

TEST(RevertRecordTest, DefinitionNamedRenamesOnlyTheTable) {
  EXPECT_EQ(DefinitionNamed("CREATE TABLE `_t_gho` (\n  `_t_gho` int\n)", "t"),
            "CREATE TABLE `t` (\n  `_t_gho` int\n)");
  EXPECT_EQ(DefinitionNamed("CREATE TABLE `a``b` (x int)", "c`d"), "CREATE TABLE `c``d` (x int)");
  EXPECT_EQ(DefinitionNamed("not a create", "t"), "not a create");
}

// A plan that keeps the old table's column `note` while rows are replaced.
MigrationPlan KeptPlan() {
  MigrationPlan plan;
  plan.database = "d";
  plan.q_ghost = "`d`.`_t_del`";
  plan.ghost_key = {KeyColumn{"id", KeyColumnKind::kInteger, "", ""}};
  plan.mapping.shared = {{"id", "id"}, {"v", "v"}};
  return plan;
}

TEST(ApplierTest, KeptColumnsAreSetAsideAndWrittenBackByKey) {
  MigrationPlan plan = KeptPlan();
  ChangeBatch batch;
  batch.Update(KeyedRow{{"1"}, {}}, KeyedRow{{"1"}, {"1", "'a'"}});
  batch.Delete(KeyedRow{{"2"}, {}});
  batch.Insert(KeyedRow{{"2"}, {"2", "'b'"}});  // a new row under a deleted key: keeps nothing
  batch.Delete(KeyedRow{{"3"}, {}});

  // Without kept columns: deletes, then the REPLACE.
  BatchSql plain_sql = BatchStatements(plan, batch, 100);
  EXPECT_EQ(plain_sql.first_replace, 1u);
  const std::vector<std::string>& plain = plain_sql.statements;
  ASSERT_EQ(plain.size(), 2u);
  EXPECT_EQ(plain[0], "DELETE FROM `d`.`_t_del` WHERE (`id` = 3)");
  EXPECT_EQ(plain[1], "REPLACE INTO `d`.`_t_del` (`id`, `v`) VALUES (1, 'a'), (2, 'b')");

  plan.kept_columns = {"note"};
  BatchSql kept_sql = BatchStatements(plan, batch, 100);
  EXPECT_EQ(kept_sql.first_replace, 3u);
  const std::vector<std::string>& kept = kept_sql.statements;
  ASSERT_EQ(kept.size(), 5u) << kept[0];
  EXPECT_EQ(kept[0], "DELETE FROM `d`.`_safeddl_kept`");
  EXPECT_EQ(kept[1],
            "INSERT INTO `d`.`_safeddl_kept` SELECT `id`, `note` FROM `d`.`_t_del` WHERE "
            "(`id` = 1)");
  EXPECT_EQ(kept[2], plain[0]);
  EXPECT_EQ(kept[3], plain[1]);
  EXPECT_EQ(kept[4],
            "UPDATE `d`.`_t_del` AS g JOIN `d`.`_safeddl_kept` AS k ON g.`id` = k.`id` SET "
            "g.`note` = k.`note`");
}

TEST(ApplierTest, KeptColumnsFollowARowWhoseKeyChanges) {
  MigrationPlan plan = KeptPlan();
  plan.kept_columns = {"note"};
  ChangeBatch batch;
  batch.Update(KeyedRow{{"30"}, {}}, KeyedRow{{"3000"}, {"3000", "'m'"}});
  std::vector<std::string> kept = BatchStatements(plan, batch, 100).statements;
  ASSERT_EQ(kept.size(), 5u);
  EXPECT_EQ(kept[1],
            "INSERT INTO `d`.`_safeddl_kept` SELECT CASE WHEN (`id` = 30) THEN 3000 ELSE `id` "
            "END, `note` FROM `d`.`_t_del` WHERE (`id` = 30)");
  EXPECT_EQ(kept[2], "DELETE FROM `d`.`_t_del` WHERE (`id` = 30)");
}

TEST(UnfitValuesTest, StrictModesAndRowNumbersAreLeftOut) {
  EXPECT_EQ(WithoutStrictModes("STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,STRICT_ALL_TABLES"),
            "ERROR_FOR_DIVISION_BY_ZERO");
  EXPECT_EQ(WithoutStrictModes("STRICT_ALL_TABLES"), "");
  EXPECT_EQ(WithoutStrictModes("ANSI_QUOTES,NO_AUTO_VALUE_ON_ZERO"),
            "ANSI_QUOTES,NO_AUTO_VALUE_ON_ZERO");
  EXPECT_EQ(WithoutRowNumber("Data truncated for column 'b' at row 1"),
            "Data truncated for column 'b'");
  EXPECT_EQ(WithoutRowNumber("Column 'c' cannot be null"), "Column 'c' cannot be null");
  EXPECT_EQ(WithoutRowNumber("odd at row x"), "odd at row x");
}

TEST(UnfitValuesTest, RowsAreListedAndForgottenByTheirKeyBytes) {
  MigrationPlan plan = KeptPlan();
  plan.q_unfit = "`d`.`_t_ghu`";
  const std::vector<std::vector<std::string>> keys = {{"1", "'a'"}, {"2", "'b'"}, {"3", "'c'"}};
  std::vector<std::string> forget = ForgetUnfitStatements(plan, keys, 2);
  ASSERT_EQ(forget.size(), 2u);
  EXPECT_EQ(forget[0],
            "DELETE FROM `d`.`_t_ghu` WHERE key_hash IN (UNHEX(MD5(X'28312C2027612729')), "
            "UNHEX(MD5(X'28322C2027622729')))");
  EXPECT_TRUE(ForgetUnfitStatements(plan, {}, 2).empty());
  std::vector<std::string> record =
      RecordUnfitStatements(plan, {UnfitRow{{"5"}, "Data too long for column 'b'"}}, 10);
  ASSERT_EQ(record.size(), 1u);
  EXPECT_EQ(record[0],
            "INSERT INTO `d`.`_t_ghu` (key_hash, row_key, warning) VALUES (UNHEX(MD5(X'283529')), "
            "X'283529', CONVERT(X'4461746120746F6F206C6F6E6720666F7220636F6C756D6E20276227' USING utf8mb4)) ON "
            "DUPLICATE KEY UPDATE warning = VALUES(warning)");
}

}  // namespace
}  // namespace safeddl::osc
