// CaptureTriggers: the three statements of the online copy's capture, for a plan with a renamed
// column and a two-column key.
#include "galera/capture_triggers.h"

#include <gtest/gtest.h>

namespace safeddl::galera {
namespace {

osc::MigrationPlan Plan() {
  osc::MigrationPlan p;
  p.database = "d";
  p.names.original = "t";
  p.names.ghost = "_t_gho";
  p.q_original = "`d`.`t`";
  p.q_ghost = "`d`.`_t_gho`";
  p.mapping.shared = {{"a", "a"}, {"b", "b"}, {"old", "new"}};
  p.original_key = {{"a"}, {"b"}};
  p.ghost_key = {{"a"}, {"b"}};
  return p;
}

TEST(CaptureTriggersTest, InsertReplacesDeleteNeverTouchesAnAbsentKey) {
  auto t = CaptureTriggers(Plan());
  ASSERT_TRUE(t.ok()) << t.status().message();
  ASSERT_EQ(t->size(), 3u);
  EXPECT_EQ((*t)[0].name, "_t_gho_ins");
  EXPECT_EQ((*t)[0].create,
            "CREATE TRIGGER `d`.`_t_gho_ins` AFTER INSERT ON `d`.`t` FOR EACH ROW BEGIN REPLACE "
            "INTO `d`.`_t_gho` (`a`, `b`, `new`) VALUES (NEW.`a`, NEW.`b`, NEW.`old`); END");
  EXPECT_EQ((*t)[2].create,
            "CREATE TRIGGER `d`.`_t_gho_del` AFTER DELETE ON `d`.`t` FOR EACH ROW BEGIN INSERT "
            "IGNORE INTO `d`.`_t_gho` (`a`, `b`, `new`) VALUES (OLD.`a`, OLD.`b`, OLD.`old`); "
            "DELETE FROM `d`.`_t_gho` WHERE `a` = OLD.`a` AND `b` = OLD.`b`; END");
  const std::string& upd = (*t)[1].create;
  EXPECT_NE(upd.find("AFTER UPDATE ON `d`.`t`"), std::string::npos) << upd;
  EXPECT_NE(upd.find("IF NOT (OLD.`a` <=> NEW.`a` AND OLD.`b` <=> NEW.`b`) THEN INSERT IGNORE"),
            std::string::npos)
      << upd;
  EXPECT_NE(upd.find("END IF; REPLACE INTO `d`.`_t_gho` (`a`, `b`, `new`) VALUES (NEW.`a`, "
                     "NEW.`b`, NEW.`old`); END"),
            std::string::npos)
      << upd;
  const auto drops = DropCaptureTriggers(Plan(), *t);
  ASSERT_EQ(drops.size(), 3u);
  EXPECT_EQ(drops[1], "DROP TRIGGER IF EXISTS `d`.`_t_gho_upd`");
}

TEST(CaptureTriggersTest, NamesAreQuotedAndTooLongOnesRefused) {
  osc::MigrationPlan p = Plan();
  p.mapping.shared = {{"a`b", "a`b"}};
  p.original_key = {{"a`b"}};
  p.ghost_key = {{"a`b"}};
  auto t = CaptureTriggers(p);
  ASSERT_TRUE(t.ok());
  EXPECT_NE((*t)[0].create.find("(`a``b`) VALUES (NEW.`a``b`)"), std::string::npos);
  p.names.ghost = std::string(61, 'x');
  EXPECT_FALSE(CaptureTriggers(p).ok());
}

TEST(CaptureTriggersTest, OnlyAMisreadTriggerOnTheTableIsTakenForTheServerMisreadingIt) {
  // What MariaDB 10.11 answers a CREATE TRIGGER when a trigger already on the table does not
  // parse as stored (here its .TRG file edited by hand, "(id,," for "(id,").
  const Status misread(StatusCode::kInvalidArgument,
                       "Trigger 'tb_ins' has an error in its body: 'You have an error in your SQL "
                       "syntax; check the manual that corresponds to your MariaDB server version "
                       "for the right syntax to use near ' v, s) VALUES (NEW.id, NEW.v, 1); END' "
                       "at line 1'",
                       1064, "42000");
  EXPECT_TRUE(ServerMisreadATrigger(misread));
  EXPECT_TRUE(
      ServerMisreadATrigger(misread.WithContext("creating the capture trigger _t_gho_del")));
  // The statement itself wrong: the same error number, about the statement.
  EXPECT_FALSE(ServerMisreadATrigger(
      Status(StatusCode::kInvalidArgument,
             "You have an error in your SQL syntax; check the manual that corresponds to your "
             "MariaDB server version for the right syntax to use near 'END' at line 1",
             1064, "42000")));
  EXPECT_FALSE(ServerMisreadATrigger(
      Status(StatusCode::kInvalidArgument, "has an error in its body", 1146, "42S02")));
}

// What one node's information_schema.TRIGGERS shows, against the capture triggers: the case a
// node's applier failed a CREATE TRIGGER and Galera went on (a trigger missing, or another of
// the same name, here one on another table left by the failed CREATE's "already exists").
TEST(CaptureTriggersTest, TriggerDifferencesNameWhatANodeLacksOrHoldsToo) {
  auto t = CaptureTriggers(Plan());
  ASSERT_TRUE(t.ok());
  std::vector<SeenTrigger> all;
  for (const CaptureTrigger& c : *t) all.push_back({c.name, "t", c.event, "AFTER", c.body});
  EXPECT_TRUE(TriggerDifferences(*t, true, "t", all).empty());
  EXPECT_EQ(TriggerDifferences(*t, false, "t", all),
            (std::vector<std::string>{"`_t_gho_ins` is still there", "`_t_gho_upd` is still there",
                                      "`_t_gho_del` is still there"}));
  EXPECT_TRUE(TriggerDifferences(*t, false, "t", {}).empty());

  std::vector<SeenTrigger> lacking = {all[0], all[2]};
  EXPECT_EQ(TriggerDifferences(*t, true, "t", lacking),
            std::vector<std::string>{"`_t_gho_upd` is missing"});

  std::vector<SeenTrigger> other = all;
  other[1] = {"_t_gho_upd", "decoy", "UPDATE", "AFTER", "SET @a = 1"};
  EXPECT_EQ(TriggerDifferences(*t, true, "t", other),
            std::vector<std::string>{"`_t_gho_upd` is another trigger (AFTER UPDATE on `decoy`)"});
  // Each of table, event, timing and body is compared.
  for (int field = 0; field < 4; ++field) {
    std::vector<SeenTrigger> off = all;
    SeenTrigger& s = off[2];
    if (field == 0) s.table = "t2";
    if (field == 1) s.event = "UPDATE";
    if (field == 2) s.timing = "BEFORE";
    if (field == 3) s.statement = all[0].statement;
    EXPECT_EQ(TriggerDifferences(*t, true, "t", off).size(), 1u) << field;
  }
}

}  // namespace
}  // namespace safeddl::galera
