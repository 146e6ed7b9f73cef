#include "locks/report.h"

namespace safeddl::locks {
namespace {

using nlohmann::json;

json SessionJson(const SessionInfo& s) {
  json j = {{"id", s.id},
            {"user", s.user},
            {"host", s.host},
            {"db", s.db},
            {"command", s.command},
            {"state", s.state},
            {"statement", s.info},
            {"time_seconds", s.time_seconds},
            {"kind", std::string(ThreadKindName(s.kind))}};
  if (s.trx) {
    j["transaction"] = {{"trx_id", s.trx->trx_id},
                        {"age_seconds", s.trx->age_seconds},
                        {"rows_modified", s.trx->rows_modified},
                        {"rows_locked", s.trx->rows_locked},
                        {"tables_locked", s.trx->tables_locked}};
  }
  return j;
}

json ProgressJson(const ProgressEstimate& e) {
  json j = {{"reported", e.reported},
            {"percent", e.percent},
            {"elapsed_seconds", e.elapsed_seconds},
            {"basis", e.basis}};
  j["eta_seconds"] = e.eta_seconds ? json(*e.eta_seconds) : json(nullptr);
  return j;
}

json DecisionJson(const Decision& d) {
  json kills = json::array();
  for (const KillTarget& k : d.kills) {
    kills.push_back({{"id", k.session_id},
                     {"sql", k.Sql()},
                     {"role", k.role},
                     {"user", k.user},
                     {"host", k.host},
                     {"cost", k.cost}});
  }
  json j = {{"action", std::string(ActionKindName(d.action))},
            {"reasons", d.reasons},
            {"spared", d.spared},
            {"advice", d.advice},
            {"kills", kills}};
  if (d.ddl_progress) j["ddl_progress"] = ProgressJson(*d.ddl_progress);
  return j;
}

json CheckJson(const Check& c) { return {{"ok", c.ok}, {"detail", c.detail}}; }

}  // namespace

json PileupToJson(const LockSnapshot& snap, const Pileup& p) {
  json holders = json::array();
  for (const Holder& h : p.holders) {
    json hj = {{"id", h.session_id},
               {"evidence", std::string(EvidenceName(h.evidence))},
               {"lock_mode", h.lock_mode},
               {"lock_tables", h.lock_tables},
               {"why", h.why}};
    if (const SessionInfo* s = snap.FindSession(h.session_id)) hj["session"] = SessionJson(*s);
    holders.push_back(std::move(hj));
  }
  json queued = json::array();
  for (const Waiter& w : p.queued) {
    queued.push_back({{"id", w.session_id}, {"wait_seconds", w.wait_seconds}, {"verb", w.verb}});
  }
  json j = {{"schema", p.table.schema},   {"table", p.table.name},
            {"waiters", p.WaiterCount()}, {"oldest_wait_seconds", p.oldest_wait_seconds},
            {"root_blockers", holders},   {"queued", queued}};
  if (p.ddl_id) {
    json dj = {{"id", *p.ddl_id}, {"waiting", p.ddl_waiting}};
    if (const SessionInfo* s = snap.FindSession(*p.ddl_id)) {
      dj["session"] = SessionJson(*s);
      dj["progress"] = ProgressJson(EstimateProgress(*s));
    }
    j["ddl"] = dj;
  } else {
    j["ddl"] = nullptr;
  }
  return j;
}

json RenderJson(const UnblockReport& r) {
  const LockSnapshot& snap = *r.snapshot;
  json pileups = json::array();
  for (size_t i = 0; i < r.graph->pileups.size(); ++i) {
    json pj = PileupToJson(snap, r.graph->pileups[i]);
    if (i < r.decisions.size()) pj["decision"] = DecisionJson(r.decisions[i]);
    pileups.push_back(std::move(pj));
  }
  json ddls = json::array();
  for (uint64_t id : r.graph->ddl_ids) {
    if (const SessionInfo* s = snap.FindSession(id)) {
      ddls.push_back(
          {{"session", SessionJson(*s)}, {"progress", ProgressJson(EstimateProgress(*s))}});
    }
  }
  json actions = json::array();
  for (const KillOutcome& o : r.outcomes) {
    actions.push_back({{"id", o.target.session_id},
                       {"sql", o.target.Sql()},
                       {"result", std::string(KillResultName(o.result))},
                       {"detail", o.detail}});
  }
  json j = {{"server", snap.server.Describe()},
            {"taken_at", snap.taken_at},
            {"execute", r.execute},
            {"sources",
             {{"metadata_lock_info", snap.sources.metadata_lock_info},
              {"performance_schema", snap.sources.performance_schema},
              {"innodb_trx", snap.sources.innodb_trx},
              {"holders_visible", snap.HoldersVisible()},
              {"notes", snap.sources.notes}}},
            {"notes", r.graph->notes},
            {"pileups", pileups},
            {"ddls", ddls},
            {"actions", actions}};
  if (!r.galera.empty()) j["galera"] = r.galera;
  if (r.verification) {
    const VerifyReport& v = *r.verification;
    j["verification"] = {{"ok", v.ok()},
                         {"drain", CheckJson(v.drain)},
                         {"drain_seconds", v.drain_seconds},
                         {"probe", CheckJson(v.probe)},
                         {"canary", CheckJson(v.canary)},
                         {"check_table", CheckJson(v.check_table)},
                         {"schema", std::string(SchemaOutcomeName(v.schema))},
                         {"schema_detail", v.schema_detail}};
  }
  return j;
}

}  // namespace safeddl::locks
