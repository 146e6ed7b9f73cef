// GaleraStatus from a node's SHOW GLOBAL STATUS / VARIABLES (as 10.11 with galera-4 prints them).
#include "mysql/galera_status.h"

#include <gtest/gtest.h>

namespace safeddl::mysql {
namespace {

TEST(GaleraStatusTest, ParsesANodeAndItsLimits) {
  const std::map<std::string, std::string> status = {
      {"wsrep_cluster_size", "3"},
      {"wsrep_cluster_status", "Primary"},
      {"wsrep_local_state_comment", "Donor/Desynced"},
      {"wsrep_ready", "ON"},
      {"wsrep_desync_count", "1"},
      {"wsrep_flow_control_paused_ns", "123456789"},
      {"wsrep_flow_control_paused", "0.25"},
      {"wsrep_local_recv_queue", "7"},
      {"wsrep_local_bf_aborts", "2"},
      {"wsrep_incoming_addresses", "127.0.0.1:3310,127.0.0.1:3311, AUTO"}};
  const std::map<std::string, std::string> variables = {
      {"wsrep_on", "ON"},
      {"wsrep_node_name", "node1"},
      {"wsrep_desync", "ON"},
      {"wsrep_max_ws_rows", "500"},
      {"wsrep_max_ws_size", "2147483647"},
      {"wsrep_osu_method", "TOI"},
      {"wsrep_provider_options",
       "base_port = 14567; gcache.page_size = 128M; gcache.size = 64M; "
       "gcs.fc_limit = 16; "}};
  std::optional<GaleraStatus> g = ParseGaleraStatus(status, variables);
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->node_name, "node1");
  EXPECT_EQ(g->cluster_size, 3);
  EXPECT_TRUE(g->Primary());
  EXPECT_FALSE(g->Synced());
  EXPECT_TRUE(g->desync);
  EXPECT_EQ(g->desync_count, 1);
  EXPECT_EQ(g->flow_control_paused_ns, 123456789);
  EXPECT_DOUBLE_EQ(g->flow_control_paused, 0.25);
  EXPECT_EQ(g->recv_queue, 7);
  EXPECT_EQ(g->bf_aborts, 2);
  EXPECT_EQ(g->max_ws_rows, 500);
  EXPECT_EQ(g->max_ws_size, 2147483647);
  EXPECT_EQ(g->gcache_size, 64LL << 20);  // not gcache.page_size, which comes first
  EXPECT_EQ(g->osu_method, "TOI");
  EXPECT_EQ(g->incoming_addresses,
            (std::vector<std::string>{"127.0.0.1:3310", "127.0.0.1:3311", "AUTO"}));
}

TEST(GaleraStatusTest, NotGaleraWhenWsrepIsOffOrAbsent) {
  EXPECT_FALSE(ParseGaleraStatus({}, {}).has_value());
  EXPECT_FALSE(ParseGaleraStatus({{"wsrep_cluster_size", "3"}}, {{"wsrep_on", "OFF"}}).has_value());
}

TEST(GaleraStatusTest, SizesInGalerasNotation) {
  EXPECT_EQ(ParseGaleraSize("128M"), 128LL << 20);
  EXPECT_EQ(ParseGaleraSize("1G"), 1LL << 30);
  EXPECT_EQ(ParseGaleraSize("2.5G"), 5LL << 29);
  EXPECT_EQ(ParseGaleraSize("4096"), 4096);
  EXPECT_EQ(ParseGaleraSize(" 16k "), 16LL << 10);
  EXPECT_FALSE(ParseGaleraSize("").has_value());
  EXPECT_FALSE(ParseGaleraSize("M").has_value());
  EXPECT_FALSE(ParseGaleraSize("12Q").has_value());
  EXPECT_FALSE(ParseGaleraSize("-1M").has_value());
}

TEST(GaleraStatusTest, ProviderOptionByExactName) {
  const std::string options = "gcache.size = 1G; gcache.name = galera.cache; repl.max_ws_size = 5";
  EXPECT_EQ(ProviderOption(options, "gcache.name"), "galera.cache");
  EXPECT_EQ(ProviderOption(options, "repl.max_ws_size"), "5");
  EXPECT_FALSE(ProviderOption(options, "gcache").has_value());
  EXPECT_FALSE(ProviderOption(options, "size").has_value());
}

}  // namespace
}  // namespace safeddl::mysql
