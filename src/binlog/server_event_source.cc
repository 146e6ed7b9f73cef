#include "binlog/server_event_source.h"

#include <fmt/format.h>
// mysql.h must come first: mariadb_rpl.h uses its types.
#include <mysql.h>
// clang-format off
#include <mariadb_rpl.h>
// clang-format on
#include <sys/socket.h>

#include <cstring>

#include "mysql/connection.h"
#include "mysql/errors.h"
#include "mysql/quote.h"

namespace safeddl::binlog {
namespace {

constexpr uint64_t kNanosPerMilli = 1000000;
// MariaDB GTID events and the annotate events that carry the statement text.
constexpr int kMariaDbSlaveCapabilityGtid = 4;
constexpr size_t kEventHeaderLength = 19;
constexpr unsigned long kFirstEventOffset = 4;  // after the file's magic
constexpr size_t kLogPosOffset = 13;  // header: timestamp 4, type 1, server_id 4, size 4, log_pos 4

uint32_t ReadLe32(const unsigned char* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

}  // namespace

Result<std::unique_ptr<ServerEventSource>> ServerEventSource::Open(
    const ServerSourceOptions& options) {
  SAFEDDL_ASSIGN_OR_RETURN(auto conn, mysql::Connection::Open(options.connect));
  // The server sends checksummed events only to replicas that say they understand them.
  SAFEDDL_RETURN_IF_ERROR(conn->Execute("SET @master_binlog_checksum = @@global.binlog_checksum"));
  SAFEDDL_RETURN_IF_ERROR(conn->Execute(
      fmt::format("SET @mariadb_slave_capability = {}", kMariaDbSlaveCapabilityGtid)));
  SAFEDDL_RETURN_IF_ERROR(conn->Execute(fmt::format("SET @master_heartbeat_period = {}",
                                                    options.heartbeat.count() * kNanosPerMilli)));

  if (!options.start_gtid.empty()) {
    SAFEDDL_RETURN_IF_ERROR(conn->Execute(
        fmt::format("SET @slave_connect_state = {}", mysql::QuoteString(options.start_gtid))));
    SAFEDDL_RETURN_IF_ERROR(conn->Execute("SET @slave_gtid_strict_mode = 1"));
  }
  // In GTID mode the server ignores the file and position; send the empty file name.
  const std::string file = options.start_gtid.empty() ? options.file : std::string();
  const unsigned long start = options.start_gtid.empty() ? options.position : kFirstEventOffset;

  MYSQL* handle = conn->handle();
  st_mariadb_rpl* rpl = mariadb_rpl_init(handle);
  if (rpl == nullptr) return InternalError("cannot initialise the replication client");
  const unsigned server_id = options.server_id;
  const unsigned flags = 0;  // blocking dump: wait for new events
  if (mariadb_rpl_optionsv(rpl, MARIADB_RPL_FILENAME, file.c_str(), file.size()) != 0 ||
      mariadb_rpl_optionsv(rpl, MARIADB_RPL_START, start) != 0 ||
      mariadb_rpl_optionsv(rpl, MARIADB_RPL_SERVER_ID, server_id) != 0 ||
      mariadb_rpl_optionsv(rpl, MARIADB_RPL_FLAGS, flags) != 0) {
    mariadb_rpl_close(rpl);
    return InternalError("the replication client rejected its options");
  }
  if (mariadb_rpl_open(rpl) != 0) {
    Status s = mysql::StatusFromHandle(
        handle, fmt::format("cannot read the binlog from {}:{}", options.file, options.position));
    mariadb_rpl_close(rpl);
    return s;
  }
  return std::unique_ptr<ServerEventSource>(new ServerEventSource(std::move(conn), rpl));
}

ServerEventSource::~ServerEventSource() {
  if (event_ != nullptr) mariadb_free_rpl_event(event_);
  if (rpl_ != nullptr) mariadb_rpl_close(rpl_);
}

Result<RawEvent> ServerEventSource::Next() {
  if (interrupted_.load()) return AbortedError("the binlog stream was stopped");
  st_mariadb_rpl_event* ev = mariadb_rpl_fetch(rpl_, event_);
  if (ev == nullptr) {
    event_ = nullptr;  // freed by the connector on error
    if (interrupted_.load()) return AbortedError("the binlog stream was stopped");
    return mysql::StatusFromHandle(conn_->handle(), "reading the binlog stream");
  }
  event_ = ev;
  if (ev->raw_data_size <= ev->raw_data_ofs + kEventHeaderLength) {
    return CorruptionError(fmt::format(
        "binlog stream packet of {} bytes is shorter than an event header", ev->raw_data_size));
  }
  const unsigned char* bytes = ev->raw_data + ev->raw_data_ofs;
  const size_t size = ev->raw_data_size - ev->raw_data_ofs;
  const uint32_t event_size = ReadLe32(bytes + 9);
  const uint32_t next_position = ReadLe32(bytes + kLogPosOffset);
  if (event_size != size) {
    return CorruptionError(fmt::format(
        "binlog stream packet holds {} bytes but its event header says {}", size, event_size));
  }
  RawEvent raw;
  raw.bytes = std::string_view(reinterpret_cast<const char*>(bytes), size);
  raw.offset = next_position >= event_size ? next_position - event_size : 0;
  return raw;
}

void ServerEventSource::Interrupt() {
  interrupted_.store(true);
  const my_socket fd = mysql_get_socket(conn_->handle());
  if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
}

}  // namespace safeddl::binlog
