// Decodes one column value of a row image, given the column's TABLE_MAP description.
//
// Signedness comes from the table map's optional metadata; without it integers decode as
// signed (the caller may re-interpret them with the schema via ReinterpretUnsigned).
// Pure functions, thread-safe.
#pragma once

#include "binlog/column_type.h"
#include "binlog/value.h"
#include "common/byte_reader.h"
#include "common/result.h"

namespace safeddl::binlog {

// Reads the non-NULL value of `col` from `r`. Corruption, naming the offset, on truncation or
// impossible contents; Unsupported for formats current servers never write (pre-5.0 DECIMAL,
// MySQL binary JSON).
Result<Value> DecodeColumnValue(ByteReader& r, const ColumnDef& col);

// Turns a kInt produced without signedness metadata into the kUint the column really holds
// (TINYINT UNSIGNED 255 was decoded as -1). Other values are returned unchanged.
Value ReinterpretUnsigned(const Value& v);

}  // namespace safeddl::binlog
