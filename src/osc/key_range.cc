#include "osc/key_range.h"

#include <fmt/format.h>

#include <array>
#include <cctype>

#include "common/strings.h"
#include "mysql/quote.h"

namespace safeddl::osc {
namespace {

constexpr std::array<std::string_view, 6> kIntegerTypes = {"tinyint", "smallint", "mediumint",
                                                           "int",     "integer",  "bigint"};
constexpr std::array<std::string_view, 5> kStringTypes = {"char", "varchar", "tinytext", "text",
                                                          "mediumtext"};
constexpr std::array<std::string_view, 6> kBinaryTypes = {"binary", "varbinary",  "tinyblob",
                                                          "blob",   "mediumblob", "longblob"};
// Compared and printed as text: temporal values (sessions use time_zone '+00:00'), UUID, INET.
constexpr std::array<std::string_view, 8> kQuotedTextTypes = {
    "date", "datetime", "timestamp", "time", "year", "uuid", "inet4", "inet6"};
constexpr std::array<std::string_view, 3> kNumberedTypes = {"enum", "set", "bit"};

template <size_t N>
bool OneOf(const std::string& t, const std::array<std::string_view, N>& list) {
  for (std::string_view x : list) {
    if (t == x) return true;
  }
  return false;
}

std::string Quoted(const std::string& name) { return *mysql::QuoteIdentifier(name); }

bool IsHex(const std::string& s) {
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return s.size() % 2 == 0;
}

bool IsPlainNumber(const std::string& s, bool allow_fraction) {
  if (s.empty()) return false;
  size_t i = (s[0] == '-') ? 1 : 0;
  if (i == s.size()) return false;
  bool dot = false;
  for (; i < s.size(); ++i) {
    if (s[i] == '.' && allow_fraction && !dot) {
      dot = true;
    } else if (!std::isdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view OpText(TupleOp op) {
  switch (op) {
    case TupleOp::kGreater:
    case TupleOp::kGreaterOrEqual:
      return ">";
    case TupleOp::kLess:
    case TupleOp::kLessOrEqual:
      return "<";
    case TupleOp::kEqual:
      return "=";
  }
  return "=";
}

}  // namespace

Result<KeyColumn> MakeKeyColumn(const std::string& name, const std::string& data_type,
                                const std::string& charset, const std::string& collation) {
  const std::string t = AsciiLower(data_type);
  KeyColumn c;
  c.name = name;
  if (OneOf(t, kIntegerTypes)) {
    c.kind = KeyColumnKind::kInteger;
  } else if (t == "decimal" || t == "numeric") {
    c.kind = KeyColumnKind::kDecimal;
  } else if (OneOf(t, kStringTypes)) {
    c.kind = charset.empty() ? KeyColumnKind::kBinary : KeyColumnKind::kString;
    c.charset = charset;
    c.collation = collation;
  } else if (OneOf(t, kBinaryTypes)) {
    c.kind = KeyColumnKind::kBinary;
  } else if (OneOf(t, kQuotedTextTypes)) {
    c.kind = KeyColumnKind::kQuotedText;
  } else if (OneOf(t, kNumberedTypes)) {
    c.kind = KeyColumnKind::kNumbered;
  } else {
    return UnsupportedError(fmt::format(
        "column `{}` of type {} cannot be part of the key safeddl chunks by (no exact round "
        "trip): choose a table whose PRIMARY KEY or NOT NULL UNIQUE key avoids it",
        name, data_type));
  }
  return c;
}

std::string SelectExpression(const KeyColumn& column) {
  const std::string q = Quoted(column.name);
  switch (column.kind) {
    case KeyColumnKind::kString:
    case KeyColumnKind::kBinary:
      return fmt::format("HEX({})", q);
    case KeyColumnKind::kNumbered:
      return fmt::format("({} + 0)", q);
    default:
      return q;
  }
}

Result<std::string> RenderKeyLiteral(const KeyColumn& column, const std::string& text) {
  auto bad = [&] {
    return CorruptionError(
        fmt::format("unexpected key value for column `{}`: '{}'", column.name, text));
  };
  switch (column.kind) {
    case KeyColumnKind::kInteger:
    case KeyColumnKind::kNumbered:
      if (!IsPlainNumber(text, false)) return bad();
      return text;
    case KeyColumnKind::kDecimal:
      if (!IsPlainNumber(text, true)) return bad();
      return text;
    case KeyColumnKind::kString:
      if (!IsHex(text)) return bad();
      return fmt::format("_{} X'{}' COLLATE {}", column.charset, text, column.collation);
    case KeyColumnKind::kBinary:
      if (!IsHex(text)) return bad();
      return fmt::format("X'{}'", text);
    case KeyColumnKind::kQuotedText:
      return mysql::QuoteString(text);
  }
  return bad();
}

std::string TupleComparison(const std::vector<KeyColumn>& columns,
                            const std::vector<std::string>& literals, TupleOp op,
                            const std::string& qualifier) {
  const size_t n = std::min(columns.size(), literals.size());
  auto col = [&](size_t i) { return qualifier + Quoted(columns[i].name); };
  if (op == TupleOp::kEqual) {
    std::vector<std::string> parts;
    for (size_t i = 0; i < n; ++i) parts.push_back(fmt::format("{} = {}", col(i), literals[i]));
    return "(" + JoinStrings(parts, " AND ") + ")";
  }
  // (c1 op v1) OR (c1 = v1 AND c2 op v2) OR ... [OR (all equal) for the inclusive forms]
  std::vector<std::string> alternatives;
  for (size_t i = 0; i < n; ++i) {
    std::vector<std::string> conj;
    for (size_t j = 0; j < i; ++j) conj.push_back(fmt::format("{} = {}", col(j), literals[j]));
    conj.push_back(fmt::format("{} {} {}", col(i), OpText(op), literals[i]));
    alternatives.push_back("(" + JoinStrings(conj, " AND ") + ")");
  }
  if (op == TupleOp::kGreaterOrEqual || op == TupleOp::kLessOrEqual) {
    alternatives.push_back(TupleComparison(columns, literals, TupleOp::kEqual, qualifier));
  }
  return "(" + JoinStrings(alternatives, " OR ") + ")";
}

std::string KeySetPredicate(const std::vector<KeyColumn>& columns,
                            const std::vector<std::vector<std::string>>& keys) {
  std::vector<std::string> parts;
  if (columns.size() == 1) {
    for (const auto& key : keys) parts.push_back(key.at(0));
    return fmt::format("{} IN ({})", Quoted(columns[0].name), JoinStrings(parts, ", "));
  }
  for (const auto& key : keys) parts.push_back(TupleComparison(columns, key, TupleOp::kEqual));
  return "(" + JoinStrings(parts, " OR ") + ")";
}

namespace {

Result<std::vector<std::string>> Literals(const std::vector<KeyColumn>& key,
                                          const std::vector<std::string>& text) {
  std::vector<std::string> out;
  for (size_t i = 0; i < text.size(); ++i) {
    SAFEDDL_ASSIGN_OR_RETURN(std::string lit, RenderKeyLiteral(key[i], text[i]));
    out.push_back(std::move(lit));
  }
  return out;
}

}  // namespace

Result<std::string> RangePredicate(const std::vector<KeyColumn>& key, const KeyRangeBounds& range) {
  std::vector<std::string> conds;
  if (!range.lower.empty()) {
    SAFEDDL_ASSIGN_OR_RETURN(auto lit, Literals(key, range.lower));
    conds.push_back(TupleComparison(key, lit, TupleOp::kGreater));
  }
  if (!range.upper.empty()) {
    SAFEDDL_ASSIGN_OR_RETURN(auto lit, Literals(key, range.upper));
    conds.push_back(TupleComparison(key, lit, TupleOp::kLessOrEqual));
  }
  return conds.empty() ? std::string("TRUE") : JoinStrings(conds, " AND ");
}

}  // namespace safeddl::osc
