// SqlOutput: writes the spooled flashback as a SQL script — a header of comment lines (what the
// script does, how each table's rows are found), the session settings, then each transaction as
// "-- <origin>", BEGIN;, one statement per row, COMMIT;.
// The FILE* must outlive the call. Not thread-safe.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "common/result.h"
#include "flashback/reverse_spool.h"

namespace safeddl::flashback {

// `header`: comment lines (without "-- "). Reads the spool in `order`.
Status WriteSqlScript(ReverseSpool& spool, SpoolOrder order, const std::vector<std::string>& header,
                      std::FILE* out);

}  // namespace safeddl::flashback
