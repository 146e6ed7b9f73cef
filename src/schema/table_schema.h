// TableSchema: what safeddl knows about one table — columns, indexes, foreign keys, triggers —
// as read from the server by IntrospectTable (introspect.h).
//
// Plain value types with no behaviour beyond lookups; copies are independent and
// thread-compatible. Column and index names compare case-insensitively, as the server does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace safeddl::schema {

enum class GeneratedKind {
  kNone,     // an ordinary column
  kVirtual,  // computed on read, never stored
  kStored,   // computed on write and stored (MariaDB also says PERSISTENT)
};

std::string_view GeneratedKindName(GeneratedKind kind);  // "none", "virtual", "stored"

struct Column {
  std::string name;
  int ordinal = 0;          // 1-based position in the table
  std::string data_type;    // lower-case type name: "int", "varchar", "enum"
  std::string column_type;  // the full type: "int(10) unsigned", "enum('a','b')"
  bool nullable = false;
  bool is_unsigned = false;
  std::optional<std::string> charset;    // only for character columns
  std::optional<std::string> collation;  // only for character columns
  // Maximum length in bytes for character and binary columns (CHARACTER_OCTET_LENGTH).
  std::optional<uint64_t> octet_length;
  GeneratedKind generated = GeneratedKind::kNone;
  std::string generation_expression;  // empty unless generated
  // The default as MariaDB's information_schema gives it: an SQL expression ('abc' quoted,
  // NULL as the word NULL, current_timestamp()), nullopt when the column has no default.
  std::optional<std::string> default_value;
  bool invisible = false;  // MariaDB INVISIBLE: not returned by SELECT *

  bool IsGenerated() const { return generated != GeneratedKind::kNone; }
  // True for the integer family: tinyint, smallint, mediumint, int, bigint.
  bool IsInteger() const;
};

struct Index {
  std::string name;  // "PRIMARY" for the primary key
  bool unique = false;
  bool primary = false;
  std::vector<std::string> columns;  // in key order
  // True when every column is declared NOT NULL (the PRIMARY KEY always is).
  bool all_columns_not_null = false;
  // True when some column is indexed by a prefix only (KEY (name(10))).
  bool has_prefix_part = false;
  std::string type;  // BTREE, HASH, FULLTEXT, SPATIAL
};

struct ForeignKey {
  std::string name;
  std::string child_db;
  std::string child_table;
  std::vector<std::string> child_columns;
  std::string parent_db;
  std::string parent_table;
  std::vector<std::string> parent_columns;
  std::string on_update;  // RESTRICT, CASCADE, SET NULL, NO ACTION
  std::string on_delete;
};

enum class TriggerTiming { kBefore, kAfter };
enum class TriggerEvent { kInsert, kUpdate, kDelete };
std::string_view TriggerTimingName(TriggerTiming timing);  // "BEFORE", "AFTER"
std::string_view TriggerEventName(TriggerEvent event);     // "INSERT", "UPDATE", "DELETE"

struct Trigger {
  std::string name;
  TriggerTiming timing = TriggerTiming::kBefore;
  TriggerEvent event = TriggerEvent::kInsert;
  // What recreating it takes (information_schema.TRIGGERS).
  std::string body;     // ACTION_STATEMENT
  std::string definer;  // "user@host" (or a role)
  std::string sql_mode;
  std::string collation_connection;
};

struct TableSchema {
  std::string db;
  std::string name;
  std::string engine;                     // "InnoDB"
  std::string create_statement;           // SHOW CREATE TABLE, verbatim
  std::vector<Column> columns;            // in ordinal order
  std::vector<Index> indexes;             // PRIMARY first, then in the server's order
  std::vector<ForeignKey> foreign_keys;   // this table is the child
  std::vector<ForeignKey> referenced_by;  // other tables (or this one) are the child
  std::vector<Trigger> triggers;
  bool partitioned = false;
  bool system_versioned = false;  // MariaDB WITH SYSTEM VERSIONING

  // Case-insensitive lookups; nullptr when absent. Pointers stay valid until this is modified.
  const Column* FindColumn(std::string_view column) const;
  const Index* FindIndex(std::string_view index) const;
  const Index* PrimaryKey() const;
};

}  // namespace safeddl::schema
