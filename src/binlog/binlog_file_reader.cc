#include "binlog/binlog_file_reader.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "binlog/event_header.h"
#include "common/byte_reader.h"

namespace safeddl::binlog {

Result<std::unique_ptr<BinlogFileReader>> BinlogFileReader::Open(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    const int err = errno;
    std::string msg = fmt::format("cannot open binlog {}: {}", path, std::strerror(err));
    return err == ENOENT ? NotFoundError(std::move(msg)) : IoError(std::move(msg));
  }
  std::unique_ptr<BinlogFileReader> reader(new BinlogFileReader(path, f));
  char magic[kBinlogMagic.size()];
  const size_t n = std::fread(magic, 1, sizeof(magic), f);
  if (n != sizeof(magic) || std::string_view(magic, sizeof(magic)) != kBinlogMagic) {
    return CorruptionError(fmt::format("{} is not a binlog file (bad magic at offset 0)", path));
  }
  reader->offset_ = kBinlogMagic.size();
  return reader;
}

BinlogFileReader::~BinlogFileReader() {
  if (file_ != nullptr) std::fclose(file_);
}

Status BinlogFileReader::Seek(uint64_t offset) {
  if (offset < kBinlogMagic.size()) {
    return InvalidArgumentError(fmt::format("binlog position {} is inside the file magic", offset));
  }
  if (fseeko(file_, static_cast<off_t>(offset), SEEK_SET) != 0) {
    return IoError(fmt::format("cannot seek {} to {}: {}", path_, offset, std::strerror(errno)));
  }
  offset_ = offset;
  return Status::OK();
}

Result<std::optional<RawEvent>> BinlogFileReader::Next() {
  buffer_.resize(kEventHeaderLength);
  const size_t got = std::fread(buffer_.data(), 1, kEventHeaderLength, file_);
  if (got == 0 && std::feof(file_)) return std::optional<RawEvent>();
  if (std::ferror(file_)) {
    return IoError(fmt::format("read error in {} at offset {}", path_, offset_));
  }
  if (got < kEventHeaderLength) {
    return ByteReader(std::string_view(buffer_.data(), got), offset_)
        .TruncatedError(kEventHeaderLength)
        .WithContext(path_);
  }
  SAFEDDL_ASSIGN_OR_RETURN(EventHeader header, ParseEventHeader(buffer_, offset_));
  buffer_.resize(header.event_size);
  const size_t rest = header.event_size - kEventHeaderLength;
  const size_t got_rest = std::fread(buffer_.data() + kEventHeaderLength, 1, rest, file_);
  if (got_rest < rest) {
    if (std::ferror(file_)) {
      return IoError(fmt::format("read error in {} at offset {}", path_, offset_));
    }
    return CorruptionError(fmt::format("{}: truncated event at offset {}: need {} bytes, {} left",
                                       path_, offset_, header.event_size,
                                       kEventHeaderLength + got_rest));
  }
  RawEvent ev{std::string_view(buffer_), offset_};
  offset_ += header.event_size;
  return std::optional<RawEvent>(ev);
}

}  // namespace safeddl::binlog
