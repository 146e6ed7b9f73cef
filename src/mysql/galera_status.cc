#include "mysql/galera_status.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include "common/strings.h"
#include "mysql/connection.h"

namespace safeddl::mysql {
namespace {

std::string Get(const std::map<std::string, std::string>& m, const std::string& name) {
  auto it = m.find(name);
  return it == m.end() ? std::string() : it->second;
}

long long GetInt(const std::map<std::string, std::string>& m, const std::string& name) {
  return ParseInt64(Get(m, name)).value_or(0);
}

bool IsOn(const std::string& value) { return EqualsIgnoreCase(value, "ON") || value == "1"; }

Result<std::map<std::string, std::string>> ReadPairs(Connection& conn, std::string_view sql) {
  SAFEDDL_ASSIGN_OR_RETURN(ResultSet rs, conn.Query(sql));
  std::map<std::string, std::string> out;
  for (const Row& row : rs.rows()) out[AsciiLower(row[0].value_or(""))] = row[1].value_or("");
  return out;
}

}  // namespace

std::optional<long long> ParseGaleraSize(std::string_view text) {
  text = TrimWhitespace(text);
  if (text.empty()) return std::nullopt;
  long long unit = 1;
  switch (std::toupper(static_cast<unsigned char>(text.back()))) {
    case 'K':
      unit = 1LL << 10;
      break;
    case 'M':
      unit = 1LL << 20;
      break;
    case 'G':
      unit = 1LL << 30;
      break;
    case 'T':
      unit = 1LL << 40;
      break;
    default:
      break;
  }
  if (unit != 1) text.remove_suffix(1);
  const std::string number(text);
  char* end = nullptr;
  const double value = std::strtod(number.c_str(), &end);
  if (number.empty() || end != number.c_str() + number.size() || value < 0) return std::nullopt;
  return static_cast<long long>(std::llround(value * static_cast<double>(unit)));
}

std::optional<std::string> ProviderOption(std::string_view options, std::string_view name) {
  for (const std::string& item : SplitString(options, ';')) {
    const size_t eq = item.find('=');
    if (eq == std::string::npos) continue;
    if (TrimWhitespace(std::string_view(item).substr(0, eq)) == name) {
      return std::string(TrimWhitespace(std::string_view(item).substr(eq + 1)));
    }
  }
  return std::nullopt;
}

std::optional<GaleraStatus> ParseGaleraStatus(const std::map<std::string, std::string>& status,
                                              const std::map<std::string, std::string>& variables) {
  if (!IsOn(Get(variables, "wsrep_on"))) return std::nullopt;
  GaleraStatus g;
  g.node_name = Get(variables, "wsrep_node_name");
  g.cluster_name = Get(variables, "wsrep_cluster_name");
  g.cluster_size = GetInt(status, "wsrep_cluster_size");
  g.cluster_status = Get(status, "wsrep_cluster_status");
  g.local_state = Get(status, "wsrep_local_state_comment");
  g.ready = IsOn(Get(status, "wsrep_ready"));
  g.desync = IsOn(Get(variables, "wsrep_desync"));
  g.desync_count = GetInt(status, "wsrep_desync_count");
  g.flow_control_paused_ns = GetInt(status, "wsrep_flow_control_paused_ns");
  g.flow_control_paused = std::atof(Get(status, "wsrep_flow_control_paused").c_str());
  g.recv_queue = GetInt(status, "wsrep_local_recv_queue");
  g.bf_aborts = GetInt(status, "wsrep_local_bf_aborts");
  g.max_ws_rows = GetInt(variables, "wsrep_max_ws_rows");
  g.max_ws_size = GetInt(variables, "wsrep_max_ws_size");
  if (auto size = ProviderOption(Get(variables, "wsrep_provider_options"), "gcache.size")) {
    g.gcache_size = ParseGaleraSize(*size);
  }
  g.osu_method = Get(variables, "wsrep_osu_method");
  for (const std::string& a : SplitString(Get(status, "wsrep_incoming_addresses"), ',')) {
    const std::string_view trimmed = TrimWhitespace(a);
    if (!trimmed.empty()) g.incoming_addresses.emplace_back(trimmed);
  }
  return g;
}

nlohmann::json GaleraStatusToJson(const GaleraStatus& g) {
  return {{"node_name", g.node_name},
          {"cluster_name", g.cluster_name},
          {"cluster_size", g.cluster_size},
          {"cluster_status", g.cluster_status},
          {"local_state", g.local_state},
          {"ready", g.ready},
          {"desync", g.desync},
          {"desync_count", g.desync_count},
          {"flow_control_paused_ns", g.flow_control_paused_ns},
          {"flow_control_paused", g.flow_control_paused},
          {"recv_queue", g.recv_queue},
          {"bf_aborts", g.bf_aborts},
          {"max_ws_rows", g.max_ws_rows},
          {"max_ws_size", g.max_ws_size},
          {"gcache_size", g.gcache_size ? nlohmann::json(*g.gcache_size) : nlohmann::json()},
          {"osu_method", g.osu_method},
          {"incoming_addresses", g.incoming_addresses}};
}

Result<std::optional<GaleraStatus>> ReadGaleraStatus(Connection& conn) {
  SAFEDDL_ASSIGN_OR_RETURN(auto variables, ReadPairs(conn, "SHOW GLOBAL VARIABLES LIKE 'wsrep%'"));
  if (!IsOn(Get(variables, "wsrep_on"))) return std::optional<GaleraStatus>();
  SAFEDDL_ASSIGN_OR_RETURN(auto status, ReadPairs(conn, "SHOW GLOBAL STATUS LIKE 'wsrep%'"));
  return ParseGaleraStatus(status, variables);
}

}  // namespace safeddl::mysql
