// Whether row-based replication carries rows between a table's old definition and the new one an
// ALTER gives it, so that the change can be made on the replicas first and on the primary last
// (`safeddl alter --via-replicas`, and plan's report). Rows events name columns by position: a
// replica may have more columns than its source if the extra ones come last, and indexes and
// table options do not show in rows at all.
//
// Carried: ADD COLUMN at the end (no FIRST / AFTER), ADD INDEX / KEY / FULLTEXT / SPATIAL, DROP
// INDEX / KEY (not the primary key), and table options (COMMENT, ROW_FORMAT, KEY_BLOCK_SIZE,
// ENGINE=InnoDB, FORCE, STATS_*). Everything else is not, with the clause and the reason: a
// column changed, moved, renamed or dropped; a unique or primary key (a write the source accepts
// could break the replica); foreign keys, checks, partitions. Pure, thread-safe.
// RowImagesUnchanged is the same with no column added either.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace safeddl::schema {

struct ReplicationCompat {
  bool carried = false;
  std::string clause;  // the first clause replication does not carry, as written
  std::string reason;  // why
};

// InvalidArgument for an ALTER text AnalyzeAlter refuses.
Result<ReplicationCompat> ReplicationCarries(std::string_view alter_text);

// Stricter: whether rows keep exactly the same columns (an index or a table option changed, a
// rebuild), so that servers with the old and the new definition apply each other's rows both
// ways — Galera nodes during a rolling RSU change. A column added at the end is refused too.
Result<ReplicationCompat> RowImagesUnchanged(std::string_view alter_text);

}  // namespace safeddl::schema
