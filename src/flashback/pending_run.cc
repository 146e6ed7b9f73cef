#include "flashback/pending_run.h"

namespace safeddl::flashback {

bool PendingRun::Accepts(uint32_t table, MultiRowKind kind, const std::string& identity) const {
  if (records_.empty()) return true;
  return table == table_ && kind == kind_ && records_.size() < max_rows_ && bytes_ < max_bytes_ &&
         !rows_.contains(identity);
}

void PendingRun::Add(uint32_t table, MultiRowKind kind, std::string identity,
                     std::string_view bytes) {
  table_ = table;
  kind_ = kind;
  bytes_ += bytes.size();
  records_.emplace_back(bytes);
  rows_.insert(std::move(identity));
}

Status PendingRun::DecodeOps(std::vector<LiteralOp>& out) const {
  out.resize(records_.size());
  SpoolRecord record;
  for (size_t n = 0; n < records_.size(); ++n) {
    SAFEDDL_RETURN_IF_ERROR(DecodeRecord(records_[n], record));
    std::swap(out[n], record.op);  // keeps both vectors' storage for reuse
  }
  return Status::OK();
}

void PendingRun::Clear() {
  records_.clear();
  rows_.clear();
  bytes_ = 0;
  kind_ = MultiRowKind::kNone;
}

}  // namespace safeddl::flashback
