// Plan: what each statement of a change will do on this server, what it risks and how to undo
// it, before it runs (`safeddl plan`). Per ALTER (CREATE/DROP INDEX are ALTERs): the native
// algorithms the server accepts (native_probe.h), the definition it produces, the reverse and a
// proof on the scratch copy that the reverse gives the original definition back (reverse_alter.h),
// the risks in the data and around the table (data_risks.h), measured rates and estimates
// (rate_sample.h, estimate.h, write_rate.h), and a recommendation. CREATE, DROP and RENAME TABLE
// get their reverse and their risks.
//
// Statements of one file are planned in order against the definitions the earlier ones produce
// (kept in the scratch schema); data checks read the tables as they are now.
// Read-only on the user's tables: SELECTs and information_schema, all work in the scratch schema.
// Not thread-safe (one connection; the write-rate sampler has its own).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "binlog/server_event_source.h"
#include "common/result.h"
#include "mysql/connection.h"
#include "plan/data_risks.h"
#include "plan/estimate.h"
#include "plan/native_probe.h"
#include "plan/rate_sample.h"
#include "plan/statement_split.h"
#include "plan/write_rate.h"
#include "schema/replication_compat.h"

namespace safeddl::plan {

struct PlanOptions {
  std::string database;                // for unqualified table names
  binlog::ServerSourceOptions binlog;  // connection and server_id for the write-rate sample
  RateLimits limits;
  std::chrono::milliseconds write_window{3000};
  bool measure = true;  // false: no samples, no estimates (--no-estimate)
  // Seconds a native ALTER that lets writes through (INPLACE, LOCK=NONE) may take and still be
  // recommended over safeddl alter.
  double max_native_seconds = 5;
};

struct ReversePlan {
  std::string sql;  // empty when there is no way back
  bool lossless = false;
  std::vector<std::string> lossy_reasons;
  // Columns the change converts and the reverse converts back (names before the change).
  std::vector<std::string> changed_columns;
  // The reverse was applied to the changed scratch copy and gave the original SHOW CREATE back.
  bool verified = false;
  std::string verify_note;  // what differed, when not verified
};

enum class Action { kNative, kOnline, kNativeInWindow, kRefuse };
std::string_view ActionName(Action a);  // "native", "online", "native_in_window", "refuse"

struct Recommendation {
  Action action = Action::kRefuse;
  std::string reason;
  std::string command;  // what to run (SQL or a safeddl command line)
};

struct TableSize {
  int64_t rows = 0;  // information_schema's estimate (exact for a counted table)
  int64_t data_bytes = 0;
  int64_t index_bytes = 0;
};

struct StatementPlan {
  std::string sql;
  StatementKind kind = StatementKind::kAlterTable;
  std::string table;  // `db`.`t` (the first one for DROP/RENAME of several)
  int line = 0;
  std::string invalid;                  // the server (or plan) refuses the statement itself: why
  std::vector<AlgorithmAnswer> native;  // ALTERs only
  bool blocks_writes = false;           // of the best native algorithm
  std::string native_summary;           // for a non-ALTER: what it does natively
  TableSize size;
  SampleRates rates;
  WriteRate write_rate;
  std::optional<Estimate> native_estimate;
  std::optional<Estimate> online_estimate;
  std::string online_refusal;  // why safeddl alter cannot copy it; empty when it can
  std::vector<Risk> risks;
  ReversePlan reverse;
  // Whether row-based replication carries rows between the old and the new definition: the
  // change can then be made on the replicas first (`safeddl alter --via-replicas`). ALTERs only.
  std::optional<schema::ReplicationCompat> via_replicas;
  Recommendation recommendation;
  std::vector<std::string> notes;

  std::vector<std::string> AcceptedAlgorithms() const;
};

struct PlanReport {
  std::string server;  // "10.11.19-MariaDB at 127.0.0.1:3310"
  int replicas = 0;
  bool two_phase_alter = false;  // binlog_alter_two_phase: replicas start a native ALTER at once
  bool scratch_binlogged = false;
  std::vector<StatementPlan> statements;

  bool AnyRisk() const;  // a risk found or a statement refused
};

Result<PlanReport> PlanStatements(mysql::Connection& conn,
                                  const std::vector<SchemaStatement>& statements,
                                  const PlanOptions& options);

}  // namespace safeddl::plan
