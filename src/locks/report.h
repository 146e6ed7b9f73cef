// Report: one unblock run (snapshot, wait graph, decisions, actions, verification) rendered for a
// person (an indented tree per pileup), as JSON (--json), and as a Graphviz wait graph (--dot).
// Rendering is pure; the struct only points at data its owner keeps alive while rendering.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "locks/actions.h"
#include "locks/policy.h"
#include "locks/snapshot.h"
#include "locks/verify.h"
#include "locks/wait_graph.h"

namespace safeddl::locks {

struct UnblockReport {
  const LockSnapshot* snapshot = nullptr;  // REQUIRES: non-null while rendering
  const WaitGraph* graph = nullptr;        // REQUIRES: non-null while rendering
  std::vector<Decision> decisions;         // one per pileup shown, same order as graph pileups
  bool execute = false;
  std::vector<KillOutcome> outcomes;
  std::optional<VerifyReport> verification;
  std::string galera;  // GaleraSummary on a Galera node, else empty
};

// RenderText = RenderDiagnosisText (sources, pileup trees, decisions) + RenderOutcomeText
// (actions or dry run, verification); unblock prints the first before asking to confirm.
std::string RenderText(const UnblockReport& report);
std::string RenderDiagnosisText(const UnblockReport& report);
std::string RenderOutcomeText(const UnblockReport& report);
nlohmann::json RenderJson(const UnblockReport& report);
// `digraph mdl { ... }`: an edge from each waiter to what it waits for.
std::string RenderDot(const UnblockReport& report);

// One-line description of a session for reports: "42 app@10.0.0.5 idle 35s".
std::string DescribeSession(const SessionInfo& s);
// JSON for a pileup (also used by `watch` for its event lines).
nlohmann::json PileupToJson(const LockSnapshot& snapshot, const Pileup& pileup);

}  // namespace safeddl::locks
