// FlowPauseReason: when the online copy on Galera waits for the cluster.
#include "galera/flow_control.h"

#include <gtest/gtest.h>

namespace safeddl::galera {
namespace {

FlowSample Node(const char* name, long long sent = 0, long long queue = 0,
                const char* state = "Synced", long long paused_ns = 0) {
  return {name, paused_ns, sent, queue, state, 0};
}

TEST(FlowPauseReasonTest, QuietClusterGoesOn) {
  EXPECT_EQ(FlowPauseReason({Node("n1"), Node("n2")}, {Node("n1"), Node("n2", 0, 8)}, 16), "");
}

TEST(FlowPauseReasonTest, FlowControlSentSinceTheLastLookPauses) {
  const std::string r = FlowPauseReason({Node("n1"), Node("n2", 3, 0, "Synced", 1000000000)},
                                        {Node("n1"), Node("n2", 5, 0, "Synced", 1250000000)}, 16);
  EXPECT_EQ(r, "n2 sent flow control (2 time(s); the cluster paused 250 ms)");
}

TEST(FlowPauseReasonTest, AReceiveQueueOverHalfTheLimitPauses) {
  EXPECT_EQ(FlowPauseReason({Node("n1")}, {Node("n1", 0, 9)}, 16),
            "n1 has 9 write sets waiting to apply (flow control at 16)");
  EXPECT_EQ(FlowPauseReason({Node("n1")}, {Node("n1", 0, 1)}, 1), "");
  EXPECT_NE(FlowPauseReason({Node("n1")}, {Node("n1", 0, 2)}, 1), "");
  // A paused copy waits until the queue is down to a quarter of the limit.
  EXPECT_NE(FlowPauseReason({Node("n1")}, {Node("n1", 0, 6)}, 16, /*paused=*/true), "");
  EXPECT_EQ(FlowPauseReason({Node("n1")}, {Node("n1", 0, 4)}, 16, /*paused=*/true), "");
  EXPECT_EQ(FlowPauseReason({Node("n1")}, {Node("n1", 0, 6)}, 16), "");
}

TEST(FlowPauseReasonTest, ANodeNotSyncedPausesAndEveryReasonIsListed) {
  const std::string r = FlowPauseReason(
      {Node("n1"), Node("n2")}, {Node("n1", 0, 0, "Donor/Desynced"), Node("n2", 0, 20)}, 16);
  EXPECT_EQ(r,
            "n1 is Donor/Desynced, not Synced; n2 has 20 write sets waiting to apply (flow "
            "control at 16)");
}

}  // namespace
}  // namespace safeddl::galera
