// Sandboxes: throwaway local MariaDB servers (a primary and optional GTID replicas, or a Galera
// cluster: galera.h) for the demo, the tests, and users who want to try a change first.
//
// A sandbox lives in `<root>/<name>/`: one folder per server (datadir, my.cnf, client.cnf with
// the generated password, mode 0600, error log, socket) and `sandbox.json` describing it. The
// password never leaves client.cnf: clients connect with `--defaults-file=<server>/client.cnf`.
// Functions here are not safe to call concurrently for the same sandbox.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"

namespace safeddl::sandbox {

struct SandboxSpec {
  std::string name = "default";
  std::string root;   // folder holding sandboxes; empty: DefaultRoot()
  unsigned port = 0;  // primary's port; 0: the first free one from kDefaultFirstPort
  int replicas = 0;   // GTID replicas of the primary, on the following free ports
  bool performance_schema = false;
  // A server as users run one: only what a bare server needs to run here (datadir, socket,
  // port, loopback, pid and error files, server id, binlog in ROW format); everything else at
  // the server's defaults (binlog_row_metadata=NO_LOG, performance_schema off, latin1, ...).
  // Replicas stay stock too. Excludes performance_schema.
  bool stock = false;
  // A Galera cluster of this many nodes (node1, node2, ...) instead of a primary and replicas.
  int galera_nodes = 0;
};

inline constexpr unsigned kDefaultFirstPort = 3310;
inline constexpr char kSandboxUser[] = "safeddl";

struct ServerInstance {
  std::string role;  // "primary", "replica1", ...; Galera: "node1", "node2", ...
  std::string host = "127.0.0.1";
  unsigned port = 0;
  unsigned server_id = 0;
  int pid = 0;
  std::string dir;  // this server's folder
  std::string socket;
  std::string config;         // the mariadbd defaults file
  std::string client_config;  // [client] user, password, host, port: for --defaults-file
  std::string error_log;
  bool running = false;  // filled by List()/Up()
  unsigned galera_port = 0;  // Galera node: group communication (IST on the next port)
  unsigned sst_port = 0;     // Galera node: where it receives a state transfer
};

struct SandboxInfo {
  std::string name;
  std::string dir;
  std::string user = kSandboxUser;
  std::string version;                  // mariadbd's version string
  std::vector<ServerInstance> servers;  // primary first
  bool stock = false;                   // made with SandboxSpec::stock
  bool galera = false;                  // a Galera cluster: servers are its nodes
  bool already_running = false;         // Up() found it running and did not restart it
};

// $SAFEDDL_SANDBOX_DIR, else $HOME/.safeddl/sandboxes.
std::string DefaultRoot();

// Starts the sandbox described by `spec`, or reports the running one (already_running = true).
// Errors: mariadbd missing (names the package), port in use, folder not writable, server failed
// to start (with the tail of its error log). On failure nothing started is left running.
Result<SandboxInfo> Up(const SandboxSpec& spec);

// Stops every server of sandbox `name` cleanly and removes its folder unless `keep`.
Status Down(const std::string& root, const std::string& name, bool keep);

// The sandboxes under `root` with the live state of each server.
Result<std::vector<SandboxInfo>> List(const std::string& root);

// Reads `<dir>/sandbox.json`.
Result<SandboxInfo> Load(const std::string& dir);

}  // namespace safeddl::sandbox
