#include "flashback/batch_sql.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace safeddl::flashback {
namespace {

// "(a, b)" for the given column indexes; just "a" for one.
void AppendColumnList(std::string& out, const TableTarget& target,
                      const std::vector<uint32_t>& columns) {
  if (columns.size() != 1) out += '(';
  for (size_t n = 0; n < columns.size(); ++n) {
    if (n > 0) out += ", ";
    out += target.columns[columns[n]];
  }
  if (columns.size() != 1) out += ')';
}

// "(1, 'x')" of `image` at the given column indexes; just "1" for one.
void AppendValueList(std::string& out, const std::vector<std::string_view>& image,
                     const std::vector<uint32_t>& columns) {
  if (columns.size() != 1) out += '(';
  for (size_t n = 0; n < columns.size(); ++n) {
    if (n > 0) out += ", ";
    out += image[columns[n]];
  }
  if (columns.size() != 1) out += ')';
}

// "key IN (v1, v2, ..)" of the ops' current images.
void AppendKeyIn(std::string& out, const TableTarget& target, const std::vector<LiteralOp>& ops) {
  AppendColumnList(out, target, target.locator.columns);
  out += " IN (";
  for (size_t n = 0; n < ops.size(); ++n) {
    if (n > 0) out += ", ";
    AppendValueList(out, ops[n].current, target.locator.columns);
  }
  out += ')';
}

std::string InsertPrefix(const TableTarget& target) {
  std::string out = "INSERT INTO " + target.quoted + " (";
  for (size_t i = 0; i < target.columns.size(); ++i) {
    if (i > 0) out += ", ";
    out += target.columns[i];
  }
  return out + ") VALUES ";
}

void AppendRows(std::string& out, const std::vector<LiteralOp>& ops) {
  for (size_t n = 0; n < ops.size(); ++n) {
    out += n == 0 ? "(" : ", (";
    for (size_t i = 0; i < ops[n].target.size(); ++i) {
      if (i > 0) out += ", ";
      out += ops[n].target[i];
    }
    out += ')';
  }
}

// The conflict check, starting with `select` ("SELECT COUNT(*) INTO n FROM ").
std::string CheckSql(const TableTarget& target, const std::vector<LiteralOp>& ops,
                     std::string_view select) {
  // The ops by which comparable columns are NULL in their current image.
  std::map<std::vector<bool>, std::vector<size_t>> by_nulls;
  for (size_t n = 0; n < ops.size(); ++n) {
    std::vector<bool> nulls(target.columns.size(), false);
    for (uint32_t i = 0; i < target.columns.size(); ++i) {
      nulls[i] = target.comparable[i] && IsNullLiteral(ops[n].current[i]);
    }
    by_nulls[nulls].push_back(n);
  }
  // The key is the way in: no time spent weighing other indexes (the tuples hold their columns).
  std::string out =
      std::string(select) + target.quoted + " FORCE INDEX (" + target.key_index + ") WHERE ";
  AppendKeyIn(out, target, ops);
  out += " AND (";
  bool first_group = true;
  for (const auto& [nulls, members] : by_nulls) {
    std::vector<uint32_t> compared;
    std::string null_tests;
    for (uint32_t i = 0; i < target.columns.size(); ++i) {
      if (!target.comparable[i]) continue;
      if (nulls[i]) {
        null_tests += " AND " + target.columns[i] + " IS NULL";
      } else {
        compared.push_back(i);
      }
    }
    if (!first_group) out += " OR ";
    first_group = false;
    out += '(';
    AppendColumnList(out, target, compared);  // never empty: the key is never NULL
    out += " IN (";
    for (size_t m = 0; m < members.size(); ++m) {
      if (m > 0) out += ", ";
      AppendValueList(out, ops[members[m]].current, compared);
    }
    out += ')';
    out += null_tests;
    out += ')';
  }
  return out + ") FOR UPDATE";
}

}  // namespace

MultiRowKind MultiRowKindOf(const TableTarget& target, const LiteralOp& op) {
  if (op.kind == OpKind::kInsert) return MultiRowKind::kInsert;
  // The check's count needs each image to name its row by an exact key.
  if (target.order_sensitive || !KeyUsable(target, op.current)) return MultiRowKind::kNone;
  for (uint32_t i : target.locator.columns) {
    if (!target.comparable[i]) return MultiRowKind::kNone;
  }
  switch (op.kind) {
    case OpKind::kInsert:
      return MultiRowKind::kInsert;
    case OpKind::kDelete:
      return MultiRowKind::kDelete;
    case OpKind::kUpdate:
      if (target.locator.kind != LocatorKind::kPrimaryKey) return MultiRowKind::kNone;
      for (uint32_t i : target.locator.columns) {
        if (op.current[i] != op.target[i]) return MultiRowKind::kNone;  // the key changes
      }
      return MultiRowKind::kUpsert;
  }
  return MultiRowKind::kNone;
}

std::string RowIdentity(const TableTarget& target, const LiteralOp& op) {
  const std::vector<std::string_view>& image = LocatedImage(op);
  std::string out;
  auto append = [&](uint32_t i) {
    out += std::to_string(image[i].size());
    out += ':';
    out += image[i];
  };
  if (KeyUsable(target, image)) {
    for (uint32_t i : target.locator.columns) append(i);
    return out;
  }
  for (uint32_t i = 0; i < image.size(); ++i) {
    if (target.comparable[i]) append(i);
  }
  return out;
}

std::string MultiRowInsertSql(const TableTarget& target, const std::vector<LiteralOp>& ops) {
  std::string out = InsertPrefix(target);
  AppendRows(out, ops);
  return out + ';';
}

std::string MultiRowUpsertSql(const TableTarget& target, const std::vector<LiteralOp>& ops) {
  std::string out = InsertPrefix(target);
  AppendRows(out, ops);
  out += " ON DUPLICATE KEY UPDATE ";
  bool first = true;
  for (uint32_t i = 0; i < target.columns.size(); ++i) {
    if (IsKeyColumn(target, i)) continue;
    if (!first) out += ", ";
    first = false;
    out += target.columns[i] + "=VALUES(" + target.columns[i] + ")";
  }
  if (first) {  // only key columns: a well-formed no-op
    const std::string& key = target.columns[target.locator.columns.front()];
    out += key + "=VALUES(" + key + ")";
  }
  return out + ';';
}

std::string MultiRowDeleteSql(const TableTarget& target, const std::vector<LiteralOp>& ops) {
  std::string out = "DELETE FROM " + target.quoted + " WHERE ";
  AppendKeyIn(out, target, ops);
  return out + ';';
}

std::string RunStatements(const TableTarget& target, MultiRowKind kind,
                          const std::vector<LiteralOp>& ops, bool start, bool commit) {
  const std::string n = std::to_string(ops.size());
  auto signal_unless = [](const std::string& condition, std::string_view message) {
    return fmt::format(" IF NOT ({}) THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '{}'; END IF;",
                       condition, message);
  };
  std::string out;
  if (start) out += " START TRANSACTION;";
  switch (kind) {
    case MultiRowKind::kInsert:
      out += ' ' + MultiRowInsertSql(target, ops);
      out += signal_unless("ROW_COUNT() = " + n, kRunRowCount);
      break;
    case MultiRowKind::kDelete:
      out += ' ' + CheckSql(target, ops, "SELECT COUNT(*) INTO n FROM ") + ';';
      out += signal_unless("n = " + n, kRunRowsDiffer);
      out += ' ' + MultiRowDeleteSql(target, ops);
      out += signal_unless("ROW_COUNT() = " + n, kRunRowCount);
      break;
    case MultiRowKind::kUpsert:
      out += ' ' + CheckSql(target, ops, "SELECT COUNT(*) INTO n FROM ") + ';';
      out += signal_unless("n = " + n, kRunRowsDiffer);
      out += ' ' + MultiRowUpsertSql(target, ops);
      break;
    case MultiRowKind::kNone:
      break;
  }
  if (commit) out += " COMMIT;";
  return out;
}

std::string BlockSql(std::string_view statements) {
  return fmt::format("BEGIN NOT ATOMIC DECLARE n BIGINT;{} END", statements);
}

}  // namespace safeddl::flashback
