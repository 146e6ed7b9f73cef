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
