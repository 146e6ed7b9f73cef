#include "osc/change_capture.h"

#include <fmt/format.h>

#include "binlog/event_parser.h"
#include "binlog/transaction.h"
#include "common/log.h"

namespace safeddl::osc {

Result<std::unique_ptr<ChangeCapture>> ChangeCapture::Start(const CaptureOptions& options) {
  std::unique_ptr<ChangeCapture> capture(new ChangeCapture(options));
  SAFEDDL_ASSIGN_OR_RETURN(capture->source_, binlog::ServerEventSource::Open(options.source));
  capture->read_position_ = {options.source.file, options.source.position};
  capture->drained_position_ = capture->read_position_;
  capture->reader_ = std::thread([c = capture.get()] { c->ReadLoop(); });
  return capture;
}

ChangeCapture::~ChangeCapture() { Stop(); }

void ChangeCapture::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && !reader_.joinable()) return;
    stopping_ = true;
  }
  if (source_) source_->Interrupt();
  if (reader_.joinable()) reader_.join();
}

void ChangeCapture::ReadLoop() {
  Status s = ReadLoopOnce();
  std::lock_guard<std::mutex> lock(mu_);
  if (!stopping_) reader_status_ = s.ok() ? InternalError("the binlog reader ended") : s;
  cv_.notify_all();
}

Status ChangeCapture::ReadLoopOnce() {
  binlog::EventParser parser;
  binlog::TransactionGrouper grouper;
  std::string file = options_.source.file;
  grouper.SetFile(file);
  while (true) {
    SAFEDDL_ASSIGN_OR_RETURN(binlog::RawEvent raw, source_->Next());
    SAFEDDL_ASSIGN_OR_RETURN(binlog::Event event, parser.Parse(raw.bytes, raw.offset));
    if (const auto* rotate = event.As<binlog::RotateEvent>()) {
      file = rotate->next_file;
      grouper.SetFile(file);
      std::lock_guard<std::mutex> lock(mu_);
      read_position_ = {file, rotate->position};
      continue;
    }
    if (event.header.type == binlog::EventType::kHeartbeat) continue;
    const uint64_t event_end = raw.offset + raw.bytes.size();
    std::optional<binlog::Transaction> txn = grouper.Add(std::move(event));
    if (!txn) {
      if (!grouper.in_transaction() && raw.offset != 0) {
        std::lock_guard<std::mutex> lock(mu_);
        read_position_ = {file, event_end};
      }
      continue;
    }
    Pending pending;
    pending.end = {file, txn->end_offset};
    if (!txn->rolled_back) {
      for (binlog::Event& e : txn->events) {
        auto* rows = std::get_if<binlog::RowsEvent>(&e.body);
        if (rows == nullptr || rows->table == nullptr) continue;
        if (rows->table->database != options_.database || rows->table->table != options_.table) {
          continue;
        }
        pending.row_changes += rows->rows.size();
        pending.events.push_back(std::move(*rows));
      }
    }
    std::lock_guard<std::mutex> lock(mu_);
    read_position_ = pending.end;
    backlog_ += pending.row_changes;
    queue_.push_back(std::move(pending));
    cv_.notify_all();
  }
}

Result<Drained> ChangeCapture::Drain(std::chrono::milliseconds wait, size_t max_row_changes) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, wait, [this] { return !queue_.empty() || !reader_status_.ok(); });
  if (!reader_status_.ok() && queue_.empty()) return reader_status_;
  Drained out;
  size_t rows = 0;
  while (!queue_.empty() && (rows == 0 || rows + queue_.front().row_changes <= max_row_changes)) {
    Pending& p = queue_.front();
    rows += p.row_changes;
    backlog_ -= p.row_changes;
    for (auto& e : p.events) out.events.push_back(std::move(e));
    drained_position_ = p.end;
    ++out.transactions;
    queue_.pop_front();
  }
  // With nothing left queued, everything the reader has passed is handed out.
  if (queue_.empty() && drained_position_ < read_position_) drained_position_ = read_position_;
  out.position = drained_position_;
  return out;
}

BinlogPosition ChangeCapture::read_position() const {
  std::lock_guard<std::mutex> lock(mu_);
  return read_position_;
}

size_t ChangeCapture::backlog() const {
  std::lock_guard<std::mutex> lock(mu_);
  return backlog_;
}

}  // namespace safeddl::osc
