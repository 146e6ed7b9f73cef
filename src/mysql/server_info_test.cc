#include "mysql/server_info.h"

#include <gtest/gtest.h>

namespace safeddl::mysql {
namespace {

TEST(ServerInfoTest, ParsesMariaDB) {
  auto info = ServerInfo::Parse("10.11.19-MariaDB-0+deb12u1", "Debian 12");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_TRUE(info->IsMariaDB());
  EXPECT_EQ(info->version(), (Version{10, 11, 19}));
  EXPECT_EQ(info->Describe(), "MariaDB 10.11.19");
  EXPECT_EQ(info->BinlogMonitorPrivilege(), "BINLOG MONITOR");
  EXPECT_EQ(info->ConnectionAdminPrivilege(), "CONNECTION ADMIN");
  EXPECT_TRUE(info->SupportsDdlWait());
  EXPECT_EQ(info->ShowReplicaHostsStatement(), "SHOW REPLICA HOSTS");
}

TEST(ServerInfoTest, StripsCompatibilityPrefix) {
  auto info = ServerInfo::Parse("5.5.5-10.4.8-MariaDB", "");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->version(), (Version{10, 4, 8}));
  EXPECT_EQ(info->BinlogMonitorPrivilege(), "REPLICATION CLIENT");
  EXPECT_EQ(info->ConnectionAdminPrivilege(), "SUPER");
}

TEST(ServerInfoTest, ParsesMySQL) {
  auto info = ServerInfo::Parse("8.0.36", "MySQL Community Server - GPL");
  ASSERT_TRUE(info.ok());
  EXPECT_FALSE(info->IsMariaDB());
  EXPECT_TRUE(info->AtLeast(8, 0, 22));
  EXPECT_FALSE(info->AtLeast(8, 1));
  EXPECT_FALSE(info->SupportsDdlWait());
  EXPECT_EQ(info->ShowReplicaHostsStatement(), "SHOW REPLICAS");
  EXPECT_EQ(info->ConnectionAdminPrivilege(), "CONNECTION_ADMIN");
}

TEST(ServerInfoTest, ReadinessPrivilegesFollowFlavourAndVersion) {
  auto mariadb = ServerInfo::Parse("10.11.19-MariaDB-0+deb12u1", "");
  ASSERT_TRUE(mariadb.ok());
  EXPECT_EQ(mariadb->ReplicaHostsPrivilege(), "REPLICATION MASTER ADMIN");
  EXPECT_EQ(mariadb->ReplicaStatusPrivilege(), "SLAVE MONITOR");
  EXPECT_TRUE(mariadb->SuperCoversAdminPrivileges());
  EXPECT_TRUE(mariadb->HasMetadataLockInfoPlugin());
  EXPECT_NE(mariadb->ProcesslistQuery().find("PROGRESS FROM"), std::string_view::npos);

  auto mariadb11 = ServerInfo::Parse("11.4.2-MariaDB", "");
  ASSERT_TRUE(mariadb11.ok());
  EXPECT_FALSE(mariadb11->SuperCoversAdminPrivileges());

  auto old_mariadb = ServerInfo::Parse("10.4.8-MariaDB", "");
  ASSERT_TRUE(old_mariadb.ok());
  EXPECT_EQ(old_mariadb->ReplicaHostsPrivilege(), "REPLICATION SLAVE");
  EXPECT_EQ(old_mariadb->ReplicaStatusPrivilege(), "REPLICATION CLIENT");

  auto mysql = ServerInfo::Parse("8.0.36", "MySQL Community Server - GPL");
  ASSERT_TRUE(mysql.ok());
  EXPECT_EQ(mysql->ReplicaHostsPrivilege(), "REPLICATION SLAVE");
  EXPECT_EQ(mysql->ReplicaStatusPrivilege(), "REPLICATION CLIENT");
  EXPECT_TRUE(mysql->SuperCoversAdminPrivileges());
  EXPECT_FALSE(mysql->HasMetadataLockInfoPlugin());
  EXPECT_NE(mysql->ProcesslistQuery().find("TIME * 1000 AS TIME_MS"), std::string_view::npos);
}

TEST(ServerInfoTest, RejectsGarbage) {
  EXPECT_EQ(ServerInfo::Parse("garbage", "").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace safeddl::mysql
