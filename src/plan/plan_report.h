// The plan report: for a person (a section per statement: algorithms, estimates, risks, the way
// back, the recommendation) and as JSON (`--json`: one object with a `statements` array; the
// contract in the plan issue: sql, native_algorithms, blocks_writes, estimate_seconds, risks,
// reverse, recommendation, and more). Pure rendering; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "plan/planner.h"

namespace safeddl::plan {

nlohmann::json PlanReportToJson(const PlanReport& report);
// One risk as the report's JSON has it (kind, rows, detail, fix, examples, blocking).
nlohmann::json RiskToJson(const Risk& risk);
// One estimate as the report's JSON has it (seconds, low, high, writes_outpace_apply); null for
// none.
nlohmann::json EstimateToJson(const std::optional<Estimate>& e);
std::string RenderPlanText(const PlanReport& report);

}  // namespace safeddl::plan
