#include "binlog/transaction.h"

namespace safeddl::binlog {

void TransactionGrouper::Open(const Event& event, std::optional<Gtid> gtid, bool standalone) {
  if (open_) ++dropped_;
  open_.emplace();
  open_->gtid = gtid;
  open_->file = file_;
  open_->start_offset = event.offset;
  open_->timestamp = event.header.timestamp;
  open_->server_id = event.header.server_id;
  open_->ddl = standalone;
  standalone_ = standalone;
}

std::optional<Transaction> TransactionGrouper::Close(const Event& event) {
  open_->end_offset = event.offset + event.header.event_size;
  std::optional<Transaction> out = std::move(open_);
  open_.reset();
  standalone_ = false;
  return out;
}

std::optional<Transaction> TransactionGrouper::Add(Event event) {
  if (const auto* gtid = event.As<GtidEvent>()) {
    Open(event, gtid->gtid, gtid->standalone());
    return std::nullopt;
  }
  if (const auto* rotate = event.As<RotateEvent>()) {
    // Artificial rotates (network streams) announce the file without ending anything.
    file_ = rotate->next_file;
    return std::nullopt;
  }
  if (const auto* query = event.As<QueryEvent>()) {
    if (query->IsBegin()) {
      // The BEGIN right after a GTID belongs to that group; any other BEGIN opens a new one.
      const bool after_gtid = open_ && open_->gtid && open_->events.empty() && !standalone_;
      if (!after_gtid) Open(event, std::nullopt, false);
      return std::nullopt;
    }
    if (!open_) return std::nullopt;
    if (query->IsCommit() || query->IsRollback()) {
      open_->rolled_back = query->IsRollback();
      return Close(event);
    }
    if (standalone_) {
      open_->events.push_back(std::move(event));
      return Close(open_->events.back());
    }
    open_->events.push_back(std::move(event));
    return std::nullopt;
  }
  if (event.As<XidEvent>() != nullptr) {
    if (!open_) return std::nullopt;
    return Close(event);
  }
  if (!open_) return std::nullopt;
  if (event.As<RowsEvent>() != nullptr || event.As<AnnotateRowsEvent>() != nullptr ||
      event.As<std::shared_ptr<const TableMapEvent>>() != nullptr) {
    open_->events.push_back(std::move(event));
  }
  return std::nullopt;
}

}  // namespace safeddl::binlog
