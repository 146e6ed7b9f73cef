// NodeNotReady: when a node may take part in a schema change.
#include "galera/cluster.h"

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

}  // namespace
}  // namespace safeddl::galera
