#include "snapshot/from_replica.h"

#include <fmt/format.h>

#include "binlog/server_position.h"
#include "common/strings.h"
#include "mysql/quote.h"
#include "mysql/replication.h"
#include "schema/introspect.h"
#include "snapshot/literal_rows.h"
#include "snapshot/point_in_time.h"
#include "snapshot/take.h"

namespace safeddl::snapshot {
namespace {

// The position "d-s-n" of one domain.
Result<binlog::Gtid> SingleDomainPosition(const std::string& pos) {
  Result<binlog::Gtid> g = binlog::ParseGtid(TrimWhitespace(pos));
  if (!g.ok()) {
    return FailedPreconditionError(fmt::format(
        "the replica's GTID position is '{}': a snapshot from a replica needs one GTID domain "
        "with at least one transaction applied",
        pos));
  }
  return g;
}

}  // namespace

Result<FromReplicaSnapshot> TakeFromReplica(mysql::Connection& primary, mysql::Connection& replica,
                                            const binlog::ServerSourceOptions& primary_source,
                                            const FromReplicaRequest& request) {
  SAFEDDL_RETURN_IF_ERROR(CheckWhere(request.where));
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<mysql::ReplicationStatus> status,
                           mysql::ReadReplicationStatus(replica));
  if (!status) {
    return FailedPreconditionError(
        "--from-replica: that server is not a replica (SHOW SLAVE STATUS is empty)");
  }
  if (status->sql_running) {
    return FailedPreconditionError(
        "--from-replica: the replica's SQL thread is running, so its rows would move under the "
        "copy. Stop it where the rows should be taken (safeddl replica stop-before --gtid G)");
  }
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<std::string> pos,
                           replica.QueryValue("SELECT @@GLOBAL.gtid_slave_pos"));
  FromReplicaSnapshot out;
  out.replica_gtid = pos.value_or("");
  SAFEDDL_ASSIGN_OR_RETURN(binlog::Gtid at, SingleDomainPosition(out.replica_gtid));

  SAFEDDL_ASSIGN_OR_RETURN(std::string q_table,
                           mysql::QuoteQualified(request.database, request.table));
  SAFEDDL_ASSIGN_OR_RETURN(std::string on_primary, schema::TableDefinition(primary, q_table));
  SAFEDDL_ASSIGN_OR_RETURN(std::string on_replica, schema::TableDefinition(replica, q_table));
  if (on_primary != on_replica) {
    return FailedPreconditionError(fmt::format(
        "`{}`.`{}` is defined differently on the replica and on the primary, so its rows "
        "cannot be taken across as they are.\nprimary: {}\nreplica: {}",
        request.database, request.table, on_primary, on_replica));
  }
  if (!request.where.empty()) {
    Status valid =
        replica.Execute(fmt::format("SELECT 1 FROM {} WHERE ({}) LIMIT 0", q_table, request.where));
    if (!valid.ok()) return InvalidArgumentError("--where: " + valid.message());
  }

  // The primary's binlog position of the replica's state: right after its last transaction.
  SAFEDDL_ASSIGN_OR_RETURN(binlog::BinlogPosition oldest, binlog::OldestBinlogPosition(primary));
  PointInTime point;
  point.gtid = at;
  point.text = at.ToString();
  Result<binlog::BinlogPosition> coordinates = FindPoint(primary, primary_source, oldest, point);
  if (!coordinates.ok()) {
    return FailedPreconditionError(fmt::format(
        "the primary's binlog no longer holds the replica's position {} (its oldest file starts "
        "at {}): the rows could not be brought forward from there",
        at.ToString(), oldest.ToString()));
  }
  SAFEDDL_RETURN_IF_ERROR(
      ForEachTransaction(primary, primary_source, *coordinates, [&](const TransactionMark& t) {
        out.next = t.gtid;
        return !t.gtid.has_value();
      }));

  SAFEDDL_RETURN_IF_ERROR(EnsureCatalog(primary));
  SnapshotRecord record;
  record.source_db = request.database;
  record.source_table = request.table;
  record.where = request.where;
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet create, primary.Query("SHOW CREATE TABLE " + q_table));
  record.create_statement = create.empty() ? "" : create[0][1].value_or("");
  SAFEDDL_ASSIGN_OR_RETURN(record, BeginSnapshot(primary, record));
  Status copied = [&]() -> Status {
    SAFEDDL_ASSIGN_OR_RETURN(std::string q_snapshot,
                             mysql::QuoteQualified(kSnapshotSchema, record.snapshot_table));
    SAFEDDL_RETURN_IF_ERROR(
        primary.Execute(fmt::format("CREATE TABLE {} LIKE {}", q_snapshot, q_table)));
    SAFEDDL_RETURN_IF_ERROR(CopyLiteralRows(replica, request.database, request.table, request.where,
                                            primary, q_snapshot)
                                .status());
    SAFEDDL_ASSIGN_OR_RETURN(schema::TableSchema source,
                             schema::IntrospectTable(replica, request.database, request.table));
    SAFEDDL_ASSIGN_OR_RETURN(
        schema::TableSchema kept,
        schema::IntrospectTable(primary, kSnapshotSchema, record.snapshot_table));
    SAFEDDL_ASSIGN_OR_RETURN(RowsAndChecksum theirs,
                             CountRowsAndChecksum(replica, source, q_table, request.where));
    SAFEDDL_ASSIGN_OR_RETURN(RowsAndChecksum ours,
                             CountRowsAndChecksum(primary, kept, q_snapshot, ""));
    if (!(theirs == ours)) {
      return InternalError(fmt::format(
          "the copy differs from the replica's rows ({} rows, checksum {} against {} rows, "
          "checksum {})",
          ours.rows, ours.checksum, theirs.rows, theirs.checksum));
    }
    record.rows = ours.rows;
    record.checksum = ours.checksum;
    record.binlog_file = coordinates->file;
    record.binlog_position = coordinates->offset;
    record.gtid = out.replica_gtid;
    return FinishSnapshot(primary, record);
  }();
  if (!copied.ok()) {
    DropSnapshot(primary, record.id).IgnoreError();
    return copied;
  }
  SAFEDDL_ASSIGN_OR_RETURN(out.record, FindSnapshot(primary, record.id));
  return out;
}

}  // namespace safeddl::snapshot
