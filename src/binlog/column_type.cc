#include "binlog/column_type.h"

#include <fmt/format.h>

namespace safeddl::binlog {

std::string ColumnTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kDecimal:
      return "DECIMAL";
    case ColumnType::kTiny:
      return "TINY";
    case ColumnType::kShort:
      return "SHORT";
    case ColumnType::kLong:
      return "LONG";
    case ColumnType::kFloat:
      return "FLOAT";
    case ColumnType::kDouble:
      return "DOUBLE";
    case ColumnType::kNull:
      return "NULL";
    case ColumnType::kTimestamp:
      return "TIMESTAMP";
    case ColumnType::kLongLong:
      return "LONGLONG";
    case ColumnType::kInt24:
      return "INT24";
    case ColumnType::kDate:
      return "DATE";
    case ColumnType::kTime:
      return "TIME";
    case ColumnType::kDatetime:
      return "DATETIME";
    case ColumnType::kYear:
      return "YEAR";
    case ColumnType::kNewDate:
      return "NEWDATE";
    case ColumnType::kVarchar:
      return "VARCHAR";
    case ColumnType::kBit:
      return "BIT";
    case ColumnType::kTimestamp2:
      return "TIMESTAMP2";
    case ColumnType::kDatetime2:
      return "DATETIME2";
    case ColumnType::kTime2:
      return "TIME2";
    case ColumnType::kJson:
      return "JSON";
    case ColumnType::kNewDecimal:
      return "NEWDECIMAL";
    case ColumnType::kEnum:
      return "ENUM";
    case ColumnType::kSet:
      return "SET";
    case ColumnType::kTinyBlob:
      return "TINY_BLOB";
    case ColumnType::kMediumBlob:
      return "MEDIUM_BLOB";
    case ColumnType::kLongBlob:
      return "LONG_BLOB";
    case ColumnType::kBlob:
      return "BLOB";
    case ColumnType::kVarString:
      return "VAR_STRING";
    case ColumnType::kString:
      return "STRING";
    case ColumnType::kGeometry:
      return "GEOMETRY";
  }
  return fmt::format("TYPE({})", static_cast<unsigned>(type));
}

size_t IntegerBytes(ColumnType type) {
  switch (type) {
    case ColumnType::kTiny:
      return 1;
    case ColumnType::kShort:
      return 2;
    case ColumnType::kInt24:
      return 3;
    case ColumnType::kLong:
      return 4;
    case ColumnType::kLongLong:
      return 8;
    default:
      return 0;
  }
}

std::optional<int> ColumnMetadataLength(ColumnType type) {
  switch (type) {
    case ColumnType::kTiny:
    case ColumnType::kShort:
    case ColumnType::kLong:
    case ColumnType::kLongLong:
    case ColumnType::kInt24:
    case ColumnType::kNull:
    case ColumnType::kTimestamp:
    case ColumnType::kDate:
    case ColumnType::kTime:
    case ColumnType::kDatetime:
    case ColumnType::kYear:
    case ColumnType::kNewDate:
      return 0;
    case ColumnType::kFloat:
    case ColumnType::kDouble:
    case ColumnType::kTimestamp2:
    case ColumnType::kDatetime2:
    case ColumnType::kTime2:
    case ColumnType::kJson:
    case ColumnType::kTinyBlob:
    case ColumnType::kMediumBlob:
    case ColumnType::kLongBlob:
    case ColumnType::kBlob:
    case ColumnType::kGeometry:
      return 1;
    case ColumnType::kDecimal:
    case ColumnType::kVarchar:
    case ColumnType::kBit:
    case ColumnType::kNewDecimal:
    case ColumnType::kEnum:
    case ColumnType::kSet:
    case ColumnType::kVarString:
    case ColumnType::kString:
      return 2;
  }
  return std::nullopt;
}

bool ColumnDef::IsNumeric() const {
  switch (type) {
    case ColumnType::kTiny:
    case ColumnType::kShort:
    case ColumnType::kInt24:
    case ColumnType::kLong:
    case ColumnType::kLongLong:
    case ColumnType::kFloat:
    case ColumnType::kDouble:
    case ColumnType::kNewDecimal:
    case ColumnType::kDecimal:
      return true;
    default:
      return false;
  }
}

bool ColumnDef::IsCharacter() const {
  switch (type) {
    case ColumnType::kString:
      return real_type == ColumnType::kString;
    case ColumnType::kVarchar:
    case ColumnType::kVarString:
    case ColumnType::kBlob:
    case ColumnType::kTinyBlob:
    case ColumnType::kMediumBlob:
    case ColumnType::kLongBlob:
    case ColumnType::kGeometry:  // the server counts it as the BLOB it derives from
      return true;
    default:
      return false;
  }
}

bool ColumnDef::IsEnumOrSet() const {
  return real_type == ColumnType::kEnum || real_type == ColumnType::kSet;
}

}  // namespace safeddl::binlog
