#include "cli/restore_command.h"

#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "osc/migration_options.h"
#include "osc/session_setup.h"
#include "snapshot/restore.h"

namespace safeddl::cli {

void SetupRestore(CLI::App& parent, CommandSlot& slot) {
  auto opts = std::make_shared<RestoreCommandOptions>();
  CLI::App* cmd = parent.add_subcommand(
      "restore",
      "Put a snapshot's rows back into their table by key: rows changed since are set back, rows "
      "deleted since are inserted, rows added since are kept. Without --execute: a dry run.\n"
      "Exit status: 0 done (or dry run), 1 refused or failed, 2 connection, 64 usage.");
  AddConnectionFlags(*cmd, opts->connection);
  cmd->add_option("id", opts->id, "The snapshot's id (see `safeddl snapshot list`)")->required();
  cmd->add_flag("--execute", opts->execute, "Do it (default: count only)");
  cmd->add_flag("--json", opts->json, "Print the result as JSON");
  cmd->callback([opts, &slot] { slot = [opts] { return RunRestore(*opts); }; });
}

Status RunRestore(const RestoreCommandOptions& o) {
  SAFEDDL_ASSIGN_OR_RETURN(Session session, OpenSession(o.connection));
  SAFEDDL_RETURN_IF_ERROR(osc::PrepareSession(*session.conn, osc::MigrationOptions{}));
  snapshot::RestoreRequest request;
  request.id = o.id;
  request.execute = o.execute;
  SAFEDDL_ASSIGN_OR_RETURN(snapshot::RestoreReport r,
                           snapshot::RestoreSnapshot(*session.conn, request));
  const snapshot::SnapshotRecord& s = r.snapshot;
  if (o.json) {
    nlohmann::json j = {{"snapshot", s.id},
                        {"table", fmt::format("{}.{}", s.source_db, s.source_table)},
                        {"changed", r.changed},
                        {"deleted", r.deleted},
                        {"added_since", r.added_since},
                        {"executed", r.executed},
                        {"written", r.written},
                        {"remaining", r.remaining}};
    fmt::print("{}\n", j.dump(2));
  } else {
    fmt::print("snapshot {} of `{}`.`{}` ({} rows at {}:{}):\n", s.id, s.source_db, s.source_table,
               s.rows, s.binlog_file, s.binlog_position);
    fmt::print("  {} row(s) changed since, {} deleted since; {} added since (kept)\n", r.changed,
               r.deleted, r.added_since);
    if (r.executed) {
      fmt::print("  put back: {} row(s); still differing: {}\n", r.written, r.remaining);
    } else if (r.changed + r.deleted > 0) {
      fmt::print("  dry run: nothing changed (add --execute)\n");
    }
  }
  std::fflush(stdout);
  return Status::OK();
}

}  // namespace safeddl::cli
