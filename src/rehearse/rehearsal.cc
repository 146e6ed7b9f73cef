#include "rehearse/rehearsal.h"

#include <fmt/format.h>

#include <memory>

#include "binlog/server_position.h"
#include "common/strings.h"
#include "mysql/quote.h"
#include "osc/live_settings.h"
#include "osc/throttler.h"

namespace safeddl::rehearse {
Result<RehearsalReport> Rehearse(const RehearsalRequest& request) {
  const osc::MigrationOptions& m = request.migration;
  RehearsalReport report;
  SAFEDDL_ASSIGN_OR_RETURN(auto production, mysql::Connection::Open(request.production));
  SAFEDDL_ASSIGN_OR_RETURN(auto target, mysql::Connection::Open(request.target));
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<std::string> rows,
                           production->QueryValue(fmt::format(
                               "SELECT TABLE_ROWS FROM information_schema.TABLES WHERE "
                               "TABLE_SCHEMA = {} AND TABLE_NAME = {}",
                               mysql::QuoteString(m.database), mysql::QuoteString(m.table))));
  if (!rows) {
    return NotFoundError(fmt::format("table `{}`.`{}` does not exist", m.database, m.table));
  }
  report.production_rows = ParseInt64(*rows).value_or(0);
  if (request.match_durability) {
    for (const char* setting : {"innodb_flush_log_at_trx_commit", "sync_binlog"}) {
      SAFEDDL_ASSIGN_OR_RETURN(std::optional<std::string> value,
                               production->QueryValue(fmt::format("SELECT @@GLOBAL.{}", setting)));
      const std::optional<long long> number = ParseInt64(value.value_or(""));
      if (!number) continue;
      SAFEDDL_RETURN_IF_ERROR(target->Execute(fmt::format("SET GLOBAL {} = {}", setting, *number)));
    }
  }
  SAFEDDL_ASSIGN_OR_RETURN(binlog::BinlogPosition from, binlog::CurrentBinlogPosition(*production));
  {
    osc::MigrationPlan no_heartbeat;  // replica lag: Seconds_Behind_Master (heartbeat.h)
    osc::LiveSettings live(m);
    SAFEDDL_ASSIGN_OR_RETURN(std::unique_ptr<osc::Throttler> throttler,
                             osc::Throttler::Start(request.production, m, no_heartbeat, live));
    SAFEDDL_ASSIGN_OR_RETURN(
        report.clone,
        CloneTable(*production, *target, m.database, m.table, request.sample_percent, [&throttler] {
          return throttler->WaitWhileThrottled("rehearse: production's copy");
        }));
    report.clone.throttled_seconds = throttler->throttled_seconds();
  }
  SAFEDDL_ASSIGN_OR_RETURN(std::unique_ptr<Mirror> replay,
                           Mirror::Start(request.production, request.server_id, request.target,
                                         m.database, m.table, from));
  osc::MigrationOptions run = m;
  run.execute = true;
  Result<osc::MigrationReport> altered = [&] {
    osc::Migrator migrator(request.target, run, nullptr, request.progress, nullptr);
    return migrator.Run();
  }();
  report.replay = replay->Stop();
  SAFEDDL_RETURN_IF_ERROR(altered.status().WithContext("the rehearsed ALTER failed on the copy"));
  report.alter = std::move(*altered);
  const double scale =
      report.clone.rows > 0 && request.sample_percent < 100
          ? static_cast<double>(report.production_rows) / static_cast<double>(report.clone.rows)
          : 1.0;
  report.extrapolated_seconds = report.alter.total_seconds * scale;
  return report;
}

}  // namespace safeddl::rehearse
