#include "binlog/schema_lookup.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "mysql/quote.h"

namespace safeddl::binlog {
namespace {

constexpr unsigned long long kMaxDigits = std::numeric_limits<uint8_t>::max();

bool IsBinaryStringType(std::string_view d) {
  return d == "binary" || d == "varbinary" || d == "tinyblob" || d == "blob" || d == "mediumblob" ||
         d == "longblob" || d == "uuid" || d == "inet6" || d == "inet4";
}

}  // namespace

Result<std::optional<std::vector<SchemaColumn>>> ReadTableDefinition(mysql::Connection& conn,
                                                                     const std::string& db,
                                                                     const std::string& table) {
  SAFEDDL_ASSIGN_OR_RETURN(
      mysql::ResultSet rs,
      conn.Query(fmt::format(
          "SELECT c.COLUMN_NAME, c.DATA_TYPE, c.COLUMN_TYPE, c.COLUMN_KEY, c.DATETIME_PRECISION, "
          "c.CHARACTER_OCTET_LENGTH, c.NUMERIC_PRECISION, c.NUMERIC_SCALE, co.ID AS COLLATION_ID "
          "FROM information_schema.COLUMNS c LEFT JOIN information_schema.COLLATIONS co "
          "ON co.COLLATION_NAME = c.COLLATION_NAME "
          "WHERE c.TABLE_SCHEMA = {} AND c.TABLE_NAME = {} ORDER BY c.ORDINAL_POSITION",
          mysql::QuoteString(db), mysql::QuoteString(table))));
  if (rs.empty()) return std::optional<std::vector<SchemaColumn>>();
  std::vector<SchemaColumn> columns;
  for (const mysql::Row& row : rs.rows()) {
    SchemaColumn c;
    c.name = row.GetString("COLUMN_NAME");
    c.data_type = row.GetString("DATA_TYPE");
    const std::string column_type = row.GetString("COLUMN_TYPE");
    c.is_unsigned = column_type.find("unsigned") != std::string::npos;
    c.primary_key = row.GetString("COLUMN_KEY") == "PRI";
    c.datetime_precision = static_cast<uint8_t>(
        std::min<unsigned long long>(row.GetUint("DATETIME_PRECISION").value_or(0), kMaxDigits));
    if (std::optional<unsigned long long> id = row.GetUint("COLLATION_ID")) {
      c.collation = static_cast<uint32_t>(*id);
    } else if (IsBinaryStringType(c.data_type)) {
      c.collation = kBinaryCollation;
    }
    c.elements = ParseEnumElements(column_type);
    c.octet_length = row.GetUint("CHARACTER_OCTET_LENGTH").value_or(0);
    c.numeric_precision = static_cast<uint32_t>(row.GetUint("NUMERIC_PRECISION").value_or(0));
    c.numeric_scale = static_cast<uint32_t>(row.GetUint("NUMERIC_SCALE").value_or(0));
    columns.push_back(std::move(c));
  }
  return std::optional<std::vector<SchemaColumn>>(std::move(columns));
}

SchemaLookup MakeSchemaLookup(mysql::Connection& conn) {
  return [&conn](const std::string& db, const std::string& table) {
    return ReadTableDefinition(conn, db, table);
  };
}

}  // namespace safeddl::binlog
