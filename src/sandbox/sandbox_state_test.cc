#include "sandbox/sandbox_state.h"

#include <gtest/gtest.h>

namespace safeddl::sandbox {
namespace {

TEST(SandboxStateTest, RoundTripsThroughJson) {
  SandboxInfo info;
  info.name = "demo";
  info.dir = "/tmp/x/demo";
  info.version = "10.11.19-MariaDB";
  info.stock = true;
  ServerInstance primary;
  primary.role = "primary";
  primary.port = 3310;
  primary.server_id = 3310;
  primary.pid = 42;
  primary.socket = "/tmp/x/demo/primary/mariadbd.sock";
  primary.client_config = "/tmp/x/demo/primary/client.cnf";
  info.servers.push_back(primary);
  ServerInstance replica = primary;
  replica.role = "replica1";
  replica.port = 3311;
  info.servers.push_back(replica);

  Result<SandboxInfo> back = FromJson(ToJson(info));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->name, "demo");
  EXPECT_TRUE(back->stock);
  ASSERT_EQ(back->servers.size(), 2u);
  EXPECT_EQ(back->servers[0].pid, 42);
  EXPECT_EQ(back->servers[0].client_config, "/tmp/x/demo/primary/client.cnf");
  EXPECT_EQ(back->servers[1].role, "replica1");
  EXPECT_EQ(back->servers[1].port, 3311u);
}

TEST(SandboxStateTest, GaleraNodesKeepTheirPorts) {
  SandboxInfo info;
  info.galera = true;
  ServerInstance node;
  node.role = "node2";
  node.port = 3311;
  node.galera_port = 14569;
  node.sst_port = 14445;
  info.servers.push_back(node);
  Result<SandboxInfo> back = FromJson(ToJson(info));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(back->galera);
  EXPECT_EQ(back->servers[0].galera_port, 14569u);
  EXPECT_EQ(back->servers[0].sst_port, 14445u);
  // A server of a primary/replica sandbox carries no Galera ports.
  info.galera = false;
  info.servers[0].galera_port = 0;
  const nlohmann::json plain = ToJson(info);
  EXPECT_FALSE(plain["servers"][0].contains("galera_port"));
  EXPECT_FALSE(FromJson(plain)->galera);
}

TEST(SandboxStateTest, OlderJsonWithoutStockIsNotStock) {
  SandboxInfo info;
  info.servers = {ServerInstance{}};
  nlohmann::json j = ToJson(info);
  j.erase("stock");
  Result<SandboxInfo> back = FromJson(j);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_FALSE(back->stock);
}

TEST(SandboxStateTest, JsonNeverHoldsAPassword) {
  SandboxInfo info;
  info.servers.push_back(ServerInstance{});
  const std::string text = ToJson(info).dump();
  EXPECT_EQ(text.find("password"), std::string::npos);
}

TEST(SandboxStateTest, RejectsNonSandboxJson) {
  EXPECT_EQ(FromJson(nlohmann::json::object()).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(FromJson({{"servers", nlohmann::json::array()}}).status().code(),
            StatusCode::kCorruption);
}

}  // namespace
}  // namespace safeddl::sandbox
