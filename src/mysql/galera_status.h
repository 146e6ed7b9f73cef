// A Galera node as it describes itself: whether wsrep replication is on, the cluster it sees
// (size, Primary or not, the members' SQL addresses), its own state (Synced, Donor/Desynced,
// Joining...), flow control and queues, and the limits a change must respect (wsrep_max_ws_rows,
// wsrep_max_ws_size, the gcache size, wsrep_OSU_method).
// ParseGaleraStatus and the helpers are pure; ReadGaleraStatus runs two SHOWs on the connection.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace safeddl::mysql {

class Connection;

struct GaleraStatus {
  std::string node_name;
  std::string cluster_name;
  long long cluster_size = 0;
  std::string cluster_status;  // "Primary", "non-Primary", "Disconnected"
  std::string local_state;     // wsrep_local_state_comment: "Synced", "Donor/Desynced", ...
  bool ready = false;          // wsrep_ready: the node accepts queries
  bool desync = false;         // wsrep_desync (set by hand or by RSU)
  long long desync_count = 0;  // wsrep_desync_count
  long long flow_control_paused_ns = 0;  // total time replication was paused by flow control
  double flow_control_paused = 0;        // fraction of time paused since the last FLUSH STATUS
  long long recv_queue = 0;              // wsrep_local_recv_queue: write sets waiting to apply
  long long bf_aborts = 0;               // wsrep_local_bf_aborts: local transactions aborted
  long long max_ws_rows = 0;             // 0: no limit
  long long max_ws_size = 0;             // bytes
  std::optional<long long> gcache_size;  // bytes, from wsrep_provider_options
  std::string osu_method;                // global wsrep_OSU_method: "TOI" or "RSU"
  // wsrep_incoming_addresses: each member's SQL address ("host:port"), "AUTO" where a node
  // does not know its own (set wsrep_node_incoming_address there).
  std::vector<std::string> incoming_addresses;

  bool Synced() const { return local_state == "Synced"; }
  bool Primary() const { return cluster_status == "Primary"; }
};

// Pure. From SHOW GLOBAL STATUS LIKE 'wsrep%' and SHOW GLOBAL VARIABLES LIKE 'wsrep%' (names
// lower-case). nullopt when wsrep is off or absent (not a Galera node).
std::optional<GaleraStatus> ParseGaleraStatus(const std::map<std::string, std::string>& status,
                                              const std::map<std::string, std::string>& variables);

// Pure. A size in Galera's notation ("64M", "1G", "128", "2.5G") in bytes; nullopt when it is not
// one.
std::optional<long long> ParseGaleraSize(std::string_view text);
// Pure. One option's value from wsrep_provider_options ("a = 1; gcache.size = 64M; ...").
std::optional<std::string> ProviderOption(std::string_view options, std::string_view name);

// Every field, by its wsrep name where there is one.
nlohmann::json GaleraStatusToJson(const GaleraStatus& status);

// nullopt when the server is not a Galera node (wsrep off, or a server without wsrep at all).
Result<std::optional<GaleraStatus>> ReadGaleraStatus(Connection& conn);

}  // namespace safeddl::mysql
