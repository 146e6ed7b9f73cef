#include "osc/inspector.h"

#include <fmt/format.h>

#include <ctime>
#include <optional>

#include "common/strings.h"
#include "mysql/quote.h"
#include "mysql/replication.h"
#include "schema/introspect.h"

namespace safeddl::osc {
namespace {

std::string Names(const std::vector<std::string>& names) {
  std::vector<std::string> quoted;
  for (const auto& n : names) quoted.push_back("`" + n + "`");
  return JoinStrings(quoted, ", ");
}

Status CheckBinlog(mysql::Connection& conn, const MigrationOptions& options) {
  SAFEDDL_ASSIGN_OR_RETURN(
      mysql::ResultSet rs,
      conn.Query("SELECT @@global.log_bin AS log_bin, @@global.binlog_format AS format, "
                 "@@global.binlog_row_image AS image"));
  const mysql::Row& row = rs[0];
  if (row.GetString("log_bin") != "1") {
    return FailedPreconditionError(
        "the binary log is off: safeddl reads changes from it. Start the server with log_bin, "
        "binlog_format=ROW and binlog_row_image=FULL");
  }
  if (row.GetString("format") != "ROW") {
    if (options.switch_to_rbr) {
      SAFEDDL_RETURN_IF_ERROR(conn.Execute("SET GLOBAL binlog_format = 'ROW'"));
      return FailedPreconditionError(
          "--switch-to-rbr: binlog_format is now ROW for new connections, but connections "
          "opened before keep writing STATEMENT events that safeddl cannot apply. Reconnect "
          "the applications (or wait until they have), then run again with --assume-rbr");
    }
    if (!options.assume_rbr) {
      return FailedPreconditionError(fmt::format(
          "binlog_format is {}: online ALTER needs ROW. Run SET GLOBAL binlog_format = 'ROW' "
          "(and in my.cnf), let the applications reconnect, then pass --assume-rbr",
          row.GetString("format")));
    }
  }
  if (row.GetString("image") != "FULL") {
    return FailedPreconditionError(
        fmt::format("binlog_row_image is {}: safeddl applies full row images. Run SET GLOBAL "
                    "binlog_row_image = 'FULL' (and in my.cnf)",
                    row.GetString("image")));
  }
  return Status::OK();
}

// Whether the server is a replica, against what was asked: safeddl changes the server it connects
// to, and a table changed on a replica alone drifts from its primary, so that takes one of the
// on-replica flags; and replicated changes must reach this server's binlog.
Status CheckTopology(mysql::Connection& conn, const MigrationOptions& options,
                     std::vector<std::string>* notes) {
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<mysql::ReplicationStatus> replica,
                           mysql::ReadReplicationStatus(conn));
  const bool on_replica_flag = options.migrate_on_replica || options.test_on_replica;
  if (!replica) {
    if (on_replica_flag) {
      return FailedPreconditionError(
          "--migrate-on-replica / --test-on-replica: this server is not a replica (SHOW REPLICA "
          "STATUS is empty); connect to the replica, or drop the flag to migrate this server");
    }
    return Status::OK();
  }
  const std::string source = replica->source_host + ":" + replica->source_port;
  if (!on_replica_flag) {
    return FailedPreconditionError(fmt::format(
        "this server is a replica of {}: safeddl changes the server it connects to, and a table "
        "changed on a replica alone drifts from its primary. Connect to the primary; or pass "
        "--migrate-on-replica to change this replica's table only, or --test-on-replica to "
        "rehearse the migration here",
        source));
  }
  SAFEDDL_ASSIGN_OR_RETURN(auto updates, conn.QueryValue("SELECT @@global.log_slave_updates"));
  if (updates.value_or("0") != "1") {
    return FailedPreconditionError(
        "log_slave_updates is OFF on this replica: the changes it receives from its primary are "
        "not in its own binlog, so safeddl could not carry them over. Set log_slave_updates = ON "
        "(in my.cnf; it needs a restart) to migrate on this replica");
  }
  if (options.migrate_on_replica) {
    notes->push_back(fmt::format(
        "--migrate-on-replica: only this replica's table changes; after the swap, row events "
        "from {} must still apply to the new definition (adding columns at the end or indexes "
        "is safe; dropping or reordering columns breaks replication)",
        source));
  }
  if (!replica->sql_running) {
    notes->push_back(
        "replication's SQL thread is not running on this replica: changes from the "
        "primary wait until it is started");
  }
  return Status::OK();
}

Status ClearLeftover(mysql::Connection& conn, const MigrationPlan& plan, const std::string& name,
                     const std::string& quoted, bool may_drop, const char* flag) {
  SAFEDDL_ASSIGN_OR_RETURN(bool exists, schema::TableExists(conn, plan.database, name));
  if (!exists) return Status::OK();
  if (!may_drop) {
    return AlreadyExistsError(fmt::format(
        "table {} already exists (left by an earlier run?): drop it, or pass {}", quoted, flag));
  }
  return conn.Execute("DROP TABLE " + quoted);
}

// Reads the triggers to carry over and proves they can be created on the new table: on the empty
// ghost of a new run (a body that names a column the ALTER drops fails here), then drops them.
// A resumed run's ghost may hold them from a cut-over attempt that was killed: they go.
Status PlanTriggers(mysql::Connection& conn, const MigrationOptions& options, MigrationPlan& plan,
                    std::vector<std::string>* notes) {
  SAFEDDL_ASSIGN_OR_RETURN(plan.triggers,
                           PlanTriggerCopies(conn, plan.original, options.trigger_suffix,
                                             options.remove_trigger_suffix_if_exists));
  SAFEDDL_ASSIGN_OR_RETURN(int leftover, DropTriggersOn(conn, plan.database, plan.names.ghost));
  if (options.resume && leftover > 0) {
    notes->push_back(fmt::format(
        "dropped {} trigger(s) from the ghost table, left by a cut-over attempt that was killed",
        leftover));
  }
  if (plan.triggers.empty() || options.resume) return Status::OK();
  SAFEDDL_ASSIGN_OR_RETURN(auto trial, mysql::Connection::Open(conn.options()));
  Status created = CreateTriggerCopies(*trial, plan.triggers, plan.database, plan.q_ghost);
  SAFEDDL_RETURN_IF_ERROR(DropTriggersOn(conn, plan.database, plan.names.ghost).status());
  if (!created.ok()) {
    return Status(created.code(),
                  "the table's triggers cannot be created on the new table (tried on the empty "
                  "ghost; nothing else was changed): " +
                      created.message(),
                  created.server_errno(), created.sqlstate());
  }
  for (const TriggerCopy& t : plan.triggers) {
    notes->push_back(fmt::format("trigger `{}` ({} {}) will be created on the new table as `{}`",
                                 t.original.name, schema::TriggerTimingName(t.original.timing),
                                 schema::TriggerEventName(t.original.event), t.new_name));
  }
  return Status::OK();
}

Status FillKeyAndColumns(MigrationPlan& plan, std::vector<std::string>* notes) {
  for (size_t i = 0; i < plan.key.original_columns.size(); ++i) {
    const schema::Column* oc = plan.original.FindColumn(plan.key.original_columns[i]);
    const schema::Column* gc = plan.ghost.FindColumn(plan.key.ghost_columns[i]);
    if (oc == nullptr || gc == nullptr) return InternalError("shared key column not found");
    SAFEDDL_ASSIGN_OR_RETURN(KeyColumn ok,
                             MakeKeyColumn(oc->name, oc->data_type, oc->charset.value_or(""),
                                           oc->collation.value_or("")));
    SAFEDDL_ASSIGN_OR_RETURN(KeyColumn gk,
                             MakeKeyColumn(gc->name, gc->data_type, gc->charset.value_or(""),
                                           gc->collation.value_or("")));
    if (ok.kind != gk.kind) {
      return UnsupportedError(fmt::format(
          "the ALTER changes the kind of key column `{}` ({} to {}): safeddl needs the key it "
          "copies by to keep its kind of values",
          oc->name, oc->column_type, gc->column_type));
    }
    plan.original_key.push_back(ok);
    plan.ghost_key.push_back(gk);
    plan.key_positions.push_back(static_cast<size_t>(oc->ordinal - 1));
  }
  for (const auto& shared : plan.mapping.shared) {
    const schema::Column* oc = plan.original.FindColumn(shared.source);
    const schema::Column* gc = plan.ghost.FindColumn(shared.target);
    if (oc == nullptr || gc == nullptr) return InternalError("shared column not found");
    plan.shared_positions.push_back(static_cast<size_t>(oc->ordinal - 1));
    std::string why;
    if (std::optional<ChecksumColumn> c = CompareExpressions(*oc, *gc, &why)) {
      plan.checksum_columns.push_back(std::move(*c));
    } else {
      plan.unchecked_columns.push_back(fmt::format("`{}` ({})", oc->name, why));
    }
  }
  if (!plan.unchecked_columns.empty()) {
    notes->push_back("the checksum compares row counts and every column but: " +
                     JoinStrings(plan.unchecked_columns, "; "));
  }
  return Status::OK();
}

}  // namespace

Status RefuseUnsafe(const schema::TableSchema& t, const schema::AlterAnalysis& a,
                    const MigrationOptions& options, std::vector<std::string>* notes) {
  const std::string name = fmt::format("`{}`.`{}`", t.db, t.name);
  if (a.empty()) return InvalidArgumentError("--alter has nothing to do");
  if (a.renames_table) {
    return UnsupportedError(fmt::format(
        "the ALTER renames the table (RENAME {}): use RENAME TABLE directly, it is instant",
        a.new_table_name));
  }
  if (!a.unsupported_clauses.empty()) {
    return UnsupportedError("the ALTER has clauses an online copy cannot do: " +
                            JoinStrings(a.unsupported_clauses, ", "));
  }
  if (!a.renamed_columns.empty() && !options.approve_renamed_columns &&
      !options.skip_renamed_columns) {
    std::vector<std::string> renames;
    for (const auto& r : a.renamed_columns)
      renames.push_back(fmt::format("`{}` -> `{}`", r.from, r.to));
    return FailedPreconditionError(fmt::format(
        "the ALTER renames columns ({}): if that is right, pass --approve-renamed-columns to "
        "copy their values across; --skip-renamed-columns leaves the new columns empty",
        JoinStrings(renames, ", ")));
  }
  if (!t.referenced_by.empty()) {
    std::vector<std::string> children;
    for (const auto& fk : t.referenced_by)
      children.push_back(fmt::format("`{}`.`{}` ({})", fk.child_db, fk.child_table, fk.name));
    return UnsupportedError(fmt::format(
        "{} is referenced by foreign keys of {}: swapping it would leave them pointing at the "
        "old table. Drop those foreign keys first, or use ALTER TABLE directly",
        name, JoinStrings(children, ", ")));
  }
  if (!t.foreign_keys.empty()) {
    std::vector<std::string> fks;
    for (const auto& fk : t.foreign_keys) fks.push_back(fk.name);
    if (!options.discard_foreign_keys) {
      return UnsupportedError(
          fmt::format("{} has foreign keys ({}): the new table would be created without them. Pass "
                      "--discard-foreign-keys to accept that, or use ALTER TABLE directly",
                      name, JoinStrings(fks, ", ")));
    }
    notes->push_back("--discard-foreign-keys: the new table has no foreign keys (" +
                     JoinStrings(fks, ", ") + ")");
  }
  if (!t.triggers.empty() && (!options.include_triggers || options.trigger_capture)) {
    std::vector<std::string> names;
    for (const auto& tr : t.triggers) names.push_back(tr.name);
    if (options.trigger_capture) {
      return UnsupportedError(fmt::format(
          "{} has triggers ({}): Galera's online copy carries the writes with triggers of its "
          "own and does not carry a table's own triggers over yet. Use --galera-method toi or "
          "rsu for this table",
          name, JoinStrings(names, ", ")));
    }
    return FailedPreconditionError(fmt::format(
        "{} has triggers ({}): pass --include-triggers --trigger-suffix=<suffix> to create them "
        "on the new table at the cut-over (under new names: the old table keeps its own)",
        name, JoinStrings(names, ", ")));
  }
  if (t.system_versioned) {
    return UnsupportedError(name + " is system-versioned: its history cannot be copied online");
  }
  if (AsciiLower(t.engine) != "innodb") {
    return UnsupportedError(
        fmt::format("{} uses the {} engine: online ALTER needs InnoDB "
                    "(transactional copy and consistent snapshots)",
                    name, t.engine));
  }
  return Status::OK();
}

Status MapGhost(MigrationPlan& plan, bool skip_renamed_columns, std::vector<std::string>* notes) {
  SAFEDDL_ASSIGN_OR_RETURN(plan.mapping,
                           schema::MapColumns(plan.original, plan.ghost, plan.analysis));
  if (!plan.mapping.generated_to_stored.empty()) {
    return UnsupportedError("the ALTER turns generated columns into ordinary ones (" +
                            Names(plan.mapping.generated_to_stored) +
                            "): their values cannot be copied online");
  }
  if (skip_renamed_columns) {
    std::vector<schema::SharedColumn> kept;
    for (const auto& c : plan.mapping.shared) {
      if (AsciiLower(c.source) == AsciiLower(c.target)) kept.push_back(c);
    }
    plan.mapping.shared = kept;
  }
  return KeyAndColumns(plan, notes);
}

Status KeyAndColumns(MigrationPlan& plan, std::vector<std::string>* notes) {
  SAFEDDL_ASSIGN_OR_RETURN(plan.key,
                           schema::ChooseSharedKey(plan.original, plan.ghost, plan.mapping));
  return FillKeyAndColumns(plan, notes);
}

Result<MigrationPlan> Inspect(mysql::Connection& conn, const MigrationOptions& options,
                              std::vector<std::string>* notes) {
  MigrationPlan plan;
  plan.database = options.database;
  SAFEDDL_ASSIGN_OR_RETURN(plan.analysis, schema::AnalyzeAlter(options.alter));
  plan.alter = plan.analysis.ghost_alter;
  for (const auto& c : plan.analysis.stripped_clauses) {
    notes->push_back("ignoring '" + c + "' in --alter: safeddl copies online itself");
  }
  if (!options.trigger_capture) {
    SAFEDDL_RETURN_IF_ERROR(CheckBinlog(conn, options));
    SAFEDDL_RETURN_IF_ERROR(CheckTopology(conn, options, notes));
  }
  SAFEDDL_ASSIGN_OR_RETURN(plan.original,
                           schema::IntrospectTable(conn, options.database, options.table));
  SAFEDDL_RETURN_IF_ERROR(RefuseUnsafe(plan.original, plan.analysis, options, notes));

  char stamp[32];
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", &tm);
  SAFEDDL_ASSIGN_OR_RETURN(plan.names, MakeTableNames(options.table, options.force_table_names,
                                                      options.timestamp_old_table, stamp));
  SAFEDDL_ASSIGN_OR_RETURN(plan.q_original,
                           mysql::QuoteQualified(plan.database, plan.names.original));
  SAFEDDL_ASSIGN_OR_RETURN(plan.q_ghost, mysql::QuoteQualified(plan.database, plan.names.ghost));
  SAFEDDL_ASSIGN_OR_RETURN(plan.q_changelog,
                           mysql::QuoteQualified(plan.database, plan.names.changelog));
  SAFEDDL_ASSIGN_OR_RETURN(plan.q_checkpoint,
                           mysql::QuoteQualified(plan.database, plan.names.checkpoint));
  SAFEDDL_ASSIGN_OR_RETURN(plan.q_old, mysql::QuoteQualified(plan.database, plan.names.old));
  SAFEDDL_ASSIGN_OR_RETURN(plan.q_revert, mysql::QuoteQualified(plan.database, plan.names.revert));
  SAFEDDL_ASSIGN_OR_RETURN(plan.q_applied,
                           mysql::QuoteQualified(plan.database, plan.names.applied));

  if (options.resume) {
    // The ghost of the run being resumed holds its copy; it must be there, and is kept.
    SAFEDDL_ASSIGN_OR_RETURN(bool ghost_exists,
                             schema::TableExists(conn, plan.database, plan.names.ghost));
    if (!ghost_exists) {
      return NotFoundError(fmt::format(
          "--resume: there is no ghost table {} to resume (the run finished, was cleaned up, or "
          "never started); run the migration without --resume",
          plan.q_ghost));
    }
  } else {
    SAFEDDL_RETURN_IF_ERROR(ClearLeftover(conn, plan, plan.names.ghost, plan.q_ghost,
                                          options.initially_drop_ghost_table,
                                          "--initially-drop-ghost-table (or --resume to go on "
                                          "with the run that left it)"));
  }
  SAFEDDL_RETURN_IF_ERROR(ClearLeftover(conn, plan, plan.names.old, plan.q_old,
                                        options.initially_drop_old_table,
                                        "--initially-drop-old-table"));

  if (!options.resume) {
    // The ALTER is tried on the empty ghost first: a statement the server rejects fails here.
    SAFEDDL_RETURN_IF_ERROR(
        conn.Execute(fmt::format("CREATE TABLE {} LIKE {}", plan.q_ghost, plan.q_original)));
    Status altered = conn.Execute(fmt::format("ALTER TABLE {} {}", plan.q_ghost, plan.alter));
    if (!altered.ok()) {
      DropGhost(conn, plan).IgnoreError();
      return Status(StatusCode::kServerError,
                    "the server rejects the ALTER (tried on the empty ghost table; nothing else "
                    "was changed): " +
                        altered.message(),
                    altered.server_errno(), altered.sqlstate());
    }
  }
  Status planned = [&]() -> Status {
    if (options.include_triggers) SAFEDDL_RETURN_IF_ERROR(PlanTriggers(conn, options, plan, notes));
    SAFEDDL_ASSIGN_OR_RETURN(plan.ghost,
                             schema::IntrospectTable(conn, plan.database, plan.names.ghost));
    return MapGhost(plan, options.skip_renamed_columns, notes);
  }();
  if (!planned.ok()) {
    if (!options.resume) DropGhost(conn, plan).IgnoreError();
    return planned;
  }
  return plan;
}

Status DropGhost(mysql::Connection& conn, const MigrationPlan& plan) {
  return conn.Execute("DROP TABLE IF EXISTS " + plan.q_ghost);
}

}  // namespace safeddl::osc
