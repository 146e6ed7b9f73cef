#include "sandbox/sandbox.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include "common/log.h"
#include "common/strings.h"
#include "mysql/connection.h"
#include "mysql/quote.h"
#include "sandbox/galera.h"
#include "sandbox/ports.h"
#include "sandbox/sandbox_state.h"
#include "sandbox/server_process.h"

namespace safeddl::sandbox {
namespace {

namespace fs = std::filesystem;

constexpr auto kStartTimeout = std::chrono::seconds(60);
constexpr auto kStopTimeout = std::chrono::seconds(60);
constexpr auto kReplicationTimeout = std::chrono::seconds(30);
// A joining Galera node accepts connections only after its state transfer.
constexpr auto kGaleraStartTimeout = std::chrono::seconds(180);
constexpr auto kGaleraSyncTimeout = std::chrono::seconds(120);
constexpr size_t kMaxSocketPath = 100;  // sockaddr_un::sun_path is 108 bytes
constexpr size_t kPasswordLength = 24;
constexpr char kReplicationUser[] = "repl";
constexpr char kStateFile[] = "sandbox.json";
constexpr int kPortAttempts = 5;
constexpr char kPortTakenMessage[] = "Address already in use";

Status ValidateName(const std::string& name) {
  if (name.empty() || name.size() > 64) {
    return InvalidArgumentError("a sandbox name must have 1 to 64 characters");
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') {
      return InvalidArgumentError(
          fmt::format("sandbox name '{}' may contain only letters, digits, '_' and '-'", name));
    }
  }
  return Status::OK();
}

Result<std::string> GeneratePassword() {
  static constexpr char kAlphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  std::string bytes(kPasswordLength, '\0');
  if (!urandom.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) {
    return IoError("cannot read /dev/urandom to generate a password");
  }
  std::string out;
  for (unsigned char b : bytes) out += kAlphabet[b % (sizeof(kAlphabet) - 1)];
  return out;
}

Status MakeDirectory(const std::string& path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) {
    return IoError(fmt::format("cannot create directory '{}': {}", path, ec.message()));
  }
  if (::access(path.c_str(), W_OK) != 0) {
    return IoError(fmt::format("directory '{}' is not writable: {}", path, std::strerror(errno)));
  }
  ::chmod(path.c_str(), 0700);
  return Status::OK();
}

Status WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::trunc);
  if (!out || !(out << content) || !out.flush()) {
    return IoError(fmt::format("cannot write '{}'", path));
  }
  ::chmod(path.c_str(), 0600);
  return Status::OK();
}

// The friendly sandbox: everything the binlog can carry (FULL row metadata), strict GTID (not on
// Galera nodes, which number their GTIDs by the cluster's order), performance_schema on request,
// and settings that make throwaway servers fast.
std::string FriendlyServerConfig(const ServerInstance& s, bool performance_schema,
                                 bool strict_gtid) {
  return fmt::format(
      "# safeddl sandbox server '{}': throwaway, loopback only. Generated; edits are lost.\n"
      "[mariadbd]\n"
      "datadir={}/data\n"
      "socket={}\n"
      "port={}\n"
      "bind-address=127.0.0.1\n"
      // Replicas name themselves in SHOW REPLICA HOSTS, so tools can discover them.
      "report-host=127.0.0.1\n"
      "report-port={}\n"
      "pid-file={}/mariadbd.pid\n"
      "tmpdir={}/tmp\n"
      "log-error={}\n"
      "server-id={}\n"
      "log-bin=mariadb-bin\n"
      "relay-log=relay-bin\n"
      "binlog-format=ROW\n"
      "binlog-row-image=FULL\n"
      "binlog-row-metadata=FULL\n"
      "log-slave-updates=ON\n"
      "gtid-strict-mode={}\n"
      "skip-name-resolve\n"
      "max-connections=500\n"
      "innodb-buffer-pool-size=256M\n"
      "innodb-log-file-size=256M\n"
      "innodb-flush-log-at-trx-commit=2\n"
      "sync-binlog=0\n"
      "performance-schema={}\n",
      s.role, s.dir, s.socket, s.port, s.port, s.dir, s.dir, s.error_log, s.server_id,
      strict_gtid ? "ON" : "OFF", performance_schema ? "ON" : "OFF");
}

// The stock sandbox (SandboxSpec::stock): a server as users run one. Only what a bare server
// needs to run beside others on this host, plus a ROW binlog (which safeddl requires); every
// other setting is the server's default: binlog_row_metadata=NO_LOG, performance_schema off,
// innodb_autoinc_lock_mode=1, gtid_strict_mode=OFF, latin1, no report-host, no
// log-slave-updates, default buffer pool, durable commits. Add a line here only with the reason
// a loopback test cannot do without it (tmpdir: sandboxes side by side must not share /tmp's
// temporary files; a stock server crashed once in CI dropping an internal temporary table).
std::string StockServerConfig(const ServerInstance& s) {
  return fmt::format(
      "# safeddl stock sandbox server '{}': server defaults, throwaway, loopback only.\n"
      "# Generated; edits are lost.\n"
      "[mariadbd]\n"
      "datadir={}/data\n"
      "socket={}\n"
      "port={}\n"
      "bind-address=127.0.0.1\n"
      "pid-file={}/mariadbd.pid\n"
      "tmpdir={}/tmp\n"
      "log-error={}\n"
      "server-id={}\n"
      "log-bin=mariadb-bin\n"
      "binlog-format=ROW\n",
      s.role, s.dir, s.socket, s.port, s.dir, s.dir, s.error_log, s.server_id);
}

std::string ServerConfig(const ServerInstance& s, const SandboxSpec& spec) {
  const bool galera = spec.galera_nodes > 0;
  std::string cfg =
      spec.stock ? StockServerConfig(s) : FriendlyServerConfig(s, spec.performance_schema, !galera);
  // mariadbd refuses to run as root unless told to; the datadir is root's then. Galera nodes run
  // as mysql (galera.h says why).
  if (::geteuid() == 0) cfg += galera ? "user=mysql\n" : "user=root\n";
  return cfg;
}

std::string ClientConfig(const ServerInstance& s, const std::string& password) {
  return fmt::format(
      "# Connection settings for safeddl sandbox server '{}'. Contains its password: keep 0600.\n"
      "[client]\n"
      "user={}\n"
      "password={}\n"
      "host={}\n"
      "port={}\n",
      s.role, kSandboxUser, password, s.host, s.port);
}

ServerInstance DescribeServer(const std::string& sandbox_dir, const std::string& role,
                              unsigned port) {
  ServerInstance s;
  s.role = role;
  s.port = port;
  s.server_id = port;  // unique on this host, and easy to recognise
  s.dir = sandbox_dir + "/" + role;
  s.socket = s.dir + "/mariadbd.sock";
  if (s.socket.size() > kMaxSocketPath)
    s.socket = fmt::format("/tmp/safeddl-sandbox-{}.sock", port);
  s.config = s.dir + "/my.cnf";
  s.client_config = s.dir + "/client.cnf";
  s.error_log = s.dir + "/error.log";
  return s;
}

Result<std::unique_ptr<mysql::Connection>> ConnectAsRoot(const ServerInstance& s,
                                                         const std::string& password) {
  mysql::ConnectOptions o;
  o.socket = s.socket;
  o.user = "root";
  o.password = password;
  return mysql::Connection::Open(o);
}

// Creates the sandbox user, the replication user, and locks root behind the password. Nothing
// of it is binlogged, so replicas set up the same way stay consistent.
Status BootstrapAccounts(const ServerInstance& s, const std::string& password) {
  SAFEDDL_ASSIGN_OR_RETURN(auto conn, ConnectAsRoot(s, ""));
  const std::string pw = mysql::QuoteString(password);
  const std::string user = mysql::QuoteString(kSandboxUser);
  const std::string repl = mysql::QuoteString(kReplicationUser);
  const std::vector<std::string> statements = {
      "SET SESSION sql_log_bin = 0",
      "DROP USER IF EXISTS 'root'@'127.0.0.1', 'root'@'::1', ''@'localhost'",
      fmt::format("CREATE USER {}@'localhost' IDENTIFIED BY {}", user, pw),
      fmt::format("CREATE USER {}@'127.0.0.1' IDENTIFIED BY {}", user, pw),
      fmt::format("GRANT ALL PRIVILEGES ON *.* TO {}@'localhost' WITH GRANT OPTION", user),
      fmt::format("GRANT ALL PRIVILEGES ON *.* TO {}@'127.0.0.1' WITH GRANT OPTION", user),
      fmt::format("CREATE USER {}@'127.0.0.1' IDENTIFIED BY {}", repl, pw),
      fmt::format("GRANT REPLICATION SLAVE ON *.* TO {}@'127.0.0.1'", repl),
      fmt::format("ALTER USER 'root'@'localhost' IDENTIFIED BY {}", pw),
  };
  // Other root@<hostname> accounts that mariadb-install-db made without a password.
  SAFEDDL_ASSIGN_OR_RETURN(
      mysql::ResultSet others,
      conn->Query("SELECT Host FROM mysql.user WHERE User = 'root' AND Host <> 'localhost'"));
  for (const std::string& st : statements) SAFEDDL_RETURN_IF_ERROR(conn->Execute(st));
  for (const mysql::Row& row : others.rows()) {
    SAFEDDL_RETURN_IF_ERROR(conn->Execute(
        fmt::format("DROP USER IF EXISTS 'root'@{}", mysql::QuoteString(row[0].value_or("")))));
  }
  return Status::OK();
}

Status StartReplication(const ServerInstance& replica, const ServerInstance& primary,
                        const std::string& password) {
  SAFEDDL_ASSIGN_OR_RETURN(auto conn, ConnectAsRoot(replica, password));
  SAFEDDL_RETURN_IF_ERROR(conn->Execute(fmt::format(
      "CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = {}, MASTER_USER = {}, "
      "MASTER_PASSWORD = {}, MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1",
      primary.port, mysql::QuoteString(kReplicationUser), mysql::QuoteString(password))));
  SAFEDDL_RETURN_IF_ERROR(conn->Execute("START SLAVE"));
  const auto deadline = std::chrono::steady_clock::now() + kReplicationTimeout;
  std::string last_error;
  while (std::chrono::steady_clock::now() < deadline) {
    SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet st, conn->Query("SHOW SLAVE STATUS"));
    if (!st.empty()) {
      const mysql::Row& row = st[0];
      if (row.GetString("Slave_IO_Running") == "Yes" &&
          row.GetString("Slave_SQL_Running") == "Yes") {
        return Status::OK();
      }
      last_error = row.GetString("Last_IO_Error") + " " + row.GetString("Last_SQL_Error");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return TimeoutError(fmt::format("replica {} did not start replicating within {}s: {}",
                                  replica.role, kReplicationTimeout.count(),
                                  TrimWhitespace(last_error)));
}

// Stops whatever servers a failed CreateNew() left running, found by their pid files.
void StopLeftovers(const std::string& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string server_dir = entry.path().string();
    auto pid_text = ReadFileToString(server_dir + "/mariadbd.pid");
    auto pid = pid_text ? ParseInt64(TrimWhitespace(*pid_text)) : std::nullopt;
    if (pid) StopServer(static_cast<int>(*pid), server_dir + "/my.cnf", kStopTimeout).IgnoreError();
  }
}

Status SaveState(const SandboxInfo& info) {
  SandboxInfo stored = info;
  stored.already_running = false;
  return WriteFile(info.dir + "/" + kStateFile, ToJson(stored).dump(2) + "\n");
}

void RefreshRunning(SandboxInfo& info) {
  for (ServerInstance& s : info.servers) s.running = IsServerAlive(s.pid, s.config);
}

// After a failed start: the free port to try next, when the server's port was taken (by a
// process that bound it after safeddl found it free: two sandboxes starting at once) and safeddl
// chose it, for a few attempts; nullopt otherwise. The error log holds this start only.
Result<std::optional<unsigned>> PortToTryNext(const ServerInstance& s, const SandboxSpec& spec,
                                              int attempt) {
  const bool port_taken =
      ReadFileToString(s.error_log).value_or("").find(kPortTakenMessage) != std::string::npos;
  if (!port_taken || spec.port != 0 || attempt >= kPortAttempts) return std::optional<unsigned>();
  SAFEDDL_ASSIGN_OR_RETURN(auto next, FindFreePorts(s.port + 1, 1));
  LogInfo("port {} was taken while {} started; using {}", s.port, s.role, next[0]);
  return std::optional<unsigned>(next[0]);
}

// The SQL ports of `count` servers: --port and the free ones after it, or the first free ones.
Result<std::vector<unsigned>> ChoosePorts(const SandboxSpec& spec, int count) {
  if (spec.port == 0) return FindFreePorts(kDefaultFirstPort, count);
  if (!IsPortFree(spec.port)) {
    return FailedPreconditionError(fmt::format(
        "port {} is in use on 127.0.0.1: choose another with --port, or leave it out to take "
        "the first free one",
        spec.port));
  }
  std::vector<unsigned> ports = {spec.port};
  if (count > 1) {
    SAFEDDL_ASSIGN_OR_RETURN(auto more, FindFreePorts(spec.port + 1, count - 1));
    ports.insert(ports.end(), more.begin(), more.end());
  }
  return ports;
}

Result<std::unique_ptr<mysql::Connection>> ConnectAsSandboxUser(const ServerInstance& s) {
  mysql::ConnectOptions o;
  o.defaults_file = s.client_config;
  return mysql::Connection::Open(o);
}

// Starts a Galera node (the first one of a stopped cluster with `bootstrap`) and waits until it
// accepts connections: a joining node does once its state transfer is done.
Status StartGaleraNode(ServerInstance& s, const std::string& server_binary, bool bootstrap) {
  std::vector<std::string> args;
  if (bootstrap) args.push_back("--wsrep-new-cluster");
  SAFEDDL_ASSIGN_OR_RETURN(s.pid, StartServer(server_binary, s.config, s.error_log, args));
  SAFEDDL_RETURN_IF_ERROR(WaitForSocket(s.pid, s.socket, s.error_log, kGaleraStartTimeout)
                              .WithContext("starting Galera node " + s.role));
  s.running = true;
  return Status::OK();
}

// Every running node Synced in one Primary component of them all. Waiting for the node that
// joined is not enough: the node that donated its state is "Joined" again for a moment after.
Status WaitAllSynced(const std::vector<ServerInstance>& nodes) {
  int running = 0;
  for (const ServerInstance& s : nodes) running += s.running ? 1 : 0;
  for (const ServerInstance& s : nodes) {
    if (!s.running) continue;
    SAFEDDL_ASSIGN_OR_RETURN(auto conn, ConnectAsSandboxUser(s));
    SAFEDDL_RETURN_IF_ERROR(WaitUntilSynced(*conn, s, running, kGaleraSyncTimeout));
  }
  return Status::OK();
}

// A Galera cluster of spec.galera_nodes nodes: the first one initialized and bootstrapped, the
// others joining one at a time by SST (their datadirs start empty), all Synced before the next.
Status CreateGaleraNodes(const SandboxSpec& spec, SandboxInfo& info, const std::string& password,
                         const std::string& server_binary) {
  SAFEDDL_ASSIGN_OR_RETURN(std::string provider, FindGaleraProvider());
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<RunAs> run_as, GaleraRunAs());
  if (run_as) {
    ::chmod(info.dir.c_str(), 0711);  // the nodes' own folders are theirs
    SAFEDDL_RETURN_IF_ERROR(CheckReachable(info.dir, *run_as));
  }
  std::vector<unsigned> sql_ports;
  for (const ServerInstance& s : info.servers) sql_ports.push_back(s.port);
  SAFEDDL_RETURN_IF_ERROR(AssignGaleraPorts(info.servers, sql_ports));
  for (size_t i = 0; i < info.servers.size(); ++i) {
    ServerInstance& s = info.servers[i];
    SAFEDDL_RETURN_IF_ERROR(MakeDirectory(s.dir + "/data"));
    SAFEDDL_RETURN_IF_ERROR(MakeDirectory(s.dir + "/tmp"));
    if (i == 0) {
      SAFEDDL_RETURN_IF_ERROR(InitializeDatadir(s.dir + "/data", s.dir + "/install-db.log"));
    }
    // As for a primary: a port safeddl chose can be taken by another process before the node
    // binds it (a joiner binds only after its state transfer); it moves on to the next free one.
    for (int attempt = 1;; ++attempt) {
      SAFEDDL_RETURN_IF_ERROR(WriteFile(
          s.config, ServerConfig(s, spec) + GaleraConfigLines("safeddl_" + info.name, provider,
                                                              info.servers, i, spec.stock)));
      SAFEDDL_RETURN_IF_ERROR(WriteFile(s.client_config, ClientConfig(s, password)));
      SAFEDDL_RETURN_IF_ERROR(WriteFile(s.error_log, ""));
      if (run_as) SAFEDDL_RETURN_IF_ERROR(GiveTree(s.dir, *run_as));
      Status started = StartGaleraNode(s, server_binary, /*bootstrap=*/i == 0);
      if (started.ok()) break;
      SAFEDDL_ASSIGN_OR_RETURN(std::optional<unsigned> next, PortToTryNext(s, spec, attempt));
      if (!next) return started;
      StopServer(s.pid, s.config, kStopTimeout).IgnoreError();
      if (i > 0) {  // a joiner starts from an empty datadir again
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(s.dir + "/data", ec)) {
          fs::remove_all(entry.path(), ec);
        }
      }
      const ServerInstance taken = s;
      s = DescribeServer(info.dir, taken.role, *next);
      s.galera_port = taken.galera_port;
      s.sst_port = taken.sst_port;
    }
    if (i == 0) {
      // The socket is there before the node is ready for queries (wsrep_ready): a loaded
      // machine showed "WSREP has not yet prepared node for application use" in between.
      SAFEDDL_ASSIGN_OR_RETURN(auto root, ConnectAsRoot(s, ""));
      SAFEDDL_RETURN_IF_ERROR(WaitUntilSynced(*root, s, 1, kGaleraSyncTimeout));
      SAFEDDL_RETURN_IF_ERROR(BootstrapAccounts(s, password).WithContext("creating accounts"));
    }
    SAFEDDL_RETURN_IF_ERROR(WaitAllSynced(info.servers));
  }
  return Status::OK();
}

// Starts the stopped nodes of a Galera sandbox: a cluster with no node running from the node
// that stopped last (it holds every write), then the others one at a time.
Status RestartGalera(SandboxInfo& info, const std::string& server_binary) {
  if (std::none_of(info.servers.begin(), info.servers.end(),
                   [](const ServerInstance& s) { return s.running; })) {
    SAFEDDL_ASSIGN_OR_RETURN(size_t first, BootstrapNode(info.servers));
    SAFEDDL_RETURN_IF_ERROR(StartGaleraNode(info.servers[first], server_binary, true));
    SAFEDDL_RETURN_IF_ERROR(WaitAllSynced(info.servers));
  }
  for (ServerInstance& s : info.servers) {
    if (s.running) continue;
    SAFEDDL_RETURN_IF_ERROR(StartGaleraNode(s, server_binary, false));
    SAFEDDL_RETURN_IF_ERROR(WaitAllSynced(info.servers));
  }
  return SaveState(info);
}

// Restarts the stopped servers of an existing sandbox from their datadirs.
Status Restart(SandboxInfo& info, const std::string& server_binary) {
  if (info.galera) return RestartGalera(info, server_binary);
  for (ServerInstance& s : info.servers) {
    if (s.running) continue;
    SAFEDDL_ASSIGN_OR_RETURN(s.pid, StartServer(server_binary, s.config, s.error_log));
    SAFEDDL_RETURN_IF_ERROR(WaitForSocket(s.pid, s.socket, s.error_log, kStartTimeout)
                                .WithContext("restarting sandbox server " + s.role));
    s.running = true;
  }
  return SaveState(info);
}

// A primary and spec.replicas GTID replicas of it, each from its own initialized datadir.
Status CreatePrimaryAndReplicas(const SandboxSpec& spec, SandboxInfo& info,
                                const std::string& password, const std::string& server_binary) {
  for (ServerInstance& s : info.servers) {
    SAFEDDL_RETURN_IF_ERROR(MakeDirectory(s.dir + "/data"));
    SAFEDDL_RETURN_IF_ERROR(MakeDirectory(s.dir + "/tmp"));
    SAFEDDL_RETURN_IF_ERROR(InitializeDatadir(s.dir + "/data", s.dir + "/install-db.log"));
    // A port found free can be taken by another process before mariadbd binds it (two sandboxes
    // starting at once): when safeddl chose the port, it moves on to the next free one.
    for (int attempt = 1;; ++attempt) {
      SAFEDDL_RETURN_IF_ERROR(WriteFile(s.config, ServerConfig(s, spec)));
      SAFEDDL_ASSIGN_OR_RETURN(s.pid, StartServer(server_binary, s.config, s.error_log));
      Status started = WaitForSocket(s.pid, s.socket, s.error_log, kStartTimeout);
      if (started.ok()) break;
      SAFEDDL_ASSIGN_OR_RETURN(std::optional<unsigned> next, PortToTryNext(s, spec, attempt));
      if (!next) return started.WithContext("starting sandbox server " + s.role);
      std::error_code ec;
      std::filesystem::remove(s.error_log, ec);
      const std::string role = s.role;
      s = DescribeServer(info.dir, role, *next);
      SAFEDDL_RETURN_IF_ERROR(MakeDirectory(s.dir + "/tmp"));
    }
    s.running = true;
    SAFEDDL_RETURN_IF_ERROR(BootstrapAccounts(s, password).WithContext("creating accounts"));
    SAFEDDL_RETURN_IF_ERROR(WriteFile(s.client_config, ClientConfig(s, password)));
  }
  for (size_t i = 1; i < info.servers.size(); ++i) {
    SAFEDDL_RETURN_IF_ERROR(StartReplication(info.servers[i], info.servers[0], password));
  }
  return Status::OK();
}

Result<SandboxInfo> CreateNew(const SandboxSpec& spec, const std::string& dir,
                              const std::string& server_binary) {
  const bool galera = spec.galera_nodes > 0;
  SAFEDDL_ASSIGN_OR_RETURN(std::vector<unsigned> ports,
                           ChoosePorts(spec, galera ? spec.galera_nodes : 1 + spec.replicas));
  SAFEDDL_ASSIGN_OR_RETURN(std::string password, GeneratePassword());

  SandboxInfo info;
  info.name = spec.name;
  info.dir = dir;
  info.stock = spec.stock;
  info.galera = galera;
  for (size_t i = 0; i < ports.size(); ++i) {
    const std::string role = galera   ? fmt::format("node{}", i + 1)
                             : i == 0 ? std::string("primary")
                                      : fmt::format("replica{}", i);
    info.servers.push_back(DescribeServer(dir, role, ports[i]));
  }
  SAFEDDL_RETURN_IF_ERROR(galera ? CreateGaleraNodes(spec, info, password, server_binary)
                                 : CreatePrimaryAndReplicas(spec, info, password, server_binary));
  SAFEDDL_ASSIGN_OR_RETURN(auto conn, ConnectAsRoot(info.servers[0], password));
  SAFEDDL_ASSIGN_OR_RETURN(auto version, conn->QueryValue("SELECT VERSION()"));
  info.version = version.value_or("");
  SAFEDDL_RETURN_IF_ERROR(SaveState(info));
  return info;
}

}  // namespace

std::string DefaultRoot() {
  if (const char* env = std::getenv("SAFEDDL_SANDBOX_DIR"); env && *env) return env;
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : "/tmp") + "/.safeddl/sandboxes";
}

Result<SandboxInfo> Load(const std::string& dir) {
  const std::string path = dir + "/" + kStateFile;
  auto text = ReadFileToString(path);
  if (!text) return NotFoundError(fmt::format("no sandbox at '{}' ({} missing)", dir, kStateFile));
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return CorruptionError(fmt::format("'{}' is not valid JSON", path));
  return FromJson(j);
}

Result<SandboxInfo> Up(const SandboxSpec& spec) {
  SAFEDDL_RETURN_IF_ERROR(ValidateName(spec.name));
  if (spec.replicas < 0 || spec.replicas > 8) {
    return InvalidArgumentError("--replicas must be between 0 and 8");
  }
  if (spec.galera_nodes < 0 || spec.galera_nodes > 9) {
    return InvalidArgumentError("--galera takes a number of nodes between 1 and 9");
  }
  if (spec.galera_nodes > 0 && spec.replicas > 0) {
    return InvalidArgumentError(
        "--galera makes a cluster of nodes, which replicate to each other: leave out --replicas");
  }
  if (spec.stock && spec.performance_schema) {
    return InvalidArgumentError(
        "--stock keeps the server's defaults, performance_schema off among them: leave out "
        "--performance-schema");
  }
  SAFEDDL_ASSIGN_OR_RETURN(std::string server_binary, FindServerBinary());
  const std::string root = spec.root.empty() ? DefaultRoot() : spec.root;
  const std::string dir = root + "/" + spec.name;

  if (fs::exists(dir + "/" + kStateFile)) {
    SAFEDDL_ASSIGN_OR_RETURN(SandboxInfo info, Load(dir));
    if (info.galera != (spec.galera_nodes > 0)) {
      return FailedPreconditionError(fmt::format(
          "sandbox '{}' exists {}: take it down first (safeddl sandbox down --name {}) or choose "
          "another --name",
          spec.name, info.galera ? "as a Galera cluster" : "without --galera", spec.name));
    }
    if (info.stock != spec.stock) {
      return FailedPreconditionError(fmt::format(
          "sandbox '{}' exists {} --stock: take it down first (safeddl sandbox down --name {}) "
          "or choose another --name",
          spec.name, info.stock ? "with" : "without", spec.name));
    }
    RefreshRunning(info);
    bool all_running = true;
    for (const ServerInstance& s : info.servers) all_running = all_running && s.running;
    if (all_running) {
      info.already_running = true;
      return info;
    }
    SAFEDDL_RETURN_IF_ERROR(Restart(info, server_binary));
    return info;
  }
  if (fs::exists(dir) && !fs::is_empty(dir)) {
    return AlreadyExistsError(fmt::format(
        "'{}' exists but holds no sandbox: remove it or choose another --name/--dir", dir));
  }
  SAFEDDL_RETURN_IF_ERROR(MakeDirectory(dir));
  Result<SandboxInfo> created = CreateNew(spec, dir, server_binary);
  if (!created.ok()) {
    // Leave nothing behind: the error already carries the tail of the failing server's log.
    StopLeftovers(dir);
    std::error_code ec;
    fs::remove_all(dir, ec);
    return created.status();
  }
  return created;
}

Status Down(const std::string& root_in, const std::string& name, bool keep) {
  SAFEDDL_RETURN_IF_ERROR(ValidateName(name));
  const std::string root = root_in.empty() ? DefaultRoot() : root_in;
  const std::string dir = root + "/" + name;
  Result<SandboxInfo> info = Load(dir);
  if (!info.ok()) {
    if (info.status().code() == StatusCode::kNotFound) {
      return NotFoundError(
          fmt::format("no sandbox named '{}' under '{}' (see: safeddl sandbox list)", name, root));
    }
    return info.status();
  }
  // A server that stopped on its own (a crash) would lose its error log with the folder: it is
  // kept beside it, its end is shown, and the command fails once the rest is cleaned up.
  RefreshRunning(*info);
  std::vector<std::string> stopped;
  for (const ServerInstance& s : info->servers) {
    if (s.running) continue;
    const std::string kept =
        keep ? s.error_log : fmt::format("{}/{}-{}-stopped.err", root, name, s.role);
    std::error_code ec;
    if (!keep) fs::copy_file(s.error_log, kept, fs::copy_options::overwrite_existing, ec);
    const std::string text = ReadFileToString(kept).value_or("");
    size_t from = text.size();
    for (int lines = 0; from > 0 && lines < 25; --from) {
      if (text[from - 1] == '\n') ++lines;
    }
    LogWarning(
        "sandbox server {} of '{}' had stopped on its own; the end of its error log ({}):\n{}",
        s.role, name, ec ? "lost" : kept, text.substr(from));
    stopped.push_back(fmt::format("{} (error log: {})", s.role, ec ? "lost" : kept));
  }
  for (auto it = info->servers.rbegin(); it != info->servers.rend(); ++it) {
    SAFEDDL_RETURN_IF_ERROR(StopServer(it->pid, it->config, kStopTimeout)
                                .WithContext("stopping sandbox server " + it->role));
  }
  if (!keep) {
    std::error_code ec;
    for (const ServerInstance& s : info->servers) {
      if (s.socket.rfind("/tmp/", 0) == 0) fs::remove(s.socket, ec);
    }
    fs::remove_all(dir, ec);
    if (ec) return IoError(fmt::format("cannot remove '{}': {}", dir, ec.message()));
  }
  if (!stopped.empty()) {
    return FailedPreconditionError(fmt::format(
        "sandbox '{}' is down, but {} had stopped on its own before (a crash?): {}", name,
        stopped.size() == 1 ? "a server" : "servers", JoinStrings(stopped, "; ")));
  }
  return Status::OK();
}

Result<std::vector<SandboxInfo>> List(const std::string& root_in) {
  const std::string root = root_in.empty() ? DefaultRoot() : root_in;
  std::vector<SandboxInfo> out;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return out;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    if (!entry.is_directory() || !fs::exists(entry.path() / kStateFile)) continue;
    Result<SandboxInfo> info = Load(entry.path().string());
    if (!info.ok()) {
      LogWarning("skipping {}: {}", entry.path().string(), info.status().message());
      continue;
    }
    RefreshRunning(*info);
    out.push_back(std::move(*info));
  }
  std::sort(out.begin(), out.end(),
            [](const SandboxInfo& a, const SandboxInfo& b) { return a.name < b.name; });
  return out;
}

}  // namespace safeddl::sandbox
