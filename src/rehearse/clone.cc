#include "rehearse/clone.h"

#include <fmt/format.h>

#include <chrono>

#include "common/strings.h"
#include "mysql/quote.h"
#include "schema/introspect.h"
#include "snapshot/literal_rows.h"
#include "snapshot/take.h"

namespace safeddl::rehearse {
namespace {

// A condition keeping about `percent` of the rows, by a hash of their key.
Result<std::string> SampleCondition(mysql::Connection& source, const std::string& db,
                                    const std::string& table, double percent) {
  if (percent >= 100) return std::string();
  SAFEDDL_ASSIGN_OR_RETURN(schema::TableSchema t, schema::IntrospectTable(source, db, table));
  const schema::Index* key = snapshot::SnapshotKey(t);
  if (key == nullptr) {
    return FailedPreconditionError(
        fmt::format("`{}`.`{}` has no PRIMARY or NOT NULL UNIQUE key to sample by", db, table));
  }
  std::vector<std::string> columns;
  for (const std::string& c : key->columns) columns.push_back(*mysql::QuoteIdentifier(c));
  return fmt::format("MOD(CRC32(CONCAT_WS(',', {})), 10000) < {}", JoinStrings(columns, ", "),
                     static_cast<int64_t>(percent * 100));
}

}  // namespace

Result<CloneResult> CloneTable(mysql::Connection& source, mysql::Connection& target,
                               const std::string& db, const std::string& table,
                               double sample_percent, const std::function<Status()>& pace) {
  const auto start = std::chrono::steady_clock::now();
  SAFEDDL_ASSIGN_OR_RETURN(std::string q_table, mysql::QuoteQualified(db, table));
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet create, source.Query("SHOW CREATE TABLE " + q_table));
  if (create.empty() || !create[0][1]) return NotFoundError("no definition for " + q_table);
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<std::string> exists,
                           target.QueryValue(fmt::format(
                               "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = {} "
                               "AND TABLE_NAME = {}",
                               mysql::QuoteString(db), mysql::QuoteString(table))));
  if (exists) {
    return AlreadyExistsError(fmt::format(
        "{} exists on the rehearsal server already: a rehearsal starts from its own copy (drop "
        "it there, or rehearse on a fresh sandbox)",
        q_table));
  }
  SAFEDDL_ASSIGN_OR_RETURN(std::string where, SampleCondition(source, db, table, sample_percent));
  SAFEDDL_RETURN_IF_ERROR(
      target.Execute("CREATE DATABASE IF NOT EXISTS " + *mysql::QuoteIdentifier(db)));
  SAFEDDL_RETURN_IF_ERROR(target.Execute("USE " + *mysql::QuoteIdentifier(db)));
  SAFEDDL_RETURN_IF_ERROR(target.Execute(*create[0][1]));
  CloneResult out;
  SAFEDDL_RETURN_IF_ERROR(pace());
  SAFEDDL_ASSIGN_OR_RETURN(
      out.rows, snapshot::CopyLiteralRows(source, db, table, where, target, q_table, pace));
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace safeddl::rehearse
