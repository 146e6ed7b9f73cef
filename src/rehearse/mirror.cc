#include "rehearse/mirror.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "binlog/schema_lookup.h"
#include "mysql/quote.h"
#include "osc/inspector.h"
#include "osc/migration_options.h"
#include "osc/session_setup.h"
#include "schema/introspect.h"

namespace safeddl::rehearse {
namespace {

constexpr size_t kMaxRowsPerApply = 1000;
constexpr auto kDrainWait = std::chrono::milliseconds(100);

}  // namespace

Result<std::unique_ptr<Mirror>> Mirror::Start(const mysql::ConnectOptions& source,
                                              uint32_t server_id,
                                              const mysql::ConnectOptions& target,
                                              const std::string& db, const std::string& table,
                                              const binlog::BinlogPosition& from) {
  std::unique_ptr<Mirror> m(new Mirror());
  SAFEDDL_ASSIGN_OR_RETURN(auto source_conn, mysql::Connection::Open(source));
  SAFEDDL_ASSIGN_OR_RETURN(m->target_, mysql::Connection::Open(target));
  SAFEDDL_RETURN_IF_ERROR(osc::PrepareSession(*m->target_, osc::MigrationOptions{}));
  osc::MigrationPlan& plan = m->plan_;
  plan.database = db;
  SAFEDDL_ASSIGN_OR_RETURN(plan.q_original, mysql::QuoteQualified(db, table));
  plan.q_ghost = plan.q_original;  // the copy, on the rehearsal server
  SAFEDDL_ASSIGN_OR_RETURN(plan.original, schema::IntrospectTable(*source_conn, db, table));
  SAFEDDL_ASSIGN_OR_RETURN(plan.ghost, schema::IntrospectTable(*m->target_, db, table));
  std::vector<std::string> notes;
  SAFEDDL_RETURN_IF_ERROR(osc::MapGhost(plan, false, &notes));
  m->applier_ = std::make_unique<osc::Applier>(*m->target_, plan, osc::kStandaloneApplyRetries);
  osc::CaptureOptions capture;
  capture.source.connect = source;
  capture.source.server_id = server_id;
  capture.source.file = from.file;
  capture.source.position = from.offset;
  capture.database = db;
  capture.table = table;
  SAFEDDL_ASSIGN_OR_RETURN(capture.columns, binlog::ReadTableDefinition(*source_conn, db, table));
  SAFEDDL_ASSIGN_OR_RETURN(m->capture_, osc::ChangeCapture::Start(capture));
  m->thread_ = std::thread([raw = m.get()] { raw->Loop(); });
  return m;
}

Mirror::~Mirror() { Stop(); }

void Mirror::Loop() {
  while (!stop_) {
    Result<osc::Drained> drained = capture_->Drain(kDrainWait, kMaxRowsPerApply, std::nullopt);
    if (!drained.ok()) {
      stats_.ended_by = drained.status().ToString();
      return;
    }
    if (drained->events.empty()) continue;
    const auto start = std::chrono::steady_clock::now();
    Status applied = applier_->Apply(drained->events);
    latencies_ms_.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
    if (!applied.ok()) {
      stats_.ended_by = applied.ToString();
      return;
    }
    ++stats_.applies;
    for (const binlog::RowsEvent& e : drained->events) {
      stats_.row_changes += static_cast<int64_t>(e.rows.size());
    }
  }
}

MirrorStats Mirror::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (capture_) {
    capture_->Stop();
    capture_.reset();
  }
  if (!latencies_ms_.empty()) {
    std::vector<double> sorted = latencies_ms_;
    std::sort(sorted.begin(), sorted.end());
    stats_.p99_ms = sorted[std::min(sorted.size() - 1, sorted.size() * 99 / 100)];
    stats_.max_ms = sorted.back();
  }
  return stats_;
}

}  // namespace safeddl::rehearse
