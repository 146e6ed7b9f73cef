#include "snapshot/to_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>

#include "common/strings.h"
#include "mysql/quote.h"
#include "osc/key_range.h"
#include "schema/introspect.h"
#include "snapshot/take.h"

namespace safeddl::snapshot {
namespace {

constexpr size_t kMaxRowsPerRead = 1000;
constexpr size_t kBytesPerRead = 8 << 20;       // rows read at once: about this much text
constexpr size_t kBytesPerStatement = 1 << 20;  // well under the client's max_allowed_packet

bool OneOf(const std::string& s, std::initializer_list<const char*> names) {
  return std::any_of(names.begin(), names.end(), [&](const char* n) { return s == n; });
}

// The key rows are read in (take.h: SnapshotKey).
Result<std::vector<osc::KeyColumn>> ReadKey(const schema::TableSchema& t) {
  const schema::Index* key = SnapshotKey(t);
  if (key == nullptr) {
    return FailedPreconditionError(fmt::format("the snapshot table `{}` has no usable key", t.name));
  }
  std::vector<osc::KeyColumn> out;
  for (const std::string& name : key->columns) {
    const schema::Column* c = t.FindColumn(name);
    if (c == nullptr) return InternalError("key column " + name + " not found");
    SAFEDDL_ASSIGN_OR_RETURN(osc::KeyColumn k,
                             osc::MakeKeyColumn(c->name, c->data_type, c->charset.value_or(""),
                                                c->collation.value_or("")));
    out.push_back(std::move(k));
  }
  return out;
}

std::string CreateIfNotExists(const std::string& create) {
  constexpr std::string_view kCreate = "CREATE TABLE ";
  if (create.rfind(kCreate, 0) != 0) return create;
  return "CREATE TABLE IF NOT EXISTS " + create.substr(kCreate.size());
}

std::string Header(const SnapshotRecord& r) {
  const nlohmann::json coordinates = {
      {"source", {{"database", r.source_db}, {"table", r.source_table}}},
      {"where", r.where.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.where)},
      {"rows", r.rows},
      {"checksum", r.checksum},
      {"binlog", {{"file", r.binlog_file}, {"position", r.binlog_position}}},
      {"gtid", r.gtid},
      {"taken_at", r.taken_at}};
  std::string where = r.where;
  for (char& c : where) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return fmt::format(
      "-- safeddl snapshot of `{}`.`{}`{}\n"
      "-- {} rows, checksum {}; consistent at binlog {}:{} (GTID {}), {}\n"
      "-- safeddl-snapshot: {}\n"
      "-- Load it with `mariadb DATABASE < FILE`: the rows are put back by key (REPLACE), so rows\n"
      "-- changed since are set back and rows deleted since come back; other rows stay as they "
      "are.\n"
      "SET NAMES utf8mb4;\n"
      "SET @safeddl_sql_mode = @@SESSION.sql_mode, @safeddl_time_zone = @@SESSION.time_zone;\n"
      "SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO,STRICT_ALL_TABLES', time_zone = '+00:00';\n"
      "{};\n",
      r.source_db, r.source_table, where.empty() ? "" : " WHERE " + where, r.rows, r.checksum,
      r.binlog_file, r.binlog_position, r.gtid.empty() ? "-" : r.gtid, r.taken_at,
      coordinates.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
      CreateIfNotExists(r.create_statement));
}

constexpr char kFooter[] =
    "SET SESSION sql_mode = @safeddl_sql_mode, time_zone = @safeddl_time_zone;\n";

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

}  // namespace

Result<std::string> LiteralExpression(const schema::Column& c) {
  const std::string col = *mysql::QuoteIdentifier(c.name);
  const std::string& t = c.data_type;
  std::string expr;
  if (c.IsInteger() || OneOf(t, {"decimal", "year", "double"})) {
    expr = "CONCAT(" + col + ")";
  } else if (t == "float") {
    expr = "CONCAT(CAST(" + col + " AS DOUBLE))";
  } else if (t == "bit") {
    expr = "CONCAT(" + col + " + 0)";
  } else if (OneOf(t, {"char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum",
                       "set", "json"})) {
    if (!c.charset) return InternalError("column " + col + " has no character set");
    expr = fmt::format("CONCAT('_{} X''', HEX({}), '''')", *c.charset, col);
  } else if (OneOf(t, {"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob",
                       "geometry", "point", "linestring", "polygon", "multipoint",
                       "multilinestring", "multipolygon", "geometrycollection"})) {
    expr = fmt::format("CONCAT('X''', HEX({}), '''')", col);
  } else if (OneOf(t, {"date", "datetime", "timestamp", "time", "inet4", "inet6", "uuid"})) {
    expr = fmt::format("CONCAT('''', {}, '''')", col);
  } else {
    return UnsupportedError(fmt::format(
        "column {} is of type {}, which a snapshot file cannot write exactly yet; keep the "
        "snapshot on the server (without --to-file)",
        col, c.column_type));
  }
  return fmt::format("IFNULL({}, 'NULL')", expr);
}

Result<FileWritten> WriteSnapshotFile(mysql::Connection& conn, const SnapshotRecord& record,
                                      const std::string& path,
                                      const std::function<void(int64_t)>& progress) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    return AlreadyExistsError(path + " exists: remove it or name another file");
  }
  SAFEDDL_ASSIGN_OR_RETURN(schema::TableSchema table,
                           schema::IntrospectTable(conn, std::string(kSnapshotSchema),
                                                   record.snapshot_table));
  SAFEDDL_ASSIGN_OR_RETURN(std::vector<osc::KeyColumn> key, ReadKey(table));
  std::vector<std::string> select, names;
  for (const osc::KeyColumn& k : key) select.push_back(osc::SelectExpression(k));
  for (const schema::Column& c : table.columns) {
    if (c.IsGenerated()) continue;
    SAFEDDL_ASSIGN_OR_RETURN(std::string e, LiteralExpression(c));
    select.push_back(std::move(e));
    names.push_back(*mysql::QuoteIdentifier(c.name));
  }
  std::vector<std::string> order;
  for (const osc::KeyColumn& k : key) order.push_back(*mysql::QuoteIdentifier(k.name));
  SAFEDDL_ASSIGN_OR_RETURN(std::string from,
                           mysql::QuoteQualified(kSnapshotSchema, record.snapshot_table));
  const std::string insert = fmt::format("REPLACE INTO {} ({}) VALUES\n",
                                         *mysql::QuoteIdentifier(record.source_table),
                                         JoinStrings(names, ", "));

  const std::string partial = path + ".partial";
  const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return IoError(fmt::format("cannot create {}: {}", partial, std::strerror(errno)));
  }
  std::unique_ptr<std::FILE, FileCloser> file(::fdopen(fd, "w"));
  if (!file) {
    ::close(fd);
    return IoError("cannot open " + partial);
  }
  FileWritten out;
  auto write = [&](std::string_view text) -> Status {
    if (std::fwrite(text.data(), 1, text.size(), file.get()) != text.size()) {
      return IoError(fmt::format("writing {}: {}", partial, std::strerror(errno)));
    }
    out.bytes += static_cast<int64_t>(text.size());
    return Status::OK();
  };
  auto run = [&]() -> Status {
    SAFEDDL_RETURN_IF_ERROR(conn.Execute("SET SESSION time_zone = '+00:00'"));
    SAFEDDL_RETURN_IF_ERROR(write(Header(record)));
    std::vector<std::string> after;  // the last key read, as literals
    size_t limit = kMaxRowsPerRead;
    std::string statement;
    size_t in_statement = 0;
    for (;;) {
      const std::string where =
          after.empty() ? "" : " WHERE " + osc::TupleComparison(key, after, osc::TupleOp::kGreater);
      SAFEDDL_ASSIGN_OR_RETURN(
          mysql::ResultSet rs,
          conn.Query(fmt::format("SELECT {} FROM {}{} ORDER BY {} LIMIT {}",
                                 JoinStrings(select, ", "), from, where, JoinStrings(order, ", "),
                                 limit)));
      if (rs.empty()) break;
      size_t read_bytes = 0;
      for (const mysql::Row& row : rs.rows()) {
        std::vector<std::string> values;
        for (size_t i = key.size(); i < row.size(); ++i) values.push_back(row[i].value_or("NULL"));
        const std::string tuple = "(" + JoinStrings(values, ",") + ")";
        read_bytes += tuple.size();
        if (in_statement > 0 && statement.size() + tuple.size() > kBytesPerStatement) {
          SAFEDDL_RETURN_IF_ERROR(write(statement + ";\n"));
          statement.clear();
          in_statement = 0;
        }
        statement += in_statement == 0 ? insert + tuple : ",\n" + tuple;
        ++in_statement;
        ++out.rows;
      }
      const mysql::Row& last = rs.rows().back();
      after.clear();
      for (size_t i = 0; i < key.size(); ++i) {
        SAFEDDL_ASSIGN_OR_RETURN(std::string literal,
                                 osc::RenderKeyLiteral(key[i], last[i].value_or("")));
        after.push_back(std::move(literal));
      }
      if (progress) progress(out.rows);
      if (rs.size() < limit) break;
      limit = std::clamp<size_t>(kBytesPerRead / std::max<size_t>(1, read_bytes / rs.size()), 1,
                                 kMaxRowsPerRead);
    }
    if (in_statement > 0) SAFEDDL_RETURN_IF_ERROR(write(statement + ";\n"));
    SAFEDDL_RETURN_IF_ERROR(write(kFooter));
    SAFEDDL_RETURN_IF_ERROR(write(fmt::format("-- end of snapshot: {} rows\n", out.rows)));
    if (std::fflush(file.get()) != 0 || ::fsync(fileno(file.get())) != 0) {
      return IoError(fmt::format("writing {}: {}", partial, std::strerror(errno)));
    }
    if (out.rows != record.rows) {
      return InternalError(fmt::format("wrote {} rows, the snapshot holds {}", out.rows,
                                       record.rows));
    }
    return Status::OK();
  };
  Status s = run();
  file.reset();
  if (s.ok() && ::rename(partial.c_str(), path.c_str()) != 0) {
    s = IoError(fmt::format("renaming {} to {}: {}", partial, path, std::strerror(errno)));
  }
  if (!s.ok()) {
    ::unlink(partial.c_str());
    return s;
  }
  return out;
}

}  // namespace safeddl::snapshot
