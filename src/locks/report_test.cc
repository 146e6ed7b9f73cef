#include "locks/report.h"

#include <gtest/gtest.h>

#include "locks/test_snapshots.h"
#include "locks/verify.h"

namespace safeddl::locks {
namespace {

TEST(ReportTest, TextTreeJsonAndDot) {
  LockSnapshot snap = testing::ClassicPileup(0, 3);
  WaitGraph g = BuildWaitGraph(snap);
  UnblockReport r;
  r.snapshot = &snap;
  r.graph = &g;
  r.decisions.push_back(Decide(snap, g.pileups[0], PolicyConfig{}));
  r.outcomes.push_back(KillOutcome{r.decisions[0].kills[0], KillResult::kDryRun, ""});
  const std::string text = RenderText(r);
  EXPECT_NE(text.find("root blocker [inferred] session 10"), std::string::npos) << text;
  EXPECT_NE(text.find("  └─ DDL session 11"), std::string::npos) << text;
  EXPECT_NE(text.find("3 queued"), std::string::npos) << text;
  EXPECT_NE(text.find("KILL CONNECTION 10"), std::string::npos) << text;
  EXPECT_NE(text.find("Dry run"), std::string::npos) << text;

  const nlohmann::json j = RenderJson(r);
  EXPECT_EQ(j["pileups"][0]["root_blockers"][0]["id"], 10);
  EXPECT_EQ(j["pileups"][0]["root_blockers"][0]["evidence"], "inferred");
  EXPECT_EQ(j["pileups"][0]["decision"]["action"], "kill_blocker");
  EXPECT_EQ(j["pileups"][0]["waiters"], 4);
  EXPECT_EQ(j["actions"][0]["result"], "dry_run");

  const std::string dot = RenderDot(r);
  EXPECT_NE(dot.find("s11 -> s10"), std::string::npos) << dot;
  EXPECT_NE(dot.find("s100 -> s11"), std::string::npos) << dot;
}

TEST(ReportTest, SchemaComparison) {
  EXPECT_EQ(CompareSchema("a", "a", true), SchemaOutcome::kUnchanged);
  EXPECT_EQ(CompareSchema("a", "b", true), SchemaOutcome::kChangedUnexpectedly);
  EXPECT_EQ(CompareSchema("a", "b", false), SchemaOutcome::kChangedAsExpected);
  EXPECT_EQ(CompareSchema("", "b", false), SchemaOutcome::kUnknown);
}

}  // namespace
}  // namespace safeddl::locks
