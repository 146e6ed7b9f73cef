#include "locks/policy.h"

#include <fmt/format.h>

#include "common/clock.h"

namespace safeddl::locks {
namespace {

constexpr size_t kStatementPreview = 120;

std::string Preview(std::string_view sql) {
  if (sql.size() <= kStatementPreview) return std::string(sql);
  return std::string(sql.substr(0, kStatementPreview)) + "...";
}

KillTarget TargetFor(const SessionInfo& s, KillScope scope, std::string role, std::string cost) {
  KillTarget k;
  k.session_id = s.id;
  k.scope = scope;
  k.role = std::move(role);
  k.user = s.user;
  k.host = s.host;
  k.statement = Preview(s.info);
  k.time_seconds = s.time_seconds;
  if (s.trx) k.trx_id = s.trx->trx_id;
  k.cost = std::move(cost);
  return k;
}

// Why a thread may never be killed, whatever the flags; empty when it may.
std::string NeverKillReason(const SessionInfo& s) {
  switch (s.kind) {
    case ThreadKind::kReplication:
      return "a replication thread: never killed";
    case ThreadKind::kSystem:
      return "a system thread: never killed";
    case ThreadKind::kOwn:
      return "this safeddl process's own session: never killed";
    case ThreadKind::kClient:
      break;
  }
  return {};
}

// Why holder `h` is spared under `config`; empty when it may be killed.
std::string SpareReason(const Holder& h, const SessionInfo* s, const PolicyConfig& config) {
  if (s == nullptr) return "no longer in the processlist";
  if (std::string never = NeverKillReason(*s); !never.empty()) return never;
  if (h.evidence == Evidence::kInferredWeak) return "only a suspect (no transaction): not killed";
  if (h.lock_tables && !config.force) return "holds LOCK TABLES: not killed without --force";
  const int64_t rows = s->trx ? s->trx->rows_modified : 0;
  if (rows > config.max_rollback_rows && !config.force) {
    return fmt::format(
        "its transaction modified {} rows, over --max-rollback-rows {}: rolling "
        "it back would take long and lose that work (use --force to kill anyway)",
        rows, config.max_rollback_rows);
  }
  return {};
}

std::string BlockerCost(const SessionInfo& s) {
  if (!s.trx) return "its connection is closed; it has no open transaction, so no data is lost";
  return fmt::format(
      "its connection is closed and its uncommitted transaction ({} rows "
      "modified, open {}) is rolled back; committed data is not touched",
      s.trx->rows_modified, HumanDuration(s.trx->age_seconds));
}

void DecideRunningDdl(const LockSnapshot& snap, const Pileup& p, const SessionInfo& ddl,
                      const PolicyConfig& config, Decision& d) {
  const ProgressEstimate& e = *d.ddl_progress;
  const std::string queue = fmt::format("{} session(s) queued behind it, oldest waiting {}",
                                        p.queued.size(), HumanDuration(p.oldest_wait_seconds));
  if (e.percent >= config.wait_min_percent && e.eta_seconds &&
      *e.eta_seconds <= config.max_wait_seconds) {
    d.action = ActionKind::kWait;
    d.reasons.push_back(fmt::format(
        "the DDL is {:.1f}% done (>= {:.0f}%) and should end in {} (<= --max-wait {}): waiting "
        "costs less than a rerun",
        e.percent, config.wait_min_percent, HumanDuration(*e.eta_seconds),
        HumanDuration(config.max_wait_seconds)));
    d.reasons.push_back(queue);
    return;
  }
  if (std::string never = NeverKillReason(ddl); !never.empty()) {
    d.action = ActionKind::kNothingSafe;
    d.reasons.push_back(fmt::format("the DDL (session {}) is {}", ddl.id, never));
    return;
  }
  d.action = ActionKind::kKillDdl;
  if (!e.reported) {
    d.reasons.push_back(
        fmt::format("the DDL reports no progress ({}), so there is no ETA to "
                    "wait for",
                    e.basis));
  } else if (e.percent < config.wait_min_percent) {
    d.reasons.push_back(fmt::format("the DDL is early: {:.1f}% done (< {:.0f}%)", e.percent,
                                    config.wait_min_percent));
  } else {
    d.reasons.push_back(fmt::format("the DDL's ETA ({}) is over --max-wait ({})",
                                    e.eta_seconds ? HumanDuration(*e.eta_seconds) : "unknown",
                                    HumanDuration(config.max_wait_seconds)));
  }
  d.reasons.push_back(queue + ": writes on the table are blocked until it ends");
  d.kills.push_back(TargetFor(
      ddl, KillScope::kQuery, "ddl",
      fmt::format("the {:.1f}% of work done is rolled back (its temporary copy dropped) and the "
                  "DDL must be rerun later; the table keeps its current definition and rows",
                  e.percent)));
  (void)snap;
}

void DecideWaitingDdl(const LockSnapshot& snap, const Pileup& p, const PolicyConfig& config,
                      Decision& d) {
  std::vector<const SessionInfo*> killable;
  size_t actionable = 0;
  for (const Holder& h : p.holders) {
    const SessionInfo* s = snap.FindSession(h.session_id);
    if (h.evidence != Evidence::kInferredWeak) ++actionable;
    std::string spare = SpareReason(h, s, config);
    if (spare.empty()) {
      killable.push_back(s);
    } else {
      d.spared.push_back(fmt::format("session {}: {}", h.session_id, spare));
    }
  }
  const bool all_killable = actionable > 0 && killable.size() == actionable;
  const std::string wait_line =
      p.ddl_id ? fmt::format(
                     "the DDL (session {}) waits {} for the lock; {} session(s) queued "
                     "behind it",
                     *p.ddl_id, HumanDuration(p.oldest_wait_seconds), p.queued.size())
               : fmt::format("{} session(s) wait for the table, oldest {}", p.queued.size(),
                             HumanDuration(p.oldest_wait_seconds));
  if (all_killable && killable.size() <= config.max_kills) {
    d.action = ActionKind::kKillBlocker;
    d.reasons.push_back(wait_line);
    for (const SessionInfo* s : killable) {
      d.reasons.push_back(fmt::format("session {} is a root blocker and its kill is cheap", s->id));
      d.kills.push_back(TargetFor(*s, KillScope::kConnection, "blocker", BlockerCost(*s)));
    }
    return;
  }
  if (all_killable) {
    d.spared.push_back(fmt::format("{} root blockers, more than the {} the policy kills at once",
                                   killable.size(), config.max_kills));
  } else if (actionable == 0) {
    d.spared.push_back(
        "no holder is visible: install the METADATA_LOCK_INFO plugin "
        "(--install-mdl-plugin) to see who holds the lock");
  }
  const SessionInfo* ddl = p.ddl_id ? snap.FindSession(*p.ddl_id) : nullptr;
  if (ddl != nullptr && NeverKillReason(*ddl).empty()) {
    d.action = ActionKind::kKillDdl;
    d.reasons.push_back(wait_line);
    d.reasons.push_back(
        "the holder(s) must not be killed (see spared), so the waiting DDL goes: "
        "its pending exclusive lock is what queues everyone else");
    d.kills.push_back(TargetFor(*ddl, KillScope::kQuery, "ddl",
                                "nothing done is lost (it has not started); the DDL must be "
                                "rerun when the holder has ended"));
    return;
  }
  d.action = ActionKind::kNothingSafe;
  d.reasons.push_back(wait_line);
  if (ddl != nullptr) d.reasons.push_back(fmt::format("the DDL is {}", NeverKillReason(*ddl)));
  if (!p.ddl_id) d.reasons.push_back("no DDL to kill, and the holder(s) must not be killed");
}

}  // namespace

std::string_view ActionKindName(ActionKind kind) {
  switch (kind) {
    case ActionKind::kNone:
      return "none";
    case ActionKind::kWait:
      return "wait";
    case ActionKind::kKillBlocker:
      return "kill_blocker";
    case ActionKind::kKillDdl:
      return "kill_ddl";
    case ActionKind::kNothingSafe:
      return "nothing_safe";
  }
  return "none";
}

std::string KillTarget::Sql() const {
  return fmt::format("KILL {} {}", scope == KillScope::kQuery ? "QUERY" : "CONNECTION", session_id);
}

Decision Decide(const LockSnapshot& snap, const Pileup& p, const PolicyConfig& config,
                const std::optional<TableSize>& ddl_table_size) {
  Decision d;
  d.table = p.table;
  const SessionInfo* ddl = p.ddl_id ? snap.FindSession(*p.ddl_id) : nullptr;
  if (ddl != nullptr) d.ddl_progress = EstimateProgress(*ddl, ddl_table_size);
  if (ddl != nullptr && !p.ddl_waiting) {
    DecideRunningDdl(snap, p, *ddl, config, d);
  } else {
    DecideWaitingDdl(snap, p, config, d);
  }
  if (d.action == ActionKind::kNothingSafe) {
    d.advice.push_back(kReplicaHealthAdvice);
    d.advice.push_back(kReadOnlyAdvice);
  }
  return d;
}

}  // namespace safeddl::locks
