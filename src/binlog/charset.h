// What the JSON and SQL renderers need to know about a column's character set: which charset a
// collation id belongs to (MariaDB 10.11's own table, NO PAD and UCA-14.0 collations included),
// its family (binary, latin1, ASCII, UTF-8, another charset, or an id MariaDB lacks), and its
// text converted to UTF-8.
//
// Conversion of the charsets other than UTF-8, ASCII and latin1 goes through glibc's iconv; the
// converters are opened once per charset per thread (thread_local) and closed at thread exit.
// Everything here is thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace safeddl::binlog {

enum class Charset {
  kUtf8,    // utf8mb3, utf8mb4 (and MySQL 8's utf8mb4 collations)
  kLatin1,  // MariaDB's latin1: Windows-1252
  kAscii,
  kBinary,   // collation 63
  kOther,    // any other charset MariaDB 10.11 has: see CharsetName
  kUnknown,  // a collation id MariaDB 10.11 does not have
};

// The family of collation id `collation`.
Charset CharsetOf(uint32_t collation);

// MariaDB's name of the charset of `collation` ("cp1251", "utf8mb4", "binary"), as used in an
// introducer (_cp1251); empty for kUnknown.
std::string_view CharsetName(uint32_t collation);

// True when every byte below 0x80 is that ASCII character, wherever it appears, so that text of
// ASCII bytes needs no conversion. False for ucs2, utf16, utf16le, utf32, swe7 (whose
// @[\]^`{|}~ are letters), binary and kUnknown.
bool AsciiCompatible(uint32_t collation);

// `bytes` of a column of `collation` as UTF-8; nullopt when they are not valid text in that
// charset (bytes the server shows as '?'), and for binary and kUnknown.
std::optional<std::string> ConvertToUtf8(std::string_view bytes, uint32_t collation);

// The Unicode code point of latin1 byte `b`. MariaDB's latin1 is Windows-1252; the five bytes
// 1252 leaves undefined map to C1 controls.
uint32_t Latin1CodePoint(uint8_t b);

// Appends code point `cp` (at most U+10FFFF) to `out` as UTF-8.
void AppendUtf8(std::string& out, uint32_t cp);

}  // namespace safeddl::binlog
