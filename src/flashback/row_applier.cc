#include "flashback/row_applier.h"

#include <mysqld_error.h>

namespace safeddl::flashback {
namespace {

constexpr size_t kMaxShownValueBytes = 64;
constexpr std::string_view kMatchesColumn = "safeddl_matches";

std::string Shown(const mysql::Value& v) {
  if (!v) return "NULL";
  if (v->size() <= kMaxShownValueBytes) return "'" + *v + "'";
  return "'" + v->substr(0, kMaxShownValueBytes) + "...'";
}

// "`id`='1', `v`='x'" from the locking read, without the match column.
std::string DescribeRow(const mysql::ResultSet& rs) {
  std::string out;
  for (size_t i = 0; i < rs.columns().size(); ++i) {
    if (rs.columns()[i] == kMatchesColumn) continue;
    if (!out.empty()) out += ", ";
    out += rs.columns()[i] + "=" + Shown(rs[0][i]);
  }
  return out;
}

Result<mysql::ResultSet> CurrentRow(mysql::Connection& conn, const TableTarget& target,
                                    const LiteralOp& op, uint64_t& statements) {
  SAFEDDL_ASSIGN_OR_RETURN(std::string check, CurrentRowSql(target, op));
  ++statements;
  return conn.Query(check);
}

}  // namespace

Result<GuardedRowResult> ApplyGuardedRow(mysql::Connection& conn, const TableTarget& target,
                                         const LiteralOp& op, uint64_t& statements) {
  const bool insert = op.kind == OpKind::kInsert;
  SAFEDDL_ASSIGN_OR_RETURN(std::string guarded, GuardedRowOpSql(target, op));
  ++statements;
  GuardedRowResult result;
  Status s = conn.Execute(guarded);
  if (!s.ok()) {
    if (!(insert && s.server_errno() == ER_DUP_ENTRY)) return s;
    SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet rs, CurrentRow(conn, target, op, statements));
    result.found = rs.empty() ? "a row with the same unique key exists"
                              : "the row exists already: " + DescribeRow(rs);
    return result;
  }
  result.applied = insert || conn.affected_rows() == 1;
  if (result.applied) return result;
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet rs, CurrentRow(conn, target, op, statements));
  if (rs.empty()) {
    result.found = "the row is gone";
  } else if (rs[0].GetString(kMatchesColumn) == "1") {
    result.applied = true;  // it holds the recorded image: nothing to change
  } else {
    result.found = "it now holds " + DescribeRow(rs);
  }
  return result;
}

}  // namespace safeddl::flashback
