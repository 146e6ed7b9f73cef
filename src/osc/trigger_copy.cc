#include "osc/trigger_copy.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/strings.h"
#include "mysql/quote.h"

namespace safeddl::osc {
namespace {

constexpr size_t kMaxTriggerName = 64;  // NAME_CHAR_LEN

// DEFINER = `user`@`host`; a definer without a host is a role.
Result<std::string> QuoteDefiner(std::string_view definer) {
  const size_t at = definer.rfind('@');
  if (at == std::string_view::npos) return mysql::QuoteIdentifier(definer);
  SAFEDDL_ASSIGN_OR_RETURN(std::string user, mysql::QuoteIdentifier(definer.substr(0, at)));
  if (at + 1 == definer.size()) return user;
  SAFEDDL_ASSIGN_OR_RETURN(std::string host, mysql::QuoteIdentifier(definer.substr(at + 1)));
  return user + "@" + host;
}

}  // namespace

Status CheckTriggerSuffix(std::string_view suffix) {
  if (suffix.empty()) return InvalidArgumentError("--trigger-suffix is empty");
  for (char c : suffix) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_';
    if (!ok) {
      return InvalidArgumentError(fmt::format(
          "--trigger-suffix '{}' may hold only letters, digits and underscores", suffix));
    }
  }
  return Status::OK();
}

std::string NewTriggerName(std::string_view name, std::string_view suffix,
                           bool remove_suffix_if_exists) {
  if (remove_suffix_if_exists && name.size() > suffix.size() &&
      name.substr(name.size() - suffix.size()) == suffix) {
    return std::string(name.substr(0, name.size() - suffix.size()));
  }
  return std::string(name) + std::string(suffix);
}

Result<std::string> CreateTriggerSql(const TriggerCopy& t, std::string_view db,
                                     std::string_view q_table) {
  SAFEDDL_ASSIGN_OR_RETURN(std::string q_name, mysql::QuoteQualified(db, t.new_name));
  SAFEDDL_ASSIGN_OR_RETURN(std::string definer, QuoteDefiner(t.original.definer));
  return fmt::format("CREATE DEFINER={} TRIGGER {} {} {} ON {} FOR EACH ROW {}", definer, q_name,
                     schema::TriggerTimingName(t.original.timing),
                     schema::TriggerEventName(t.original.event), q_table, t.original.body);
}

Result<std::vector<TriggerCopy>> PlanTriggerCopies(mysql::Connection& conn,
                                                   const schema::TableSchema& table,
                                                   std::string_view suffix,
                                                   bool remove_suffix_if_exists) {
  std::vector<TriggerCopy> out;
  std::vector<std::string> quoted_names;
  for (const schema::Trigger& trigger : table.triggers) {
    TriggerCopy t{trigger, NewTriggerName(trigger.name, suffix, remove_suffix_if_exists)};
    if (t.new_name.size() > kMaxTriggerName) {
      return InvalidArgumentError(fmt::format(
          "the new name of trigger `{}`, `{}`, is longer than {} characters: choose a shorter "
          "--trigger-suffix",
          trigger.name, t.new_name, kMaxTriggerName));
    }
    quoted_names.push_back(mysql::QuoteString(t.new_name));
    out.push_back(std::move(t));
  }
  if (out.empty()) return out;
  SAFEDDL_ASSIGN_OR_RETURN(
      mysql::ResultSet taken,
      conn.Query(fmt::format("SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE FROM "
                             "information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = {} AND "
                             "TRIGGER_NAME IN ({})",
                             mysql::QuoteString(table.db), JoinStrings(quoted_names, ", "))));
  if (!taken.empty()) {
    const std::string name = taken[0].GetString("TRIGGER_NAME");
    const auto it = std::find_if(out.begin(), out.end(),
                                 [&](const TriggerCopy& t) { return t.new_name == name; });
    return AlreadyExistsError(fmt::format(
        "trigger `{}` of `{}` would be created as `{}`, but a trigger of that name exists on "
        "`{}`: choose another --trigger-suffix (or drop the leftover trigger)",
        it != out.end() ? it->original.name : name, table.name, name,
        taken[0].GetString("EVENT_OBJECT_TABLE")));
  }
  return out;
}

Status CreateTriggerCopies(mysql::Connection& conn, const std::vector<TriggerCopy>& triggers,
                           std::string_view db, std::string_view q_table) {
  for (const TriggerCopy& t : triggers) {
    SAFEDDL_ASSIGN_OR_RETURN(std::string sql, CreateTriggerSql(t, db, q_table));
    SAFEDDL_RETURN_IF_ERROR(conn.Execute(fmt::format(
        "SET SESSION sql_mode = {}, collation_connection = {}",
        mysql::QuoteString(t.original.sql_mode), mysql::QuoteString(t.original.collation_connection))));
    SAFEDDL_RETURN_IF_ERROR(
        conn.Execute(sql).WithContext(fmt::format("creating trigger `{}` (a copy of `{}`) on {}",
                                                  t.new_name, t.original.name, q_table)));
  }
  return Status::OK();
}

Result<int> DropTriggersOn(mysql::Connection& conn, std::string_view db, std::string_view table) {
  SAFEDDL_ASSIGN_OR_RETURN(
      mysql::ResultSet rs,
      conn.Query(fmt::format("SELECT TRIGGER_NAME FROM information_schema.TRIGGERS "
                             "WHERE EVENT_OBJECT_SCHEMA = {} AND EVENT_OBJECT_TABLE = {}",
                             mysql::QuoteString(db), mysql::QuoteString(table))));
  int dropped = 0;
  for (const mysql::Row& row : rs.rows()) {
    SAFEDDL_ASSIGN_OR_RETURN(std::string q_name,
                             mysql::QuoteQualified(db, row.GetString("TRIGGER_NAME")));
    SAFEDDL_RETURN_IF_ERROR(conn.Execute("DROP TRIGGER IF EXISTS " + q_name));
    ++dropped;
  }
  return dropped;
}

}  // namespace safeddl::osc
