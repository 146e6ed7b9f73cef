// Risks of a change found in the table's data and around it, each with a count, a few example
// keys and what to do: values a type change alters or rejects (value_fit.h), duplicates under a
// new UNIQUE or PRIMARY key, data in a dropped column, foreign keys and triggers, no way to copy
// online, AUTO_INCREMENT near its type's limit, and sessions that hold (or may hold) the table's
// metadata lock now — the lock a native ALTER queues behind, with every write after it.
//
// Reads only: SELECTs (one scan for all value checks, one GROUP BY per new unique key) and
// information_schema. Not thread-safe (one connection).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "common/result.h"
#include "mysql/connection.h"
#include "schema/column_mapping.h"
#include "schema/table_schema.h"

namespace safeddl::plan {

struct Risk {
  // "duplicates", "null_into_not_null", "out_of_range", "truncated", "rounded", "unconvertible",
  // "not_in_list", "padded", "unchecked_conversion", "dropped_column_data", "dropped_table_data",
  // "foreign_keys", "triggers", "no_online_copy", "auto_increment_near_limit",
  // "open_transactions"
  std::string kind;
  int64_t rows = 0;  // rows (or sessions, for open_transactions) concerned; 0 when not counted
  std::string detail;
  std::string fix;                    // what to do about it
  std::vector<std::string> examples;  // a few keys (or session ids)
  // Whether the data stops the change as planned (values the ALTER would refuse or alter); the
  // others (data a DROP destroys on purpose, foreign keys, open transactions) shape the
  // recommendation and the way back without being errors in the data.
  bool blocking = true;
};

// Value checks and duplicates for an ALTER: `original` and `changed` (the definition after the
// change, introspected from plan's scratch copy), their column mapping. `q_table` is the user's
// table, quoted.
Result<std::vector<Risk>> FindDataRisks(mysql::Connection& conn, const std::string& q_table,
                                        const schema::TableSchema& original,
                                        const schema::TableSchema& changed,
                                        const schema::ColumnMapping& mapping);

// The table's own situation: foreign keys, triggers, AUTO_INCREMENT use (of `changed`'s type
// when given, else the original's).
Result<std::vector<Risk>> FindTableRisks(mysql::Connection& conn,
                                         const schema::TableSchema& original,
                                         const schema::TableSchema* changed);

// Sessions other than `own` that hold or may hold the table's metadata lock (known with the
// METADATA_LOCK_INFO plugin or performance_schema; otherwise: open transactions, statements
// naming the table).
Result<std::vector<Risk>> FindOpenSessions(mysql::Connection& conn, const std::string& db,
                                           const std::string& table, const std::set<uint64_t>& own);

// A DROP TABLE's data: rows it would destroy.
Result<std::vector<Risk>> FindDroppedTableData(mysql::Connection& conn, const std::string& db,
                                               const std::string& table);

// The largest value an integer column type holds ("int", unsigned or not); 0 for other types.
uint64_t IntegerTypeMaximum(std::string_view data_type, bool is_unsigned);

}  // namespace safeddl::plan
