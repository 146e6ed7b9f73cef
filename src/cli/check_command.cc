#include "cli/check_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "common/strings.h"

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
  if (options.json) {
    fmt::print("{}\n", CheckReportToJson(snapshot, report).dump(kJsonIndent));
  } else {
    fmt::print("{}", RenderCheckTable(report));
  }
  std::fflush(stdout);
  if (report.ReadyFor(Capability::kAlter)) return Status::OK();
  std::vector<std::string> blockers;
  for (const Finding* f : report.BlockersOf(Capability::kAlter)) blockers.push_back(f->item);
  return FailedPreconditionError(
      fmt::format("not ready for online ALTER: {}", JoinStrings(blockers, ", ")));
}

}  // namespace safeddl::cli
