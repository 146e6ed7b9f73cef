// The text forms MariaDB prints for the values of its data-type plugins UUID, INET6 and INET4
// (what a SELECT of such a column shows), from the bytes the binlog carries for them.
//
// The binlog carries a UUID in its text order ("in-memory" form: the record's index-friendly
// swap of the groups is undone before logging), an INET6/INET4 in network order. Pure
// functions: thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace safeddl::binlog {

inline constexpr size_t kUuidBytes = 16;
inline constexpr size_t kInet6Bytes = 16;
inline constexpr size_t kInet4Bytes = 4;

// "123e4567-e89b-12d3-a456-426655440000". REQUIRES: bytes.size() == kUuidBytes.
std::string UuidText(std::string_view bytes);

// As MariaDB's Inet6::to_string: lower-case hex words without leading zeros; the longest run of
// zero words (the first of equal runs, even a single word) as "::"; IPv4-compatible
// (::a.b.c.d, first six words zero, the seventh not) and IPv4-mapped (::ffff:a.b.c.d) addresses
// with a dotted quad. REQUIRES: bytes.size() == kInet6Bytes.
std::string Inet6Text(std::string_view bytes);

// "192.168.0.1". REQUIRES: bytes.size() == kInet4Bytes.
std::string Inet4Text(std::string_view bytes);

}  // namespace safeddl::binlog
