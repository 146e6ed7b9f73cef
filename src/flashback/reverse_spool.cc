#include "flashback/reverse_spool.h"

#include <cerrno>
#include <cstring>

namespace safeddl::flashback {
namespace {

constexpr size_t kLengthBytes = 4;

uint32_t ReadLength(const char* p) {
  uint32_t n = 0;
  for (size_t i = 0; i < kLengthBytes; ++i) {
    n |= static_cast<uint32_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  }
  return n;
}

}  // namespace

ReverseSpool::ReverseSpool(uint64_t memory_limit) : memory_limit_(memory_limit) {}

ReverseSpool::~ReverseSpool() {
  if (file_ != nullptr) std::fclose(file_);
}

Status ReverseSpool::Append(std::string_view record) {
  if (record.size() > UINT32_MAX) return InvalidArgumentError("flashback spool: record too large");
  const auto n = static_cast<uint32_t>(record.size());
  for (size_t i = 0; i < kLengthBytes; ++i)
    current_.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  current_.append(record);
  ++records_;
  bytes_ += kLengthBytes + record.size();
  if (current_.size() >= kSpoolBlockBytes) return Seal();
  return Status::OK();
}

Status ReverseSpool::Seal() {
  if (current_.empty()) return Status::OK();
  Block block;
  block.size = current_.size();
  if (in_memory_ + block.size <= memory_limit_) {
    in_memory_ += block.size;
    block.data = std::move(current_);
  } else {
    if (file_ == nullptr) {
      file_ = std::tmpfile();
      if (file_ == nullptr) {
        return IoError(std::string("flashback spool: cannot create a temporary file: ") +
                       std::strerror(errno));
      }
    }
    if (std::fseek(file_, 0, SEEK_END) != 0 ||
        std::fwrite(current_.data(), 1, current_.size(), file_) != current_.size()) {
      return IoError(std::string("flashback spool: cannot write the temporary file: ") +
                     std::strerror(errno));
    }
    block.on_disk = true;
    block.file_offset = file_size_;
    file_size_ += block.size;
    spilled_bytes_ += block.size;
  }
  current_ = std::string();
  current_.reserve(kSpoolBlockBytes + kSpoolBlockBytes / 8);
  blocks_.push_back(std::move(block));
  return Status::OK();
}

Status ReverseSpool::Load(const Block& block, std::string& buffer) const {
  buffer.resize(block.size);
  if (std::fseek(file_, static_cast<long>(block.file_offset), SEEK_SET) != 0 ||
      std::fread(buffer.data(), 1, block.size, file_) != block.size) {
    return IoError("flashback spool: cannot read the temporary file back");
  }
  return Status::OK();
}

Status ReverseSpool::VisitBlock(std::string_view data, SpoolOrder order,
                                const std::function<Status(std::string_view)>& visit) {
  std::vector<std::string_view> records;
  size_t pos = 0;
  while (pos < data.size()) {
    if (data.size() - pos < kLengthBytes) return CorruptionError("flashback spool: short block");
    const uint32_t n = ReadLength(data.data() + pos);
    pos += kLengthBytes;
    if (data.size() - pos < n) return CorruptionError("flashback spool: short record");
    records.push_back(data.substr(pos, n));
    pos += n;
  }
  if (order == SpoolOrder::kNewestFirst) {
    for (auto it = records.rbegin(); it != records.rend(); ++it)
      SAFEDDL_RETURN_IF_ERROR(visit(*it));
  } else {
    for (std::string_view r : records) SAFEDDL_RETURN_IF_ERROR(visit(r));
  }
  return Status::OK();
}

Status ReverseSpool::ForEach(SpoolOrder order,
                             const std::function<Status(std::string_view)>& visit) {
  std::string buffer;
  auto visit_block = [&](const Block& block) -> Status {
    if (!block.on_disk) return VisitBlock(block.data, order, visit);
    SAFEDDL_RETURN_IF_ERROR(Load(block, buffer));
    return VisitBlock(buffer, order, visit);
  };
  if (order == SpoolOrder::kNewestFirst) {
    SAFEDDL_RETURN_IF_ERROR(VisitBlock(current_, order, visit));
    for (auto it = blocks_.rbegin(); it != blocks_.rend(); ++it) {
      SAFEDDL_RETURN_IF_ERROR(visit_block(*it));
    }
    return Status::OK();
  }
  for (const Block& block : blocks_) SAFEDDL_RETURN_IF_ERROR(visit_block(block));
  return VisitBlock(current_, order, visit);
}

}  // namespace safeddl::flashback
