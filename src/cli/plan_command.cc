#include "cli/plan_command.h"

#include <fmt/format.h>

#include <cstdio>
#include <memory>

#include "cli/binlog_command.h"
#include "common/strings.h"
#include "mysql/quote.h"
#include "plan/plan_report.h"
#include "plan/planner.h"
#include "plan/statement_split.h"

namespace safeddl::cli {
namespace {

constexpr int kJsonIndent = 2;

Result<std::vector<plan::SchemaStatement>> StatementsFor(const PlanCommandOptions& o) {
  if (!o.file.empty()) {
    std::optional<std::string> text = ReadFileToString(o.file);
    if (!text) return InvalidArgumentError("cannot read --file " + o.file);
    return plan::SplitStatements(*text);
  }
  SAFEDDL_ASSIGN_OR_RETURN(plan::SchemaStatement s,
                           plan::AlterTableStatement(o.database, o.table, o.alter));
  return std::vector<plan::SchemaStatement>{s};
}

}  // namespace

void SetupPlan(CLI::App& parent, CommandSlot& slot) {
  auto opts = std::make_shared<PlanCommandOptions>();
  CLI::App* cmd = parent.add_subcommand(
      "plan",
      "Before a change: the native algorithms and locks the server accepts (asked on an empty "
      "copy), estimated time natively and online, the risks in the data, the way back, and a "
      "recommendation. Changes nothing of yours.\n"
      "Exit status: 0 no risk found, 1 a risk found or a statement to refuse, 2 cannot connect, "
      "64 usage.");
  AddConnectionFlags(*cmd, opts->connection);
  cmd->add_option("--database", opts->database,
                  "Schema of the table (and of unqualified names in --file)");
  cmd->add_option("--table", opts->table, "Table to change (with --alter)");
  CLI::Option* alter = cmd->add_option(
      "--alter", opts->alter, "The ALTER's clauses, as gh-ost takes them: \"ADD COLUMN c INT\"");
  CLI::Option* file = cmd->add_option(
      "--file", opts->file,
      "A file of statements: ALTER TABLE, CREATE/DROP/RENAME TABLE, CREATE/DROP INDEX, USE");
  alter->excludes(file);
  cmd->add_flag("--json", opts->json, "Print the report as JSON");
  cmd->add_flag("--no-estimate", opts->no_estimate,
                "Skip the sampled rates, the write rate and the time estimates");
  cmd->add_option("--write-sample-seconds", opts->write_sample_seconds,
                  "How long the binlog is watched for the table's write rate")
      ->check(CLI::Range(0.0, 600.0));
  cmd->add_option("--sample-rows", opts->sample_rows,
                  "Rows copied (into plan's scratch schema) to measure rates")
      ->check(CLI::Range(int64_t{100}, int64_t{10000000}));
  cmd->add_option("--replica-server-id", opts->server_id,
                  "server_id the binlog is read as (default: one per process)");
  cmd->callback([opts, &slot] { slot = [opts] { return RunPlan(*opts); }; });
}

Status RunPlan(const PlanCommandOptions& options) {
  if (options.alter.empty() == options.file.empty()) {
    return InvalidArgumentError("give --alter (with --database and --table) or --file");
  }
  if (!options.alter.empty() && (options.database.empty() || options.table.empty())) {
    return InvalidArgumentError("--alter needs --database and --table");
  }
  SAFEDDL_ASSIGN_OR_RETURN(std::vector<plan::SchemaStatement> statements, StatementsFor(options));
  SAFEDDL_ASSIGN_OR_RETURN(Session session, OpenSession(options.connection));
  plan::PlanOptions po;
  po.database = options.database;
  po.binlog.connect = session.options;
  po.binlog.server_id = options.server_id != 0 ? options.server_id : DefaultBinlogServerId();
  po.measure = !options.no_estimate;
  po.limits.max_rows = options.sample_rows;
  po.write_window =
      std::chrono::milliseconds(static_cast<int64_t>(options.write_sample_seconds * 1000));
  SAFEDDL_ASSIGN_OR_RETURN(plan::PlanReport report,
                           plan::PlanStatements(*session.conn, statements, po));
  if (options.json) {
    fmt::print("{}\n", plan::PlanReportToJson(report).dump(kJsonIndent));
  } else {
    fmt::print("{}", plan::RenderPlanText(report));
  }
  std::fflush(stdout);
  if (report.AnyRisk()) {
    return FailedPreconditionError("plan found risks or statements to refuse (see the report)");
  }
  return Status::OK();
}

}  // namespace safeddl::cli
