#include "locks/wait_graph.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/clock.h"

namespace safeddl::locks {
namespace {

// Weak suspects are listed up to this many per table; a pool of idle connections is noise.
constexpr size_t kMaxWeakSuspects = 5;

struct TableQueue {
  std::vector<const SessionInfo*> waiters;  // longest wait first after sorting
};

// The table a waiting session waits for: its pending lock when a lock source lists one, else the
// first table of its statement.
std::optional<TableName> WaitedTable(const LockSnapshot& snap, const SessionInfo& s) {
  for (const MdlLock& l : snap.locks) {
    if (l.session_id == s.id && !l.granted) return TableName{l.schema, l.table};
  }
  StatementInfo st = StatementOf(s);
  if (st.tables.empty()) return std::nullopt;
  return st.tables.front();
}

bool StatementNames(const SessionInfo& s, const TableName& table) {
  for (const TableName& t : StatementOf(s).tables) {
    if (t == table) return true;
  }
  return false;
}

std::string TrxSummary(const Transaction& t) {
  return fmt::format("transaction open {}, {} rows modified", HumanDuration(t.age_seconds),
                     t.rows_modified);
}

void AddKnownHolders(const LockSnapshot& snap, const TableName& table,
                     const std::set<uint64_t>& waiting, std::optional<uint64_t> ddl,
                     std::vector<Holder>& out) {
  std::set<uint64_t> seen;
  for (const MdlLock& l : snap.locks) {
    if (!l.granted || l.schema != table.schema || l.table != table.name) continue;
    if (waiting.contains(l.session_id) || (ddl && *ddl == l.session_id)) continue;
    if (!seen.insert(l.session_id).second) continue;
    Holder h;
    h.session_id = l.session_id;
    h.evidence = Evidence::kKnown;
    h.lock_mode = l.mode;
    h.lock_tables = l.IsLockTablesMode();
    h.why = fmt::format("holds {}{} ({})", l.mode, h.lock_tables ? " (LOCK TABLES)" : "",
                        LockSourceName(l.source));
    out.push_back(std::move(h));
  }
}

void AddInferredHolders(const LockSnapshot& snap, const TableName& table,
                        const std::set<uint64_t>& waiting, std::optional<uint64_t> ddl,
                        double oldest_wait, std::vector<Holder>& out) {
  std::vector<Holder> weak;
  for (const SessionInfo& s : snap.sessions) {
    if (waiting.contains(s.id) || (ddl && *ddl == s.id) || s.kind == ThreadKind::kOwn) continue;
    if (s.trx && s.trx->age_seconds >= oldest_wait) {
      Holder h;
      h.session_id = s.id;
      h.evidence = Evidence::kInferredStrong;
      h.why = s.IsIdle()
                  ? fmt::format("inferred: idle {} inside a {}, opened before the oldest wait ({})",
                                HumanDuration(s.time_seconds), TrxSummary(*s.trx),
                                HumanDuration(oldest_wait))
                  : fmt::format("inferred: {}, opened before the oldest wait ({}), running for {}",
                                TrxSummary(*s.trx), HumanDuration(oldest_wait),
                                HumanDuration(s.time_seconds));
      out.push_back(std::move(h));
    } else if (!s.IsIdle() && s.time_seconds >= oldest_wait && StatementNames(s, table) &&
               StatementOf(s).kind != StatementKind::kDdl) {
      Holder h;
      h.session_id = s.id;
      h.evidence = Evidence::kInferredStrong;
      h.why = fmt::format(
          "inferred: running a statement on the table for {}, longer than the "
          "oldest wait ({})",
          HumanDuration(s.time_seconds), HumanDuration(oldest_wait));
      out.push_back(std::move(h));
    } else if (s.IsIdle() && !s.trx && s.time_seconds >= oldest_wait &&
               s.kind == ThreadKind::kClient && weak.size() < kMaxWeakSuspects) {
      Holder h;
      h.session_id = s.id;
      h.evidence = Evidence::kInferredWeak;
      h.lock_tables = true;
      h.why = fmt::format(
          "suspect: idle {} without a transaction, since before the oldest wait; "
          "may hold LOCK TABLES (install the METADATA_LOCK_INFO plugin to know)",
          HumanDuration(s.time_seconds));
      weak.push_back(std::move(h));
    }
  }
  // Oldest transaction first: the most likely holder leads.
  std::stable_sort(out.begin(), out.end(), [&](const Holder& a, const Holder& b) {
    const SessionInfo* sa = snap.FindSession(a.session_id);
    const SessionInfo* sb = snap.FindSession(b.session_id);
    const double ta = sa && sa->trx ? sa->trx->age_seconds : 0;
    const double tb = sb && sb->trx ? sb->trx->age_seconds : 0;
    return ta > tb;
  });
  out.insert(out.end(), weak.begin(), weak.end());
}

}  // namespace

std::string_view EvidenceName(Evidence evidence) {
  switch (evidence) {
    case Evidence::kKnown:
      return "known";
    case Evidence::kInferredStrong:
      return "inferred";
    case Evidence::kInferredWeak:
      return "suspect";
    case Evidence::kRunningDdl:
      return "running_ddl";
  }
  return "known";
}

StatementInfo StatementOf(const SessionInfo& session) {
  return ParseStatement(session.info, session.db);
}

const Pileup* WaitGraph::FindPileup(const TableName& table) const {
  for (const Pileup& p : pileups) {
    if (p.table == table) return &p;
  }
  return nullptr;
}

WaitGraph BuildWaitGraph(const LockSnapshot& snap) {
  WaitGraph g;
  std::map<TableName, TableQueue> queues;
  std::set<uint64_t> waiting;
  std::map<TableName, const SessionInfo*> running_ddl;  // DDL working (not waiting) per table
  for (const SessionInfo& s : snap.sessions) {
    const StatementInfo st = StatementOf(s);
    if (st.kind == StatementKind::kDdl) g.ddl_ids.push_back(s.id);
    if (s.IsWaitingForMdl()) {
      waiting.insert(s.id);
      std::optional<TableName> t = WaitedTable(snap, s);
      if (!t) {
        g.notes.push_back(
            fmt::format("session {} waits for a metadata lock on an unknown table "
                        "(statement not recognised)",
                        s.id));
        continue;
      }
      queues[*t].waiters.push_back(&s);
    } else if (st.kind == StatementKind::kDdl && !st.tables.empty()) {
      for (const TableName& t : st.tables) running_ddl[t] = &s;
    }
  }
  for (auto& [table, queue] : queues) {
    std::stable_sort(queue.waiters.begin(), queue.waiters.end(),
                     [](const SessionInfo* a, const SessionInfo* b) {
                       return a->time_seconds > b->time_seconds;
                     });
    Pileup p;
    p.table = table;
    p.oldest_wait_seconds = queue.waiters.front()->time_seconds;
    const SessionInfo* head_ddl = nullptr;
    for (const SessionInfo* w : queue.waiters) {
      if (StatementOf(*w).kind == StatementKind::kDdl) {
        head_ddl = w;
        break;
      }
    }
    if (head_ddl != nullptr) {
      p.ddl_id = head_ddl->id;
      p.ddl_waiting = true;
    } else if (auto it = running_ddl.find(table); it != running_ddl.end()) {
      p.ddl_id = it->second->id;
      p.ddl_waiting = false;
    }
    for (const SessionInfo* w : queue.waiters) {
      if (p.ddl_waiting && w->id == *p.ddl_id) continue;
      p.queued.push_back(Waiter{w->id, w->time_seconds, StatementOf(*w).verb});
    }
    if (p.ddl_id && !p.ddl_waiting) {
      Holder h;
      h.session_id = *p.ddl_id;
      h.evidence = Evidence::kRunningDdl;
      h.why = "the DDL is running and holds the table until it ends";
      p.holders.push_back(std::move(h));
    } else {
      AddKnownHolders(snap, table, waiting, p.ddl_id, p.holders);
      // The plugin lists every granted lock: if it shows no holder, none is there to infer.
      // performance_schema misses locks taken before its instrument was enabled, so it does not
      // rule inference out.
      if (p.holders.empty() && !snap.sources.metadata_lock_info) {
        AddInferredHolders(snap, table, waiting, p.ddl_id, p.oldest_wait_seconds, p.holders);
      }
    }
    g.pileups.push_back(std::move(p));
  }
  std::stable_sort(g.pileups.begin(), g.pileups.end(), [](const Pileup& a, const Pileup& b) {
    return a.WaiterCount() > b.WaiterCount();
  });
  return g;
}

}  // namespace safeddl::locks
