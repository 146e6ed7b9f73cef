#include "binlog/stream_cursor.h"

namespace safeddl::binlog {

StreamCursor::StreamCursor(BinlogPosition start) : position_(std::move(start)) {}

void StreamCursor::CloseGroup() {
  in_group_ = false;
  standalone_ = false;
  gtid_.reset();
}

void StreamCursor::Observe(const Event& event) {
  if (const auto* rotate = event.As<RotateEvent>()) {
    // A real ROTATE ends its file; the artificial one a dump starts with names the file it
    // continues in. Either way, what follows is in next_file.
    position_ = {rotate->next_file, rotate->position};
    CloseGroup();
    return;
  }
  if (event.offset == 0 || event.header.type == EventType::kHeartbeat) return;
  const BinlogPosition start{position_.file, event.offset};
  position_.offset = event.offset + event.header.event_size;
  if (const auto* gtid = event.As<GtidEvent>()) {
    in_group_ = true;
    standalone_ = gtid->standalone();
    group_start_ = start;
    gtid_ = gtid->gtid;
    ++groups_opened_;
    return;
  }
  if (const auto* query = event.As<QueryEvent>()) {
    if (query->IsBegin()) {
      if (!in_group_ || standalone_) {
        in_group_ = true;
        standalone_ = false;
        group_start_ = start;
        gtid_.reset();
        ++groups_opened_;
      }
      return;
    }
    if (query->IsCommit() || query->IsRollback() || standalone_) CloseGroup();
    return;
  }
  if (event.As<XidEvent>() != nullptr) CloseGroup();
}

}  // namespace safeddl::binlog
