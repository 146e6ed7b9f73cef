// The multi-byte charsets of MariaDB 10.11 (other than UTF-8) converted to UTF-8 with glibc's
// iconv, corrected where glibc's tables differ from the server's. Internal to charset.cc.
//
// Each thread opens the converter of a charset on first use and keeps it (thread_local) until
// the thread ends: iconv_open is costly. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace safeddl::binlog {

enum class MultiByteCharset : uint8_t {
  kBig5,
  kUjis,
  kSjis,
  kEuckr,
  kGb2312,
  kGbk,
  kUcs2,
  kUtf16,
  kUtf16le,
  kUtf32,
  kCp932,
  kEucjpms,
};

// `bytes` as UTF-8; nullopt when they are not text of `charset` as the server reads it (an
// invalid sequence, or a code the server has no character for), or the converter is missing.
std::optional<std::string> MultiByteToUtf8(MultiByteCharset charset, std::string_view bytes);

}  // namespace safeddl::binlog
