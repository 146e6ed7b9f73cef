#include "flashback/load_data.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "flashback/batch_sql.h"

namespace safeddl::flashback {
namespace {

using binlog::ColumnType;

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The field escape of `b` (ESCAPED BY '\\', fields by tab, lines by newline); null when `b`
// stands for itself.
const char* FieldEscape(char b) {
  switch (b) {
    case '\\':
      return "\\\\";
    case '\t':
      return "\\t";
    case '\n':
      return "\\n";
    case '\r':
      return "\\r";
    case '\0':
      return "\\0";
    default:
      return nullptr;
  }
}

// Appends `bytes` escaped for a field, the stretches that need no escape in one go.
void AppendEscaped(std::string& out, std::string_view bytes) {
  size_t from = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    const char* escape = FieldEscape(bytes[i]);
    if (escape == nullptr) continue;
    out.append(bytes.data() + from, i - from);
    out += escape;
    from = i + 1;
  }
  out.append(bytes.data() + from, bytes.size() - from);
}

// X'..' with an even number of hex digits.
bool AppendHexBytes(std::string_view hex, std::string& out) {
  if (hex.size() % 2 != 0) return false;
  std::string bytes(hex.size() / 2, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    const int hi = HexDigit(hex[2 * i]), lo = HexDigit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    bytes[i] = static_cast<char>(hi * 16 + lo);
  }
  AppendEscaped(out, bytes);
  return true;
}

// The byte a literal's escape sequence (binlog::ToSqlLiteral: \0 \' \\ \n \r \Z) stands for.
std::optional<char> Unescaped(char c) {
  switch (c) {
    case '0':
      return '\0';
    case '\'':
      return '\'';
    case '\\':
      return '\\';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 'Z':
      return '\x1a';
    default:
      return std::nullopt;
  }
}

// The body of a '...' literal as binlog::ToSqlLiteral quotes.
bool AppendQuotedBytes(std::string_view body, std::string& out) {
  size_t from = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\'') return false;  // an unescaped quote: not a literal of ours
    if (body[i] != '\\') continue;
    AppendEscaped(out, body.substr(from, i - from));
    if (++i == body.size()) return false;
    const std::optional<char> c = Unescaped(body[i]);
    if (!c) return false;
    AppendEscaped(out, std::string_view(&*c, 1));
    from = i + 1;
  }
  AppendEscaped(out, body.substr(from));
  return true;
}

bool IsNumberText(std::string_view s) {
  if (s.empty()) return false;
  size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size()) return false;
  bool dot = false;
  for (; i < s.size(); ++i) {
    if (s[i] == '.' && !dot) {
      dot = true;
    } else if (s[i] < '0' || s[i] > '9') {
      return false;
    }
  }
  return true;
}

bool AppendField(std::string_view literal, LoadForm form, std::string& out) {
  if (IsNullLiteral(literal)) {
    out += "\\N";
    return true;
  }
  switch (form) {
    case LoadForm::kNone:
      return false;
    case LoadForm::kNumber:
      if (!IsNumberText(literal)) return false;
      out += literal;
      return true;
    case LoadForm::kEpoch: {
      constexpr std::string_view kOpen = "FROM_UNIXTIME(";
      if (!literal.starts_with(kOpen) || !literal.ends_with(")")) return false;
      const std::string_view epoch = literal.substr(kOpen.size(), literal.size() - kOpen.size() - 1);
      if (!IsNumberText(epoch) || epoch[0] == '-') return false;
      out += epoch;
      return true;
    }
    case LoadForm::kBytes: {
      // _<charset> X'..': the bytes, in the column's own charset (loaded unconverted).
      if (literal.starts_with("_")) {
        const size_t space = literal.find(' ');
        if (space == std::string_view::npos) return false;
        literal.remove_prefix(space + 1);
      }
      if (literal.size() >= 3 && literal.starts_with("X'") && literal.ends_with("'")) {
        return AppendHexBytes(literal.substr(2, literal.size() - 3), out);
      }
      if (literal.size() >= 2 && literal.starts_with("'") && literal.ends_with("'")) {
        return AppendQuotedBytes(literal.substr(1, literal.size() - 2), out);
      }
      return false;
    }
  }
  return false;
}

// Appends the fields of `image` to the line `line`, each after a tab unless it starts the line.
bool AppendImage(const TableTarget& target, const std::vector<std::string_view>& image,
                 std::string& line) {
  if (image.size() != target.columns.size()) return false;
  for (size_t i = 0; i < image.size(); ++i) {
    if (!line.empty()) line.push_back('\t');
    if (!AppendField(image[i], target.load_forms[i], line)) return false;
  }
  return true;
}

}  // namespace

LoadForm LoadFormOf(const binlog::ColumnDef& column) {
  // UUID/INET6/INET4 literals are their text, which a binary load would not parse.
  if (column.plugin != binlog::TypePlugin::kNone) return LoadForm::kNone;
  switch (column.real_type) {
    case ColumnType::kTiny:
    case ColumnType::kShort:
    case ColumnType::kInt24:
    case ColumnType::kLong:
    case ColumnType::kLongLong:
    case ColumnType::kNewDecimal:
      return LoadForm::kNumber;
    case ColumnType::kVarchar:
    case ColumnType::kVarString:
    case ColumnType::kString:  // CHAR/BINARY: ENUM and SET have their own real type
    case ColumnType::kTinyBlob:
    case ColumnType::kMediumBlob:
    case ColumnType::kLongBlob:
    case ColumnType::kBlob:
    case ColumnType::kDate:
    case ColumnType::kNewDate:
    case ColumnType::kTime:
    case ColumnType::kTime2:
    case ColumnType::kDatetime:
    case ColumnType::kDatetime2:
      return LoadForm::kBytes;
    case ColumnType::kTimestamp:
    case ColumnType::kTimestamp2:
      return LoadForm::kEpoch;
    default:
      return LoadForm::kNone;
  }
}

bool TableLoads(const TableTarget& target) {
  if (target.locator.kind != LocatorKind::kPrimaryKey || target.order_sensitive) return false;
  if (target.load_forms.size() != target.columns.size()) return false;
  // Only key columns: an update of such a table changes the key, never a loaded run.
  if (target.columns.size() <= target.locator.columns.size()) return false;
  return std::none_of(target.load_forms.begin(), target.load_forms.end(),
                      [](LoadForm f) { return f == LoadForm::kNone; });
}

bool AppendLoadLine(const TableTarget& target, const LiteralOp& op, std::string& out) {
  std::string line;
  if (!AppendImage(target, op.current, line) || !AppendImage(target, op.target, line)) {
    return false;
  }
  out += line;
  out.push_back('\n');
  return true;
}

std::string LoadTableName(const TableTarget& target, uint32_t index) {
  return fmt::format("{}.`safeddl_flashback_load_{}`", target.quoted_database, index);
}

std::string CreateLoadTableSql(const TableTarget& target, const std::string& table) {
  std::string select;
  for (const char prefix : {'c', 't'}) {
    for (size_t i = 0; i < target.columns.size(); ++i) {
      if (!select.empty()) select += ", ";
      select += fmt::format("{} AS `{}{}`", target.columns[i], prefix, i);
    }
  }
  return fmt::format("CREATE TEMPORARY TABLE IF NOT EXISTS {} ENGINE=Aria AS SELECT {} FROM {} "
                     "WHERE 0",
                     table, select, target.quoted);
}

std::string LoadDataSql(const TableTarget& target, const std::string& table) {
  std::string columns, set;
  for (const char prefix : {'c', 't'}) {
    for (size_t i = 0; i < target.columns.size(); ++i) {
      if (!columns.empty()) columns += ", ";
      if (target.load_forms[i] == LoadForm::kEpoch) {
        columns += fmt::format("@{}{}", prefix, i);
        set += fmt::format("{}`{}{}` = FROM_UNIXTIME(@{}{})", set.empty() ? " SET " : ", ", prefix,
                           i, prefix, i);
      } else {
        columns += fmt::format("`{}{}`", prefix, i);
      }
    }
  }
  return fmt::format(
      "LOAD DATA LOCAL INFILE 'safeddl-flashback-run' INTO TABLE {} CHARACTER SET binary "
      "FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' ({}){}",
      table, columns, set);
}

std::string LoadedRunStatements(const TableTarget& target, const std::string& table, size_t rows,
                                bool start, bool commit) {
  std::string on, assignments;
  for (uint32_t i = 0; i < target.columns.size(); ++i) {
    const std::string& column = target.columns[i];
    if (IsKeyColumn(target, i)) {
      on += fmt::format("{}t.{} = l.`c{}`", on.empty() ? "" : " AND ", column, i);
      continue;
    }
    if (target.comparable[i]) on += fmt::format(" AND t.{} <=> l.`c{}`", column, i);
    assignments += fmt::format("{}t.{} = l.`t{}`", assignments.empty() ? "" : ", ", column, i);
  }
  if (assignments.empty()) {  // only key columns: nothing to set back
    const uint32_t key = target.locator.columns.front();
    assignments = fmt::format("t.{0} = t.{0}", target.columns[key]);
  }
  std::string out;
  if (start) out += " START TRANSACTION;";
  out += " SAVEPOINT safeddl_run;";
  out += fmt::format(" UPDATE {} AS l STRAIGHT_JOIN {} AS t ON {} SET {};", table, target.quoted,
                     on, assignments);
  out += " SET n = ROW_COUNT();";
  out += fmt::format(" DELETE FROM {};", table);
  out += fmt::format(
      " IF n <> {} THEN ROLLBACK TO SAVEPOINT safeddl_run; SIGNAL SQLSTATE '45000' SET "
      "MESSAGE_TEXT = '{}'; END IF;",
      rows, kRunRowsDiffer);
  if (commit) out += " COMMIT;";
  return out;
}

}  // namespace safeddl::flashback
