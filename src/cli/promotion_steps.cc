#include "cli/promotion_steps.h"

#include <fmt/format.h>

#include "common/clock.h"

namespace safeddl::cli {

nlohmann::json StepsToJson(const std::vector<topology::PromotionStep>& steps) {
  nlohmann::json out = nlohmann::json::array();
  for (const topology::PromotionStep& s : steps) {
    out.push_back({{"step", s.name}, {"detail", s.detail}, {"seconds", s.seconds}});
  }
  return out;
}

void PrintSteps(const std::vector<topology::PromotionStep>& steps) {
  for (const topology::PromotionStep& s : steps) {
    fmt::print("  {:<24} {:>7}  {}\n", s.name, HumanDuration(s.seconds), s.detail);
  }
}

}  // namespace safeddl::cli
