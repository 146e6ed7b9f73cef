// RowChangePrinter: the part of `safeddl binlog` shared by files and the server stream — picks
// the row changes the filters select, names their columns (table-map metadata, else the current
// schema through a lookup seam, else @1..@n; mismatches reported once on stderr) and writes them
// as JSON lines or SQL statements to a FILE*, buffered.
//
// Events may come from a parser with either RowsDecoding; with kDeferred (what `safeddl binlog`
// uses) JSON lines are rendered straight from the encoded row images, SQL statements from rows
// decoded here, and only the row images of the tables the filters select are looked at.
//
// The output FILE* must outlive the printer. Not thread-safe.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "binlog/column_naming.h"
#include "binlog/event_parser.h"
#include "binlog/output_buffer.h"
#include "binlog/row_change_json.h"
#include "binlog/row_json_renderer.h"
#include "common/result.h"

namespace safeddl::cli {

// The current columns of db.table; nullopt when the table does not exist (any more).
using SchemaLookup = std::function<Result<std::optional<std::vector<binlog::SchemaColumn>>>(
    const std::string& db, const std::string& table)>;

struct PrinterOptions {
  std::vector<std::string> databases;  // empty: all
  std::vector<std::string> tables;     // "t" (any database) or "db.t"; empty: all
  bool sql = false;
  std::optional<uint32_t> start_time;  // skip row changes logged before (seconds, UTC)
};

class RowChangePrinter {
 public:
  // `lookup` may be empty: no schema, names from metadata or positions.
  RowChangePrinter(PrinterOptions options, std::FILE* out, SchemaLookup lookup);
  ~RowChangePrinter();

  // Prints the row changes of `event` (a no-op for other events). Fails on a schema lookup error
  // or a write error.
  Status Print(const binlog::Event& event, const binlog::ChangeContext& context);

  // After a reconnect that replays part of a group: the next `n` selected row changes were
  // printed already and are skipped.
  void SkipNext(uint64_t n) { skip_ = n; }
  // Selected row changes since the last ResetGroupCount() (printed or skipped).
  uint64_t group_count() const { return group_count_; }
  void ResetGroupCount() { group_count_ = 0; }

  // Writes buffered output.
  Status Flush();

  // Whether the filters select `table`. Thread-safe (reads the options only).
  bool Selected(const binlog::TableMapEvent& table) const;

  uint64_t printed() const { return printed_; }
  // Row changes that could not be written as SQL (no column names).
  uint64_t unprintable() const { return unprintable_; }

 private:
  struct CachedNaming {
    std::shared_ptr<const binlog::TableMapEvent> table;
    binlog::ColumnNaming naming;
    std::unique_ptr<binlog::RowsJsonRenderer> json;  // made at the first encoded rows event
  };

  Result<CachedNaming*> NamingFor(const std::shared_ptr<const binlog::TableMapEvent>& table);
  // JSON lines straight from the encoded row images.
  Status PrintEncoded(const binlog::RowsEvent& rows, const binlog::ChangeContext& context,
                      CachedNaming& cached);
  // Through decoded RowChanges: SQL, and JSON of events parsed with RowsDecoding::kValues.
  Status PrintDecoded(const binlog::RowsEvent& rows, const binlog::ChangeContext& context,
                      const binlog::ColumnNaming& naming);

  PrinterOptions options_;
  std::FILE* out_;
  SchemaLookup lookup_;
  binlog::OutputBuffer buffer_;
  std::map<uint64_t, CachedNaming> naming_by_table_id_;
  std::map<std::string, std::optional<std::vector<binlog::SchemaColumn>>> schema_cache_;
  std::set<std::string> warned_;
  uint64_t skip_ = 0;
  uint64_t group_count_ = 0;
  uint64_t printed_ = 0;
  uint64_t unprintable_ = 0;
};

}  // namespace safeddl::cli
