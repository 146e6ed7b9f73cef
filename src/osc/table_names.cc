#include "osc/table_names.h"

#include <fmt/format.h>

namespace safeddl::osc {

Result<TableNames> MakeTableNames(const std::string& table, const std::string& force_prefix,
                                  bool timestamp_old_table, const std::string& timestamp) {
  const std::string base = force_prefix.empty() ? table : force_prefix;
  TableNames names;
  names.original = table;
  names.ghost = fmt::format("_{}_gho", base);
  names.changelog = fmt::format("_{}_ghc", base);
  names.checkpoint = fmt::format("_{}_ghk", base);
  names.old = timestamp_old_table ? fmt::format("_{}_{}_del", base, timestamp)
                                  : fmt::format("_{}_del", base);
  names.revert = fmt::format("_{}_ghr", base);
  names.applied = fmt::format("_{}_gha", base);
  names.unfit = fmt::format("_{}_ghu", base);
  for (const std::string* n : {&names.ghost, &names.changelog, &names.checkpoint, &names.old,
                               &names.revert, &names.applied, &names.unfit}) {
    if (n->size() > kMaxTableNameLength) {
      return InvalidArgumentError(fmt::format(
          "the helper table name '{}' would be longer than {} characters: pass a shorter "
          "prefix with --force-table-names",
          *n, kMaxTableNameLength));
    }
  }
  return names;
}

}  // namespace safeddl::osc
