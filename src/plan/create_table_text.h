// ParseCreateTable: the parts of a `SHOW CREATE TABLE` text (MariaDB's own rendering, one
// definition per line), so a definition can be compared and a column, a key or the table options
// put back exactly as they were. Only the server's output is accepted, not any CREATE a user may
// write: that fixed shape is what makes the parse exact.
//
// Shape (MariaDB 10.x):
//   CREATE TABLE `t` (
//     `id` int(11) NOT NULL AUTO_INCREMENT,
//     `c` varchar(10) DEFAULT NULL COMMENT 'x',
//     PRIMARY KEY (`id`),
//     UNIQUE KEY `u` (`c`),
//     KEY `k` (`c`(3)),
//     CONSTRAINT `fk` FOREIGN KEY (`c`) REFERENCES `p` (`c`) ON DELETE CASCADE,
//     CONSTRAINT `chk` CHECK (`id` > 0)
//   ) ENGINE=InnoDB AUTO_INCREMENT=5 DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci COMMENT='y'
//   [PARTITION BY ...]
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace safeddl::plan {

struct CreateColumn {
  std::string name;        // unquoted
  std::string definition;  // the line after the name, no trailing comma: "int(11) NOT NULL"
};

enum class CreateKeyKind { kPrimary, kUnique, kPlain, kFulltext, kSpatial, kForeign, kCheck };

struct CreateKey {
  CreateKeyKind kind = CreateKeyKind::kPlain;
  std::string name;  // unquoted; "PRIMARY" for the primary key
  // The whole line, no trailing comma: "UNIQUE KEY `u` (`c`)", "CONSTRAINT `fk` FOREIGN KEY ...".
  std::string definition;
};

struct ParsedCreateTable {
  std::string name;                   // unquoted
  std::vector<CreateColumn> columns;  // in order
  // Indexes (PRIMARY, UNIQUE, KEY, FULLTEXT, SPATIAL) in the server's order, then constraints
  // (FOREIGN KEY, CHECK) in theirs.
  std::vector<CreateKey> keys;
  std::vector<std::string> other_lines;  // neither column nor key: PERIOD FOR SYSTEM_TIME ...
  // After the closing parenthesis, AUTO_INCREMENT=n removed: "ENGINE=InnoDB DEFAULT CHARSET=..."
  std::string table_options;
  std::string partitioning;  // "PARTITION BY ..." (may span lines), or empty

  const CreateColumn* FindColumn(std::string_view name) const;  // case-insensitive
  const CreateKey* FindKey(std::string_view name) const;        // case-insensitive
};

// Errors (kInvalidArgument): not a CREATE TABLE text of the shape above.
Result<ParsedCreateTable> ParseCreateTable(std::string_view show_create);

// The SHOW CREATE TABLE text with the table's name and its AUTO_INCREMENT=n option taken out,
// for comparing two definitions ("is the table back to what it was?").
std::string ComparableCreate(std::string_view show_create);

}  // namespace safeddl::plan
