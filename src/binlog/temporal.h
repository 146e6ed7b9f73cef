// Decoders for the temporal row formats: the fractional-second "2" formats every current server
// writes (TIME2, DATETIME2, TIMESTAMP2: big-endian integer part + 0-3 bytes of fraction for
// fsp 0-6) and the old whole-second formats (TIME, DATETIME, TIMESTAMP, DATE, YEAR).
// Pure functions, thread-safe.
#pragma once

#include <cstdint>

#include "binlog/value.h"
#include "common/byte_reader.h"
#include "common/result.h"

namespace safeddl::binlog {

Result<Value> DecodeTime2(ByteReader& r, uint8_t fsp);
Result<Value> DecodeDatetime2(ByteReader& r, uint8_t fsp);
Result<Value> DecodeTimestamp2(ByteReader& r, uint8_t fsp);
Result<Value> DecodeOldTime(ByteReader& r);       // 3 bytes LE, signed HHMMSS
Result<Value> DecodeOldDatetime(ByteReader& r);   // 8 bytes LE, YYYYMMDDHHMMSS
Result<Value> DecodeOldTimestamp(ByteReader& r);  // 4 bytes LE, seconds
Result<Value> DecodeDate(ByteReader& r);          // 3 bytes LE: day | month << 5 | year << 9
Result<Value> DecodeYear(ByteReader& r);          // 1 byte: 0 or year - 1900

// The UTC date and time of `seconds` since the epoch (seconds >= 0; micros left 0).
Temporal BreakDownUtc(int64_t seconds);

}  // namespace safeddl::binlog
