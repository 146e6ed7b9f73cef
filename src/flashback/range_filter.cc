#include "flashback/range_filter.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "common/strings.h"

namespace safeddl::flashback {
namespace {

template <typename T>
bool ParseNumber(std::string_view s, T& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

}  // namespace

bool RangeFilter::TableSelected(std::string_view database, std::string_view table) const {
  if (!databases.empty() &&
      std::find(databases.begin(), databases.end(), database) == databases.end()) {
    return false;
  }
  if (tables.empty()) return true;
  for (const std::string& t : tables) {
    if (t == table) return true;
    if (t.size() == database.size() + 1 + table.size() && t.starts_with(database) &&
        t[database.size()] == '.' && t.ends_with(table)) {
      return true;
    }
  }
  return false;
}

bool RangeFilter::KindSelected(OpKind kind) const {
  return sql_types.empty() ||
         std::find(sql_types.begin(), sql_types.end(), kind) != sql_types.end();
}

Result<std::vector<OpKind>> ParseSqlTypes(const std::vector<std::string>& names) {
  std::vector<OpKind> out;
  for (const std::string& raw : names) {
    std::string name(TrimWhitespace(raw));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (name == "insert") {
      out.push_back(OpKind::kInsert);
    } else if (name == "update") {
      out.push_back(OpKind::kUpdate);
    } else if (name == "delete") {
      out.push_back(OpKind::kDelete);
    } else {
      return InvalidArgumentError(
          fmt::format("--sql-type: '{}' is not insert, update or delete", raw));
    }
  }
  return out;
}

Result<binlog::Gtid> ParseGtid(std::string_view text) {
  const std::vector<std::string> parts = SplitString(text, '-');
  binlog::Gtid gtid;
  if (parts.size() != 3 || !ParseNumber(parts[0], gtid.domain_id) ||
      !ParseNumber(parts[1], gtid.server_id) || !ParseNumber(parts[2], gtid.seq_no)) {
    return InvalidArgumentError(
        fmt::format("'{}' is not a MariaDB GTID (domain-server-sequence, e.g. 0-1-42)", text));
  }
  return gtid;
}

}  // namespace safeddl::flashback
