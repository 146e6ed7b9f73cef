// The steps of a change of primary (switchover, failover) as their reports print them: a JSON
// array, or a line each for a person.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "topology/promotion.h"

namespace safeddl::cli {

// [{"step": ..., "detail": ..., "seconds": ...}, ...]
nlohmann::json StepsToJson(const std::vector<topology::PromotionStep>& steps);
// "  <name>  <time>  <detail>" per step, on stdout.
void PrintSteps(const std::vector<topology::PromotionStep>& steps);

}  // namespace safeddl::cli
