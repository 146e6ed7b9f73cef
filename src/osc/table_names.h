// The names of the tables one migration uses, following gh-ost: ghost `_<t>_gho`, changelog
// `_<t>_ghc`, checkpoint `_<t>_ghk`, old table `_<t>_del` (or `_<t>_<timestamp>_del` with
// --timestamp-old-table), and safeddl's revert record `_<t>_ghr` (osc/revert_record.h), kept with
// the old table; `<t>` replaced by --force-table-names when given. Pure; thread-safe.
#pragma once

#include <string>

#include "common/result.h"

namespace safeddl::osc {

inline constexpr size_t kMaxTableNameLength = 64;

struct TableNames {
  std::string original;
  std::string ghost;
  std::string changelog;
  std::string checkpoint;
  std::string old;
  std::string revert;
  std::string applied;  // `_<t>_gha`: the exact apply position of a revert's catch-up
  std::string unfit;    // `_<t>_ghu`: rows a revert's catch-up could not write as they are
};

// `timestamp` is used with timestamp_old_table ("20261122081259"). Fails when a derived name
// exceeds the server's 64-character limit, naming --force-table-names as the way out.
Result<TableNames> MakeTableNames(const std::string& table, const std::string& force_prefix,
                                  bool timestamp_old_table, const std::string& timestamp);

}  // namespace safeddl::osc
