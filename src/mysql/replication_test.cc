#include "mysql/replication.h"

#include <gtest/gtest.h>

namespace safeddl::mysql {
namespace {

// A replica address is reached over TCP: "localhost" would make the connector use its Unix
// socket and ignore the port.
TEST(ReplicaConnectOptionsTest, HostAndPortOverTcp) {
  ConnectOptions primary;
  primary.host = "db1";
  primary.socket = "/run/mysqld/mysqld.sock";
  primary.user = "u";
  auto o = ReplicaConnectOptions(primary, "localhost:3313");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->host, "127.0.0.1");
  EXPECT_EQ(o->port, 3313u);
  EXPECT_EQ(o->socket, "");
  EXPECT_EQ(o->user, "u");
  o = ReplicaConnectOptions(primary, "replica-2");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->host, "replica-2");
  EXPECT_EQ(o->port, 3306u);
  EXPECT_FALSE(ReplicaConnectOptions(primary, "r:0").ok());
  EXPECT_FALSE(ReplicaConnectOptions(primary, "r:70000").ok());
}

TEST(GtidDomainsTest, ReadsEachEntrysDomain) {
  EXPECT_EQ(GtidDomains("0-3311-23"), std::vector<uint32_t>({0}));
  EXPECT_EQ(GtidDomains("0-1-100, 2-5-7,17-1-1"), std::vector<uint32_t>({0, 2, 17}));
  EXPECT_TRUE(GtidDomains("").empty());
  EXPECT_EQ(GtidDomains("x-1-1,3-1-1,-1-2"), std::vector<uint32_t>({3}));
}

TEST(LocalGtidDomainTest, KeepsAConfiguredDomainNothingReplicates) {
  EXPECT_EQ(LocalGtidDomain(5, {0}), 5u);
  EXPECT_EQ(LocalGtidDomain(0, {}), 0u);
}

TEST(LocalGtidDomainTest, MovesOffAReplicatedDomain) {
  EXPECT_EQ(LocalGtidDomain(0, {0}), 1u);
  EXPECT_EQ(LocalGtidDomain(0, {0, 1, 2, 4}), 3u);
  EXPECT_EQ(LocalGtidDomain(1, {1, 0}), 2u);
}

}  // namespace
}  // namespace safeddl::mysql
