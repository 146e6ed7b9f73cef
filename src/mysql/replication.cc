#include "mysql/replication.h"

#include <algorithm>

#include "common/strings.h"
#include "mysql/connection.h"
#include "mysql/result_set.h"

namespace safeddl::mysql {
namespace {

// The first of `names` that the row has.
std::string FirstColumn(const Row& row, std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (Value v = row.Get(name)) return *v;
  }
  return "";
}

}  // namespace

Result<std::vector<std::string>> ListReplicaAddresses(Connection& primary) {
  SAFEDDL_ASSIGN_OR_RETURN(
      ResultSet hosts, primary.Query(std::string(primary.server().ShowReplicaHostsStatement())));
  std::vector<std::string> out;
  for (const Row& r : hosts.rows()) {
    const std::string host = r.GetString("Host");
    if (!host.empty()) out.push_back(host + ":" + r.GetString("Port", "3306"));
  }
  return out;
}

Result<ConnectOptions> ReplicaConnectOptions(const ConnectOptions& primary,
                                             const std::string& address) {
  ConnectOptions o = primary;
  o.socket.clear();
  const size_t colon = address.rfind(':');
  o.host = address.substr(0, colon);
  o.port = 3306;
  if (colon != std::string::npos) {
    auto port = ParseUint64(address.substr(colon + 1));
    if (!port || *port == 0 || *port > 65535) {
      return InvalidArgumentError("bad port in the replica address '" + address + "'");
    }
    o.port = static_cast<unsigned>(*port);
  }
  // Connector/C takes "localhost" for its Unix socket and ignores the port, which would reach
  // whatever server listens there; a replica named by host and port is reached over TCP. (A
  // replica on this machine without report_host shows in SHOW SLAVE HOSTS as localhost.)
  if (o.host == "localhost") o.host = "127.0.0.1";
  return o;
}

ReplicationStatus ParseReplicationStatus(const Row& row) {
  ReplicationStatus s;
  s.source_host = FirstColumn(row, {"Master_Host", "Source_Host"});
  s.source_port = FirstColumn(row, {"Master_Port", "Source_Port"});
  s.io_running = FirstColumn(row, {"Slave_IO_Running", "Replica_IO_Running"}) == "Yes";
  s.sql_running = FirstColumn(row, {"Slave_SQL_Running", "Replica_SQL_Running"}) == "Yes";
  s.seconds_behind =
      ParseInt64(FirstColumn(row, {"Seconds_Behind_Master", "Seconds_Behind_Source"}));
  s.last_error = FirstColumn(row, {"Last_IO_Error"});
  if (s.last_error.empty()) s.last_error = FirstColumn(row, {"Last_SQL_Error"});
  s.sql_delay = ParseInt64(FirstColumn(row, {"SQL_Delay"})).value_or(0);
  s.sql_remaining_delay = ParseInt64(FirstColumn(row, {"SQL_Remaining_Delay"}));
  s.using_gtid = FirstColumn(row, {"Using_Gtid"});
  s.source_server_id = FirstColumn(row, {"Master_Server_Id", "Source_Server_Id"});
  s.source_user = FirstColumn(row, {"Master_User", "Source_User"});
  s.sql_error = FirstColumn(row, {"Last_SQL_Error"});
  s.gtid_io_pos = FirstColumn(row, {"Gtid_IO_Pos"});
  return s;
}

Result<std::optional<ReplicationStatus>> ReadReplicationStatus(Connection& conn) {
  SAFEDDL_ASSIGN_OR_RETURN(ResultSet rs,
                           conn.Query(std::string(conn.server().ShowReplicaStatusStatement())));
  if (rs.empty()) return std::optional<ReplicationStatus>();
  return std::optional<ReplicationStatus>(ParseReplicationStatus(rs[0]));
}

std::vector<uint32_t> GtidDomains(std::string_view gtid_list) {
  std::vector<uint32_t> out;
  for (const std::string& entry : SplitString(gtid_list, ',')) {
    const std::string_view e = TrimWhitespace(entry);
    const auto domain = ParseInt64(e.substr(0, e.find('-')));
    if (e.find('-') != std::string_view::npos && domain && *domain >= 0 &&
        *domain <= static_cast<long long>(UINT32_MAX)) {
      out.push_back(static_cast<uint32_t>(*domain));
    }
  }
  return out;
}

uint32_t LocalGtidDomain(uint32_t configured, const std::vector<uint32_t>& replicated) {
  auto used = [&](uint32_t d) {
    return std::find(replicated.begin(), replicated.end(), d) != replicated.end();
  };
  if (!used(configured)) return configured;
  uint32_t d = 1;
  while (used(d)) ++d;
  return d;
}

}  // namespace safeddl::mysql
