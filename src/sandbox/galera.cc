#include "sandbox/galera.h"

#include <fmt/format.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "common/strings.h"
#include "mysql/connection.h"
#include "sandbox/ports.h"
#include "sandbox/server_process.h"

namespace safeddl::sandbox {
namespace {

namespace fs = std::filesystem;

constexpr char kDefaultProvider[] = "/usr/lib/galera/libgalera_smm.so";
constexpr auto kPollInterval = std::chrono::milliseconds(200);
constexpr int kLogLines = 12;

bool Taken(unsigned port, const std::vector<unsigned>& taken) {
  return std::find(taken.begin(), taken.end(), port) != taken.end();
}

}  // namespace

Result<std::string> FindGaleraProvider() {
  std::string provider = kDefaultProvider;
  if (const char* env = std::getenv("SAFEDDL_GALERA_PROVIDER"); env && *env) provider = env;
  if (::access(provider.c_str(), R_OK) != 0) {
    return NotFoundError(fmt::format(
        "the Galera provider {} is missing: install Debian's galera-4 package (sudo apt-get "
        "install galera-4 rsync), or point $SAFEDDL_GALERA_PROVIDER at libgalera_smm.so",
        provider));
  }
  if (!FindExecutable("rsync", {"/usr/bin"})) {
    return NotFoundError(
        "rsync is missing, and Galera nodes receive their data by rsync SST: sudo apt-get install "
        "rsync");
  }
  return provider;
}

Status AssignGaleraPorts(std::vector<ServerInstance>& nodes, const std::vector<unsigned>& taken) {
  std::vector<unsigned> used = taken;
  unsigned next = kGaleraFirstPort;
  for (ServerInstance& node : nodes) {
    while (next < 65000 && (Taken(next, used) || Taken(next + 1, used) || !IsPortFree(next) ||
                            !IsPortFree(next + 1))) {
      ++next;
    }
    if (next >= 65000) return FailedPreconditionError("no free ports for Galera's group traffic");
    node.galera_port = next;
    used.push_back(next);
    used.push_back(next + 1);
    next += 2;
  }
  unsigned sst = kSstFirstPort;
  for (ServerInstance& node : nodes) {
    while (sst < 65000 && (Taken(sst, used) || !IsPortFree(sst))) ++sst;
    if (sst >= 65000) return FailedPreconditionError("no free ports for Galera's SST");
    node.sst_port = sst;
    used.push_back(sst++);
  }
  return Status::OK();
}

Result<std::optional<RunAs>> GaleraRunAs() {
  if (::geteuid() != 0) return std::optional<RunAs>();
  const passwd* pw = ::getpwnam("mysql");
  if (pw == nullptr) {
    return FailedPreconditionError(
        "run as root, Galera nodes must run as another account (the rsync SST daemon drops root's "
        "rights and then cannot write the datadir), and there is no 'mysql' account: install "
        "mariadb-server (it creates one), or run safeddl as a normal user");
  }
  return std::optional<RunAs>(RunAs{pw->pw_uid, pw->pw_gid, "mysql"});
}

Status CheckReachable(const std::string& dir, const RunAs& who) {
  for (fs::path p = fs::absolute(dir);; p = p.parent_path()) {
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0) {
      const bool through = st.st_uid == who.uid   ? (st.st_mode & S_IXUSR) != 0
                           : st.st_gid == who.gid ? (st.st_mode & S_IXGRP) != 0
                                                  : (st.st_mode & S_IXOTH) != 0;
      if (!through) {
        return FailedPreconditionError(fmt::format(
            "Galera nodes run as '{}' here (safeddl runs as root), and '{}' does not let that "
            "account through (mode {:o}): put the sandbox elsewhere with --dir or "
            "$SAFEDDL_SANDBOX_DIR (e.g. /var/tmp/safeddl-sandboxes)",
            who.name, p.string(), st.st_mode & 07777));
      }
    }
    if (p == p.root_path() || p.empty()) break;
  }
  return Status::OK();
}

Status GiveTree(const std::string& path, const RunAs& who) {
  auto give = [&](const fs::path& p) -> Status {
    if (::lchown(p.c_str(), who.uid, who.gid) != 0) {
      return IoError(
          fmt::format("cannot give '{}' to '{}': {}", p.string(), who.name, std::strerror(errno)));
    }
    return Status::OK();
  };
  SAFEDDL_RETURN_IF_ERROR(give(path));
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    SAFEDDL_RETURN_IF_ERROR(give(it->path()));
  }
  if (ec) return IoError(fmt::format("cannot walk '{}': {}", path, ec.message()));
  return Status::OK();
}

std::string GaleraConfigLines(const std::string& cluster_name, const std::string& provider,
                              const std::vector<ServerInstance>& nodes, size_t index, bool stock) {
  std::vector<std::string> members;
  for (const ServerInstance& n : nodes)
    members.push_back(fmt::format("127.0.0.1:{}", n.galera_port));
  const ServerInstance& self = nodes[index];
  // A smaller ring buffer than the 128M default keeps three nodes' files small; stock keeps it.
  const std::string gcache = stock ? "" : ";gcache.size=64M";
  return fmt::format(
      "# Galera: node {} of {}\n"
      "wsrep-on=ON\n"
      "wsrep-provider={}\n"
      "wsrep-cluster-name={}\n"
      "wsrep-cluster-address=gcomm://{}\n"
      "wsrep-node-name={}\n"
      "wsrep-node-address=127.0.0.1:{}\n"
      // Members list each other's SQL address (wsrep_incoming_addresses) only when told it.
      "wsrep-node-incoming-address=127.0.0.1:{}\n"
      "wsrep-provider-options=\"base_port={};gmcast.listen_addr=tcp://127.0.0.1:{};"
      "ist.recv_addr=127.0.0.1:{}{}\"\n"
      "wsrep-sst-method=rsync\n"
      "wsrep-sst-receive-address=127.0.0.1:{}\n"
      "innodb-autoinc-lock-mode=2\n"
      "default-storage-engine=InnoDB\n",
      index + 1, nodes.size(), provider, cluster_name, JoinStrings(members, ","), self.role,
      self.galera_port, self.port, self.galera_port, self.galera_port, self.galera_port + 1, gcache,
      self.sst_port);
}

Status WaitUntilSynced(mysql::Connection& conn, const ServerInstance& node, int size,
                       std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string state = "unknown";
  while (std::chrono::steady_clock::now() < deadline) {
    SAFEDDL_ASSIGN_OR_RETURN(
        mysql::ResultSet rs,
        conn.Query("SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_local_state_comment', "
                   "'wsrep_cluster_size', 'wsrep_cluster_status', 'wsrep_ready')"));
    std::string comment, status, ready;
    long long members = 0;
    for (const mysql::Row& row : rs.rows()) {
      const std::string name = row[0].value_or("");
      const std::string value = row[1].value_or("");
      if (name == "wsrep_local_state_comment") comment = value;
      if (name == "wsrep_cluster_status") status = value;
      if (name == "wsrep_ready") ready = value;
      if (name == "wsrep_cluster_size") members = ParseInt64(value).value_or(0);
    }
    state = fmt::format("{}, {} component of {} node(s)", comment, status, members);
    if (comment == "Synced" && status == "Primary" && members == size && ready == "ON") {
      return Status::OK();
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  return TimeoutError(fmt::format(
      "Galera node {} was not Synced in a cluster of {} within {}s ({}); the end of its error "
      "log {}:\n{}",
      node.role, size, timeout.count(), state, node.error_log,
      TailOfFile(node.error_log, kLogLines)));
}

Result<size_t> BootstrapNode(const std::vector<ServerInstance>& nodes) {
  for (size_t i = 0; i < nodes.size(); ++i) {
    const std::string state = ReadFileToString(nodes[i].dir + "/data/grastate.dat").value_or("");
    if (state.find("safe_to_bootstrap: 1") != std::string::npos) return i;
  }
  return FailedPreconditionError(
      "every node of this Galera sandbox stopped without a clean shutdown, so none is known to "
      "hold the last write (no grastate.dat says safe_to_bootstrap: 1): take it down and up "
      "again (safeddl sandbox down, then up), or mark the node to start from by hand");
}

}  // namespace safeddl::sandbox
