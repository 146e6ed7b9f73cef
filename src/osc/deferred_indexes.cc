#include "osc/deferred_indexes.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/strings.h"
#include "mysql/quote.h"

namespace safeddl::osc {
namespace {

constexpr std::string_view kPlainKey = "KEY `";

// The clause of one SHOW CREATE TABLE line: without its indentation and trailing comma.
std::string Clause(std::string line) {
  while (!line.empty() && (line.back() == ',' || line.back() == ' ' || line.back() == '\r')) {
    line.pop_back();
  }
  const size_t start = line.find_first_not_of(' ');
  return start == std::string::npos ? "" : line.substr(start);
}

bool OverGeneratedColumn(const schema::Index& index, const schema::TableSchema& table) {
  return std::any_of(index.columns.begin(), index.columns.end(), [&](const std::string& name) {
    return std::any_of(table.columns.begin(), table.columns.end(), [&](const schema::Column& c) {
      return EqualsIgnoreCase(c.name, name) && c.IsGenerated();
    });
  });
}

}  // namespace

std::string DeferredIndexName(const std::string& clause) {
  if (clause.rfind(kPlainKey, 0) != 0) return "";
  std::string name;
  for (size_t i = kPlainKey.size(); i < clause.size(); ++i) {
    if (clause[i] != '`') {
      name += clause[i];
    } else if (i + 1 < clause.size() && clause[i + 1] == '`') {
      name += '`';  // a doubled backquote inside the name
      ++i;
    } else {
      return name;
    }
  }
  return "";
}

std::vector<std::string> DeferrableIndexes(const std::string& create,
                                           const schema::TableSchema& ghost) {
  const bool special = std::any_of(
      ghost.indexes.begin(), ghost.indexes.end(),
      [](const schema::Index& i) { return i.type == "FULLTEXT" || i.type == "SPATIAL"; });
  if (special) return {};
  std::vector<std::string> clauses;
  for (const std::string& line : SplitString(create, '\n')) {
    const std::string clause = Clause(line);
    const std::string name = DeferredIndexName(clause);
    if (name.empty()) continue;
    const auto index = std::find_if(ghost.indexes.begin(), ghost.indexes.end(),
                                    [&](const schema::Index& i) { return i.name == name; });
    if (index == ghost.indexes.end() || index->unique || index->primary ||
        OverGeneratedColumn(*index, ghost)) {
      continue;
    }
    clauses.push_back(clause);
  }
  return clauses;
}

std::string DropDeferredIndexes(const std::string& q_ghost,
                                const std::vector<std::string>& clauses) {
  std::vector<std::string> drops;
  for (const std::string& c : clauses) {
    drops.push_back("DROP KEY " + *mysql::QuoteIdentifier(DeferredIndexName(c)));
  }
  return fmt::format("ALTER TABLE {} {}", q_ghost, JoinStrings(drops, ", "));
}

std::string AddDeferredIndexes(const std::string& q_ghost,
                               const std::vector<std::string>& clauses) {
  std::vector<std::string> adds;
  for (const std::string& c : clauses) adds.push_back("ADD " + c);
  return fmt::format("ALTER TABLE {} {}, ALGORITHM=INPLACE, LOCK=NONE", q_ghost,
                     JoinStrings(adds, ", "));
}

}  // namespace safeddl::osc
