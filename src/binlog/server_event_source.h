// ServerEventSource: raw binlog events streamed from a live server over the replication
// protocol, for the same EventParser that reads files.
//
// The connector's replication API (mariadb_rpl.h) is used only as transport: each fetched
// packet's bytes (header through checksum) are handed out unchanged. The source registers with
// its own server_id, asks for heartbeats so an idle stream still returns regularly, and makes the
// server send MariaDB GTID and annotate events. Owns its connection. Not thread-safe, except
// Interrupt(), which may be called from another thread to unblock Next().
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "binlog/binlog_file_reader.h"
#include "common/result.h"
#include "mysql/connect_options.h"
#include "mysql/connection.h"

struct st_mariadb_rpl;
struct st_mariadb_rpl_event;

namespace safeddl::binlog {

struct ServerSourceOptions {
  mysql::ConnectOptions connect;
  uint32_t server_id = 99999;  // must differ from every server and replica in the topology
  std::string file;            // binlog file to start in ("mariadb-bin.000003")
  uint64_t position = 4;       // event boundary in `file`
  std::chrono::milliseconds heartbeat{100};
  // When set, start after this MariaDB GTID position ("0-1-42[,1-1-7]") instead of at
  // file:position: the server finds the place (@slave_connect_state, strict mode, so a GTID the
  // binlog does not hold is an error rather than a silent skip).
  std::string start_gtid;
};

class ServerEventSource {
 public:
  static Result<std::unique_ptr<ServerEventSource>> Open(const ServerSourceOptions& options);
  ~ServerEventSource();
  ServerEventSource(const ServerEventSource&) = delete;
  ServerEventSource& operator=(const ServerEventSource&) = delete;

  // The next event (heartbeats included), blocking until one arrives. `offset` is the event's
  // position in its file (0 for artificial events, which carry no position). The view is valid
  // until the next call. kConnectionLost when the server goes away; kAborted after Interrupt().
  Result<RawEvent> Next();

  // Unblocks a Next() waiting in another thread; the source is unusable afterwards.
  void Interrupt();

 private:
  ServerEventSource(std::unique_ptr<mysql::Connection> conn, st_mariadb_rpl* rpl)
      : conn_(std::move(conn)), rpl_(rpl) {}

  std::unique_ptr<mysql::Connection> conn_;
  st_mariadb_rpl* rpl_ = nullptr;
  st_mariadb_rpl_event* event_ = nullptr;  // reused between fetches
  std::atomic<bool> interrupted_{false};
};

}  // namespace safeddl::binlog
