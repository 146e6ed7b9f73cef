#include "cli/check_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "common/strings.h"
#include "galera/cluster.h"

namespace safeddl::cli {
namespace {

using mysql::Capability;
using mysql::Finding;
using mysql::FindingLevel;

constexpr std::string_view kFixIndent = "        fix: ";
constexpr int kJsonIndent = 2;

// Upper-case FAIL/WARN so they stand out in the table; "ok" stays quiet.
std::string_view LevelLabel(FindingLevel level) {
  switch (level) {
    case FindingLevel::kOk:
      return "ok";
    case FindingLevel::kWarn:
      return "WARN";
    case FindingLevel::kFail:
      return "FAIL";
  }
  return "?";
}

std::string ReadinessLine(const mysql::ReadinessReport& report, Capability capability) {
  const std::string name(mysql::CapabilityName(capability));
  const std::string label = capability == Capability::kUnblock ? "unblock/watch" : name;
  if (report.ReadyFor(capability)) return fmt::format("  {:<14} ready\n", label);
  std::vector<std::string> items;
  for (const Finding* f : report.BlockersOf(capability)) items.push_back(f->item);
  return fmt::format("  {:<14} NOT READY: {}\n", label, JoinStrings(items, ", "));
}

// Every node of the cluster asked directly (a node's own view of the others is its cluster size
// only). A node that cannot be reached is reported instead of the table.
struct GaleraView {
  std::vector<std::pair<std::string, mysql::GaleraStatus>> nodes;  // name, status
  std::string error;
};

GaleraView ViewCluster(const mysql::ConnectOptions& options) {
  GaleraView view;
  Result<galera::Cluster> cluster = galera::ReachCluster(options, {});
  if (!cluster.ok()) {
    view.error = cluster.status().message();
    return view;
  }
  for (const galera::Node& n : cluster->nodes) view.nodes.emplace_back(n.Name(), n.status);
  return view;
}

std::string RenderGaleraView(const GaleraView& view) {
  if (!view.error.empty()) return fmt::format("\nGalera nodes: cannot ask each: {}\n", view.error);
  size_t width = 4;
  for (const auto& [name, _] : view.nodes) width = std::max(width, name.size());
  std::string out = fmt::format(
      "\nGalera nodes (each asked directly):\n  {:<{}}  {:<16}  {:<14}  {:>12}  {:>6}  {:>9}\n",
      "NODE", width, "STATE", "COMPONENT", "FC PAUSED ns", "RECV Q", "BF ABORTS");
  for (const auto& [name, g] : view.nodes) {
    out += fmt::format("  {:<{}}  {:<16}  {:<14}  {:>12}  {:>6}  {:>9}\n", name, width,
                       g.desync ? g.local_state + " (desync)" : g.local_state,
                       fmt::format("{} of {}", g.cluster_status, g.cluster_size),
                       g.flow_control_paused_ns, g.recv_queue, g.bf_aborts);
  }
  return out;
}

nlohmann::json GaleraViewToJson(const GaleraView& view) {
  nlohmann::json j = {{"nodes", nlohmann::json::array()}};
  if (!view.error.empty()) j["error"] = view.error;
  for (const auto& [name, g] : view.nodes) {
    nlohmann::json node = mysql::GaleraStatusToJson(g);
    node["name"] = name;
    j["nodes"].push_back(std::move(node));
  }
  return j;
}

}  // namespace

nlohmann::json CheckReportToJson(const mysql::ReadinessSnapshot& snapshot,
                                 const mysql::ReadinessReport& report) {
  nlohmann::json j;
  j["server"] = report.server;
  j["version"] = snapshot.server.version_string();
  j["flavor"] = snapshot.server.IsMariaDB() ? "mariadb" : "mysql";
  j["user"] = report.user;
  if (!snapshot.target_schema.empty()) j["database"] = snapshot.target_schema;
  nlohmann::json ready = nlohmann::json::object();
  for (Capability c : mysql::kAllCapabilities) {
    ready[std::string(mysql::CapabilityName(c))] = report.ReadyFor(c);
  }
  j["ready"] = ready;
  j["findings"] = nlohmann::json::array();
  for (const Finding& f : report.findings) {
    nlohmann::json needed = nlohmann::json::array();
    for (Capability c : f.needed_by) needed.push_back(std::string(mysql::CapabilityName(c)));
    j["findings"].push_back({{"area", f.area},
                             {"item", f.item},
                             {"status", std::string(mysql::FindingLevelName(f.level))},
                             {"found", f.found},
                             {"fix", f.fix},
                             {"needed_by", needed}});
  }
  j["replicas"] = nlohmann::json::array();
  for (const mysql::ReplicaHost& r : snapshot.replicas) {
    j["replicas"].push_back({{"server_id", r.server_id}, {"host", r.host}, {"port", r.port}});
  }
  return j;
}

std::string RenderCheckTable(const mysql::ReadinessReport& report) {
  size_t area_width = 4, item_width = 4;
  for (const Finding& f : report.findings) {
    area_width = std::max(area_width, f.area.size());
    item_width = std::max(item_width, f.item.size());
  }
  std::string out = fmt::format("{} as {}\n\n", report.server, report.user);
  out += fmt::format("{:<6}  {:<{}}  {:<{}}  {}\n", "STATUS", "AREA", area_width, "ITEM",
                     item_width, "FOUND");
  for (const Finding& f : report.findings) {
    out += fmt::format("{:<6}  {:<{}}  {:<{}}  {}\n", LevelLabel(f.level), f.area, area_width,
                       f.item, item_width, f.found);
    if (!f.fix.empty() && f.level != FindingLevel::kOk) {
      out += fmt::format("{}{}\n", kFixIndent, f.fix);
    }
  }
  out += "\nReadiness:\n";
  for (Capability c : mysql::kAllCapabilities) out += ReadinessLine(report, c);
  return out;
}

void SetupCheck(CLI::App& parent, CommandSlot& slot) {
  auto opts = std::make_shared<CheckOptions>();
  CLI::App* cmd = parent.add_subcommand(
      "check",
      "Report whether a server is ready for each safeddl capability and what to change.\n"
      "Exit status: 0 ready for online ALTER, 1 not ready, 2 cannot connect.");
  AddConnectionFlags(*cmd, opts->connection);
  cmd->add_option("--database", opts->database,
                  "Judge the privileges for alter on this schema (schema-level grants count)");
  cmd->add_flag("--json", opts->json, "Print the report as JSON");
  cmd->callback([opts, &slot] { slot = [opts] { return RunCheck(*opts); }; });
}

Status RunCheck(const CheckOptions& options) {
  SAFEDDL_ASSIGN_OR_RETURN(Session session, OpenSession(options.connection));
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ReadinessSnapshot snapshot,
                           mysql::CollectReadiness(*session.conn, options.database));
  const mysql::ReadinessReport report = mysql::EvaluateReadiness(snapshot);
  std::optional<GaleraView> galera;
  if (snapshot.galera) galera = ViewCluster(session.options);
  if (options.json) {
    nlohmann::json j = CheckReportToJson(snapshot, report);
    if (galera) {
      j["galera"] = GaleraViewToJson(*galera);
      j["galera"]["this_node"] = mysql::GaleraStatusToJson(*snapshot.galera);
    }
    fmt::print("{}\n", j.dump(kJsonIndent));
  } else {
    fmt::print("{}", RenderCheckTable(report));
    if (galera) fmt::print("{}", RenderGaleraView(*galera));
  }
  std::fflush(stdout);
  if (report.ReadyFor(Capability::kAlter)) return Status::OK();
  std::vector<std::string> blockers;
  for (const Finding* f : report.BlockersOf(Capability::kAlter)) blockers.push_back(f->item);
  return FailedPreconditionError(
      fmt::format("not ready for online ALTER: {}", JoinStrings(blockers, ", ")));
}

}  // namespace safeddl::cli
