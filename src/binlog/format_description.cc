#include "binlog/format_description.h"

#include <fmt/format.h>

#include <cstdio>

#include "common/byte_reader.h"

namespace safeddl::binlog {

namespace {

// Fixed part of the body before the post-header length table.
constexpr size_t kFixedBodyLength = 2 + kServerVersionLength + 4 + 1;
constexpr size_t kChecksumAlgLength = 1;

struct Version {
  int major = 0, minor = 0, patch = 0;
};

Version ParseVersion(std::string_view v) {
  Version out;
  // sscanf needs a NUL-terminated string.
  std::string s(v);
  if (std::sscanf(s.c_str(), "%d.%d.%d", &out.major, &out.minor, &out.patch) < 1) return {};
  return out;
}

bool AtLeast(const Version& v, int major, int minor, int patch) {
  if (v.major != major) return v.major > major;
  if (v.minor != minor) return v.minor > minor;
  return v.patch >= patch;
}

// Servers that write the checksum-algorithm byte in FORMAT_DESCRIPTION: MySQL >= 5.6.1 and
// MariaDB >= 5.3.0.
bool IsChecksumAware(std::string_view server_version) {
  const Version v = ParseVersion(server_version);
  const bool mariadb = server_version.find("MariaDB") != std::string_view::npos;
  return mariadb ? AtLeast(v, 5, 3, 0) : AtLeast(v, 5, 6, 1);
}

}  // namespace

uint8_t FormatDescription::PostHeaderLength(EventType type, uint8_t fallback) const {
  const size_t index = static_cast<size_t>(type);
  if (index == 0 || index > post_header_lengths.size()) return fallback;
  return post_header_lengths[index - 1];
}

bool FormatDescription::IsMariaDb() const {
  return server_version.find("MariaDB") != std::string::npos;
}

FormatDescription DefaultFormatDescription() {
  FormatDescription fd;
  fd.server_version = "10.11.0-MariaDB";
  fd.checksum = ChecksumAlgorithm::kOff;
  return fd;
}

Result<FormatDescription> ParseFormatDescription(std::string_view event, uint64_t offset,
                                                 bool verify_checksum) {
  SAFEDDL_ASSIGN_OR_RETURN(EventHeader header, ParseEventHeader(event, offset));
  if (header.event_size != event.size()) {
    return CorruptionError(fmt::format("event at offset {}: header says {} bytes, have {}", offset,
                                       header.event_size, event.size()));
  }
  ByteReader r(event.substr(kEventHeaderLength), offset + kEventHeaderLength);
  if (r.remaining() < kFixedBodyLength) return r.TruncatedError(kFixedBodyLength);
  FormatDescription fd;
  SAFEDDL_ASSIGN_OR_RETURN(fd.binlog_version, r.ReadU16());
  SAFEDDL_ASSIGN_OR_RETURN(std::string_view version, r.ReadBytes(kServerVersionLength));
  fd.server_version = std::string(version.substr(0, version.find('\0')));
  SAFEDDL_ASSIGN_OR_RETURN(fd.create_timestamp, r.ReadU32());
  SAFEDDL_ASSIGN_OR_RETURN(fd.header_length, r.ReadU8());
  if (fd.binlog_version != 4 || fd.header_length != kEventHeaderLength) {
    return CorruptionError(fmt::format(
        "format description at offset {}: unsupported binlog version {} / header length {}", offset,
        fd.binlog_version, fd.header_length));
  }
  std::string_view rest = r.Peek();
  if (IsChecksumAware(fd.server_version)) {
    if (rest.size() < kChecksumAlgLength + kChecksumLength) {
      return r.TruncatedError(kChecksumAlgLength + kChecksumLength);
    }
    const size_t alg_pos = rest.size() - kChecksumAlgLength - kChecksumLength;
    const uint8_t alg = static_cast<uint8_t>(rest[alg_pos]);
    switch (alg) {
      case static_cast<uint8_t>(ChecksumAlgorithm::kOff):
      case static_cast<uint8_t>(ChecksumAlgorithm::kUndefined):
        fd.checksum = ChecksumAlgorithm::kOff;
        break;
      case static_cast<uint8_t>(ChecksumAlgorithm::kCrc32):
        fd.checksum = ChecksumAlgorithm::kCrc32;
        if (verify_checksum) SAFEDDL_RETURN_IF_ERROR(VerifyEventCrc32(event, offset));
        break;
      default:
        return CorruptionError(fmt::format(
            "format description at offset {}: unknown checksum algorithm {} at offset {}", offset,
            alg, r.offset() + alg_pos));
    }
    rest = rest.substr(0, alg_pos);
  } else {
    fd.checksum = ChecksumAlgorithm::kUndefined;
  }
  fd.post_header_lengths.assign(rest.begin(), rest.end());
  return fd;
}

}  // namespace safeddl::binlog
