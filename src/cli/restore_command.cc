#include "cli/restore_command.h"

#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "binlog/server_position.h"
#include "cli/binlog_command.h"
#include "common/strings.h"
#include "flashback/range_filter.h"
#include "mysql/quote.h"
#include "osc/migration_options.h"
#include "osc/session_setup.h"
#include "snapshot/point_in_time.h"
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
  cmd->add_option("--until", opts->until,
                  "Put the rows back as they were at this point: a GTID (after its transaction) "
                  "or 'YYYY-MM-DD HH:MM:SS' UTC (after the last transaction logged by then); the "
                  "binlog must still hold the snapshot's coordinates");
  cmd->add_option("--skip-gtid", opts->skip_gtids,
                  "Put the rows back as they would be without this transaction (a GTID; "
                  "repeatable): the snapshot brought forward along the binlog to --until, or to "
                  "its end now, leaving it out")
      ->delimiter(',');
  cmd->add_flag("--replace-table", opts->replace_table,
                "Swap the whole table back: the rows into a new table, swapped in by one RENAME; "
                "rows added since are not kept (the table replaced is kept as _<t>_pre_restore)");
  cmd->add_option("--replica-server-id", opts->replica_server_id,
                  "Server id of the binlog reader for --until (default: chosen per process)");
  cmd->add_flag("--json", opts->json, "Print the result as JSON");
  cmd->callback([opts, &slot] { slot = [opts] { return RunRestore(*opts); }; });
}

namespace {

Result<snapshot::PointInTime> ParseUntil(const std::string& text) {
  snapshot::PointInTime point;
  point.text = text;
  if (Result<binlog::Gtid> gtid = binlog::ParseGtid(text); gtid.ok()) {
    point.gtid = *gtid;
    return point;
  }
  Result<uint32_t> time = ParseBinlogDatetime(text);
  if (!time.ok()) {
    return InvalidArgumentError(
        fmt::format("--until '{}' is neither a GTID (domain-server-sequence) nor a date and time "
                    "(YYYY-MM-DD HH:MM:SS, UTC)",
                    text));
  }
  point.time = *time;
  return point;
}

// The snapshot brought forward to --until (or the binlog's end now), leaving out --skip-gtid's
// transactions, in a working table (dropped by the caller).
Result<std::string> BringForwardUntil(const RestoreCommandOptions& o, Session& session,
                                      const std::optional<snapshot::PointInTime>& point,
                                      const std::vector<binlog::Gtid>& skip, std::string* reached) {
  SAFEDDL_ASSIGN_OR_RETURN(snapshot::SnapshotRecord s, snapshot::FindSnapshot(*session.conn, o.id));
  const binlog::BinlogPosition from{s.binlog_file, s.binlog_position};
  SAFEDDL_RETURN_IF_ERROR(binlog::CheckBinlogHolds(*session.conn, from,
                                                   fmt::format("snapshot {}'s coordinates", s.id)));
  binlog::ServerSourceOptions source;
  source.connect = session.options;
  source.server_id = o.replica_server_id != 0 ? o.replica_server_id : DefaultBinlogServerId();
  binlog::BinlogPosition until;
  if (point) {
    SAFEDDL_ASSIGN_OR_RETURN(until, snapshot::FindPoint(*session.conn, source, from, *point));
  } else {
    SAFEDDL_ASSIGN_OR_RETURN(until, binlog::CurrentBinlogPosition(*session.conn));
  }
  *reached = until.ToString();
  return snapshot::BringForward(*session.conn, source, s, until, skip);
}

}  // namespace

Status RunRestore(const RestoreCommandOptions& o) {
  std::vector<binlog::Gtid> skip;
  for (const std::string& text : o.skip_gtids) {
    Result<binlog::Gtid> gtid = binlog::ParseGtid(text);
    if (!gtid.ok()) return gtid.status().WithContext("--skip-gtid");
    skip.push_back(*gtid);
  }
  SAFEDDL_ASSIGN_OR_RETURN(Session session, OpenSession(o.connection));
  SAFEDDL_RETURN_IF_ERROR(osc::PrepareSession(*session.conn, osc::MigrationOptions{}));
  snapshot::RestoreRequest request;
  request.id = o.id;
  request.execute = o.execute;
  request.replace_table = o.replace_table;
  std::string reached;
  if (!o.until.empty() || !skip.empty()) {
    std::optional<snapshot::PointInTime> point;
    if (!o.until.empty()) {
      SAFEDDL_ASSIGN_OR_RETURN(point, ParseUntil(o.until));
    }
    SAFEDDL_ASSIGN_OR_RETURN(request.from_table,
                             BringForwardUntil(o, session, point, skip, &reached));
  }
  Result<snapshot::RestoreReport> restored = snapshot::RestoreSnapshot(*session.conn, request);
  if (!request.from_table.empty()) {
    session.conn
        ->Execute("DROP TABLE IF EXISTS " +
                  *mysql::QuoteQualified(snapshot::kSnapshotSchema, request.from_table))
        .IgnoreError();
  }
  SAFEDDL_ASSIGN_OR_RETURN(snapshot::RestoreReport r, std::move(restored));
  const snapshot::SnapshotRecord& s = r.snapshot;
  if (o.json) {
    nlohmann::json j = {
        {"snapshot", s.id},
        {"table", fmt::format("{}.{}", s.source_db, s.source_table)},
        {"changed", r.changed},
        {"deleted", r.deleted},
        {"added_since", r.added_since},
        {"executed", r.executed},
        {"written", r.written},
        {"remaining", r.remaining},
        {"until", o.until.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.until)},
        {"until_position", reached},
        {"skipped", o.skip_gtids},
        {"replace_table", o.replace_table},
        {"column_snapshot", r.column_snapshot}};
    if (o.replace_table) j["replaced_kept_as"] = r.replaced_kept_as;
    fmt::print("{}\n", j.dump(2));
  } else {
    fmt::print("snapshot {} of `{}`.`{}` ({} rows at {}:{}){}:\n", s.id, s.source_db,
               s.source_table, s.rows, s.binlog_file, s.binlog_position,
               reached.empty() ? ""
                               : fmt::format(", brought forward to {} (binlog {}){}",
                                             o.until.empty() ? "now" : o.until, reached,
                                             o.skip_gtids.empty()
                                                 ? ""
                                                 : " without " + JoinStrings(o.skip_gtids, ", ")));
    fmt::print("  {} row(s) changed since, {} deleted since{}; {} added since ({})\n", r.changed,
               r.deleted,
               r.column_snapshot ? " (not put back: the snapshot holds only some columns)" : "",
               r.added_since, o.replace_table ? "not kept" : "kept");
    if (r.executed && o.replace_table) {
      fmt::print(
          "  the table now holds the snapshot's {} row(s); the table it replaced is kept as "
          "`{}`.`{}`\n",
          r.written, s.source_db, r.replaced_kept_as);
    } else if (o.replace_table) {
      fmt::print(
          "  dry run: nothing changed (add --execute to swap the table back; it will be "
          "kept as `{}`.`{}`)\n",
          s.source_db, r.replaced_kept_as);
    } else if (r.executed) {
      fmt::print("  put back: {} row(s); still differing: {}\n", r.written, r.remaining);
    } else if (r.changed + r.deleted > 0) {
      fmt::print("  dry run: nothing changed (add --execute)\n");
    }
  }
  std::fflush(stdout);
  return Status::OK();
}

}  // namespace safeddl::cli
