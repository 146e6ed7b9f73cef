// MariaDB's compressed event payloads (log_bin_compress): QUERY_COMPRESSED_EVENT compresses the
// statement text, *_ROWS_COMPRESSED_EVENT* compress the row images after the column bitmaps.
//
// Payload layout: one header byte (0x80 | algorithm << 4 | n, algorithm 0 = zlib, n = 1..4),
// then the uncompressed length as an n-byte big-endian integer, then a zlib stream.
// Pure function, thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "common/byte_reader.h"
#include "common/result.h"

namespace safeddl::binlog {

// Reads the compressed payload that fills the rest of `r` and returns the inflated bytes.
// Corruption (naming the offset) on a bad header, a stream that fails to inflate, or an
// inflated size different from the announced one.
Result<std::string> DecompressMariaDbPayload(ByteReader& r);

}  // namespace safeddl::binlog
