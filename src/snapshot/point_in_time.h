// Point-in-time restore of one table: a snapshot's rows brought forward along the table's binlog
// to a chosen point — right after a given GTID's transaction, or after the last transaction logged
// at or before a given time — in a working table beside the snapshot, from which restore puts the
// rows back by key (restore.h). Together with a `--where` snapshot taken before a change, this
// restores exactly the rows a bad statement touched, as they were just before it, while every
// other row keeps its later writes. The binlog must still hold the snapshot's coordinates.
//
// Not thread-safe (one connection; the binlog streams have their own).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "binlog/binlog_position.h"
#include "binlog/gtid_event.h"
#include "binlog/server_event_source.h"
#include "common/result.h"
#include "mysql/connection.h"
#include "snapshot/catalog.h"

namespace safeddl::snapshot {

struct PointInTime {
  std::optional<binlog::Gtid> gtid;  // up to and including this GTID's transaction
  std::optional<uint32_t> time;      // up to the last transaction logged at or before (UTC s)
  std::string text;                  // as given, for messages
};

// One transaction of the binlog, as a walk over it sees it.
struct TransactionMark {
  std::optional<binlog::Gtid> gtid;
  binlog::BinlogPosition end;  // right after its last event
  uint32_t timestamp = 0;      // when it was logged (UTC seconds)
};
// Returns false to stop the walk.
using TransactionVisitor = std::function<bool(const TransactionMark&)>;

// Walks the transactions of the server's binlog from `from` to its end as it is now.
Status ForEachTransaction(mysql::Connection& conn, binlog::ServerSourceOptions source,
                          const binlog::BinlogPosition& from, const TransactionVisitor& visit);

// The first transaction with a GTID logged after `time` (UTC seconds), from `from` on; nullopt
// when none was by the binlog's end (replica stop-before --datetime).
Result<std::optional<TransactionMark>> FirstTransactionAfter(mysql::Connection& conn,
                                                             binlog::ServerSourceOptions source,
                                                             const binlog::BinlogPosition& from,
                                                             uint32_t time);

// The binlog position right after the last transaction up to `point`, read from `from` to the
// server's end as it is now (`source` carries the connection and reader server id). NotFound
// when a GTID is not met before that end; a time past the end gives the end.
Result<binlog::BinlogPosition> FindPoint(mysql::Connection& conn,
                                         binlog::ServerSourceOptions source,
                                         const binlog::BinlogPosition& from,
                                         const PointInTime& point);

// A working table in the snapshot schema holding the snapshot's rows with the table's changes
// from the snapshot's coordinates up to `until` applied (full row images by key: osc's capture
// and applier), then the rows outside the snapshot's WHERE removed; its name is returned and the
// caller drops it. Refused when a DDL changed the table in that stretch of the binlog. The
// transactions in `skip` are left out (restore --skip-gtid: everything but a bad transaction);
// NotFound when one of them is not in that stretch.
Result<std::string> BringForward(mysql::Connection& conn, binlog::ServerSourceOptions source,
                                 const SnapshotRecord& snapshot,
                                 const binlog::BinlogPosition& until,
                                 const std::vector<binlog::Gtid>& skip = {});

}  // namespace safeddl::snapshot
