#include "osc/heartbeat.h"

#include <fmt/format.h>

#include "common/log.h"
#include "common/strings.h"
#include "mysql/replication.h"

namespace safeddl::osc {

std::string ChangelogCreateStatement(const MigrationPlan& plan) {
  return fmt::format(
      "CREATE TABLE {} ("
      "id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, "
      "last_update TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) "
      "ON UPDATE CURRENT_TIMESTAMP(6), "
      "hint VARCHAR(64) CHARACTER SET ascii NOT NULL, "
      "value VARCHAR(4096) CHARACTER SET ascii NOT NULL, "
      "UNIQUE KEY hint_uidx (hint)) ENGINE=InnoDB COMMENT='safeddl changelog for {}'",
      plan.q_changelog, plan.names.original);
}

Result<int64_t> ReadHeartbeatLagMillis(mysql::Connection& replica, const MigrationPlan& plan) {
  if (plan.q_changelog.empty()) {
    SAFEDDL_ASSIGN_OR_RETURN(std::optional<mysql::ReplicationStatus> status,
                             mysql::ReadReplicationStatus(replica));
    if (!status || !status->seconds_behind) {
      return NotFoundError("the replica does not replicate (Seconds_Behind_Master is NULL)");
    }
    return *status->seconds_behind * 1000;
  }
  SAFEDDL_ASSIGN_OR_RETURN(
      auto v, replica.QueryValue(
                  fmt::format("SELECT TIMESTAMPDIFF(MICROSECOND, value, UTC_TIMESTAMP(6)) FROM {} "
                              "WHERE hint = 'heartbeat'",
                              plan.q_changelog)));
  if (!v) return NotFoundError("no heartbeat has reached the replica yet");
  auto micros = ParseInt64(*v);
  if (!micros) return InternalError("the heartbeat age is not a number: " + *v);
  return *micros / 1000;
}

Result<std::unique_ptr<Heartbeat>> Heartbeat::Start(const mysql::ConnectOptions& connect,
                                                    const MigrationPlan& plan,
                                                    std::chrono::milliseconds interval) {
  std::unique_ptr<Heartbeat> hb(new Heartbeat());
  SAFEDDL_ASSIGN_OR_RETURN(hb->conn_, mysql::Connection::Open(connect));
  hb->interval_ = interval;
  hb->statement_ = fmt::format(
      "INSERT INTO {} (hint, value) VALUES ('heartbeat', UTC_TIMESTAMP(6)) "
      "ON DUPLICATE KEY UPDATE value = VALUES(value)",
      plan.q_changelog);
  SAFEDDL_RETURN_IF_ERROR(hb->conn_->Execute(hb->statement_));
  hb->thread_ = std::thread([h = hb.get()] {
    while (!h->stop_.load()) {
      std::this_thread::sleep_for(h->interval_);
      Status s = h->conn_->Execute(h->statement_);
      if (!s.ok()) LogDebug("heartbeat: {}", s.ToString());
    }
  });
  return hb;
}

void Heartbeat::Stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

}  // namespace safeddl::osc
