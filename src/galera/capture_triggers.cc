#include "galera/capture_triggers.h"

#include <fmt/format.h>

#include "common/strings.h"
#include "mysql/quote.h"

namespace safeddl::galera {
namespace {

// "`a`, `b`" for the ghost's columns and "P.`a`, P.`b`" for the original's row P (NEW or OLD).
struct Columns {
  std::string targets;
  std::string sources_new;
  std::string sources_old;
};

Result<Columns> SharedColumns(const osc::MigrationPlan& plan) {
  std::vector<std::string> targets, news, olds;
  for (const auto& c : plan.mapping.shared) {
    SAFEDDL_ASSIGN_OR_RETURN(std::string t, mysql::QuoteIdentifier(c.target));
    SAFEDDL_ASSIGN_OR_RETURN(std::string s, mysql::QuoteIdentifier(c.source));
    targets.push_back(t);
    news.push_back("NEW." + s);
    olds.push_back("OLD." + s);
  }
  return Columns{JoinStrings(targets, ", "), JoinStrings(news, ", "), JoinStrings(olds, ", ")};
}

// "`gk1` = OLD.`k1` AND ..." (ghost key against the original's old row) and
// "OLD.`k1` <=> NEW.`k1` AND ..." (the key unchanged).
struct KeyConditions {
  std::string ghost_is_old;
  std::string key_unchanged;
};

Result<KeyConditions> KeyMatch(const osc::MigrationPlan& plan) {
  std::vector<std::string> is_old, unchanged;
  for (size_t i = 0; i < plan.original_key.size() && i < plan.ghost_key.size(); ++i) {
    SAFEDDL_ASSIGN_OR_RETURN(std::string o, mysql::QuoteIdentifier(plan.original_key[i].name));
    SAFEDDL_ASSIGN_OR_RETURN(std::string g, mysql::QuoteIdentifier(plan.ghost_key[i].name));
    is_old.push_back(fmt::format("{} = OLD.{}", g, o));
    unchanged.push_back(fmt::format("OLD.{} <=> NEW.{}", o, o));
  }
  if (is_old.empty()) return InvalidArgumentError("the plan has no shared key");
  return KeyConditions{JoinStrings(is_old, " AND "), JoinStrings(unchanged, " AND ")};
}

}  // namespace

Result<std::vector<CaptureTrigger>> CaptureTriggers(const osc::MigrationPlan& plan) {
  SAFEDDL_ASSIGN_OR_RETURN(Columns cols, SharedColumns(plan));
  SAFEDDL_ASSIGN_OR_RETURN(KeyConditions key, KeyMatch(plan));
  const std::string remove_old =
      fmt::format("INSERT IGNORE INTO {g} ({t}) VALUES ({o}); DELETE FROM {g} WHERE {k};",
                  fmt::arg("g", plan.q_ghost), fmt::arg("t", cols.targets),
                  fmt::arg("o", cols.sources_old), fmt::arg("k", key.ghost_is_old));
  const std::string write_new = fmt::format("REPLACE INTO {} ({}) VALUES ({});", plan.q_ghost,
                                            cols.targets, cols.sources_new);
  struct Spec {
    const char* suffix;
    const char* event;
    std::string body;
  };
  const std::vector<Spec> specs = {
      {"_ins", "INSERT", write_new},
      {"_upd", "UPDATE",
       fmt::format("IF NOT ({}) THEN {} END IF; {}", key.key_unchanged, remove_old, write_new)},
      {"_del", "DELETE", remove_old},
  };
  std::vector<CaptureTrigger> out;
  for (const Spec& s : specs) {
    CaptureTrigger t;
    t.name = plan.names.ghost + s.suffix;
    if (t.name.size() > osc::kMaxTableNameLength) {
      return InvalidArgumentError(fmt::format(
          "the capture trigger's name {} is longer than {} characters: pass --force-table-names "
          "with a shorter prefix",
          t.name, osc::kMaxTableNameLength));
    }
    SAFEDDL_ASSIGN_OR_RETURN(std::string q_name, mysql::QuoteQualified(plan.database, t.name));
    t.event = s.event;
    t.body = fmt::format("BEGIN {} END", s.body);
    t.create = fmt::format("CREATE TRIGGER {} AFTER {} ON {} FOR EACH ROW {}", q_name, s.event,
                           plan.q_original, t.body);
    out.push_back(std::move(t));
  }
  return out;
}

bool ServerMisreadATrigger(const Status& s) {
  constexpr int kParseError = 1064;  // ER_PARSE_ERROR
  return s.server_errno() == kParseError &&
         s.message().find("has an error in its body") != std::string::npos;
}

std::vector<std::string> TriggerDifferences(const std::vector<CaptureTrigger>& triggers,
                                            bool present, const std::string& table,
                                            const std::vector<SeenTrigger>& seen) {
  std::vector<std::string> out;
  for (const CaptureTrigger& t : triggers) {
    const std::string q_name = *mysql::QuoteIdentifier(t.name);
    std::vector<const SeenTrigger*> same_name;
    for (const SeenTrigger& s : seen) {
      if (s.name == t.name) same_name.push_back(&s);
    }
    if (!present) {
      if (!same_name.empty()) out.push_back(q_name + " is still there");
      continue;
    }
    if (same_name.empty()) {
      out.push_back(q_name + " is missing");
      continue;
    }
    const SeenTrigger& s = *same_name.front();
    if (s.table != table || s.event != t.event || s.timing != "AFTER" || s.statement != t.body) {
      out.push_back(fmt::format("{} is another trigger ({} {} on {})", q_name, s.timing, s.event,
                                *mysql::QuoteIdentifier(s.table)));
    }
  }
  return out;
}

std::vector<std::string> DropCaptureTriggers(const osc::MigrationPlan& plan,
                                             const std::vector<CaptureTrigger>& triggers) {
  std::vector<std::string> out;
  for (const CaptureTrigger& t : triggers) {
    out.push_back("DROP TRIGGER IF EXISTS " + *mysql::QuoteQualified(plan.database, t.name));
  }
  return out;
}

}  // namespace safeddl::galera
