#include "cli/sandbox_command.h"

#include <fmt/format.h>

#include <filesystem>
#include <memory>

#include "sandbox/sandbox.h"
#include "sandbox/sandbox_state.h"

namespace safeddl::cli {
namespace {

void PrintHuman(const sandbox::SandboxInfo& info) {
  fmt::print("sandbox '{}' {} ({}{}{})\n", info.name,
             info.already_running ? "is already running" : "is running", info.version,
             info.stock ? ", stock settings" : "",
             info.galera ? fmt::format(", Galera cluster of {}", info.servers.size()) : "");
  for (const sandbox::ServerInstance& s : info.servers) {
    const std::string what = info.galera
                                 ? fmt::format("  (Galera node; group port {}, IST {}, SST {})",
                                               s.galera_port, s.galera_port + 1, s.sst_port)
                             : s.role == "primary" ? ""
                                                   : "  (GTID replica of primary)";
    fmt::print("  {:<9} {}:{:<5}  server_id {}  pid {}{}\n", s.role, s.host, s.port, s.server_id,
               s.pid, what);
  }
  const sandbox::ServerInstance& primary = info.servers.front();  // node1 on Galera
  fmt::print("connect:  mariadb --defaults-file={}\n", primary.client_config);
  fmt::print("check:    safeddl check --defaults-file={}\n", primary.client_config);
  const std::string root = std::filesystem::path(info.dir).parent_path().string();
  fmt::print("stop:     safeddl sandbox down --name {}{}\n", info.name,
             root == sandbox::DefaultRoot() ? "" : " --dir " + root);
}

void AddCommon(CLI::App* sub, SandboxOptions& o) {
  sub->add_option("--name", o.name, "Sandbox name")->capture_default_str();
  sub->add_option("--dir", o.dir,
                  "Folder that holds sandboxes (default: $SAFEDDL_SANDBOX_DIR or "
                  "~/.safeddl/sandboxes)");
}

}  // namespace

void SetupSandbox(CLI::App& parent, CommandSlot& slot) {
  CLI::App* cmd = parent.add_subcommand(
      "sandbox", "Start, stop and list throwaway local MariaDB servers (primary + replicas)");
  cmd->require_subcommand(1);
  auto opts = std::make_shared<SandboxOptions>();

  CLI::App* up = cmd->add_subcommand(
      "up", "Start a sandbox: fresh datadir, ROW binlog with FULL image, GTID, generated password");
  AddCommon(up, *opts);
  up->add_option("--port", opts->port, "Primary's port (default: first free from 3310)")
      ->check(CLI::Range(1024, 65535));
  up->add_option("--replicas", opts->replicas, "Start this many GTID replicas of the primary")
      ->check(CLI::Range(0, 8));
  up->add_option("--galera", opts->galera,
                 "Start a Galera cluster of this many nodes instead (galera-4, rsync SST; the "
                 "first bootstraps it, the others join one at a time)")
      ->check(CLI::Range(1, 9))
      ->excludes("--replicas");
  up->add_flag("--performance-schema", opts->performance_schema, "Turn performance_schema on");
  up->add_flag("--stock", opts->stock,
               "Server defaults, as users run them: only port, datadir, log-bin, server-id and "
               "binlog-format=ROW set (binlog_row_metadata=NO_LOG, performance_schema off, "
               "latin1, no strict GTID)")
      ->excludes("--performance-schema");
  up->add_flag("--json", opts->json, "Print the sandbox description as JSON");
  up->callback([opts, &slot] { slot = [opts] { return RunSandboxUp(*opts); }; });

  CLI::App* down = cmd->add_subcommand("down", "Stop a sandbox cleanly and remove its data");
  AddCommon(down, *opts);
  down->add_flag("--keep", opts->keep, "Keep the data folder");
  down->callback([opts, &slot] { slot = [opts] { return RunSandboxDown(*opts); }; });

  CLI::App* list = cmd->add_subcommand("list", "List sandboxes and whether their servers run");
  list->add_option("--dir", opts->dir, "Folder that holds sandboxes");
  list->add_flag("--json", opts->json, "Print JSON");
  list->callback([opts, &slot] { slot = [opts] { return RunSandboxList(*opts); }; });
}

Status RunSandboxUp(const SandboxOptions& o) {
  sandbox::SandboxSpec spec;
  spec.name = o.name;
  spec.root = o.dir;
  spec.port = o.port;
  spec.replicas = o.replicas;
  spec.galera_nodes = o.galera;
  spec.performance_schema = o.performance_schema;
  spec.stock = o.stock;
  SAFEDDL_ASSIGN_OR_RETURN(sandbox::SandboxInfo info, sandbox::Up(spec));
  if (o.json) {
    fmt::print("{}\n", sandbox::ToJson(info).dump(2));
  } else {
    PrintHuman(info);
  }
  return Status::OK();
}

Status RunSandboxDown(const SandboxOptions& o) {
  SAFEDDL_RETURN_IF_ERROR(sandbox::Down(o.dir, o.name, o.keep));
  fmt::print("sandbox '{}' stopped{}\n", o.name, o.keep ? " (data kept)" : " and removed");
  return Status::OK();
}

Status RunSandboxList(const SandboxOptions& o) {
  SAFEDDL_ASSIGN_OR_RETURN(std::vector<sandbox::SandboxInfo> all, sandbox::List(o.dir));
  if (o.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& info : all) out.push_back(sandbox::ToJson(info));
    fmt::print("{}\n", out.dump(2));
    return Status::OK();
  }
  if (all.empty()) {
    fmt::print("no sandboxes under {}\n", o.dir.empty() ? sandbox::DefaultRoot() : o.dir);
    return Status::OK();
  }
  fmt::print("{:<16} {:<9} {:<6} {:<8} {}\n", "NAME", "ROLE", "PORT", "STATE", "DEFAULTS FILE");
  for (const auto& info : all) {
    for (const auto& s : info.servers) {
      fmt::print("{:<16} {:<9} {:<6} {:<8} {}\n", info.name, s.role, s.port,
                 s.running ? "running" : "stopped", s.client_config);
    }
  }
  return Status::OK();
}

}  // namespace safeddl::cli
