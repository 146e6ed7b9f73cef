#include "locks/policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "locks/test_snapshots.h"

namespace safeddl::locks {
namespace {

using testing::ClassicPileup;
using ::testing::HasSubstr;

Decision DecideFirst(const LockSnapshot& snap, const PolicyConfig& config = {}) {
  WaitGraph g = BuildWaitGraph(snap);
  EXPECT_FALSE(g.pileups.empty());
  return Decide(snap, g.pileups.at(0), config);
}

bool AnyContains(const std::vector<std::string>& lines, const std::string& needle) {
  for (const std::string& l : lines) {
    if (l.find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST(PolicyTest, KillsACheapIdleBlocker) {
  Decision d = DecideFirst(ClassicPileup());
  EXPECT_EQ(d.action, ActionKind::kKillBlocker);
  ASSERT_EQ(d.kills.size(), 1u);
  EXPECT_EQ(d.kills[0].session_id, 10u);
  EXPECT_EQ(d.kills[0].Sql(), "KILL CONNECTION 10");
  EXPECT_THAT(d.kills[0].cost, HasSubstr("rolled back"));
}

TEST(PolicyTest, LargeRollbackSparesTheHolderAndKillsTheWaitingDdl) {
  PolicyConfig config;
  config.max_rollback_rows = 1000;
  Decision d = DecideFirst(ClassicPileup(/*holder_rows=*/50000), config);
  EXPECT_EQ(d.action, ActionKind::kKillDdl);
  ASSERT_EQ(d.kills.size(), 1u);
  EXPECT_EQ(d.kills[0].Sql(), "KILL QUERY 11");
  EXPECT_TRUE(AnyContains(d.spared, "--max-rollback-rows 1000"));
  EXPECT_THAT(d.kills[0].cost, HasSubstr("nothing done is lost"));
  config.force = true;
  EXPECT_EQ(DecideFirst(ClassicPileup(50000), config).action, ActionKind::kKillBlocker);
}

TEST(PolicyTest, LockTablesNeedsForce) {
  LockSnapshot snap = ClassicPileup();
  snap.sessions[0].trx.reset();
  snap.sources.metadata_lock_info = true;
  snap.locks.push_back(testing::Granted(10, "SHARED_NO_READ_WRITE"));
  Decision d = DecideFirst(snap);
  EXPECT_EQ(d.action, ActionKind::kKillDdl);
  EXPECT_TRUE(AnyContains(d.spared, "LOCK TABLES"));
  PolicyConfig force;
  force.force = true;
  EXPECT_EQ(DecideFirst(snap, force).action, ActionKind::kKillBlocker);
}

TEST(PolicyTest, ReplicationThreadsNeverKilledEvenWithForce) {
  LockSnapshot snap = ClassicPileup();
  snap.sessions[0].kind = ThreadKind::kReplication;
  snap.sessions[1].kind = ThreadKind::kReplication;  // the DDL is applied by the replica too
  PolicyConfig force;
  force.force = true;
  Decision d = DecideFirst(snap, force);
  EXPECT_EQ(d.action, ActionKind::kNothingSafe);
  EXPECT_TRUE(d.kills.empty());
  EXPECT_TRUE(AnyContains(d.advice, "read_only"));
}

TEST(PolicyTest, RunningDdlWaitWhenFarAlongKillWhenEarly) {
  LockSnapshot snap;
  SessionInfo alter = testing::Session(7, "Query", 30, "copy to tmp table",
                                       "ALTER TABLE orders ADD c INT, ALGORITHM=COPY");
  alter.stage = 1;
  alter.max_stage = 2;
  alter.progress = 95;
  snap.sessions.push_back(alter);
  snap.sessions.push_back(testing::Waiting(8, 3, "UPDATE orders SET a = 1"));
  Decision d = DecideFirst(snap);
  EXPECT_EQ(d.action, ActionKind::kWait);
  ASSERT_TRUE(d.ddl_progress && d.ddl_progress->eta_seconds);
  snap.sessions[0].progress = 10;
  d = DecideFirst(snap);
  EXPECT_EQ(d.action, ActionKind::kKillDdl);
  EXPECT_EQ(d.kills.at(0).Sql(), "KILL QUERY 7");
  EXPECT_TRUE(AnyContains(d.reasons, "early"));
  EXPECT_THAT(d.kills[0].cost, HasSubstr("must be rerun"));
  // Far along but the ETA is over --max-wait: kill.
  snap.sessions[0].progress = 95;
  PolicyConfig impatient;
  impatient.max_wait_seconds = 0.5;
  EXPECT_EQ(DecideFirst(snap, impatient).action, ActionKind::kKillDdl);
}

TEST(PolicyTest, WeakSuspectsAreNeverKilled) {
  LockSnapshot snap;
  snap.sessions.push_back(testing::Session(3, "Sleep", 20));
  snap.sessions.push_back(testing::Waiting(4, 5, "INSERT INTO orders VALUES (1)"));
  Decision d = DecideFirst(snap);
  EXPECT_EQ(d.action, ActionKind::kNothingSafe);
  EXPECT_TRUE(d.kills.empty());
}

TEST(PolicyTest, TooManySuspectsKillTheDdlInstead) {
  LockSnapshot snap = ClassicPileup();
  for (uint64_t id : {20, 21, 22}) {
    SessionInfo s = testing::Session(id, "Sleep", 30);
    s.trx = testing::Trx(50, 0);
    snap.sessions.push_back(s);
  }
  Decision d = DecideFirst(snap);
  EXPECT_EQ(d.action, ActionKind::kKillDdl);
  EXPECT_TRUE(AnyContains(d.spared, "more than the 3"));
}

}  // namespace
}  // namespace safeddl::locks
