// Collector: takes the events of a binlog range in order and writes the flashback of the selected
// row changes to a ReverseSpool — each selected transaction as a kOpen record, one record per row
// change (its statement for the SQL script; for --execute the operation with its images as SQL
// literals, naming its table by an index into targets()), and a kClose record. It keeps no
// events: memory does not grow with a transaction's size.
//
// Event groups are recognised as binlog::TransactionGrouper does (GTID or BEGIN ... XID or
// COMMIT/ROLLBACK; a standalone GTID with its one statement). It also notes what makes a range
// unsafe to undo: DDL statements (checked against the tables with row changes by
// ConflictingDdl()), partial row images (an error at once) and a range ending inside a selected
// transaction (Finish()).
// Not thread-safe. The spool must outlive the collector.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "binlog/column_naming.h"
#include "binlog/event_parser.h"
#include "common/result.h"
#include "flashback/range_filter.h"
#include "flashback/reverse_spool.h"
#include "flashback/row_locator.h"
#include "flashback/row_op.h"
#include "flashback/spool_record.h"
#include "flashback/sql_writer.h"

namespace safeddl::flashback {

// What the current schema says about a table: its columns (to name them when the binlog does
// not), its unique keys (to find rows of tables without a primary key) and whether row order
// within a statement can matter (triggers, a foreign key to itself: see TableTarget). `columns`
// is nullopt when the table does not exist.
struct TableInfo {
  std::optional<std::vector<binlog::SchemaColumn>> columns;
  std::vector<UniqueKey> unique_keys;
  bool order_sensitive = false;
};
using TableInfoLookup =
    std::function<Result<TableInfo>(const std::string& database, const std::string& table)>;

struct CollectorOptions {
  RangeFilter filter;
  Direction direction = Direction::kUndo;
  bool for_execute = false;  // row operations as literals (kChange) instead of statements
};

struct DdlStatement {
  std::string position;  // "mariadb-bin.000001:1234"
  std::string gtid;      // empty without GTIDs
  std::string database;  // the statement's default database
  std::string statement;
};

struct CollectStats {
  uint64_t transactions = 0;
  uint64_t rows = 0;
  uint64_t inserts = 0;  // original kinds
  uint64_t updates = 0;
  uint64_t deletes = 0;
  std::string first_position;  // of the first selected transaction
  std::string last_position;   // of the last one
};

class Collector {
 public:
  // `lookup` may be empty (no server): names from the table map's metadata only.
  Collector(CollectorOptions options, ReverseSpool& spool, TableInfoLookup lookup);

  const RangeFilter& filter() const { return options_.filter; }

  // Takes the next event of the range, from binlog file `file`.
  Status Add(const binlog::Event& event, std::string_view file);

  // True once the --stop-gtid transaction is complete: the rest of the stream is not needed.
  bool done() const { return done_; }

  // Ends the range. FailedPrecondition when it ends inside a selected transaction.
  Status Finish();

  // DDL statements in the range that touch a table with selected row changes.
  std::vector<DdlStatement> ConflictingDdl() const;

  // "db.table" of every table with selected row changes, and how its rows are found.
  const std::map<std::pair<std::string, std::string>, std::string>& tables() const {
    return tables_;
  }

  const CollectStats& stats() const { return stats_; }

  // The tables the kChange records name, by index. Grows while events are added.
  const std::vector<TableTarget>& targets() const { return targets_; }

 private:
  struct Group {
    std::optional<binlog::Gtid> gtid;
    std::string position;
    uint32_t timestamp = 0;
    uint32_t server_id = 0;
    std::optional<uint32_t> thread_id;
    bool standalone = false;
    bool selected = true;
    bool opened = false;  // the kOpen record is written
    uint64_t rows = 0;
  };
  struct TableState {
    std::shared_ptr<const binlog::TableMapEvent> table;
    binlog::ColumnNaming naming;
    Result<uint32_t> target = InternalError("unresolved");  // index into targets_
    bool selected = false;
  };

  void OpenGroup(const binlog::Event& event, std::string_view file,
                 std::optional<binlog::Gtid> gtid, bool standalone);
  Status CloseGroup();
  bool GroupSelected(const Group& group);
  Status AddRows(const binlog::RowsEvent& rows, const binlog::Event& event, std::string_view file);
  Result<TableState*> StateFor(const std::shared_ptr<const binlog::TableMapEvent>& table);
  std::string Comment(const Group& group, bool with_rows) const;
  Status Write(const SpoolRecord& record);
  uint32_t Intern(TableTarget target);
  Status WriteRow(const TableTarget& target, uint32_t index, const binlog::RowsEvent& rows,
                  const binlog::ColumnNaming& naming, const binlog::RowChange& change,
                  const std::string& position);

  CollectorOptions options_;
  ReverseSpool& spool_;
  TableInfoLookup lookup_;
  std::optional<Group> group_;
  bool done_ = false;
  std::map<uint64_t, TableState> states_;
  std::map<std::string, TableInfo> info_cache_;
  std::map<std::pair<std::string, std::string>, std::string> tables_;
  std::vector<DdlStatement> ddl_;
  CollectStats stats_;
  std::vector<TableTarget> targets_;
  std::map<std::string, uint32_t> target_index_;  // by everything that makes a target
  std::string encoded_;
  std::vector<std::string> current_;  // literals of the row being written
  std::vector<std::string> target_;
};

}  // namespace safeddl::flashback
