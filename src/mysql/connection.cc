#include "mysql/connection.h"

#include <errmsg.h>
#include <fmt/format.h>
#include <mysql.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "common/strings.h"
#include "mysql/defaults_file.h"
#include "mysql/errors.h"
#include "mysql/session_log.h"

namespace safeddl::mysql {
namespace {

void InitLibraryOnce() {
  static std::once_flag once;
  std::call_once(once, [] { mysql_library_init(0, nullptr, nullptr); });
}

const char* OrNull(const std::string& s) { return s.empty() ? nullptr : s.c_str(); }

Status SetOption(MYSQL* h, mysql_option option, const void* value) {
  if (mysql_options(h, option, value) != 0) {
    return InternalError(
        fmt::format("the client library rejected option {}", static_cast<int>(option)));
  }
  return Status::OK();
}

Status ApplyOptions(MYSQL* h, const ConnectOptions& o) {
  const unsigned connect_timeout = static_cast<unsigned>(o.connect_timeout.count());
  SAFEDDL_RETURN_IF_ERROR(SetOption(h, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout));
  if (o.read_timeout.count() > 0) {
    const unsigned read_timeout = static_cast<unsigned>(o.read_timeout.count());
    SAFEDDL_RETURN_IF_ERROR(SetOption(h, MYSQL_OPT_READ_TIMEOUT, &read_timeout));
    SAFEDDL_RETURN_IF_ERROR(SetOption(h, MYSQL_OPT_WRITE_TIMEOUT, &read_timeout));
  }
  if (!o.defaults_file.empty()) {
    SAFEDDL_RETURN_IF_ERROR(SetOption(h, MYSQL_READ_DEFAULT_FILE, o.defaults_file.c_str()));
  }
  // Reads [client] (and [safeddl]) from the defaults file or the usual my.cnf locations.
  SAFEDDL_RETURN_IF_ERROR(SetOption(h, MYSQL_READ_DEFAULT_GROUP, "safeddl"));
  SAFEDDL_RETURN_IF_ERROR(SetOption(h, MYSQL_SET_CHARSET_NAME, "utf8mb4"));
  // LOAD DATA LOCAL, served only from memory by the session's own handler (LoadDataLocal).
  const unsigned local_infile = 1;
  SAFEDDL_RETURN_IF_ERROR(SetOption(h, MYSQL_OPT_LOCAL_INFILE, &local_infile));
  if (mysql_optionsv(h, MYSQL_OPT_CONNECT_ATTR_ADD, "program_name", o.program_name.c_str()) != 0) {
    return InternalError("the client library rejected the program_name connect attribute");
  }
  if (o.ssl_mode != SslMode::kDisabled) {
    if (!o.ssl_ca.empty())
      SAFEDDL_RETURN_IF_ERROR(SetOption(h, MYSQL_OPT_SSL_CA, o.ssl_ca.c_str()));
    if (!o.ssl_cert.empty()) {
      SAFEDDL_RETURN_IF_ERROR(SetOption(h, MYSQL_OPT_SSL_CERT, o.ssl_cert.c_str()));
    }
    if (!o.ssl_key.empty())
      SAFEDDL_RETURN_IF_ERROR(SetOption(h, MYSQL_OPT_SSL_KEY, o.ssl_key.c_str()));
  }
  if (o.ssl_mode == SslMode::kRequired || o.ssl_mode == SslMode::kVerifyCa ||
      o.ssl_mode == SslMode::kVerifyIdentity) {
    const my_bool on = 1;
    SAFEDDL_RETURN_IF_ERROR(SetOption(h, MYSQL_OPT_SSL_ENFORCE, &on));
    if (o.ssl_mode != SslMode::kRequired) {
      SAFEDDL_RETURN_IF_ERROR(SetOption(h, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on));
    }
  }
  return Status::OK();
}

// "user@host:port" with what --defaults-file supplies filled in, for messages.
std::string ResolvedEndpoint(const ConnectOptions& given) {
  if (given.defaults_file.empty()) return given.Describe();
  ConnectOptions resolved = given;
  const auto file = ParseClientOptions(ReadFileToString(given.defaults_file).value_or(""));
  auto fill = [&file](std::string& field, const char* key) {
    if (auto it = file.find(key); field.empty() && it != file.end()) field = it->second;
  };
  fill(resolved.user, "user");
  fill(resolved.host, "host");
  if (resolved.host.empty()) fill(resolved.socket, "socket");
  if (auto it = file.find("port"); resolved.port == 0 && it != file.end()) {
    resolved.port = static_cast<unsigned>(ParseUint64(it->second).value_or(0));
  }
  return resolved.Describe();
}

}  // namespace

void MysqlHandleDeleter::operator()(st_mysql* handle) const { mysql_close(handle); }

Result<std::unique_ptr<Connection>> Connection::Open(const ConnectOptions& options,
                                                     SessionLog* log) {
  InitLibraryOnce();
  MysqlHandle handle(mysql_init(nullptr));
  if (!handle) return InternalError("out of memory creating a client handle");
  SAFEDDL_RETURN_IF_ERROR(ApplyOptions(handle.get(), options));

  const TimePoint start = SystemClock::Get().Now();
  const char* password = options.password ? options.password->c_str() : nullptr;
  MYSQL* ok = mysql_real_connect(handle.get(), OrNull(options.host), OrNull(options.user), password,
                                 OrNull(options.database), options.port, OrNull(options.socket),
                                 CLIENT_MULTI_RESULTS);
  if (ok == nullptr) {
    const std::string endpoint = ResolvedEndpoint(options);
    Status s = StatusFromHandle(handle.get(), "cannot connect to " + endpoint);
    if (log)
      log->Record(0, "-- connect " + endpoint, MillisBetween(start, SystemClock::Get().Now()), 0, 0,
                  s);
    return s;
  }
  std::unique_ptr<Connection> conn(new Connection(std::move(handle), options, log));
  if (log) {
    log->Record(conn->id_, "-- connect " + ResolvedEndpoint(options),
                MillisBetween(start, SystemClock::Get().Now()), 0, 0, Status::OK());
  }
  SAFEDDL_ASSIGN_OR_RETURN(ResultSet info, conn->Query("SELECT VERSION(), @@version_comment"));
  if (info.empty()) return InternalError("SELECT VERSION() returned no row");
  SAFEDDL_ASSIGN_OR_RETURN(conn->server_,
                           ServerInfo::Parse(info[0][0].value_or(""), info[0][1].value_or("")));
  for (const std::string& sql : options.session_statements) {
    SAFEDDL_RETURN_IF_ERROR(conn->Execute(sql).WithContext("setting up the session: " + sql));
  }
  return conn;
}

Connection::Connection(MysqlHandle handle, ConnectOptions options, SessionLog* log)
    : handle_(std::move(handle)), options_(std::move(options)), log_(log) {
  id_ = mysql_thread_id(handle_.get());
  mysql_set_local_infile_handler(handle_.get(), &InfileInit, &InfileRead, &InfileEnd, &InfileError,
                                 this);
}

int Connection::InfileInit(void** state, const char* /*name*/, void* self) {
  *state = self;
  LocalInfile& f = static_cast<Connection*>(self)->infile_;
  f.sent = 0;
  return f.armed ? 0 : 1;
}

int Connection::InfileRead(void* state, char* buf, unsigned int len) {
  LocalInfile& f = static_cast<Connection*>(state)->infile_;
  const size_t n = std::min<size_t>(len, f.data.size() - f.sent);
  std::memcpy(buf, f.data.data() + f.sent, n);
  f.sent += n;
  return static_cast<int>(n);
}

void Connection::InfileEnd(void* /*state*/) {}

int Connection::InfileError(void* /*state*/, char* message, unsigned int len) {
  std::snprintf(message, len, "%s", "safeddl sends no local file unless it runs LOAD DATA itself");
  return CR_UNKNOWN_ERROR;
}

Status Connection::LoadDataLocal(std::string_view sql, std::string_view data) {
  infile_ = LocalInfile{.armed = true, .data = data, .sent = 0};
  Status s = Run(sql, nullptr);
  infile_ = LocalInfile{};
  return s;
}

Connection::~Connection() = default;

Status Connection::Run(std::string_view sql, ResultSet* out) {
  const TimePoint start = SystemClock::Get().Now();
  MYSQL* h = handle_.get();
  Status status;
  affected_rows_ = 0;
  warnings_ = 0;
  if (mysql_real_query(h, sql.data(), sql.size()) != 0) {
    status = StatusFromHandle(h, "");
  } else {
    // Read every result (CALL may return several); keep the first one that has rows.
    bool kept = false;
    while (true) {
      MYSQL_RES* res = mysql_store_result(h);
      if (res != nullptr) {
        if (out != nullptr && !kept) {
          const unsigned ncols = mysql_num_fields(res);
          MYSQL_FIELD* fields = mysql_fetch_fields(res);
          std::vector<std::string> names;
          names.reserve(ncols);
          for (unsigned i = 0; i < ncols; ++i)
            names.emplace_back(fields[i].name, fields[i].name_length);
          ResultSet rs(std::move(names));
          while (MYSQL_ROW row = mysql_fetch_row(res)) {
            const unsigned long* lengths = mysql_fetch_lengths(res);
            std::vector<Value> values;
            values.reserve(ncols);
            for (unsigned i = 0; i < ncols; ++i) {
              values.push_back(row[i] ? Value(std::string(row[i], lengths[i])) : std::nullopt);
            }
            rs.AddRow(std::move(values));
          }
          *out = std::move(rs);
          kept = true;
        }
        mysql_free_result(res);
      } else if (mysql_field_count(h) != 0) {
        status = StatusFromHandle(h, "reading the result");
        break;
      } else {
        affected_rows_ = static_cast<int64_t>(mysql_affected_rows(h));
      }
      warnings_ = mysql_warning_count(h);
      const int next = mysql_next_result(h);
      if (next > 0) {
        status = StatusFromHandle(h, "");
        break;
      }
      if (next < 0) break;
    }
  }
  if (log_ != nullptr) {
    log_->Record(id_, sql, MillisBetween(start, SystemClock::Get().Now()), affected_rows_,
                 warnings_, status);
  }
  return status;
}

Status Connection::Execute(std::string_view sql) { return Run(sql, nullptr); }

Result<ResultSet> Connection::Query(std::string_view sql) {
  ResultSet rs;
  SAFEDDL_RETURN_IF_ERROR(Run(sql, &rs));
  return rs;
}

Result<std::optional<std::string>> Connection::QueryValue(std::string_view sql) {
  SAFEDDL_ASSIGN_OR_RETURN(ResultSet rs, Query(sql));
  if (rs.empty() || rs[0].size() == 0) return std::optional<std::string>();
  return rs[0][0];
}

Result<std::string> Connection::QueryText(std::string_view sql) {
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<std::string> v, QueryValue(sql));
  return v.value_or("");
}

}  // namespace safeddl::mysql
