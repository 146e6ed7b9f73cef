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
#include "snapshot/literal_rows.h"

namespace safeddl::snapshot {
namespace {

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

Result<FileWritten> WriteSnapshotFile(mysql::Connection& conn, const SnapshotRecord& record,
                                      const std::string& path,
                                      const std::function<void(int64_t)>& progress) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    return AlreadyExistsError(path + " exists: remove it or name another file");
  }
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
    std::unique_ptr<StatementBatcher> batcher;
    const auto columns_known = [&](const std::vector<std::string>& names) {
      batcher = std::make_unique<StatementBatcher>(
          fmt::format("REPLACE INTO {} ({}) VALUES\n", *mysql::QuoteIdentifier(record.source_table),
                      JoinStrings(names, ", ")),
          [&](const std::string& statement) { return write(statement + ";\n"); });
      return Status::OK();
    };
    const auto sink = [&](const std::vector<std::string>& tuples) -> Status {
      for (const std::string& t : tuples) SAFEDDL_RETURN_IF_ERROR(batcher->Add(t));
      out.rows += static_cast<int64_t>(tuples.size());
      if (progress) progress(out.rows);
      return Status::OK();
    };
    SAFEDDL_RETURN_IF_ERROR(ReadLiteralRows(conn, std::string(kSnapshotSchema),
                                            record.snapshot_table, "", sink, columns_known)
                                .status());
    if (batcher) SAFEDDL_RETURN_IF_ERROR(batcher->Flush());
    SAFEDDL_RETURN_IF_ERROR(write(kFooter));
    SAFEDDL_RETURN_IF_ERROR(write(fmt::format("-- end of snapshot: {} rows\n", out.rows)));
    if (std::fflush(file.get()) != 0 || ::fsync(fileno(file.get())) != 0) {
      return IoError(fmt::format("writing {}: {}", partial, std::strerror(errno)));
    }
    if (out.rows != record.rows) {
      return InternalError(
          fmt::format("wrote {} rows, the snapshot holds {}", out.rows, record.rows));
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
