// Exact decoding of the binary DECIMAL format (MYSQL_TYPE_NEWDECIMAL) into decimal text.
//
// Format: digits grouped by nine into 4-byte big-endian words, integer part first; a leading
// partial group (intg % 9 digits) and a trailing partial group (scale % 9 digits) take 1-4
// bytes. The first byte's top bit is set for non-negative values; negative values store every
// byte inverted. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>

#include "common/byte_reader.h"
#include "common/result.h"

namespace safeddl::binlog {

// Bytes a DECIMAL(precision, scale) value takes in a row image.
size_t DecimalBinarySize(int precision, int scale);

// Reads one DECIMAL(precision, scale) value: "-123.4500", "0.000", "1" (no point when scale 0).
// Corruption when a group holds a value that is not a valid run of decimal digits.
Result<std::string> DecodeDecimal(ByteReader& r, int precision, int scale);

}  // namespace safeddl::binlog
