#include "osc/change_capture.h"

#include <algorithm>

#include <fmt/format.h>

#include "binlog/ddl_check.h"
#include "binlog/event_parser.h"
#include "binlog/transaction.h"
#include "common/clock.h"
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
  // Rows are decoded only for the table (below): other tables' images are never looked at. Its
  // table maps are completed from its definition (signedness, charsets, ENUM labels, ...: what
  // binlog_row_metadata=NO_LOG leaves out), and refused when they do not fit it.
  const auto is_table = [this](const binlog::TableMapEvent& t) {
    return t.database == options_.database && t.table == options_.table;
  };
  binlog::EventParser parser(
      {.rows = binlog::RowsDecoding::kDeferred,
       .schema = [this](const std::string&, const std::string&)
           -> Result<std::optional<std::vector<binlog::SchemaColumn>>> { return options_.columns; },
       .wanted = is_table});
  binlog::TransactionGrouper grouper;
  std::string file = options_.source.file;
  grouper.SetFile(file);
  while (true) {
    SAFEDDL_ASSIGN_OR_RETURN(binlog::RawEvent raw, source_->Next());
    SAFEDDL_ASSIGN_OR_RETURN(binlog::Event event, parser.Parse(raw.bytes, raw.offset));
    if (const auto* rotate = event.As<binlog::RotateEvent>()) {
      file = rotate->next_file;
      grouper.SetFile(file);
      // The artificial ROTATE at the start of a dump repeats the start; never move backwards.
      const BinlogPosition next{file, rotate->position};
      std::lock_guard<std::mutex> lock(mu_);
      if (read_position_ < next) read_position_ = next;
      continue;
    }
    if (event.header.type == binlog::EventType::kHeartbeat) continue;
    if (const auto* query = event.As<binlog::QueryEvent>();
        query != nullptr && binlog::StatementAltersTable(query->query, query->database,
                                                         options_.database, options_.table)) {
      return FailedPreconditionError(fmt::format(
          "a DDL statement changed `{}`.`{}` during the migration ({} at offset {}: {}): the "
          "captured changes no longer fit the ghost table; drop the ghost and start again",
          options_.database, options_.table, file, raw.offset, query->query.substr(0, 200)));
    }
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
    const bool skip = txn->gtid && std::find(options_.skip.begin(), options_.skip.end(),
                                             *txn->gtid) != options_.skip.end();
    if (skip) {
      LogInfo("capture: transaction {} left out, as asked", txn->gtid->ToString());
      std::lock_guard<std::mutex> lock(mu_);
      skipped_.push_back(*txn->gtid);
    }
    if (!txn->rolled_back && !skip) {
      for (binlog::Event& e : txn->events) {
        auto* rows = std::get_if<binlog::RowsEvent>(&e.body);
        if (rows == nullptr || rows->table == nullptr) continue;
        if (rows->table->database != options_.database || rows->table->table != options_.table) {
          continue;
        }
        if (rows->encoded) {
          Result<std::vector<binlog::RowChange>> decoded = binlog::DecodeRows(*rows);
          if (!decoded.ok()) {
            return decoded.status().WithContext(fmt::format(
                "{}: {} at offset {}", file, binlog::EventTypeName(e.header.type), e.offset));
          }
          rows->rows = std::move(decoded).value();
          rows->encoded.reset();
        }
        pending.row_changes += rows->rows.size();
        pending.events.push_back(std::move(*rows));
      }
    }
    LogDebug("capture: transaction ending at {} with {} row changes of the table",
             pending.end.ToString(), pending.row_changes);
    std::lock_guard<std::mutex> lock(mu_);
    read_position_ = pending.end;
    backlog_ += pending.row_changes;
    queue_.push_back(std::move(pending));
    cv_.notify_all();
  }
}

Result<Drained> ChangeCapture::Drain(std::chrono::milliseconds wait, size_t max_row_changes,
                                     const std::optional<BinlogPosition>& limit) {
  auto within = [&limit](const Pending& p) { return !limit || p.end <= *limit; };
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, wait, [&] {
    return (!queue_.empty() && within(queue_.front())) || !reader_status_.ok() ||
           (limit && *limit <= read_position_);
  });
  if (!reader_status_.ok() && queue_.empty()) return reader_status_;
  Drained out;
  size_t rows = 0;
  while (!queue_.empty() && within(queue_.front()) &&
         (rows == 0 || rows + queue_.front().row_changes <= max_row_changes)) {
    Pending& p = queue_.front();
    rows += p.row_changes;
    backlog_ -= p.row_changes;
    for (auto& e : p.events) out.events.push_back(std::move(e));
    drained_position_ = p.end;
    ++out.transactions;
    queue_.pop_front();
  }
  // Once nothing before the limit is left queued, everything the reader has passed up to the
  // limit is handed out: transactions that did not touch the table are never queued.
  if (queue_.empty() || !within(queue_.front())) {
    BinlogPosition covered = read_position_;
    if (limit && *limit < covered) covered = *limit;
    if (drained_position_ < covered) drained_position_ = covered;
  }
  out.position = drained_position_;
  return out;
}

Status ChangeCapture::DrainThrough(const BinlogPosition& until, std::chrono::milliseconds limit,
                                   size_t max_row_changes,
                                   const std::function<Status(const Drained&)>& each) {
  constexpr auto kWait = std::chrono::milliseconds(50);
  const TimePoint give_up = SystemClock::Get().Now() + limit;
  for (;;) {
    SAFEDDL_ASSIGN_OR_RETURN(Drained drained, Drain(kWait, max_row_changes, until));
    if (!drained.events.empty()) SAFEDDL_RETURN_IF_ERROR(each(drained));
    if (drained.events.empty() && read_position() >= until) return Status::OK();
    if (SystemClock::Get().Now() > give_up) {
      return TimeoutError(
          fmt::format("the binlog stream did not reach {} within {} s", until.ToString(),
                      std::chrono::duration_cast<std::chrono::seconds>(limit).count()));
    }
  }
}

BinlogPosition ChangeCapture::read_position() const {
  std::lock_guard<std::mutex> lock(mu_);
  return read_position_;
}

std::vector<binlog::Gtid> ChangeCapture::skipped() const {
  std::lock_guard<std::mutex> lock(mu_);
  return skipped_;
}

size_t ChangeCapture::backlog() const {
  std::lock_guard<std::mutex> lock(mu_);
  return backlog_;
}

}  // namespace safeddl::osc
