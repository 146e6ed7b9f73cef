// Where `alter --via-replicas` (rolling_change.h) keeps a rollout it has started, so that the same
// command run again after a stop goes on from where the servers stand: schema `_safeddl_rollout`
// on the server it runs against (the primary at the start), one row per rollout, with the table's
// definition before and after the change. A server with the "after" definition was changed;
// one with the "before" definition was not; anything else is not this rollout's doing.
//
// Every write here stays out of the binlog (sql_log_bin=0 for the statement, put back after): the
// record belongs to that one server and must never reach its replicas, which hold their own
// `_safeddl_rollout` or none. Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/result.h"
#include "mysql/connection.h"

namespace safeddl::topology {

inline constexpr char kRolloutSchema[] = "_safeddl_rollout";

struct RolloutKey {
  std::string database;
  std::string table;
  std::string alter;  // the clauses, as run on each server
  std::string to;     // the switchover's candidate, HOST:PORT
};

struct RolloutRecord {
  uint64_t id = 0;
  std::string started_at;  // UTC, "YYYY-MM-DD HH:MM:SS"
  std::string definition_before;
  std::string definition_after;
};

// The unfinished rollout of exactly `key` on this server, or nullopt.
Result<std::optional<RolloutRecord>> OpenRollout(mysql::Connection& conn, const RolloutKey& key);

// Records a new rollout of `key` (creating the schema when missing); returns it.
Result<RolloutRecord> StartRollout(mysql::Connection& conn, const RolloutKey& key,
                                   const std::string& definition_before,
                                   const std::string& definition_after);

// Sets the "after" definition, when StartRollout could not know it (taken from the first server
// changed).
Status SetRolloutAfter(mysql::Connection& conn, uint64_t id, const std::string& definition_after);

// Marks the rollout finished: OpenRollout no longer finds it.
Status FinishRollout(mysql::Connection& conn, uint64_t id);

}  // namespace safeddl::topology
