#include "revert/revert_plan.h"

#include <fmt/format.h>

#include "common/strings.h"
#include "mysql/quote.h"
#include "osc/checkpoint.h"
#include "osc/inspector.h"
#include "osc/table_names.h"
#include "schema/introspect.h"

namespace safeddl::revert {
namespace {

// The definition of `db`.`name` as if it were named `as`; empty when the table is missing.
Result<std::string> DefinitionAs(mysql::Connection& conn, const std::string& db,
                                 const std::string& name, const std::string& as) {
  SAFEDDL_ASSIGN_OR_RETURN(bool exists, schema::TableExists(conn, db, name));
  if (!exists) return std::string();
  SAFEDDL_ASSIGN_OR_RETURN(std::string quoted, mysql::QuoteQualified(db, name));
  SAFEDDL_ASSIGN_OR_RETURN(std::string create, schema::TableDefinition(conn, quoted));
  return osc::DefinitionNamed(create, as);
}

// Why the newest record does not describe the tables as they are (for the refusal).
std::string Mismatch(const osc::RevertRecord& r, const std::string& q_table,
                     const std::string& q_old, const std::string& now, const std::string& old_now) {
  if (old_now.empty()) {
    return fmt::format(
        "the old table {} is gone (dropped?): there is nothing to swap back to. Restore the "
        "rows from a snapshot (`safeddl restore`) or reverse the change with an ALTER "
        "(`safeddl plan` shows its reverse)",
        q_old);
  }
  if (now != r.new_create) {
    return fmt::format(
        "{} is not the table swap {} made (its definition differs: another ALTER since, or "
        "that swap never completed); revert the later change first, or ALTER back by hand",
        q_table, r.generation);
  }
  return fmt::format(
      "the old table {} was changed since swap {}: it no longer holds the table as it was", q_old,
      r.generation);
}

}  // namespace

schema::ColumnMapping InvertMapping(const std::vector<schema::SharedColumn>& swap,
                                    const schema::TableSchema& now,
                                    const schema::TableSchema& old) {
  schema::ColumnMapping m;
  for (const schema::Column& c : now.columns) {
    if (c.IsGenerated()) continue;
    const schema::SharedColumn* pair = nullptr;
    for (const schema::SharedColumn& s : swap) {
      if (EqualsIgnoreCase(s.target, c.name)) pair = &s;
    }
    const schema::Column* target = pair ? old.FindColumn(pair->source) : nullptr;
    if (target != nullptr && !target->IsGenerated()) {
      m.shared.push_back({c.name, target->name});
    } else {
      m.dropped.push_back(c.name);
    }
  }
  for (const schema::Column& c : old.columns) {
    if (m.SourceOf(c.name) == nullptr) m.added.push_back(c.name);
  }
  return m;
}

Result<RevertSetup> PrepareRevert(mysql::Connection& conn, const std::string& db,
                                  const std::string& table, const std::string& force_table_names) {
  SAFEDDL_ASSIGN_OR_RETURN(osc::TableNames names,
                           osc::MakeTableNames(table, force_table_names, false, ""));
  SAFEDDL_ASSIGN_OR_RETURN(std::string q_table, mysql::QuoteQualified(db, table));
  SAFEDDL_ASSIGN_OR_RETURN(bool table_exists, schema::TableExists(conn, db, table));
  if (!table_exists) return NotFoundError(fmt::format("table {} does not exist", q_table));
  SAFEDDL_ASSIGN_OR_RETURN(std::string q_revert, mysql::QuoteQualified(db, names.revert));
  SAFEDDL_ASSIGN_OR_RETURN(std::vector<osc::RevertRecord> records,
                           osc::LoadRevertRecords(conn, q_revert));
  if (records.empty()) {
    return NotFoundError(fmt::format(
        "{} has no revert record ({}): only a change made by `safeddl alter` with its old table "
        "kept (no --ok-to-drop-table) can be swapped back; a change made natively (INSTANT) is "
        "reversed by an ALTER (`safeddl plan` writes it)",
        q_table, q_revert));
  }
  SAFEDDL_ASSIGN_OR_RETURN(std::string now, DefinitionAs(conn, db, table, table));
  std::optional<osc::RevertRecord> chosen;
  for (const osc::RevertRecord& r : records) {
    if (r.new_create != now) continue;
    SAFEDDL_ASSIGN_OR_RETURN(std::string old_now, DefinitionAs(conn, db, r.old_table, table));
    if (old_now == r.old_create) {
      chosen = r;
      break;
    }
  }
  if (!chosen) {
    const osc::RevertRecord& newest = records.front();
    SAFEDDL_ASSIGN_OR_RETURN(std::string q_old, mysql::QuoteQualified(db, newest.old_table));
    SAFEDDL_ASSIGN_OR_RETURN(std::string old_now, DefinitionAs(conn, db, newest.old_table, table));
    return FailedPreconditionError(Mismatch(newest, q_table, q_old, now, old_now));
  }

  RevertSetup setup;
  setup.record = *chosen;
  setup.label = fmt::format("revert of swap {} ({})", chosen->generation, chosen->alter);
  osc::MigrationPlan& plan = setup.plan;
  plan.database = db;
  plan.names = names;
  plan.names.ghost = chosen->old_table;
  plan.names.old = fmt::format("_{}_ghs", force_table_names.empty() ? table : force_table_names);
  if (plan.names.old.size() > osc::kMaxTableNameLength) {
    return InvalidArgumentError(fmt::format(
        "the cut-over sentry's name '{}' would be longer than {} characters: pass a shorter "
        "prefix with --force-table-names",
        plan.names.old, osc::kMaxTableNameLength));
  }
  plan.q_original = q_table;
  SAFEDDL_ASSIGN_OR_RETURN(plan.q_ghost, mysql::QuoteQualified(db, plan.names.ghost));
  SAFEDDL_ASSIGN_OR_RETURN(plan.q_changelog, mysql::QuoteQualified(db, names.changelog));
  SAFEDDL_ASSIGN_OR_RETURN(plan.q_checkpoint, mysql::QuoteQualified(db, names.checkpoint));
  SAFEDDL_ASSIGN_OR_RETURN(plan.q_old, mysql::QuoteQualified(db, plan.names.old));
  plan.q_revert = q_revert;
  SAFEDDL_ASSIGN_OR_RETURN(plan.q_applied, mysql::QuoteQualified(db, names.applied));
  SAFEDDL_ASSIGN_OR_RETURN(plan.q_unfit, mysql::QuoteQualified(db, names.unfit));
  plan.q_rename_old_to = plan.q_ghost;  // the swapped-out table takes the old table's name

  SAFEDDL_ASSIGN_OR_RETURN(plan.original, schema::IntrospectTable(conn, db, table));
  SAFEDDL_ASSIGN_OR_RETURN(plan.ghost, schema::IntrospectTable(conn, db, plan.names.ghost));
  if (!plan.ghost.triggers.empty()) {
    std::vector<std::string> triggers;
    for (const auto& t : plan.ghost.triggers) triggers.push_back("`" + t.name + "`");
    return FailedPreconditionError(fmt::format(
        "the old table {} has triggers ({}): replaying the changes into it would fire them for "
        "every row. Note their definitions (SHOW CREATE TRIGGER), drop them from {}, revert, "
        "then create them again",
        plan.q_ghost, JoinStrings(triggers, ", "), plan.q_ghost));
  }
  plan.mapping = InvertMapping(chosen->mapping, plan.original, plan.ghost);
  for (const std::string& c : plan.mapping.added) {
    const schema::Column* col = plan.ghost.FindColumn(c);
    if (col != nullptr && !col->IsGenerated()) plan.kept_columns.push_back(col->name);
  }
  SAFEDDL_RETURN_IF_ERROR(osc::KeyAndColumns(plan, &setup.notes)
                              .WithContext("the table and the old table share no usable key"));
  return setup;
}

}  // namespace safeddl::revert
