// NodeNotReady: when a node may take part in a schema change; CatchUpDoesNotFit: when a node can
// be out of the flow for an RSU change.
#include "galera/cluster.h"
#include "galera/rsu.h"

#include <gtest/gtest.h>

namespace safeddl::galera {
namespace {

mysql::GaleraStatus SyncedNode() {
  mysql::GaleraStatus s;
  s.ready = true;
  s.cluster_status = "Primary";
  s.cluster_size = 3;
  s.local_state = "Synced";
  return s;
}

TEST(NodeNotReadyTest, EachReasonIsNamed) {
  EXPECT_EQ(NodeNotReady(SyncedNode(), 3), "");
  mysql::GaleraStatus s = SyncedNode();
  s.ready = false;
  EXPECT_NE(NodeNotReady(s, 3).find("wsrep_ready OFF"), std::string::npos);
  s = SyncedNode();
  s.cluster_status = "non-Primary";
  EXPECT_NE(NodeNotReady(s, 3).find("non-Primary"), std::string::npos);
  s = SyncedNode();
  EXPECT_NE(NodeNotReady(s, 4).find("sees 3 node(s), not 4"), std::string::npos);
  s = SyncedNode();
  s.desync = true;
  s.local_state = "Donor/Desynced";
  EXPECT_NE(NodeNotReady(s, 3).find("desynced (Donor/Desynced)"), std::string::npos);
  s = SyncedNode();
  s.desync_count = 1;  // desynced by an RSU or a backup, not by the variable
  EXPECT_NE(NodeNotReady(s, 3).find("desynced"), std::string::npos);
  s = SyncedNode();
  s.local_state = "Joined";
  EXPECT_NE(NodeNotReady(s, 3).find("not Synced (Joined)"), std::string::npos);
}

TEST(CatchUpTest, WritesWhileOutMustStayWellWithinTheGcache) {
  const long long gcache = 128LL << 20;
  EXPECT_FALSE(CatchUpDoesNotFit(1e6, 10, gcache, 0.5).has_value());          // 10 MB of 134 MB
  std::optional<std::string> why = CatchUpDoesNotFit(1e6, 100, gcache, 0.5);  // 100 MB
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("about 100.0 MB"), std::string::npos) << *why;
  EXPECT_NE(why->find("50%"), std::string::npos) << *why;
  EXPECT_TRUE(CatchUpDoesNotFit(0, 10, std::nullopt, 0.5).has_value());
}

}  // namespace
}  // namespace safeddl::galera
