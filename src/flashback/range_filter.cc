#include "flashback/range_filter.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/strings.h"

namespace safeddl::flashback {
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

}  // namespace safeddl::flashback
