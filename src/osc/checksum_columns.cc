#include "osc/checksum_columns.h"

#include <fmt/format.h>

#include <cctype>
#include <string_view>

#include "mysql/quote.h"

namespace safeddl::osc {
namespace {

enum class Family {
  kText,  // CHAR, VARCHAR, TEXT, ENUM, SET: a charset
  kInteger,
  kDecimal,
  kFloat,  // FLOAT, DOUBLE
  kBinary,
  kTemporal,  // DATE, TIME, DATETIME, TIMESTAMP
  kPlugin,    // UUID, INET6, INET4
  kOther,     // BIT, YEAR, spatial, anything newer
};

Family FamilyOf(const schema::Column& c) {
  const std::string_view d = c.data_type;
  if (c.IsInteger()) return Family::kInteger;
  if (d == "decimal") return Family::kDecimal;
  if (d == "float" || d == "double") return Family::kFloat;
  if (d == "binary" || d == "varbinary" || d == "tinyblob" || d == "blob" || d == "mediumblob" ||
      d == "longblob") {
    return Family::kBinary;
  }
  if (d == "date" || d == "time" || d == "datetime" || d == "timestamp") return Family::kTemporal;
  if (d == "uuid" || d == "inet6" || d == "inet4") return Family::kPlugin;
  if (c.charset) return Family::kText;  // char, varchar, *text (JSON too), enum, set
  return Family::kOther;
}

// Charset names as the server gives them: letters, digits, '_'.
bool IsPlainName(std::string_view name) {
  if (name.empty()) return false;
  for (char ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_') return false;
  }
  return true;
}

// "(12,3)" of "decimal(12,3) unsigned"; "" when there is none.
std::string_view TypeArguments(std::string_view column_type) {
  const size_t open = column_type.find('(');
  const size_t close = column_type.find(')', open);
  if (open == std::string_view::npos || close == std::string_view::npos) return "";
  return column_type.substr(open, close - open + 1);
}

// The original's value converted into the ghost's type, or "" when SQL has no exact form.
std::string Converted(const schema::Column& o, const schema::Column& g, const std::string& q,
                      std::string* why) {
  const Family from = FamilyOf(o);
  const Family to = FamilyOf(g);
  const std::string_view args = TypeArguments(g.column_type);
  switch (to) {
    case Family::kText: {
      if (from == Family::kFloat || from == Family::kOther || from == Family::kPlugin ||
          !IsPlainName(*g.charset)) {
        break;
      }
      // The charset name comes from the server's own definition of the ghost: an identifier.
      std::string e = fmt::format("CONVERT({} USING {})", q, *g.charset);
      // CHAR values read back without their trailing spaces.
      if (g.data_type == "char") e = fmt::format("TRIM(TRAILING ' ' FROM {})", e);
      return e;
    }
    case Family::kInteger:
      if (from == Family::kInteger) return q;
      if (from == Family::kDecimal || from == Family::kText) {
        return fmt::format("CAST({} AS {})", q, g.is_unsigned ? "UNSIGNED" : "SIGNED");
      }
      break;
    case Family::kDecimal:
      if (from == Family::kInteger || from == Family::kDecimal || from == Family::kText) {
        return fmt::format("CAST({} AS DECIMAL{})", q, args);
      }
      break;
    case Family::kFloat:
      if (from == Family::kInteger || from == Family::kDecimal || from == Family::kFloat) {
        return fmt::format("CAST({} AS {})", q, g.data_type == "float" ? "FLOAT" : "DOUBLE");
      }
      break;
    case Family::kBinary:
      if (from == Family::kBinary || from == Family::kText) {
        // BINARY(n) is padded with 0x00 to n bytes; the others keep the bytes as they are.
        return fmt::format("CAST({} AS BINARY{})", q, g.data_type == "binary" ? args : "");
      }
      break;
    case Family::kTemporal:
      if (from == Family::kTemporal || from == Family::kText) {
        // TIMESTAMP reads as DATETIME text (sessions use time_zone '+00:00').
        const std::string_view type = g.data_type == "date"   ? "DATE"
                                      : g.data_type == "time" ? "TIME"
                                                              : "DATETIME";
        return fmt::format("CAST({} AS {}{})", q, type, g.data_type == "date" ? "" : args);
      }
      break;
    case Family::kPlugin:
      if (from == Family::kPlugin || from == Family::kText || from == Family::kBinary) {
        return fmt::format("CAST({} AS {})", q, g.data_type);
      }
      break;
    case Family::kOther:
      break;
  }
  *why = fmt::format("{} to {} has no exact conversion in SQL to compare by", o.column_type,
                     g.column_type);
  return "";
}

}  // namespace

std::optional<ChecksumColumn> CompareExpressions(const schema::Column& original,
                                                 const schema::Column& ghost, std::string* why) {
  ChecksumColumn c;
  c.name = original.name;
  c.original = *mysql::QuoteIdentifier(original.name);
  c.ghost = *mysql::QuoteIdentifier(ghost.name);
  if (original.column_type == ghost.column_type && original.collation == ghost.collation) {
    return c;
  }
  // A TIMESTAMP ghost column reads back as its text; compare it as DATETIME text too.
  if (ghost.data_type == "timestamp") {
    c.ghost = fmt::format("CAST({} AS DATETIME{})", c.ghost, TypeArguments(ghost.column_type));
  }
  c.original = Converted(original, ghost, c.original, why);
  if (c.original.empty()) return std::nullopt;
  return c;
}

}  // namespace safeddl::osc
