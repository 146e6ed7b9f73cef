#include "binlog/schema_lookup.h"

#include <fmt/format.h>

#include <algorithm>

#include "mysql/quote.h"

namespace safeddl::binlog {

SchemaLookup MakeSchemaLookup(mysql::Connection& conn) {
  return [&conn](const std::string& db,
                 const std::string& table) -> Result<std::optional<std::vector<SchemaColumn>>> {
    SAFEDDL_ASSIGN_OR_RETURN(
        mysql::ResultSet rs,
        conn.Query(
            fmt::format("SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, COLUMN_KEY, "
                        "DATETIME_PRECISION FROM "
                        "information_schema.COLUMNS "
                        "WHERE TABLE_SCHEMA = {} AND TABLE_NAME = {} ORDER BY ORDINAL_POSITION",
                        mysql::QuoteString(db), mysql::QuoteString(table))));
    if (rs.empty()) return std::optional<std::vector<SchemaColumn>>();
    std::vector<SchemaColumn> columns;
    for (const mysql::Row& row : rs.rows()) {
      SchemaColumn c;
      c.name = row.GetString("COLUMN_NAME");
      c.data_type = row.GetString("DATA_TYPE");
      c.is_unsigned = row.GetString("COLUMN_TYPE").find("unsigned") != std::string::npos;
      c.primary_key = row.GetString("COLUMN_KEY") == "PRI";
      c.datetime_precision = static_cast<uint8_t>(
          std::min<unsigned long long>(row.GetUint("DATETIME_PRECISION").value_or(0), 255));
      columns.push_back(std::move(c));
    }
    return std::optional<std::vector<SchemaColumn>>(std::move(columns));
  };
}

}  // namespace safeddl::binlog
