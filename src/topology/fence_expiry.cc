#include "topology/fence_expiry.h"

#include <fmt/format.h>

#include "common/strings.h"
#include "mysql/quote.h"

namespace safeddl::topology {

std::string ExpiryEventName(uint64_t id) { return fmt::format("expire_{}", id); }

std::string ExpiryEventStatement(const FenceRecord& fence, std::chrono::seconds after) {
  std::string body = "BEGIN\n  SET SESSION sql_log_bin = 0;\n";
  for (const Account& a : fence.accounts) {
    body += fmt::format("  ALTER USER IF EXISTS {} ACCOUNT UNLOCK;\n", AccountSql(a.user, a.host));
  }
  if (fence.read_only_before) {
    body += fmt::format("  SET GLOBAL read_only = {};\n",
                        *fence.read_only_before == "ON" || *fence.read_only_before == "1" ? 1 : 0);
  }
  // Turning the scheduler off from inside its own event is not possible; when the fence turned it
  // on, the fence is lifted but not yet restored, and `fence off` finishes the job.
  const std::string restored = fence.event_scheduler_before ? "NULL" : "UTC_TIMESTAMP()";
  body += fmt::format(
      "  UPDATE {} SET lifted_at = UTC_TIMESTAMP(), lifted_by = 'expiry', restored_at = {} "
      "WHERE id = {} AND lifted_at IS NULL;\nEND",
      FenceTable(), restored, fence.id);
  return fmt::format(
      "CREATE EVENT {}.{} ON SCHEDULE AT CURRENT_TIMESTAMP + INTERVAL {} SECOND "
      "ON COMPLETION NOT PRESERVE COMMENT 'safeddl fence {}: lifts the fence' DO {}",
      *mysql::QuoteIdentifier(kFenceSchema), *mysql::QuoteIdentifier(ExpiryEventName(fence.id)),
      after.count(), fence.id, body);
}

Result<std::string> SchedulerForExpiry(mysql::Connection& conn) {
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<std::string> state,
                           conn.QueryValue("SELECT @@GLOBAL.event_scheduler"));
  const std::string s = state.value_or("");
  if (s == "ON" || s == "1") return std::string();
  if (s == "DISABLED") {
    return FailedPreconditionError(
        "--expire needs the event scheduler, and this server was started with "
        "event_scheduler=DISABLED: restart it with event_scheduler=OFF (or ON), or put the fence "
        "on without --expire and lift it with `safeddl fence off`");
  }
  SAFEDDL_ASSIGN_OR_RETURN(
      mysql::ResultSet others,
      conn.Query("SELECT EVENT_SCHEMA, EVENT_NAME FROM information_schema.EVENTS "
                 "WHERE STATUS = 'ENABLED' ORDER BY EVENT_SCHEMA, EVENT_NAME"));
  if (!others.empty()) {
    return FailedPreconditionError(fmt::format(
        "--expire needs the event scheduler, which is OFF; turning it on would also start {} "
        "other enabled event(s), e.g. `{}`.`{}`. Turn it on yourself if that is right (SET GLOBAL "
        "event_scheduler = ON), or put the fence on without --expire",
        others.size(), others[0][0].value_or(""), others[0][1].value_or("")));
  }
  return std::string("OFF");
}

}  // namespace safeddl::topology
