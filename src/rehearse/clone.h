// The table a rehearsal runs on: its definition and its rows (all, or a sample by key) copied
// from the production server to the rehearsal server, in key order a bounded number of bytes at a
// time (snapshot/literal_rows.h: exact literals), so that production only serves short reads.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/result.h"
#include "mysql/connection.h"

namespace safeddl::rehearse {

struct CloneResult {
  int64_t rows = 0;
  double seconds = 0;
  double throttled_seconds = 0;  // of `seconds`, spent waiting on production's throttle
};

// Creates `db` and the table on `target` (refused when the table exists there) and copies the
// rows. `sample_percent` in (0, 100]: about that share of the rows, chosen by a hash of the key.
// `pace` runs before each read from `source` (a throttle's wait; its error stops the copy).
Result<CloneResult> CloneTable(mysql::Connection& source, mysql::Connection& target,
                               const std::string& db, const std::string& table,
                               double sample_percent, const std::function<Status()>& pace);

}  // namespace safeddl::rehearse
