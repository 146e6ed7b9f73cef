#include "plan/planner.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include "common/strings.h"
#include "mysql/quote.h"
#include "mysql/replication.h"
#include "osc/inspector.h"
#include "plan/create_table_text.h"
#include "plan/reverse_alter.h"
#include "plan/scratch_schema.h"
#include "schema/alter_parser.h"
#include "schema/column_mapping.h"
#include "schema/introspect.h"

namespace safeddl::plan {
namespace {

// Bounded metadata-lock waits for plan's own reads: behind a pending DDL a SELECT would queue.
constexpr int kLockWaitSeconds = 5;

std::string QuoteTable(const TableRef& t) { return *mysql::QuoteQualified(t.db, t.table); }

// For a command line the user may paste: single quotes, a quote inside as '\''.
std::string ShellQuote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// Definitions as the file's earlier statements leave them, by "db.table" (lower-case).
class Definitions {
 public:
  static std::string Key(const TableRef& t) { return AsciiLower(t.db + "." + t.table); }
  void Set(const TableRef& t, std::string create) { defs_[Key(t)] = std::move(create); }
  void Drop(const TableRef& t) { defs_[Key(t)] = std::nullopt; }
  // nullopt: not touched yet (read the server); holds nullopt: dropped by an earlier statement.
  std::optional<std::optional<std::string>> Get(const TableRef& t) const {
    auto it = defs_.find(Key(t));
    if (it == defs_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::map<std::string, std::optional<std::string>> defs_;
};

Result<TableSize> ReadTableSize(mysql::Connection& conn, const TableRef& t) {
  SAFEDDL_ASSIGN_OR_RETURN(
      mysql::ResultSet rs,
      conn.Query(
          fmt::format("SELECT TABLE_ROWS, DATA_LENGTH, INDEX_LENGTH FROM "
                      "information_schema.TABLES WHERE TABLE_SCHEMA = {} AND TABLE_NAME = {}",
                      mysql::QuoteString(t.db), mysql::QuoteString(t.table))));
  TableSize size;
  if (rs.empty()) return size;
  size.rows = rs[0].GetInt("TABLE_ROWS").value_or(0);
  size.data_bytes = rs[0].GetInt("DATA_LENGTH").value_or(0);
  size.index_bytes = rs[0].GetInt("INDEX_LENGTH").value_or(0);
  return size;
}

void AddRisks(std::vector<Risk>& into, Result<std::vector<Risk>> found,
              std::vector<std::string>& notes, std::string_view what) {
  if (!found.ok()) {
    notes.push_back(fmt::format("{} not checked: {}", what, found.status().message()));
    return;
  }
  for (Risk& r : *found) into.push_back(std::move(r));
}

bool HasBlockingRisk(const StatementPlan& p) {
  for (const Risk& r : p.risks) {
    if (r.blocking) return true;
  }
  return false;
}

std::string RiskKinds(const StatementPlan& p) {
  std::vector<std::string> kinds;
  for (const Risk& r : p.risks) {
    if (r.blocking) kinds.push_back(r.kind);
  }
  return JoinStrings(kinds, ", ");
}

std::string Seconds(const std::optional<Estimate>& e) {
  return e ? fmt::format("~{:.1f} s", e->seconds) : std::string("an unknown time");
}

Recommendation Recommend(const StatementPlan& p, const TableRef& t, const std::string& clauses,
                         const PlanOptions& options) {
  Recommendation r;
  if (!p.invalid.empty()) {
    r.reason = "the server refuses the statement: " + p.invalid;
    return r;
  }
  if (HasBlockingRisk(p)) {
    r.reason = "the data does not allow it as it is (" + RiskKinds(p) + "): fix that first";
    return r;
  }
  const AlgorithmAnswer* best = nullptr;
  for (const AlgorithmAnswer& a : p.native) {
    if (a.accepted) {
      best = &a;
      break;
    }
  }
  const std::string native_sql =
      best ? fmt::format(
                 "SET SESSION lock_wait_timeout = {}; ALTER TABLE {} {}, ALGORITHM={}, "
                 "LOCK={}  -- retry on a lock wait timeout",
                 kLockWaitSeconds, QuoteTable(t), clauses, AlgorithmName(best->algorithm),
                 LockLevelName(best->lock))
           : "";
  const std::string online_cmd =
      fmt::format("safeddl alter --database {} --table {} --alter {} --execute", ShellQuote(t.db),
                  ShellQuote(t.table), ShellQuote(clauses));
  if (best && best->algorithm == Algorithm::kInstant) {
    r.action = Action::kNative;
    r.reason = fmt::format(
        "the server changes only metadata ({}): no copy, writes blocked only "
        "for the moment the metadata lock is held; bound the wait for it",
        AlgorithmName(best->algorithm));
    r.command = native_sql;
    return r;
  }
  const bool online = p.online_refusal.empty();
  if (best && best->lock == LockLevel::kNone && p.native_estimate &&
      p.native_estimate->high <= options.max_native_seconds) {
    r.action = Action::kNative;
    r.reason = fmt::format(
        "INPLACE with LOCK=NONE lets writes through and is short ({}); "
        "replicas lag about as long",
        Seconds(p.native_estimate));
    r.command = native_sql;
    return r;
  }
  if (online) {
    r.action = Action::kOnline;
    r.reason = best == nullptr ? "the server accepts no native algorithm for it"
               : best->lock == LockLevel::kNone
                   ? fmt::format(
                         "a native {} would run {} without throttling and lag every "
                         "replica as long; safeddl alter copies in throttled chunks",
                         AlgorithmName(best->algorithm), Seconds(p.native_estimate))
                   : fmt::format("a native {} blocks writes (LOCK={}) for {}",
                                 AlgorithmName(best->algorithm), LockLevelName(best->lock),
                                 Seconds(p.native_estimate));
    r.command = online_cmd;
    return r;
  }
  if (best && best->lock == LockLevel::kNone) {
    r.action = Action::kNative;
    r.reason = fmt::format(
        "safeddl alter cannot copy it ({}); INPLACE with LOCK=NONE lets writes "
        "through ({}); replicas lag about as long",
        p.online_refusal, Seconds(p.native_estimate));
    r.command = native_sql;
    return r;
  }
  if (best) {
    r.action = Action::kNativeInWindow;
    r.reason = fmt::format(
        "safeddl alter cannot copy it ({}) and a native {} blocks writes for "
        "{}: run it in a maintenance window",
        p.online_refusal, AlgorithmName(best->algorithm), Seconds(p.native_estimate));
    r.command = native_sql;
    return r;
  }
  r.reason = "no way to run it: " + p.online_refusal;
  return r;
}

// Whether the changed definition loses the values of the columns it converts.
void MarkLossyConversions(StatementPlan& p) {
  for (const Risk& r : p.risks) {
    if (r.kind == "null_into_not_null" || r.kind == "out_of_range" || r.kind == "truncated" ||
        r.kind == "rounded" || r.kind == "unconvertible" || r.kind == "not_in_list" ||
        r.kind == "padded") {
      p.reverse.lossless = false;
      p.reverse.lossy_reasons.push_back("the change alters values the way back cannot restore: " +
                                        r.detail);
    }
  }
  if (!p.reverse.changed_columns.empty()) {
    p.notes.push_back(
        fmt::format("the reverse converts {} back: values written after the change "
                    "must fit the original definition",
                    JoinStrings(p.reverse.changed_columns, ", ")));
  }
}

class Planner {
 public:
  Planner(mysql::Connection& conn, ScratchSchema& scratch, const PlanOptions& options)
      : conn_(conn), scratch_(scratch), options_(options) {}

  StatementPlan Plan(const SchemaStatement& s) {
    StatementPlan p;
    p.sql = s.sql;
    p.kind = s.kind;
    p.line = s.line;
    std::vector<TableRef> tables;
    for (const TableRef& t : s.tables) tables.push_back(WithDefaultDb(t));
    if (!tables.empty()) p.table = QuoteTable(tables[0]);
    Status done = [&]() -> Status {
      switch (s.kind) {
        case StatementKind::kAlterTable:
        case StatementKind::kCreateIndex:
        case StatementKind::kDropIndex:
          return PlanAlter(p, tables.at(0), s.alter_clauses);
        case StatementKind::kCreateTable:
          return PlanCreate(p, s, tables.at(0));
        case StatementKind::kDropTable:
          return PlanDrop(p, s, tables);
        case StatementKind::kRenameTable:
          return PlanRename(p, s);
      }
      return Status::OK();
    }();
    if (!done.ok() && p.invalid.empty()) p.invalid = done.message();
    if (!p.invalid.empty()) {
      p.recommendation = Recommendation{Action::kRefuse, "cannot plan it: " + p.invalid, ""};
    }
    return p;
  }

 private:
  // `t` with --database as its database when the statement named none.
  TableRef WithDefaultDb(TableRef t) const {
    if (t.db.empty()) t.db = options_.database;
    return t;
  }

  Result<std::optional<std::string>> CurrentCreate(const TableRef& t) {
    if (auto known = defs_.Get(t)) return *known;
    SAFEDDL_ASSIGN_OR_RETURN(
        mysql::ResultSet rs,
        conn_.Query(fmt::format("SELECT TABLE_TYPE FROM information_schema.TABLES WHERE "
                                "TABLE_SCHEMA = {} AND TABLE_NAME = {}",
                                mysql::QuoteString(t.db), mysql::QuoteString(t.table))));
    if (rs.empty()) return std::optional<std::string>();
    SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet sc,
                             conn_.Query("SHOW CREATE TABLE " + QuoteTable(t)));
    if (sc.empty() || !sc[0][1]) return InternalError("SHOW CREATE TABLE returned nothing");
    return std::optional<std::string>(*sc[0][1]);
  }

  Status PlanAlter(StatementPlan& p, const TableRef& t, const std::string& clauses_text) {
    SAFEDDL_ASSIGN_OR_RETURN(schema::AlterAnalysis analysis, schema::AnalyzeAlter(clauses_text));
    if (analysis.empty()) {
      p.invalid = "the ALTER has nothing to do";
      return Status::OK();
    }
    if (analysis.renames_table) {
      p.invalid = "ALTER TABLE ... RENAME: plan it as RENAME TABLE (instant, and its own reverse)";
      return Status::OK();
    }
    const std::string clauses = analysis.ghost_alter;
    SAFEDDL_ASSIGN_OR_RETURN(p.via_replicas, schema::ReplicationCarries(clauses));
    SAFEDDL_ASSIGN_OR_RETURN(std::optional<std::string> before, CurrentCreate(t));
    if (!before) {
      p.invalid = fmt::format("table {} does not exist", QuoteTable(t));
      return Status::OK();
    }
    const bool on_server = !defs_.Get(t).has_value();  // the table is as the server has it
    std::unique_ptr<WriteRateSampler> sampler;
    if (options_.measure && on_server) {
      sampler = std::make_unique<WriteRateSampler>(conn_, options_.binlog, t.db, t.table);
    }
    SAFEDDL_ASSIGN_OR_RETURN(NativeAnswer native,
                             ProbeNativeAlgorithms(conn_, scratch_, t.table, *before, clauses));
    if (!native.invalid.empty()) {
      p.invalid = "the server refuses the ALTER (tried on an empty copy): " + native.invalid;
      return Status::OK();
    }
    p.native = native.answers;
    p.blocks_writes = native.BlocksWrites();
    defs_.Set(t, native.after_create);

    // The changed definition, as a table to read and to prove the reverse on.
    SAFEDDL_RETURN_IF_ERROR(scratch_.CreateFrom(t.table, native.after_create));
    SAFEDDL_ASSIGN_OR_RETURN(schema::TableSchema changed,
                             schema::IntrospectTable(conn_, scratch_.name(), t.table));
    SAFEDDL_RETURN_IF_ERROR(PlanReverse(p, t, *before, native.after_create, analysis));

    if (!on_server) {
      p.notes.push_back(
          "the table is changed by an earlier statement of the file: algorithms "
          "and the reverse are for the definition it leaves; the data is not checked");
      p.recommendation = Recommend(p, t, clauses, options_);
      return Status::OK();
    }
    SAFEDDL_ASSIGN_OR_RETURN(schema::TableSchema original,
                             schema::IntrospectTable(conn_, t.db, t.table));
    SAFEDDL_ASSIGN_OR_RETURN(p.size, ReadTableSize(conn_, t));

    osc::MigrationPlan online;
    online.database = t.db;
    online.original = original;
    online.ghost = changed;
    online.analysis = analysis;
    online.q_original = QuoteTable(t);
    osc::MigrationOptions permissive;
    permissive.approve_renamed_columns = true;
    permissive.discard_foreign_keys = true;
    permissive.include_triggers = true;
    std::vector<std::string> online_notes;
    Status refusal = osc::RefuseUnsafe(original, analysis, permissive, &online_notes);
    if (refusal.ok()) refusal = osc::MapGhost(online, false, &online_notes);
    if (!refusal.ok()) {
      p.online_refusal = refusal.message();
      Risk r;
      r.kind = "no_online_copy";
      r.detail = "safeddl alter cannot copy this change: " + refusal.message();
      r.fix = "a native ALTER (see the algorithms), or change the ALTER so a key is shared";
      r.blocking = false;
      p.risks.push_back(std::move(r));
    }
    Result<schema::ColumnMapping> mapping = schema::MapColumns(original, changed, analysis);
    if (mapping.ok()) {
      AddRisks(p.risks, FindDataRisks(conn_, QuoteTable(t), original, changed, *mapping), p.notes,
               "the data");
    } else {
      p.notes.push_back("the data is not checked: " + mapping.status().message());
    }
    AddRisks(p.risks, FindTableRisks(conn_, original, &changed), p.notes, "the table");
    AddRisks(p.risks, FindOpenSessions(conn_, t.db, t.table, own_sessions_), p.notes,
             "open sessions");
    MarkLossyConversions(p);

    if (!options_.measure) p.write_rate.unknown = "not measured (--no-estimate)";
    if (options_.measure) {
      RateInputs in;
      in.q_original = QuoteTable(t);
      in.original = &original;
      in.original_create = *before;
      in.after_create = native.after_create;
      in.clauses = clauses;
      in.online = p.online_refusal.empty() ? &online : nullptr;
      in.native = native.Best();
      in.limits = options_.limits;
      Result<SampleRates> rates = MeasureRates(conn_, scratch_, in);
      if (rates.ok()) {
        p.rates = *rates;
      } else {
        p.notes.push_back("rates not measured: " + rates.status().message());
      }
      if (sampler) p.write_rate = sampler->Finish(options_.write_window);
      p.native_estimate = EstimateNative(p.rates, p.size.rows);
      p.online_estimate = EstimateOnline(p.rates, p.size.rows, p.write_rate.PerSecond());
    }
    p.recommendation = Recommend(p, t, clauses, options_);
    return Status::OK();
  }

  // The reverse, proven on the changed scratch copy: applied, it gives the original back.
  Status PlanReverse(StatementPlan& p, const TableRef& t, const std::string& before,
                     const std::string& after, const schema::AlterAnalysis& analysis) {
    Result<ParsedCreateTable> b = ParseCreateTable(before);
    Result<ParsedCreateTable> a = ParseCreateTable(after);
    if (!b.ok() || !a.ok()) {
      p.reverse.verify_note =
          "the definitions could not be read: " + (b.ok() ? a.status() : b.status()).message();
      return Status::OK();
    }
    Result<ReverseAlter> reverse = ReverseOfChange(*b, *a, analysis.renamed_columns);
    if (!reverse.ok()) {
      p.reverse.verify_note = reverse.status().message();
      return Status::OK();
    }
    p.reverse.changed_columns = reverse->changed_columns;
    p.reverse.lossy_reasons = reverse->lossy_reasons;
    p.reverse.lossless = reverse->lossy_reasons.empty();
    if (reverse->clauses.empty()) {
      p.reverse.verified = ComparableCreate(before) == ComparableCreate(after);
      return Status::OK();
    }
    p.reverse.sql = fmt::format("ALTER TABLE {} {}", QuoteTable(t), reverse->clauses);
    Status applied = conn_.Execute(
        fmt::format("ALTER TABLE {} {}", scratch_.QuotedTable(t.table), reverse->clauses));
    if (!applied.ok()) {
      p.reverse.verify_note = "the server refuses the reverse: " + applied.message();
      return Status::OK();
    }
    SAFEDDL_ASSIGN_OR_RETURN(std::string back, scratch_.ShowCreate(t.table));
    p.reverse.verified = ComparableCreate(back) == ComparableCreate(before);
    if (!p.reverse.verified) {
      p.reverse.verify_note = "applied to a copy, the reverse gives:\n" + back;
    }
    return scratch_.DropTable(t.table);
  }

  Status PlanCreate(StatementPlan& p, const SchemaStatement& s, const TableRef& t) {
    SAFEDDL_ASSIGN_OR_RETURN(std::optional<std::string> existing, CurrentCreate(t));
    p.native_summary = "creates a new table: no lock on existing tables";
    if (existing && !s.or_replace && !s.if_not_exists) {
      p.invalid = fmt::format("table {} already exists", QuoteTable(t));
      return Status::OK();
    }
    if (existing && s.if_not_exists) {
      p.notes.push_back("the table exists: IF NOT EXISTS makes the statement do nothing");
      p.recommendation = {Action::kNative, "nothing to do", s.sql};
      return Status::OK();
    }
    if (existing && s.or_replace && !defs_.Get(t)) {
      AddRisks(p.risks, FindDroppedTableData(conn_, t.db, t.table), p.notes, "the replaced table");
    }
    p.reverse.sql = existing ? *existing : fmt::format("DROP TABLE {}", QuoteTable(t));
    p.reverse.lossless = !existing || p.risks.empty();
    p.reverse.verified = false;
    p.reverse.verify_note = "not tried: plan does not run CREATE TABLE";
    if (existing && !p.risks.empty()) {
      p.reverse.lossy_reasons.push_back("OR REPLACE drops the existing table's rows");
    }
    p.recommendation = {Action::kNative,
                        p.risks.empty() ? "a new table"
                                        : "it replaces a table that holds rows (see the risks): "
                                          "keep them first",
                        s.sql};
    p.notes.push_back("the new table's definition is not checked (plan does not create it)");
    defs_.Drop(t);  // unknown to plan from here on
    return Status::OK();
  }

  Status PlanDrop(StatementPlan& p, const SchemaStatement& s, const std::vector<TableRef>& tables) {
    p.native_summary = "removes the table: an exclusive metadata lock for a moment";
    std::vector<std::string> reverse;
    bool lossless = true;
    for (const TableRef& t : tables) {
      SAFEDDL_ASSIGN_OR_RETURN(std::optional<std::string> existing, CurrentCreate(t));
      if (!existing) {
        if (!s.if_exists) p.invalid = fmt::format("table {} does not exist", QuoteTable(t));
        continue;
      }
      reverse.push_back(*existing);
      if (!defs_.Get(t)) {
        const size_t before = p.risks.size();
        AddRisks(p.risks, FindDroppedTableData(conn_, t.db, t.table), p.notes, "the table's rows");
        if (p.risks.size() > before) {
          lossless = false;
          p.reverse.lossy_reasons.push_back(
              fmt::format("{}'s rows are gone after the DROP", QuoteTable(t)));
        }
        SAFEDDL_ASSIGN_OR_RETURN(schema::TableSchema original,
                                 schema::IntrospectTable(conn_, t.db, t.table));
        AddRisks(p.risks, FindTableRisks(conn_, original, nullptr), p.notes, "the table");
        AddRisks(p.risks, FindOpenSessions(conn_, t.db, t.table, own_sessions_), p.notes,
                 "open sessions");
      }
      defs_.Drop(t);
    }
    p.reverse.sql = JoinStrings(reverse, ";\n");
    p.reverse.lossless = lossless;
    p.reverse.verify_note = "the tables are created again from their SHOW CREATE TABLE";
    if (p.invalid.empty()) {
      p.recommendation = {Action::kNative,
                          lossless ? "the tables hold no rows"
                                   : "it destroys rows (see the risks): keep them first "
                                     "(`safeddl snapshot`), then drop",
                          s.sql};
    }
    return Status::OK();
  }

  Status PlanRename(StatementPlan& p, const SchemaStatement& s) {
    p.native_summary = "renames in the data dictionary: an exclusive metadata lock for a moment";
    std::vector<std::string> back;  // the pairs renamed back, last first
    for (const auto& [from_raw, to_raw] : s.renames) {
      const TableRef from = WithDefaultDb(from_raw), to = WithDefaultDb(to_raw);
      back.insert(back.begin(), fmt::format("{} TO {}", QuoteTable(to), QuoteTable(from)));
      if (p.table.empty()) p.table = QuoteTable(from);
      SAFEDDL_ASSIGN_OR_RETURN(std::optional<std::string> source, CurrentCreate(from));
      SAFEDDL_ASSIGN_OR_RETURN(std::optional<std::string> target, CurrentCreate(to));
      if (!source) p.invalid = fmt::format("table {} does not exist", QuoteTable(from));
      if (target) p.invalid = fmt::format("table {} already exists", QuoteTable(to));
      if (!p.invalid.empty()) return Status::OK();
      if (!defs_.Get(from)) {
        AddRisks(p.risks, FindOpenSessions(conn_, from.db, from.table, own_sessions_), p.notes,
                 "open sessions");
      }
      defs_.Drop(from);
      defs_.Set(to, *source);
    }
    p.reverse.sql = "RENAME TABLE " + JoinStrings(back, ", ");
    p.reverse.lossless = true;
    p.reverse.verify_note = "renamed back in reverse order";
    p.recommendation = {Action::kNative,
                        "RENAME TABLE is instant; bound its metadata-lock wait "
                        "(SET SESSION lock_wait_timeout)",
                        s.sql};
    return Status::OK();
  }

 public:
  std::set<uint64_t> own_sessions_;

 private:
  mysql::Connection& conn_;
  ScratchSchema& scratch_;
  const PlanOptions& options_;
  Definitions defs_;
};

}  // namespace

std::string_view ActionName(Action a) {
  switch (a) {
    case Action::kNative:
      return "native";
    case Action::kOnline:
      return "online";
    case Action::kNativeInWindow:
      return "native_in_window";
    case Action::kRefuse:
      return "refuse";
  }
  return "?";
}

std::vector<std::string> StatementPlan::AcceptedAlgorithms() const {
  std::vector<std::string> out;
  for (const AlgorithmAnswer& a : native) {
    if (a.accepted) out.emplace_back(AlgorithmName(a.algorithm));
  }
  return out;
}

bool PlanReport::AnyRisk() const {
  for (const StatementPlan& s : statements) {
    if (!s.risks.empty() || s.recommendation.action == Action::kRefuse) return true;
  }
  return false;
}

Result<PlanReport> PlanStatements(mysql::Connection& conn,
                                  const std::vector<SchemaStatement>& statements,
                                  const PlanOptions& options) {
  PlanReport report;
  report.server = conn.server().version_string();
  SAFEDDL_RETURN_IF_ERROR(
      conn.Execute(fmt::format("SET SESSION lock_wait_timeout = {}", kLockWaitSeconds)));
  if (Result<std::vector<std::string>> replicas = mysql::ListReplicaAddresses(conn);
      replicas.ok()) {
    report.replicas = static_cast<int>(replicas->size());
  }
  if (Result<std::optional<std::string>> two =
          conn.QueryValue("SELECT @@GLOBAL.binlog_alter_two_phase");
      two.ok() && *two) {
    report.two_phase_alter = **two == "1";
  }
  SAFEDDL_ASSIGN_OR_RETURN(ScratchSchema scratch, ScratchSchema::Open(conn));
  report.scratch_binlogged = scratch.binlogged();
  Planner planner(conn, scratch, options);
  planner.own_sessions_.insert(conn.id());
  for (const SchemaStatement& s : statements) report.statements.push_back(planner.Plan(s));
  SAFEDDL_RETURN_IF_ERROR(scratch.Drop());
  return report;
}

}  // namespace safeddl::plan
