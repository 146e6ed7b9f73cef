#include <gtest/gtest.h>

#include "osc/applier.h"
#include "osc/load_thresholds.h"
#include "osc/revert_record.h"
#include "osc/table_names.h"

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
  std::vector<std::string> plain = BatchStatements(plan, batch, 100);
  ASSERT_EQ(plain.size(), 2u);
  EXPECT_EQ(plain[0], "DELETE FROM `d`.`_t_del` WHERE (`id` = 3)");
  EXPECT_EQ(plain[1], "REPLACE INTO `d`.`_t_del` (`id`, `v`) VALUES (1, 'a'), (2, 'b')");

  plan.kept_columns = {"note"};
  std::vector<std::string> kept = BatchStatements(plan, batch, 100);
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
  std::vector<std::string> kept = BatchStatements(plan, batch, 100);
  ASSERT_EQ(kept.size(), 5u);
  EXPECT_EQ(kept[1],
            "INSERT INTO `d`.`_safeddl_kept` SELECT CASE WHEN (`id` = 30) THEN 3000 ELSE `id` "
            "END, `note` FROM `d`.`_t_del` WHERE (`id` = 30)");
  EXPECT_EQ(kept[2], "DELETE FROM `d`.`_t_del` WHERE (`id` = 30)");
}

}  // namespace
}  // namespace safeddl::osc
