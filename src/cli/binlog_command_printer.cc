#include "cli/binlog_command_printer.h"

#include <fmt/format.h>

#include <algorithm>

#include "binlog/row_change_sql.h"
#include "common/log.h"

namespace safeddl::cli {
namespace {

// Output is written in blocks of about this size.
constexpr size_t kFlushBytes = 1 << 16;

}  // namespace

RowChangePrinter::RowChangePrinter(PrinterOptions options, std::FILE* out, SchemaLookup lookup)
    : options_(std::move(options)),
      out_(out),
      lookup_(std::move(lookup)),
      buffer_(2 * kFlushBytes) {}

RowChangePrinter::~RowChangePrinter() { Flush().IgnoreError(); }

Status RowChangePrinter::Flush() {
  if (buffer_.empty()) return Status::OK();
  const size_t written = std::fwrite(buffer_.view().data(), 1, buffer_.size(), out_);
  const bool ok = written == buffer_.size() && std::fflush(out_) == 0;
  buffer_.Clear();
  if (!ok) return IoError("cannot write the output");
  return Status::OK();
}

bool RowChangePrinter::Selected(const binlog::TableMapEvent& table) const {
  const auto& dbs = options_.databases;
  if (!dbs.empty() && std::find(dbs.begin(), dbs.end(), table.database) == dbs.end()) {
    return false;
  }
  if (options_.tables.empty()) return true;
  const std::string qualified = table.database + "." + table.table;
  for (const std::string& t : options_.tables) {
    if (t == table.table || t == qualified) return true;
  }
  return false;
}

Result<RowChangePrinter::CachedNaming*> RowChangePrinter::NamingFor(
    const std::shared_ptr<const binlog::TableMapEvent>& table) {
  CachedNaming& cached = naming_by_table_id_[table->table_id];
  if (cached.table == table) return &cached;
  // A new table map (each group repeats it): resolve again, but look the schema up once per
  // table and only when the metadata lacks the names or the signedness.
  const std::vector<binlog::SchemaColumn>* schema = nullptr;
  const bool need_schema = !table->has_column_names || !table->has_signedness;
  if (need_schema && lookup_) {
    const std::string key = table->database + "." + table->table;
    auto it = schema_cache_.find(key);
    if (it == schema_cache_.end()) {
      SAFEDDL_ASSIGN_OR_RETURN(auto columns, lookup_(table->database, table->table));
      it = schema_cache_.emplace(key, std::move(columns)).first;
    }
    if (it->second) schema = &*it->second;
  }
  cached.table = table;
  cached.naming = binlog::ResolveColumnNaming(*table, schema);
  cached.json.reset();
  const std::string what = fmt::format("{}.{}", table->database, table->table);
  if (!table->has_column_names) {
    std::string problem;
    if (!cached.naming.mismatch.empty()) {
      problem = fmt::format("schema mismatch for {}: {}; columns named by position (@1..@n)", what,
                            cached.naming.mismatch);
    } else if (need_schema && lookup_ && schema == nullptr) {
      problem = fmt::format("{} no longer exists; columns named by position (@1..@n)", what);
    }
    if (!problem.empty() && warned_.insert(problem).second) LogWarning("{}", problem);
  }
  return &cached;
}

Status RowChangePrinter::Print(const binlog::Event& event, const binlog::ChangeContext& context) {
  const auto* rows = event.As<binlog::RowsEvent>();
  if (rows == nullptr || rows->table == nullptr || !rows->has_rows()) return Status::OK();
  if (!Selected(*rows->table)) return Status::OK();
  if (options_.start_time && context.timestamp < *options_.start_time) return Status::OK();
  SAFEDDL_ASSIGN_OR_RETURN(CachedNaming * cached, NamingFor(rows->table));
  Status s = rows->encoded && !options_.sql ? PrintEncoded(*rows, context, *cached)
                                            : PrintDecoded(*rows, context, cached->naming);
  if (!s.ok() && rows->encoded) {
    // A row image that did not decode: name the event as the parser would have.
    return s.WithContext(fmt::format("{}: {} at offset {}", context.file,
                                     binlog::EventTypeName(event.header.type), event.offset));
  }
  return s;
}

Status RowChangePrinter::PrintEncoded(const binlog::RowsEvent& rows,
                                      const binlog::ChangeContext& context, CachedNaming& cached) {
  if (cached.json == nullptr) {
    cached.json = std::make_unique<binlog::RowsJsonRenderer>(rows.table, cached.naming);
  }
  const std::string prefix = binlog::JsonChangePrefix(context, rows);
  SAFEDDL_ASSIGN_OR_RETURN(uint64_t n, cached.json->Append(buffer_, prefix, rows, skip_));
  const uint64_t skipped = std::min(skip_, n);
  skip_ -= skipped;
  group_count_ += n;
  printed_ += n - skipped;
  if (buffer_.size() >= kFlushBytes) SAFEDDL_RETURN_IF_ERROR(Flush());
  return Status::OK();
}

Status RowChangePrinter::PrintDecoded(const binlog::RowsEvent& rows,
                                      const binlog::ChangeContext& context,
                                      const binlog::ColumnNaming& naming) {
  std::vector<binlog::RowChange> decoded;
  if (rows.encoded) {
    SAFEDDL_ASSIGN_OR_RETURN(decoded, binlog::DecodeRows(rows));
  }
  const std::vector<binlog::RowChange>& changes = rows.encoded ? decoded : rows.rows;
  const std::string prefix = options_.sql ? "" : binlog::JsonChangePrefix(context, rows);
  std::string json;
  for (const binlog::RowChange& change : changes) {
    ++group_count_;
    if (skip_ > 0) {
      --skip_;
      continue;
    }
    if (options_.sql) {
      Result<std::string> sql = binlog::RowChangeToSql(rows, change, naming);
      if (!sql.ok()) {
        ++unprintable_;
        const std::string problem = sql.status().message();
        if (warned_.insert(problem).second) LogWarning("{}", problem);
        continue;
      }
      buffer_.Append(*sql);
      buffer_.Append("\n");
    } else {
      json.clear();
      binlog::AppendJsonRowChange(json, prefix, rows, change, naming);
      buffer_.Append(json);
    }
    ++printed_;
    if (buffer_.size() >= kFlushBytes) SAFEDDL_RETURN_IF_ERROR(Flush());
  }
  return Status::OK();
}

}  // namespace safeddl::cli
