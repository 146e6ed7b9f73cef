// The moves of a change of primary, shared by a planned switchover (switchover.h) and a failover
// from a primary that is gone (failover.h): naming a server by HOST:PORT, making a replica the
// primary, and pointing a server at a new primary by GTID.
//
// MariaDB, the default replication connection (no connection name). Each function uses only the
// connection it is given; not thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "mysql/connect_options.h"
#include "mysql/connection.h"

namespace safeddl::topology {

struct Address {
  std::string host;
  unsigned port = 0;
  std::string Text() const;  // "host:port"
  bool operator==(const Address&) const = default;
};

// "host:port"; localhost is 127.0.0.1 (a replica on this machine without report_host is listed
// as localhost, and is reached over TCP). InvalidArgument for anything else.
Result<Address> ParseAddress(const std::string& text);

// Where `conn` (opened with `options`) is reached over TCP: the options' host (127.0.0.1 for a
// socket or localhost) and the server's @@port.
Result<Address> ServerAddress(mysql::Connection& conn, const mysql::ConnectOptions& options);

// A connection to `a` with `account`'s user, password and TLS (mysql::ReplicaConnectOptions);
// the error says that `a` cannot be reached with this account.
Result<std::unique_ptr<mysql::Connection>> ConnectTo(const mysql::ConnectOptions& account,
                                                     const Address& a);

// One timed step of a change of primary, as its report lists it.
struct PromotionStep {
  std::string name;
  std::string detail;
  double seconds = 0;
};

// Runs `body` as the step `name`: told to `progress` first (when set), timed, and appended to
// `steps` with the detail `body` writes. Returns what `body` returns.
Status RunStep(const std::string& name, const std::function<void(const std::string&)>& progress,
               std::vector<PromotionStep>& steps,
               const std::function<Status(std::string& detail)>& body);

// The replica stops replicating and forgets its primary (STOP SLAVE, RESET SLAVE ALL), and takes
// writes (read_only off).
Status PromoteToPrimary(mysql::Connection& replica);

// How a server continues from the new primary's binlog.
enum class ContinueFrom {
  kSlavePos,    // a replica: what it applied as a replica (MASTER_USE_GTID = slave_pos)
  kCurrentPos,  // a former primary: what it wrote itself too (current_pos)
};

// Points `server` at `primary` by GTID and starts replication: STOP SLAVE, CHANGE MASTER TO,
// START SLAVE. With a non-empty `user`, MASTER_USER and MASTER_PASSWORD are set too (a former
// primary has no replication account of its own); else the server keeps the account it has.
Status ReplicateFrom(mysql::Connection& server, const Address& primary, ContinueFrom from,
                     const std::string& user = "", const std::string& password = "");

}  // namespace safeddl::topology
