#include "osc/checkpoint.h"

#include <gtest/gtest.h>

namespace safeddl::osc {
namespace {

Checkpoint Saved() {
  Checkpoint c;
  c.alter = "ADD COLUMN c INT";
  c.original_create = "CREATE TABLE `t` (`id` int NOT NULL, PRIMARY KEY (`id`))";
  c.ghost_create = "CREATE TABLE `_t_gho` (`id` int NOT NULL, `c` int, PRIMARY KEY (`id`))";
  c.applied = {"mariadb-bin.000007", 1234};
  return c;
}

const std::vector<std::string> kLogs = {"mariadb-bin.000007", "mariadb-bin.000008"};

TEST(CheckResumableTest, TheSameMigrationWithItsBinlogResumes) {
  EXPECT_TRUE(CheckResumable(Saved(), Saved(), kLogs).ok());
}

TEST(CheckResumableTest, RefusesWhatDiffersAndSaysWhat) {
  Checkpoint now = Saved();
  now.alter = "ADD COLUMN d INT";
  Status s = CheckResumable(Saved(), now, kLogs);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("different ALTER"), std::string::npos) << s.message();

  now = Saved();
  now.original_create += " COMMENT='changed'";
  s = CheckResumable(Saved(), now, kLogs);
  EXPECT_NE(s.message().find("the table's definition changed"), std::string::npos);

  now = Saved();
  now.ghost_create = "CREATE TABLE `_t_gho` (`id` int NOT NULL)";
  s = CheckResumable(Saved(), now, kLogs);
  EXPECT_NE(s.message().find("ghost table's definition changed"), std::string::npos);
}

TEST(CheckResumableTest, RefusesAPurgedBinlog) {
  Status s = CheckResumable(Saved(), Saved(), {"mariadb-bin.000008"});
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("mariadb-bin.000007:1234"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("no longer has"), std::string::npos);
}

}  // namespace
}  // namespace safeddl::osc
