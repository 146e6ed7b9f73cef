#include "sandbox/sandbox_state.h"

namespace safeddl::sandbox {

nlohmann::json ToJson(const SandboxInfo& info) {
  nlohmann::json servers = nlohmann::json::array();
  for (const ServerInstance& s : info.servers) {
    servers.push_back({{"role", s.role},
                       {"host", s.host},
                       {"port", s.port},
                       {"server_id", s.server_id},
                       {"pid", s.pid},
                       {"dir", s.dir},
                       {"socket", s.socket},
                       {"config", s.config},
                       {"defaults_file", s.client_config},
                       {"error_log", s.error_log},
                       {"running", s.running}});
    if (s.galera_port != 0) {
      servers.back()["galera_port"] = s.galera_port;
      servers.back()["sst_port"] = s.sst_port;
    }
  }
  return {{"name", info.name},  {"dir", info.dir},
          {"user", info.user},  {"version", info.version},
          {"servers", servers}, {"already_running", info.already_running},
          {"stock", info.stock},  {"galera", info.galera}};
}

Result<SandboxInfo> FromJson(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("servers") || !j["servers"].is_array()) {
    return CorruptionError("sandbox.json is not a sandbox description");
  }
  SandboxInfo info;
  info.name = j.value("name", "");
  info.dir = j.value("dir", "");
  info.user = j.value("user", kSandboxUser);
  info.version = j.value("version", "");
  info.stock = j.value("stock", false);
  info.galera = j.value("galera", false);
  for (const auto& s : j["servers"]) {
    ServerInstance server;
    server.role = s.value("role", "");
    server.host = s.value("host", "127.0.0.1");
    server.port = s.value("port", 0u);
    server.server_id = s.value("server_id", 0u);
    server.pid = s.value("pid", 0);
    server.dir = s.value("dir", "");
    server.socket = s.value("socket", "");
    server.config = s.value("config", "");
    server.client_config = s.value("defaults_file", "");
    server.error_log = s.value("error_log", "");
    server.galera_port = s.value("galera_port", 0u);
    server.sst_port = s.value("sst_port", 0u);
    info.servers.push_back(std::move(server));
  }
  if (info.servers.empty()) return CorruptionError("sandbox.json lists no servers");
  return info;
}

}  // namespace safeddl::sandbox
