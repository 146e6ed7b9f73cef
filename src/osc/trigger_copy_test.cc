#include "osc/trigger_copy.h"

#include <gtest/gtest.h>

namespace safeddl::osc {
namespace {

TEST(TriggerSuffixTest, LettersDigitsAndUnderscoresOnly) {
  EXPECT_TRUE(CheckTriggerSuffix("_v2").ok());
  EXPECT_TRUE(CheckTriggerSuffix("New_1").ok());
  EXPECT_FALSE(CheckTriggerSuffix("").ok());
  EXPECT_FALSE(CheckTriggerSuffix("_v-2").ok());
  EXPECT_FALSE(CheckTriggerSuffix("`x").ok());
  EXPECT_FALSE(CheckTriggerSuffix("a b").ok());
}

TEST(NewTriggerNameTest, AddsTheSuffix) {
  EXPECT_EQ(NewTriggerName("audit", "_v2", false), "audit_v2");
  // Without the removal flag a name ending in the suffix gets it twice (gh-ost does the same).
  EXPECT_EQ(NewTriggerName("audit_v2", "_v2", false), "audit_v2_v2");
}

TEST(NewTriggerNameTest, RemovesTheSuffixWhenAskedAndPresent) {
  EXPECT_EQ(NewTriggerName("audit_v2", "_v2", true), "audit");
  EXPECT_EQ(NewTriggerName("audit", "_v2", true), "audit_v2");
  // A name that is only the suffix keeps a name: it gets the suffix added.
  EXPECT_EQ(NewTriggerName("_v2", "_v2", true), "_v2_v2");
}

TriggerCopy Audit() {
  TriggerCopy t;
  t.original.name = "audit";
  t.original.timing = schema::TriggerTiming::kAfter;
  t.original.event = schema::TriggerEvent::kUpdate;
  t.original.body = "INSERT INTO log VALUES (NEW.id)";
  t.original.definer = "app@10.0.%";
  t.new_name = "audit_v2";
  return t;
}

TEST(CreateTriggerSqlTest, QuotesNamesAndDefiner) {
  auto sql = CreateTriggerSql(Audit(), "d`b", "`d``b`.`_t_gho`");
  ASSERT_TRUE(sql.ok()) << sql.status().ToString();
  EXPECT_EQ(*sql,
            "CREATE DEFINER=`app`@`10.0.%` TRIGGER `d``b`.`audit_v2` AFTER UPDATE ON "
            "`d``b`.`_t_gho` FOR EACH ROW INSERT INTO log VALUES (NEW.id)");
}

TEST(CreateTriggerSqlTest, UserNameWithAtSignSplitsAtTheLastOne) {
  TriggerCopy t = Audit();
  t.original.definer = "ops@corp@localhost";
  auto sql = CreateTriggerSql(t, "db", "`db`.`t`");
  ASSERT_TRUE(sql.ok());
  EXPECT_NE(sql->find("DEFINER=`ops@corp`@`localhost` "), std::string::npos) << *sql;
}

TEST(CreateTriggerSqlTest, RoleDefinerHasNoHost) {
  TriggerCopy t = Audit();
  t.original.definer = "app_role";
  auto sql = CreateTriggerSql(t, "db", "`db`.`t`");
  ASSERT_TRUE(sql.ok());
  EXPECT_NE(sql->find("DEFINER=`app_role` TRIGGER"), std::string::npos) << *sql;
}

}  // namespace
}  // namespace safeddl::osc
