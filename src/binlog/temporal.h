// Decoders for the temporal row formats: the fractional-second "2" formats every current server
// writes (TIME2, DATETIME2, TIMESTAMP2: big-endian integer part + 0-3 bytes of fraction for
// fsp 0-6), DATE and YEAR, and the old formats logged with the type codes TIME, DATETIME and
// TIMESTAMP: for fsp 0 MySQL's pre-5.6 formats, for fsp 1-6 MariaDB 5.3's "hires" formats
// (columns created with mysql56_temporal_format=OFF). The binlog does not say which fsp an
// old-format column has (see WithSchemaTemporalDigits in column_naming.h).
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
// Old formats. fsp 0: TIME is 3 bytes LE, signed [-]HHMMSS; DATETIME 8 bytes LE, YYYYMMDDHHMMSS;
// TIMESTAMP 4 bytes LE, seconds. fsp 1-6 (MariaDB hires): TIME is the microseconds of the
// signed value divided by 10^(6-fsp), plus (838:59:59 + 1 s) likewise scaled, big-endian in
// 3/4/4/5/5/5/6 bytes for fsp 0..6; DATETIME the microseconds of
// ((((year*13+month)*32+day)*24+hour)*60+minute)*60+second, divided by 10^(6-fsp), big-endian
// in 5/6/6/7/7/7/8 bytes; TIMESTAMP 4 bytes BE of seconds and then the microseconds divided by
// 10^(6-fsp), big-endian in 0/1/1/2/2/3/3 bytes. Values no server writes are Corruption.
Result<Value> DecodeOldTime(ByteReader& r, uint8_t fsp);
Result<Value> DecodeOldDatetime(ByteReader& r, uint8_t fsp);
Result<Value> DecodeOldTimestamp(ByteReader& r, uint8_t fsp);
Result<Value> DecodeDate(ByteReader& r);  // 3 bytes LE: day | month << 5 | year << 9
Result<Value> DecodeYear(ByteReader& r);  // 1 byte: 0 or year - 1900

// The UTC date and time of `seconds` since the epoch (seconds >= 0; micros left 0).
Temporal BreakDownUtc(int64_t seconds);

}  // namespace safeddl::binlog
