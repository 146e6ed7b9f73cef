#include "plan/write_rate.h"

#include <thread>

#include "binlog/server_position.h"

namespace safeddl::plan {
namespace {

constexpr std::chrono::seconds kCatchUpLimit{3};
constexpr size_t kDrainRows = 100000;

int64_t RowsOf(const std::vector<binlog::RowsEvent>& events) {
  int64_t rows = 0;
  for (const binlog::RowsEvent& e : events) {
    if (!e.rows.empty() || !e.encoded) {
      rows += static_cast<int64_t>(e.rows.size());
      continue;
    }
    Result<std::vector<binlog::RowChange>> decoded = binlog::DecodeRows(e);
    if (decoded.ok()) rows += static_cast<int64_t>(decoded->size());
  }
  return rows;
}

}  // namespace

WriteRateSampler::WriteRateSampler(mysql::Connection& conn, binlog::ServerSourceOptions source,
                                   std::string db, std::string table)
    : conn_(conn), start_(SystemClock::Get().Now()) {
  Result<binlog::BinlogPosition> end = binlog::CurrentBinlogPosition(conn_);
  if (!end.ok()) {
    unknown_ = end.status().message();
    return;
  }
  osc::CaptureOptions options;
  options.source = std::move(source);
  options.source.file = end->file;
  options.source.position = end->offset;
  options.database = std::move(db);
  options.table = std::move(table);
  Result<std::unique_ptr<osc::ChangeCapture>> capture = osc::ChangeCapture::Start(options);
  if (!capture.ok()) {
    unknown_ = "cannot read the binlog: " + capture.status().message();
    return;
  }
  capture_ = std::move(*capture);
  start_ = SystemClock::Get().Now();
}

WriteRateSampler::~WriteRateSampler() {
  if (capture_) capture_->Stop();
}

WriteRate WriteRateSampler::Finish(std::chrono::milliseconds at_least) {
  WriteRate rate;
  if (!capture_) {
    rate.unknown = unknown_;
    return rate;
  }
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(SystemClock::Get().Now() - start_);
  if (elapsed < at_least) std::this_thread::sleep_for(at_least - elapsed);
  rate.seconds = MillisBetween(start_, SystemClock::Get().Now()) / 1000.0;
  Result<binlog::BinlogPosition> end = binlog::CurrentBinlogPosition(conn_);
  if (!end.ok()) {
    rate.unknown = end.status().message();
    return rate;
  }
  Status read =
      capture_->DrainThrough(*end, kCatchUpLimit, kDrainRows, [&rate](const osc::Drained& d) {
        rate.rows += RowsOf(d.events);
        return Status::OK();
      });
  if (!read.ok()) {
    rate.unknown = "the binlog stream stopped: " + read.message();
    return rate;
  }
  capture_->Stop();
  capture_.reset();
  return rate;
}

}  // namespace safeddl::plan
