// Deferred indexes: the ghost's plain secondary indexes are left out while the copy fills it and
// built once after the copy, in one sorted pass (ALTER TABLE ... ADD KEY, ALGORITHM=INPLACE,
// LOCK=NONE on the ghost; the applier goes on writing meanwhile). Inserting a million rows into
// a secondary index on a random column costs more than the rest of the copy; the sorted build
// costs a fraction of it (docs/benchmarks.md).
//
// Only indexes that cannot change what the copy or the apply do are deferred: not UNIQUE ones
// (INSERT IGNORE and REPLACE act on them), not FULLTEXT or SPATIAL ones, not those over a
// generated column. Not when a replica reads the binlog either: there the build would replay as
// one statement that holds replication for its length. The server's SHOW CREATE TABLE clauses
// are kept verbatim, so the rebuilt ghost has the same definition (MariaDB lists plain indexes
// after the unique ones, in the order they were added).
#pragma once

#include <string>
#include <vector>

#include "schema/table_schema.h"

namespace safeddl::osc {

// The clauses ("KEY `k` (`c`)", as SHOW CREATE TABLE prints them) of the indexes of `ghost`,
// whose SHOW CREATE TABLE is `create`, that may be deferred; none when the table has a FULLTEXT
// or SPATIAL index.
std::vector<std::string> DeferrableIndexes(const std::string& create,
                                           const schema::TableSchema& ghost);

// The index name of a clause from DeferrableIndexes (unquoted); empty when it has none.
std::string DeferredIndexName(const std::string& clause);

// ALTER TABLE statements on `q_ghost` that drop, and add back, the deferred `clauses`.
// REQUIRES: clauses non-empty.
std::string DropDeferredIndexes(const std::string& q_ghost,
                                const std::vector<std::string>& clauses);
std::string AddDeferredIndexes(const std::string& q_ghost, const std::vector<std::string>& clauses);

}  // namespace safeddl::osc
