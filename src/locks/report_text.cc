#include <fmt/format.h>

#include "common/clock.h"
#include "locks/report.h"

namespace safeddl::locks {
namespace {

constexpr size_t kMaxQueuedShown = 8;
constexpr size_t kStatementWidth = 80;

std::string Short(std::string_view sql) {
  std::string s(sql);
  for (char& c : s) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  if (s.size() > kStatementWidth) s = s.substr(0, kStatementWidth) + "...";
  return s;
}

std::string_view ActionTitle(ActionKind kind) {
  switch (kind) {
    case ActionKind::kNone:
      return "nothing to do";
    case ActionKind::kWait:
      return "WAIT for the DDL";
    case ActionKind::kKillBlocker:
      return "KILL THE ROOT BLOCKER";
    case ActionKind::kKillDdl:
      return "KILL THE DDL";
    case ActionKind::kNothingSafe:
      return "NOTHING IS SAFE TO KILL";
  }
  return "?";
}

void RenderPileup(const LockSnapshot& snap, const Pileup& p, const Decision& d, std::string& out) {
  out += fmt::format("\nTable {}: {} session(s) waiting, oldest {}\n", p.table.ToString(),
                     p.WaiterCount(), HumanDuration(p.oldest_wait_seconds));
  std::string indent = "  ";
  const bool ddl_is_root = p.ddl_id && !p.ddl_waiting;
  if (!ddl_is_root) {
    if (p.holders.empty()) out += indent + "root blocker: not visible\n";
    for (const Holder& h : p.holders) {
      const SessionInfo* s = snap.FindSession(h.session_id);
      out += fmt::format("{}root blocker [{}] {}\n", indent, EvidenceName(h.evidence),
                         s ? DescribeSession(*s) : fmt::format("session {}", h.session_id));
      out += fmt::format("{}    {}\n", indent, h.why);
    }
    indent += "  ";
  }
  if (p.ddl_id) {
    const SessionInfo* ddl = snap.FindSession(*p.ddl_id);
    out += fmt::format("{}{}DDL {}\n", indent, ddl_is_root ? "root blocker: " : "└─ ",
                       ddl ? DescribeSession(*ddl) : std::to_string(*p.ddl_id));
    if (ddl) out += fmt::format("{}    {}\n", indent, Short(ddl->info));
    if (d.ddl_progress) {
      const ProgressEstimate& e = *d.ddl_progress;
      out += fmt::format("{}    progress: {}{}\n", indent, e.basis,
                         e.eta_seconds ? ", ETA " + HumanDuration(*e.eta_seconds) : "");
    }
    indent += "  ";
  }
  if (!p.queued.empty()) {
    out += fmt::format("{}└─ {} queued:", indent, p.queued.size());
    for (size_t i = 0; i < p.queued.size() && i < kMaxQueuedShown; ++i) {
      out += fmt::format(" {} {} {};", p.queued[i].session_id, p.queued[i].verb,
                         HumanDuration(p.queued[i].wait_seconds));
    }
    if (p.queued.size() > kMaxQueuedShown) {
      out += fmt::format(" ... and {} more", p.queued.size() - kMaxQueuedShown);
    }
    out += "\n";
  }
  out += fmt::format("  decision: {}\n", ActionTitle(d.action));
  for (const std::string& r : d.reasons) out += "    because " + r + "\n";
  for (const std::string& s : d.spared) out += "    spared: " + s + "\n";
  for (const KillTarget& k : d.kills) {
    out += fmt::format("    {}  ({} {}@{})\n      cost: {}\n", k.Sql(), k.role, k.user, k.host,
                       k.cost);
  }
  for (const std::string& a : d.advice) out += "    advice: " + a + "\n";
}

}  // namespace

std::string DescribeSession(const SessionInfo& s) {
  std::string out = fmt::format("session {} {}@{}", s.id, s.user, s.host);
  if (s.kind != ThreadKind::kClient) out += fmt::format(" [{}]", ThreadKindName(s.kind));
  if (s.IsIdle()) {
    out += fmt::format(", idle {}", HumanDuration(s.time_seconds));
  } else {
    out += fmt::format(", {} {} ({})", s.command, HumanDuration(s.time_seconds),
                       s.state.empty() ? "-" : s.state);
  }
  if (s.trx) {
    out += fmt::format(", in a transaction for {} ({} rows modified)",
                       HumanDuration(s.trx->age_seconds), s.trx->rows_modified);
  }
  return out;
}

std::string RenderText(const UnblockReport& r) {
  return RenderDiagnosisText(r) + RenderOutcomeText(r);
}

std::string RenderDiagnosisText(const UnblockReport& r) {
  const LockSnapshot& snap = *r.snapshot;
  std::string out = fmt::format("{} at {}\n", snap.server.Describe(), snap.taken_at);
  std::vector<std::string> sources = {"PROCESSLIST"};
  if (snap.sources.innodb_trx) sources.push_back("INNODB_TRX");
  if (snap.sources.metadata_lock_info) sources.push_back("METADATA_LOCK_INFO");
  if (snap.sources.performance_schema) sources.push_back("performance_schema.metadata_locks");
  out += "lock sources: ";
  for (size_t i = 0; i < sources.size(); ++i) out += (i ? ", " : "") + sources[i];
  out += snap.HoldersVisible() ? " (holders known)\n" : " (holders inferred)\n";
  if (!r.galera.empty()) out += r.galera + "\n";
  for (const std::string& n : snap.sources.notes) out += "  note: " + n + "\n";
  for (const std::string& n : r.graph->notes) out += "  note: " + n + "\n";
  if (r.graph->pileups.empty()) out += "\nNo session waits for a table metadata lock.\n";
  for (size_t i = 0; i < r.graph->pileups.size() && i < r.decisions.size(); ++i) {
    RenderPileup(snap, r.graph->pileups[i], r.decisions[i], out);
  }
  for (uint64_t id : r.graph->ddl_ids) {
    bool in_pileup = false;
    for (const Pileup& p : r.graph->pileups) in_pileup = in_pileup || (p.ddl_id && *p.ddl_id == id);
    const SessionInfo* s = snap.FindSession(id);
    if (!in_pileup && s) {
      const ProgressEstimate e = EstimateProgress(*s);
      out += fmt::format("\nDDL in flight, blocking no one: {}\n    {}\n    progress: {}\n",
                         DescribeSession(*s), Short(s->info), e.basis);
    }
  }
  return out;
}

std::string RenderOutcomeText(const UnblockReport& r) {
  std::string out;
  if (!r.outcomes.empty()) {
    out += r.execute ? "\nActions:\n" : "\nDry run (nothing killed; add --execute to act):\n";
    for (const KillOutcome& o : r.outcomes) {
      out += fmt::format("  {}: {}{}\n", o.target.Sql(), KillResultName(o.result),
                         o.detail.empty() ? "" : " — " + o.detail);
    }
  }
  if (r.verification) {
    const VerifyReport& v = *r.verification;
    auto line = [&](std::string_view name, const Check& c) {
      out += fmt::format("  {:<7} {}  {}\n", name, c.ok ? "ok" : "FAILED", c.detail);
    };
    out += "\nVerification:\n";
    line("drain", v.drain);
    line("probe", v.probe);
    line("canary", v.canary);
    line("check", v.check_table);
    out += fmt::format("  {:<7} {}  {}\n", "schema",
                       v.schema == SchemaOutcome::kChangedUnexpectedly ? "FAILED" : "ok",
                       v.schema_detail);
  }
  return out;
}

}  // namespace safeddl::locks
