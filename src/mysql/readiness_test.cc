#include "mysql/readiness.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace safeddl::mysql {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

ServerInfo MariaDB1011() { return *ServerInfo::Parse("10.11.19-MariaDB-0+deb12u1", "Debian 12"); }
ServerInfo MySQL80() { return *ServerInfo::Parse("8.0.36", "MySQL Community Server - GPL"); }

// Everything ALL PRIVILEGES expands to on MariaDB 10.11 that matters here, as USER_PRIVILEGES
// lists it.
const std::set<std::string> kAllMariaDB = {"SELECT",
                                           "INSERT",
                                           "UPDATE",
                                           "DELETE",
                                           "CREATE",
                                           "DROP",
                                           "PROCESS",
                                           "ALTER",
                                           "SUPER",
                                           "LOCK TABLES",
                                           "REPLICATION SLAVE",
                                           "BINLOG MONITOR",
                                           "CONNECTION ADMIN",
                                           "REPLICATION MASTER ADMIN",
                                           "SLAVE MONITOR"};

// A snapshot of the test sandbox primary: ready for everything, P_S off, plugin not installed.
ReadinessSnapshot SandboxPrimary() {
  ReadinessSnapshot s;
  s.server = MariaDB1011();
  s.current_user = "safeddl@127.0.0.1";
  s.variables = {{"log_bin", "ON"},
                 {"binlog_format", "ROW"},
                 {"binlog_row_image", "FULL"},
                 {"binlog_row_metadata", "FULL"},
                 {"gtid_binlog_pos", "0-3310-42"},
                 {"gtid_strict_mode", "ON"},
                 {"server_id", "3310"},
                 {"performance_schema", "OFF"},
                 {"read_only", "OFF"}};
  s.global_privileges = kAllMariaDB;
  s.metadata_lock_info_status = "NOT INSTALLED";
  s.replicas = {{"3311", "127.0.0.1", "3311"}};
  return s;
}

const Finding* Find(const ReadinessReport& report, std::string_view item) {
  for (const Finding& f : report.findings) {
    if (f.item == item) return &f;
  }
  return nullptr;
}

bool Ready(const ReadinessSnapshot& s, Capability c) { return EvaluateReadiness(s).ReadyFor(c); }

TEST(ReadinessTest, SandboxPrimaryIsReadyForEverything) {
  const ReadinessReport report = EvaluateReadiness(SandboxPrimary());
  for (Capability c : kAllCapabilities) {
    EXPECT_TRUE(report.ReadyFor(c)) << CapabilityName(c);
    EXPECT_TRUE(report.BlockersOf(c).empty());
  }
  EXPECT_EQ(report.server, "MariaDB 10.11.19");
  EXPECT_EQ(report.user, "safeddl@127.0.0.1");
  for (const Finding& f : report.findings) {
    EXPECT_NE(f.level, FindingLevel::kFail) << f.item << ": " << f.found;
  }
  const Finding* replicas = Find(report, "replicas");
  ASSERT_NE(replicas, nullptr);
  EXPECT_THAT(replicas->found, HasSubstr("server_id 3311 at 127.0.0.1:3311"));
  EXPECT_EQ(Find(report, "this server as a replica")->found, "not a replica");
}

TEST(ReadinessTest, StatementBinlogFailsAlterFlashbackAndBinlogButNotUnblock) {
  ReadinessSnapshot s = SandboxPrimary();
  s.variables["binlog_format"] = "STATEMENT";
  const ReadinessReport report = EvaluateReadiness(s);
  EXPECT_FALSE(report.ReadyFor(Capability::kAlter));
  EXPECT_FALSE(report.ReadyFor(Capability::kFlashback));
  EXPECT_FALSE(report.ReadyFor(Capability::kBinlog));
  EXPECT_TRUE(report.ReadyFor(Capability::kUnblock));
  const Finding* f = Find(report, "binlog_format");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->level, FindingLevel::kFail);
  EXPECT_THAT(f->found, HasSubstr("STATEMENT"));
  EXPECT_THAT(f->fix, HasSubstr("SET GLOBAL binlog_format = 'ROW'"));
  EXPECT_THAT(f->fix, HasSubstr("binlog_format = ROW"));
  ASSERT_EQ(report.BlockersOf(Capability::kAlter).size(), 1u);
  EXPECT_EQ(report.BlockersOf(Capability::kAlter)[0]->item, "binlog_format");
}

TEST(ReadinessTest, MixedFormatIsNotRow) {
  ReadinessSnapshot s = SandboxPrimary();
  s.variables["binlog_format"] = "MIXED";
  EXPECT_FALSE(Ready(s, Capability::kAlter));
}

TEST(ReadinessTest, BinlogOffFailsWithMyCnfFix) {
  ReadinessSnapshot s = SandboxPrimary();
  s.variables["log_bin"] = "OFF";
  const ReadinessReport report = EvaluateReadiness(s);
  EXPECT_FALSE(report.ReadyFor(Capability::kAlter));
  const Finding* f = Find(report, "log_bin");
  EXPECT_EQ(f->level, FindingLevel::kFail);
  EXPECT_THAT(f->fix, HasSubstr("my.cnf [mysqld]: log_bin"));
}

TEST(ReadinessTest, MissingLogBinVariableCountsAsOff) {
  ReadinessSnapshot s = SandboxPrimary();
  s.variables.erase("log_bin");
  EXPECT_FALSE(Ready(s, Capability::kBinlog));
}

TEST(ReadinessTest, MinimalRowImageFailsAlterAndFlashbackOnly) {
  ReadinessSnapshot s = SandboxPrimary();
  s.variables["binlog_row_image"] = "MINIMAL";
  const ReadinessReport report = EvaluateReadiness(s);
  EXPECT_FALSE(report.ReadyFor(Capability::kAlter));
  EXPECT_FALSE(report.ReadyFor(Capability::kFlashback));
  EXPECT_TRUE(report.ReadyFor(Capability::kBinlog));
  EXPECT_THAT(Find(report, "binlog_row_image")->fix,
              HasSubstr("SET GLOBAL binlog_row_image = 'FULL'"));
}

TEST(ReadinessTest, RowMetadataMinimalIsAWarningWithFix) {
  ReadinessSnapshot s = SandboxPrimary();
  s.variables["binlog_row_metadata"] = "MINIMAL";
  const ReadinessReport report = EvaluateReadiness(s);
  EXPECT_TRUE(report.ReadyFor(Capability::kAlter));
  const Finding* f = Find(report, "binlog_row_metadata");
  EXPECT_EQ(f->level, FindingLevel::kWarn);
  EXPECT_THAT(f->fix, HasSubstr("SET GLOBAL binlog_row_metadata = 'FULL'"));
}

TEST(ReadinessTest, RowMetadataUnsupportedOnOldServersIsAWarning) {
  ReadinessSnapshot s = SandboxPrimary();
  s.server = *ServerInfo::Parse("10.4.8-MariaDB", "");
  s.variables.erase("binlog_row_metadata");
  const ReadinessReport report = EvaluateReadiness(s);
  const Finding* f = Find(report, "binlog_row_metadata");
  EXPECT_EQ(f->level, FindingLevel::kWarn);
  EXPECT_THAT(f->found, HasSubstr("not supported"));
  EXPECT_EQ(Find(report, "version")->level, FindingLevel::kWarn);
}

TEST(ReadinessTest, ZeroServerIdFails) {
  ReadinessSnapshot s = SandboxPrimary();
  s.variables["server_id"] = "0";
  const ReadinessReport report = EvaluateReadiness(s);
  EXPECT_FALSE(report.ReadyFor(Capability::kAlter));
  EXPECT_THAT(Find(report, "server_id")->fix, HasSubstr("SET GLOBAL server_id"));
}

TEST(ReadinessTest, MariaDBGtidStrictModeOffWarns) {
  ReadinessSnapshot s = SandboxPrimary();
  s.variables["gtid_strict_mode"] = "OFF";
  s.variables["gtid_binlog_pos"] = "";
  const ReadinessReport report = EvaluateReadiness(s);
  EXPECT_TRUE(report.ReadyFor(Capability::kAlter));
  const Finding* f = Find(report, "gtid");
  EXPECT_EQ(f->level, FindingLevel::kWarn);
  EXPECT_THAT(f->found, HasSubstr("nothing binlogged yet"));
  EXPECT_THAT(f->fix, HasSubstr("SET GLOBAL gtid_strict_mode = 'ON'"));
}

TEST(ReadinessTest, MySQLGtidModeOffWarns) {
  ReadinessSnapshot s = SandboxPrimary();
  s.server = MySQL80();
  s.variables["gtid_mode"] = "OFF";
  s.global_privileges = {"SELECT",
                         "INSERT",
                         "UPDATE",
                         "DELETE",
                         "CREATE",
                         "DROP",
                         "ALTER",
                         "LOCK TABLES",
                         "PROCESS",
                         "REPLICATION SLAVE",
                         "REPLICATION CLIENT",
                         "CONNECTION_ADMIN"};
  const ReadinessReport report = EvaluateReadiness(s);
  for (Capability c : kAllCapabilities) EXPECT_TRUE(report.ReadyFor(c)) << CapabilityName(c);
  const Finding* f = Find(report, "gtid");
  EXPECT_EQ(f->level, FindingLevel::kWarn);
  EXPECT_THAT(f->fix, HasSubstr("gtid_mode = ON"));
  // MySQL has no METADATA_LOCK_INFO plugin: no finding about it.
  EXPECT_EQ(Find(report, "metadata_lock_info plugin"), nullptr);
}

TEST(ReadinessTest, SelectOnlyUserLacksAlterBinlogAndKillPrivileges) {
  ReadinessSnapshot s = SandboxPrimary();
  s.current_user = "weak@127.0.0.1";
  s.global_privileges = {"SELECT"};
  const ReadinessReport report = EvaluateReadiness(s);
  for (Capability c : kAllCapabilities) EXPECT_FALSE(report.ReadyFor(c)) << CapabilityName(c);

  const Finding* alter = Find(report, "privileges for alter");
  EXPECT_EQ(alter->level, FindingLevel::kFail);
  EXPECT_THAT(alter->found, HasSubstr("ALTER, CREATE, DROP, INSERT, UPDATE, DELETE, LOCK TABLES"));
  EXPECT_THAT(alter->found, Not(HasSubstr("SELECT")));
  EXPECT_THAT(alter->fix, HasSubstr("TO 'weak'@'127.0.0.1'"));

  const Finding* binlog = Find(report, "privileges to read the binlog");
  EXPECT_EQ(binlog->found, "missing REPLICATION SLAVE, BINLOG MONITOR");
  EXPECT_EQ(binlog->fix, "GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'weak'@'127.0.0.1'");

  const Finding* kill = Find(report, "privileges for unblock/watch");
  EXPECT_EQ(kill->fix, "GRANT PROCESS, CONNECTION ADMIN ON *.* TO 'weak'@'127.0.0.1'");
}

TEST(ReadinessTest, SuperStandsInForAdminPrivilegesOnMariaDB1011ButNotOn11) {
  ReadinessSnapshot s = SandboxPrimary();
  s.global_privileges = {"PROCESS", "SUPER", "REPLICATION SLAVE"};
  EXPECT_TRUE(Ready(s, Capability::kUnblock));
  EXPECT_EQ(Find(EvaluateReadiness(s), "privileges to read the binlog")->level, FindingLevel::kOk);

  s.server = *ServerInfo::Parse("11.4.2-MariaDB", "");
  const ReadinessReport report = EvaluateReadiness(s);
  EXPECT_FALSE(report.ReadyFor(Capability::kUnblock));
  EXPECT_EQ(Find(report, "privileges for unblock/watch")->found, "missing CONNECTION ADMIN");
}

TEST(ReadinessTest, SuperDoesNotReplaceReplicationSlave) {
  ReadinessSnapshot s = SandboxPrimary();
  s.global_privileges.erase("REPLICATION SLAVE");
  const ReadinessReport report = EvaluateReadiness(s);
  EXPECT_FALSE(report.ReadyFor(Capability::kFlashback));
  EXPECT_EQ(Find(report, "privileges to read the binlog")->found, "missing REPLICATION SLAVE");
}

TEST(ReadinessTest, SchemaGrantsCountForTheTargetSchema) {
  ReadinessSnapshot s = SandboxPrimary();
  s.current_user = "app@%";
  s.global_privileges = {"REPLICATION SLAVE", "BINLOG MONITOR"};
  s.schema_privileges["app\\_%"] = {"ALTER",  "CREATE", "DROP",   "INSERT",
                                    "SELECT", "UPDATE", "DELETE", "LOCK TABLES"};
  s.target_schema = "app_shop";
  EXPECT_TRUE(Ready(s, Capability::kAlter));

  s.target_schema = "appxshop";  // `\_` is a literal underscore
  const ReadinessReport report = EvaluateReadiness(s);
  EXPECT_FALSE(report.ReadyFor(Capability::kAlter));
  EXPECT_EQ(Find(report, "privileges for alter")->fix,
            "GRANT ALTER, CREATE, DROP, INSERT, SELECT, UPDATE, DELETE, LOCK TABLES ON "
            "`appxshop`.* TO 'app'@'%'");
}

TEST(ReadinessTest, SchemaGrantsWithoutTargetSchemaWarnAndNameTheSchemas) {
  ReadinessSnapshot s = SandboxPrimary();
  s.global_privileges = {"SELECT", "REPLICATION SLAVE", "BINLOG MONITOR"};
  s.schema_privileges["shop"] = {"ALTER",  "CREATE", "DROP",       "INSERT",
                                 "UPDATE", "DELETE", "LOCK TABLES"};
  s.schema_privileges["other"] = {"ALTER"};
  const ReadinessReport report = EvaluateReadiness(s);
  EXPECT_TRUE(report.ReadyFor(Capability::kAlter));
  const Finding* f = Find(report, "privileges for alter");
  EXPECT_EQ(f->level, FindingLevel::kWarn);
  EXPECT_THAT(f->found, HasSubstr("only on schemas shop"));
  EXPECT_THAT(f->found, Not(HasSubstr("other")));
}

TEST(ReadinessTest, HostileSchemaNameIsQuotedInTheFix) {
  ReadinessSnapshot s = SandboxPrimary();
  s.global_privileges = {"SELECT"};
  s.target_schema = "we`ird";
  EXPECT_THAT(Find(EvaluateReadiness(s), "privileges for alter")->fix, HasSubstr("`we``ird`.*"));
}

TEST(ReadinessTest, UnreadablePrivilegesWarnInsteadOfGuessing) {
  ReadinessSnapshot s = SandboxPrimary();
  s.global_privileges.clear();
  s.privileges_error = "Access denied";
  const ReadinessReport report = EvaluateReadiness(s);
  EXPECT_TRUE(report.ReadyFor(Capability::kAlter));
  const Finding* f = Find(report, "privileges");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->level, FindingLevel::kWarn);
  EXPECT_THAT(f->found, HasSubstr("Access denied"));
}

TEST(ReadinessTest, NoMetadataLockSourceWarnsWithBothFixes) {
  const ReadinessReport report = EvaluateReadiness(SandboxPrimary());
  EXPECT_TRUE(report.ReadyFor(Capability::kUnblock));
  const Finding* plugin = Find(report, "metadata_lock_info plugin");
  ASSERT_NE(plugin, nullptr);
  EXPECT_EQ(plugin->level, FindingLevel::kWarn);
  EXPECT_EQ(plugin->fix, "INSTALL SONAME 'metadata_lock_info'");
  EXPECT_THAT(plugin->found, HasSubstr("inferred"));
  const Finding* ps = Find(report, "performance_schema");
  EXPECT_EQ(ps->level, FindingLevel::kWarn);
  EXPECT_THAT(ps->fix, HasSubstr("performance_schema = ON"));
}

TEST(ReadinessTest, ActivePluginMakesPerformanceSchemaUnnecessary) {
  ReadinessSnapshot s = SandboxPrimary();
  s.metadata_lock_info_status = "ACTIVE";
  const ReadinessReport report = EvaluateReadiness(s);
  EXPECT_EQ(Find(report, "metadata_lock_info plugin")->level, FindingLevel::kOk);
  const Finding* ps = Find(report, "performance_schema");
  EXPECT_EQ(ps->level, FindingLevel::kOk);
  EXPECT_THAT(ps->found, HasSubstr("not needed"));
  EXPECT_TRUE(ps->fix.empty());
}

TEST(ReadinessTest, PerformanceSchemaNeedsTheMdlInstrument) {
  ReadinessSnapshot s = SandboxPrimary();
  s.variables["performance_schema"] = "ON";
  s.mdl_instrument_enabled = false;
  ReadinessReport report = EvaluateReadiness(s);
  EXPECT_EQ(Find(report, "performance_schema")->level, FindingLevel::kWarn);
  EXPECT_THAT(Find(report, "performance_schema")->fix,
              HasSubstr("WHERE NAME = 'wait/lock/metadata/sql/mdl'"));

  s.mdl_instrument_enabled = true;
  report = EvaluateReadiness(s);
  EXPECT_EQ(Find(report, "performance_schema")->level, FindingLevel::kOk);
  EXPECT_EQ(Find(report, "metadata_lock_info plugin")->level, FindingLevel::kOk);
}

TEST(ReadinessTest, PluginUnknownToTheServerStillSuggestsInstall) {
  ReadinessSnapshot s = SandboxPrimary();
  s.metadata_lock_info_status.reset();
  const ReadinessReport report = EvaluateReadiness(s);
  const Finding* f = Find(report, "metadata_lock_info plugin");
  EXPECT_THAT(f->found, HasSubstr("not available"));
  EXPECT_EQ(f->fix, "INSTALL SONAME 'metadata_lock_info'");
}

TEST(ReadinessTest, UnlistableReplicasWarnWithTheFlavoursPrivilege) {
  ReadinessSnapshot s = SandboxPrimary();
  s.replicas.clear();
  s.replicas_error = "Access denied; you need the REPLICATION MASTER ADMIN privilege";
  const ReadinessReport report = EvaluateReadiness(s);
  EXPECT_TRUE(report.ReadyFor(Capability::kAlter));
  const Finding* f = Find(report, "replicas");
  EXPECT_EQ(f->level, FindingLevel::kWarn);
  EXPECT_EQ(f->fix, "GRANT REPLICATION MASTER ADMIN ON *.* TO 'safeddl'@'127.0.0.1'");
}

// A replica of 127.0.0.1:3310 with these threads, lag and last error.
OwnReplication Own(bool io, bool sql, std::optional<long long> behind, std::string error) {
  OwnReplication r;
  r.source_host = "127.0.0.1";
  r.source_port = "3310";
  r.io_running = io;
  r.sql_running = sql;
  r.seconds_behind = behind;
  r.last_error = std::move(error);
  return r;
}

TEST(ReadinessTest, StoppedReplicationOnAReplicaWarns) {
  ReadinessSnapshot s = SandboxPrimary();
  s.replicas.clear();
  s.own_replication =
      Own(true, false, std::nullopt, "Duplicate entry '1' for key 'PRIMARY'");
  const ReadinessReport report = EvaluateReadiness(s);
  const Finding* f = Find(report, "this server as a replica");
  EXPECT_EQ(f->level, FindingLevel::kWarn);
  EXPECT_THAT(f->found, HasSubstr("replica of 127.0.0.1:3310"));
  EXPECT_THAT(f->found, HasSubstr("SQL stopped"));
  EXPECT_THAT(f->found, HasSubstr("Duplicate entry"));
  EXPECT_THAT(f->fix, HasSubstr("SHOW REPLICA STATUS"));
  EXPECT_EQ(Find(report, "replicas")->found, "none connected");
}

TEST(ReadinessTest, HealthyReplicaReportsLag) {
  ReadinessSnapshot s = SandboxPrimary();
  s.own_replication = Own(true, true, 3, "");
  const ReadinessReport report = EvaluateReadiness(s);
  const Finding* f = Find(report, "this server as a replica");
  EXPECT_EQ(f->level, FindingLevel::kOk);
  EXPECT_THAT(f->found, HasSubstr("3 s behind"));
}

TEST(ReadinessTest, DelayedReplicaShowsItsDelay) {
  ReadinessSnapshot s = SandboxPrimary();
  s.own_replication = Own(true, true, 3600, "");
  s.own_replication->sql_delay = 3600;
  const ReadinessReport report = EvaluateReadiness(s);
  const Finding* f = Find(report, "this server as a replica");
  EXPECT_EQ(f->level, FindingLevel::kOk);
  EXPECT_THAT(f->found, HasSubstr("delayed by 3600 s (MASTER_DELAY)"));
}

TEST(ReadinessTest, ReadOnlyWarns) {
  ReadinessSnapshot s = SandboxPrimary();
  s.variables["read_only"] = "ON";
  const ReadinessReport report = EvaluateReadiness(s);
  EXPECT_EQ(Find(report, "read_only")->level, FindingLevel::kWarn);
  EXPECT_TRUE(report.ReadyFor(Capability::kAlter));
}

TEST(ReadinessTest, NamesAreStable) {
  EXPECT_EQ(CapabilityName(Capability::kAlter), "alter");
  EXPECT_EQ(CapabilityName(Capability::kUnblock), "unblock");
  EXPECT_EQ(CapabilityName(Capability::kFlashback), "flashback");
  EXPECT_EQ(CapabilityName(Capability::kBinlog), "binlog");
  EXPECT_EQ(FindingLevelName(FindingLevel::kOk), "ok");
  EXPECT_EQ(FindingLevelName(FindingLevel::kWarn), "warn");
  EXPECT_EQ(FindingLevelName(FindingLevel::kFail), "fail");
}

TEST(GranteeTest, BuildsInformationSchemaSpelling) {
  EXPECT_EQ(GranteeFromCurrentUser("safeddl@127.0.0.1"), "'safeddl'@'127.0.0.1'");
  EXPECT_EQ(GranteeFromCurrentUser("app@%"), "'app'@'%'");
  EXPECT_EQ(GranteeFromCurrentUser("we@rd@localhost"), "'we@rd'@'localhost'");
  EXPECT_EQ(GranteeFromCurrentUser("nohost"), std::nullopt);
}

TEST(GrantPatternTest, MatchesLikeWithEscapes) {
  EXPECT_TRUE(MatchesGrantPattern("shop", "shop"));
  EXPECT_FALSE(MatchesGrantPattern("shop", "shop2"));
  EXPECT_FALSE(MatchesGrantPattern("shop", "sho"));
  EXPECT_TRUE(MatchesGrantPattern("app\\_%", "app_"));
  EXPECT_TRUE(MatchesGrantPattern("app\\_%", "app_shop"));
  EXPECT_FALSE(MatchesGrantPattern("app\\_%", "appxshop"));
  EXPECT_TRUE(MatchesGrantPattern("app_%", "appxshop"));
  EXPECT_TRUE(MatchesGrantPattern("%", ""));
  EXPECT_TRUE(MatchesGrantPattern("%db%", "my_db_1"));
  EXPECT_TRUE(MatchesGrantPattern("a%b%c", "aXbYbZc"));
  EXPECT_FALSE(MatchesGrantPattern("a%b%c", "aXbYbZ"));
  EXPECT_TRUE(MatchesGrantPattern("50\\%", "50%"));
  EXPECT_FALSE(MatchesGrantPattern("50\\%", "500"));
}

}  // namespace
}  // namespace safeddl::mysql
