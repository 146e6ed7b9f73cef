#include "locks/wait_graph.h"

#include <gtest/gtest.h>

#include "locks/test_snapshots.h"

namespace safeddl::locks {
namespace {

using testing::ClassicPileup;
using testing::Granted;

TEST(WaitGraphTest, InfersTheIdleTransactionWithoutLockSources) {
  WaitGraph g = BuildWaitGraph(ClassicPileup());
  ASSERT_EQ(g.pileups.size(), 1u);
  const Pileup& p = g.pileups[0];
  EXPECT_EQ(p.table, (TableName{"app", "orders"}));
  ASSERT_TRUE(p.ddl_id);
  EXPECT_EQ(*p.ddl_id, 11u);
  EXPECT_TRUE(p.ddl_waiting);
  EXPECT_EQ(p.queued.size(), 20u);
  EXPECT_EQ(p.WaiterCount(), 21u);
  EXPECT_DOUBLE_EQ(p.oldest_wait_seconds, 12);
  ASSERT_EQ(p.holders.size(), 1u);  // session 12 idled less than the wait: not a suspect
  EXPECT_EQ(p.holders[0].session_id, 10u);
  EXPECT_EQ(p.holders[0].evidence, Evidence::kInferredStrong);
  EXPECT_NE(p.holders[0].why.find("inferred"), std::string::npos);
}

TEST(WaitGraphTest, KnownHolderFromThePlugin) {
  LockSnapshot snap = ClassicPileup();
  snap.sources.metadata_lock_info = true;
  snap.locks.push_back(Granted(10, "SHARED_READ"));
  snap.locks.push_back(Granted(11, "SHARED_UPGRADABLE"));  // the ALTER's own lock
  const Pileup p = BuildWaitGraph(snap).pileups.at(0);
  ASSERT_EQ(p.holders.size(), 1u);
  EXPECT_EQ(p.holders[0].session_id, 10u);
  EXPECT_EQ(p.holders[0].evidence, Evidence::kKnown);
  EXPECT_EQ(p.holders[0].lock_mode, "SHARED_READ");
  EXPECT_FALSE(p.holders[0].lock_tables);
}

TEST(WaitGraphTest, PluginShowingNoHolderMeansNoInference) {
  LockSnapshot snap = ClassicPileup();
  snap.sources.metadata_lock_info = true;
  EXPECT_TRUE(BuildWaitGraph(snap).pileups.at(0).holders.empty());
}

TEST(WaitGraphTest, PendingLockFromPerformanceSchemaNamesTheTable) {
  LockSnapshot snap;
  snap.sessions.push_back(testing::Waiting(5, 2, "CALL do_things()"));
  MdlLock pending = Granted(5, "SHARED_WRITE", "audit");
  pending.granted = false;
  pending.source = LockSource::kPerformanceSchema;
  snap.locks.push_back(pending);
  WaitGraph g = BuildWaitGraph(snap);
  ASSERT_EQ(g.pileups.size(), 1u);
  EXPECT_EQ(g.pileups[0].table.name, "audit");
}

TEST(WaitGraphTest, RunningDdlIsTheRoot) {
  LockSnapshot snap;
  SessionInfo alter = testing::Session(7, "Query", 4, "copy to tmp table",
                                       "ALTER TABLE orders ADD c INT, ALGORITHM=COPY");
  alter.stage = 1;
  alter.max_stage = 2;
  alter.progress = 20;
  snap.sessions.push_back(alter);
  snap.sessions.push_back(testing::Waiting(8, 3, "UPDATE orders SET a = 1"));
  const Pileup p = BuildWaitGraph(snap).pileups.at(0);
  EXPECT_EQ(*p.ddl_id, 7u);
  EXPECT_FALSE(p.ddl_waiting);
  ASSERT_EQ(p.holders.size(), 1u);
  EXPECT_EQ(p.holders[0].evidence, Evidence::kRunningDdl);
  EXPECT_EQ(p.queued.size(), 1u);
}

TEST(WaitGraphTest, LockTablesHolderKnownAndSuspected) {
  LockSnapshot snap;
  snap.sessions.push_back(testing::Session(3, "Sleep", 20));
  snap.sessions.push_back(testing::Waiting(4, 5, "INSERT INTO orders VALUES (1)"));
  // Without sources: a weak suspect only.
  Pileup p = BuildWaitGraph(snap).pileups.at(0);
  ASSERT_EQ(p.holders.size(), 1u);
  EXPECT_EQ(p.holders[0].evidence, Evidence::kInferredWeak);
  EXPECT_FALSE(p.ddl_id);
  // With the plugin: known, and LOCK TABLES by its mode.
  snap.sources.metadata_lock_info = true;
  snap.locks.push_back(Granted(3, "SHARED_NO_READ_WRITE"));
  p = BuildWaitGraph(snap).pileups.at(0);
  ASSERT_EQ(p.holders.size(), 1u);
  EXPECT_EQ(p.holders[0].evidence, Evidence::kKnown);
  EXPECT_TRUE(p.holders[0].lock_tables);
}

TEST(WaitGraphTest, OwnSessionsAreNeverSuspects) {
  LockSnapshot snap = ClassicPileup();
  snap.sessions[0].kind = ThreadKind::kOwn;
  EXPECT_TRUE(BuildWaitGraph(snap).pileups.at(0).holders.empty());
}

TEST(MayMissFreshTransactionsTest, OnlyAFreshIdleSessionBesideWaitersTriggersARereading) {
  LockSnapshot snap;
  snap.sources.innodb_trx = true;
  snap.sessions.push_back(testing::Waiting(11, 3, "ALTER TABLE t ADD COLUMN c INT"));
  snap.sessions.push_back(testing::Session(10, "Sleep", 0.05));  // idle 50 ms, no trx listed
  EXPECT_TRUE(MayMissFreshTransactions(snap));
  snap.sessions[1].time_seconds = 2;  // idle long enough for the cache to know it
  EXPECT_FALSE(MayMissFreshTransactions(snap));
  snap.sessions[1].time_seconds = 0.05;
  snap.sessions[1].trx = testing::Trx(0.05, 0);  // listed: nothing missing
  EXPECT_FALSE(MayMissFreshTransactions(snap));
  snap.sessions[1].trx.reset();
  snap.sessions.erase(snap.sessions.begin());  // nobody waits: no need to know
  EXPECT_FALSE(MayMissFreshTransactions(snap));
}

}  // namespace
}  // namespace safeddl::locks
