#include "mysql/defaults_file.h"

#include <gtest/gtest.h>

namespace safeddl::mysql {
namespace {

TEST(DefaultsFileTest, ReadsClientGroupsOnlyAndNeverThePassword) {
  const auto opts = ParseClientOptions(
      "# comment\n[mysqld]\nport=9999\n[client]\nuser = app\npassword=secret\nhost=db1\n"
      "port=3307\n[client-mariadb]\nsocket=\"/run/x.sock\"\n[mysql]\nhost=ignored\n");
  EXPECT_EQ(opts.at("user"), "app");
  EXPECT_EQ(opts.at("host"), "db1");
  EXPECT_EQ(opts.at("port"), "3307");
  EXPECT_EQ(opts.at("socket"), "/run/x.sock");
  EXPECT_EQ(opts.count("password"), 0u);
}

}  // namespace
}  // namespace safeddl::mysql
