// Connection: one client session to a MySQL/MariaDB server over Connector/C (RAII).
//
// Every statement goes through Execute() or Query(), which time it, record it in the run's
// SessionLog (when one is attached) and turn failures into classified Status values (errors.h).
// A Connection is not thread-safe: use one per thread. The SessionLog, when given, must outlive
// the Connection.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "mysql/connect_options.h"
#include "mysql/result_set.h"
#include "mysql/server_info.h"

struct st_mysql;

namespace safeddl::mysql {

class SessionLog;

struct MysqlHandleDeleter {
  void operator()(st_mysql* handle) const;
};
using MysqlHandle = std::unique_ptr<st_mysql, MysqlHandleDeleter>;

class Connection {
 public:
  // Connects, sets utf8mb4 and the program_name connect attribute, and reads the server version.
  // Failure classes: kCannotConnect (host/port/socket unreachable), kAccessDenied, kIoError.
  static Result<std::unique_ptr<Connection>> Open(const ConnectOptions& options,
                                                  SessionLog* log = nullptr);

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs a statement; any result set is read and discarded. Sets affected_rows()/warnings().
  Status Execute(std::string_view sql);
  // Runs a statement and returns all its rows.
  Result<ResultSet> Query(std::string_view sql);
  // The first column of the first row; nullopt when there is no row or the value is NULL.
  Result<std::optional<std::string>> QueryValue(std::string_view sql);
  // The same as text, "" for no row or NULL (for values that are never empty when present:
  // @@server_id, @@gtid_binlog_pos, ...).
  Result<std::string> QueryText(std::string_view sql);

  // The server's id for this session (CONNECTION_ID()).
  uint64_t id() const { return id_; }
  const ServerInfo& server() const { return server_; }
  const ConnectOptions& options() const { return options_; }
  // Rows affected and warnings raised by the last statement.
  int64_t affected_rows() const { return affected_rows_; }
  unsigned warnings() const { return warnings_; }
  // Attaches (or with nullptr detaches) the session log for subsequent statements.
  void set_session_log(SessionLog* log) { log_ = log; }

  // Runs `sql`, a LOAD DATA LOCAL INFILE statement, with `data` as the file's contents. A session
  // answers the server's request for a local file with these bytes, and only while this runs:
  // any other request (a server asking for a file of its own accord) is refused. safeddl never
  // sends a file from disk.
  Status LoadDataLocal(std::string_view sql, std::string_view data);

  // The raw connector handle, for the binlog transport only. Remains owned by this Connection.
  st_mysql* handle() { return handle_.get(); }

 private:
  Connection(MysqlHandle handle, ConnectOptions options, SessionLog* log);
  Status Run(std::string_view sql, ResultSet* out);

  // What the local-infile handler serves (LoadDataLocal).
  struct LocalInfile {
    bool armed = false;
    std::string_view data;
    size_t sent = 0;
  };
  static int InfileInit(void** state, const char* name, void* self);
  static int InfileRead(void* state, char* buf, unsigned int len);
  static void InfileEnd(void* state);
  static int InfileError(void* state, char* message, unsigned int len);

  MysqlHandle handle_;
  ConnectOptions options_;
  SessionLog* log_ = nullptr;
  ServerInfo server_;
  uint64_t id_ = 0;
  int64_t affected_rows_ = 0;
  unsigned warnings_ = 0;
  LocalInfile infile_;
};

}  // namespace safeddl::mysql
