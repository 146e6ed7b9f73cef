#include "mysql/quote.h"

namespace safeddl::mysql {
namespace {

constexpr char kHexDigits[] = "0123456789ABCDEF";

std::string Hex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kHexDigits[c >> 4];
    out += kHexDigits[c & 0x0F];
  }
  return out;
}

bool IsPlainLiteral(std::string_view value) {
  for (unsigned char c : value) {
    if (c < 0x20 || c > 0x7E || c == '\'' || c == '\\' || c == '"') return false;
  }
  return true;
}

}  // namespace

Result<std::string> QuoteIdentifier(std::string_view name) {
  if (name.empty()) return InvalidArgumentError("an identifier cannot be empty");
  if (name.find('\0') != std::string_view::npos) {
    return InvalidArgumentError("an identifier cannot contain a NUL character");
  }
  std::string out;
  out.reserve(name.size() + 2);
  out += '`';
  for (char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  out += '`';
  return out;
}

Result<std::string> QuoteQualified(std::string_view schema, std::string_view table) {
  SAFEDDL_ASSIGN_OR_RETURN(std::string quoted_table, QuoteIdentifier(table));
  if (schema.empty()) return quoted_table;
  SAFEDDL_ASSIGN_OR_RETURN(std::string quoted_schema, QuoteIdentifier(schema));
  return quoted_schema + "." + quoted_table;
}

std::string QuoteString(std::string_view value) {
  if (IsPlainLiteral(value)) return "'" + std::string(value) + "'";
  return "CONVERT(X'" + Hex(value) + "' USING utf8mb4)";
}

std::string QuoteBytes(std::string_view value) { return "X'" + Hex(value) + "'"; }

}  // namespace safeddl::mysql
