#include "plan/plan_report.h"

#include <fmt/format.h>

#include "common/strings.h"

namespace safeddl::plan {
namespace {

using nlohmann::json;

json OptionalNumber(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json StatementJson(const StatementPlan& s) {
  json j;
  j["sql"] = s.sql;
  j["kind"] = std::string(StatementKindName(s.kind));
  j["table"] = s.table;
  if (s.line > 0) j["line"] = s.line;
  if (!s.invalid.empty()) j["invalid"] = s.invalid;
  j["native_algorithms"] = s.AcceptedAlgorithms();
  json native = json::array();
  for (const AlgorithmAnswer& a : s.native) {
    json n{{"algorithm", std::string(AlgorithmName(a.algorithm))}, {"accepted", a.accepted}};
    if (a.accepted) n["lock"] = std::string(LockLevelName(a.lock));
    if (!a.refusal.empty()) n["refusal"] = a.refusal;
    native.push_back(std::move(n));
  }
  j["native"] = native;
  if (!s.native_summary.empty()) j["native_summary"] = s.native_summary;
  j["blocks_writes"] = s.blocks_writes;
  j["table_size"] = {{"rows", s.size.rows},
                     {"data_bytes", s.size.data_bytes},
                     {"index_bytes", s.size.index_bytes}};
  j["estimate_seconds"] = {
      {"native", s.native_estimate ? json(s.native_estimate->seconds) : json(nullptr)},
      {"online", s.online_estimate ? json(s.online_estimate->seconds) : json(nullptr)}};
  j["estimate"] = {{"native", EstimateToJson(s.native_estimate)},
                   {"online", EstimateToJson(s.online_estimate)}};
  j["rates"] = {{"sample_rows", s.rates.rows},
                {"copy_rows_per_second", OptionalNumber(s.rates.copy_rows_per_second)},
                {"copy_chunks", s.rates.chunks},
                {"copy_spread", s.rates.copy_spread},
                {"checksum_rows_per_second", OptionalNumber(s.rates.checksum_rows_per_second)},
                {"apply_rows_per_second", OptionalNumber(s.rates.apply_rows_per_second)},
                {"native_fixed_seconds", OptionalNumber(s.rates.native_fixed_seconds)},
                {"native_per_row_seconds", s.rates.native_per_row_seconds}};
  j["write_rate"] = s.write_rate.known() ? json{{"rows_per_second", s.write_rate.PerSecond()},
                                                {"rows", s.write_rate.rows},
                                                {"seconds", s.write_rate.seconds}}
                                         : json{{"unknown", s.write_rate.unknown}};
  j["online_refusal"] = s.online_refusal.empty() ? json(nullptr) : json(s.online_refusal);
  json risks = json::array();
  for (const Risk& r : s.risks) risks.push_back(RiskToJson(r));
  j["risks"] = risks;
  j["reverse"] = {{"sql", s.reverse.sql},
                  {"lossless", s.reverse.lossless},
                  {"lossy_reasons", s.reverse.lossy_reasons},
                  {"verified", s.reverse.verified}};
  if (!s.reverse.verify_note.empty()) j["reverse"]["note"] = s.reverse.verify_note;
  if (s.via_replicas) {
    j["via_replicas"] = {{"carried", s.via_replicas->carried},
                         {"clause", s.via_replicas->clause},
                         {"reason", s.via_replicas->reason}};
  }
  j["recommendation"] = {{"action", std::string(ActionName(s.recommendation.action))},
                         {"reason", s.recommendation.reason},
                         {"command", s.recommendation.command}};
  j["notes"] = s.notes;
  return j;
}

std::string Bytes(int64_t b) {
  if (b >= (int64_t{1} << 30)) return fmt::format("{:.1f} GiB", static_cast<double>(b) / (1 << 30));
  if (b >= (int64_t{1} << 20)) return fmt::format("{:.1f} MiB", static_cast<double>(b) / (1 << 20));
  return fmt::format("{} KiB", b / 1024);
}

void AppendStatement(std::string& out, const StatementPlan& s, const PlanReport& report) {
  out += fmt::format("\n== {}{}\n", s.sql, s.line > 0 ? fmt::format("  (line {})", s.line) : "");
  if (!s.invalid.empty()) {
    out += fmt::format("   REFUSED: {}\n", s.invalid);
    return;
  }
  if (!s.native.empty()) {
    out += "   native ALTER (asked of the server on an empty copy):\n";
    for (const AlgorithmAnswer& a : s.native) {
      out += a.accepted
                 ? fmt::format("     {:<8} accepted, LOCK={}{}\n", AlgorithmName(a.algorithm),
                               LockLevelName(a.lock),
                               a.lock == LockLevel::kNone ? "" : "  (blocks writes)")
                 : fmt::format("     {:<8} refused: {}\n", AlgorithmName(a.algorithm), a.refusal);
    }
    out += fmt::format("   table: ~{} rows, {} data, {} indexes\n", s.size.rows,
                       Bytes(s.size.data_bytes), Bytes(s.size.index_bytes));
    if (s.native_estimate || s.online_estimate) {
      out += fmt::format("   estimate: native {}; safeddl alter {}\n",
                         DescribeEstimate(s.native_estimate), DescribeEstimate(s.online_estimate));
    }
    out += s.write_rate.known()
               ? fmt::format("   writes to the table now: {:.0f} rows/s (binlog, {:.1f} s)\n",
                             s.write_rate.PerSecond(), s.write_rate.seconds)
               : fmt::format("   writes to the table now: unknown ({})\n", s.write_rate.unknown);
    if (report.replicas > 0 && s.native_estimate) {
      out += report.two_phase_alter
                 ? "   replicas: binlog_alter_two_phase is on: they start a native ALTER at once\n"
                 : fmt::format(
                       "   replicas ({}): a native ALTER replays serially on each; they "
                       "fall about {:.1f} s behind\n",
                       report.replicas, s.native_estimate->seconds);
    }
    if (!s.online_refusal.empty()) {
      out += fmt::format("   safeddl alter: cannot copy it: {}\n", s.online_refusal);
    }
  } else if (!s.native_summary.empty()) {
    out += fmt::format("   natively: {}\n", s.native_summary);
  }
  if (s.risks.empty()) {
    out += "   risks: none found\n";
  } else {
    out += "   risks:\n";
    for (const Risk& r : s.risks) {
      out += fmt::format("     [{}] {}\n", r.kind, r.detail);
      if (!r.examples.empty() && r.kind != "open_transactions") {
        out += fmt::format("         e.g. {}\n", JoinStrings(r.examples, "; "));
      }
      out += fmt::format("         fix: {}\n", r.fix);
    }
  }
  if (!s.reverse.sql.empty()) {
    out += fmt::format("   way back ({}{}):\n     {}\n", s.reverse.lossless ? "lossless" : "LOSSY",
                       s.reverse.verified ? ", proven on a copy" : "", s.reverse.sql);
    for (const std::string& why : s.reverse.lossy_reasons) out += "     lossy: " + why + "\n";
  } else if (!s.reverse.verify_note.empty()) {
    out += "   way back: unknown: " + s.reverse.verify_note + "\n";
  }
  if (s.via_replicas) {
    out += s.via_replicas->carried
               ? "   via replicas: yes, row-based replication carries it (safeddl alter "
                 "--via-replicas)\n"
               : fmt::format("   via replicas: no, `{}`: {}\n", s.via_replicas->clause,
                             s.via_replicas->reason);
  }
  for (const std::string& n : s.notes) out += "   note: " + n + "\n";
  out += fmt::format("   recommendation: {}: {}\n", ActionName(s.recommendation.action),
                     s.recommendation.reason);
  if (!s.recommendation.command.empty()) {
    out += fmt::format("     {}\n", s.recommendation.command);
  }
}

}  // namespace

json RiskToJson(const Risk& r) {
  return {{"kind", r.kind}, {"rows", r.rows},         {"detail", r.detail},
          {"fix", r.fix},   {"examples", r.examples}, {"blocking", r.blocking}};
}

json EstimateToJson(const std::optional<Estimate>& e) {
  if (!e) return nullptr;
  return json{{"seconds", e->seconds},
              {"low", e->low},
              {"high", e->high},
              {"writes_outpace_apply", e->writes_outpace_apply}};
}

json PlanReportToJson(const PlanReport& report) {
  json j;
  j["server"] = report.server;
  j["replicas"] = report.replicas;
  j["binlog_alter_two_phase"] = report.two_phase_alter;
  j["scratch_binlogged"] = report.scratch_binlogged;
  j["risk_found"] = report.AnyRisk();
  j["statements"] = json::array();
  for (const StatementPlan& s : report.statements) j["statements"].push_back(StatementJson(s));
  return j;
}

std::string RenderPlanText(const PlanReport& report) {
  std::string out =
      fmt::format("safeddl plan on {}: {} statement(s)\n", report.server, report.statements.size());
  if (report.scratch_binlogged) {
    out +=
        "note: plan's scratch work was binlogged (no privilege to set sql_log_bin = 0); "
        "replicas saw its scratch schema come and go\n";
  }
  for (const StatementPlan& s : report.statements) AppendStatement(out, s, report);
  out += report.AnyRisk() ? "\nRisks were found: read them before running the change.\n"
                          : "\nNo risk found.\n";
  return out;
}

}  // namespace safeddl::plan
