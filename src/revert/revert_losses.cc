#include "revert/revert_losses.h"

namespace safeddl::revert {

Result<RevertLosses> FindRevertLosses(mysql::Connection& conn, const osc::MigrationPlan& plan) {
  SAFEDDL_ASSIGN_OR_RETURN(
      std::vector<plan::Risk> risks,
      plan::FindDataRisks(conn, plan.q_original, plan.original, plan.ghost, plan.mapping));
  RevertLosses out;
  for (plan::Risk& r : risks) {
    if (r.kind == "dropped_column_data") {
      r.fix =
          "keep those values first if they matter (`safeddl snapshot` of the table), then "
          "revert with --allow-lossy";
      out.lost.push_back(std::move(r));
    } else if (r.kind == "unchecked_conversion") {
      out.unchecked.push_back(std::move(r));
    } else {
      r.fix =
          "change those rows so the old definition holds them (they were written since "
          "the swap), then revert";
      out.refused.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace safeddl::revert
