// Key ranges over the migration's shared unique key: how key values are read back as text
// (SelectExpression), rendered as exact literals (RenderKeyLiteral), and compared as tuples in
// WHERE clauses that use the index (TupleComparison). Pure functions; thread-safe.
//
// Values travel as canonical text: integers and decimals as digits, strings and binary as hex
// (so any charset and any byte survives), temporal values as the server prints them (sessions
// use time_zone '+00:00'), UUID/INET as text, ENUM/SET/BIT as their number (index order, not
// label order).
#pragma once

#include <string>
#include <vector>

#include "common/result.h"

namespace safeddl::osc {

enum class KeyColumnKind { kInteger, kDecimal, kString, kBinary, kQuotedText, kNumbered };

struct KeyColumn {
  std::string name;  // column name (unquoted)
  KeyColumnKind kind = KeyColumnKind::kInteger;
  std::string charset;    // kString only: the column's character set
  std::string collation;  // kString only
};

// Maps information_schema DATA_TYPE (+ charset/collation) to a key column; Unsupported for FLOAT
// and DOUBLE (no exact round trip) and for spatial types.
Result<KeyColumn> MakeKeyColumn(const std::string& name, const std::string& data_type,
                                const std::string& charset, const std::string& collation);

// A SELECT-list expression reading `column` as canonical text (e.g. HEX(`c`)).
std::string SelectExpression(const KeyColumn& column);

// The exact literal for canonical `text` read through SelectExpression.
Result<std::string> RenderKeyLiteral(const KeyColumn& column, const std::string& text);

enum class TupleOp { kGreater, kGreaterOrEqual, kLess, kLessOrEqual, kEqual };

// `(c1, c2) <op> (v1, v2)` expanded into index-friendly AND/OR form; `literals` are rendered
// values, one per column. `qualifier` (e.g. "`t`.") is prefixed to each column.
std::string TupleComparison(const std::vector<KeyColumn>& columns,
                            const std::vector<std::string>& literals, TupleOp op,
                            const std::string& qualifier = "");

// The WHERE clause selecting the rows whose key is one of `keys` (rendered literals, one per
// column): `c IN (...)` for one column, else the keys' equalities ORed. REQUIRES: keys non-empty.
std::string KeySetPredicate(const std::vector<KeyColumn>& columns,
                            const std::vector<std::vector<std::string>>& keys);

// A key range (lower, upper] by canonical key text; an empty bound means unbounded.
struct KeyRangeBounds {
  std::vector<std::string> lower;
  std::vector<std::string> upper;
};

// The WHERE clause selecting `range` over `key` (columns of the table being read).
Result<std::string> RangePredicate(const std::vector<KeyColumn>& key, const KeyRangeBounds& range);

}  // namespace safeddl::osc
