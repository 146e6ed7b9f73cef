#include "common/http_check.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "testkit/http_stub.h"

namespace safeddl {
namespace {

TEST(ParseHttpUrlTest, HostPortAndTarget) {
  auto u = ParseHttpUrl("http://lb.internal:8080/throttle?db=shop#frag");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->host, "lb.internal");
  EXPECT_EQ(u->port, "8080");
  EXPECT_EQ(u->target, "/throttle?db=shop");

  u = ParseHttpUrl("HTTP://example.com");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->port, "80");
  EXPECT_EQ(u->target, "/");

  u = ParseHttpUrl("http://[::1]:9000?x=1");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, "9000");
  EXPECT_EQ(u->target, "/?x=1");
}

TEST(ParseHttpUrlTest, RefusesWhatItCannotCheck) {
  EXPECT_EQ(ParseHttpUrl("https://a/").status().code(), StatusCode::kUnsupported);
  EXPECT_FALSE(ParseHttpUrl("ftp://a/").ok());
  EXPECT_FALSE(ParseHttpUrl("http://").ok());
  EXPECT_FALSE(ParseHttpUrl("http://a:0/").ok());
  EXPECT_FALSE(ParseHttpUrl("http://a:70000/").ok());
  EXPECT_FALSE(ParseHttpUrl("http://a:x/").ok());
  EXPECT_FALSE(ParseHttpUrl("http://user:pw@a/").ok());
  EXPECT_FALSE(ParseHttpUrl("http://a/with space").ok());
  EXPECT_FALSE(ParseHttpUrl("http://[::1/").ok());
}

TEST(ParseHttpStatusLineTest, ReadsTheCode) {
  EXPECT_EQ(*ParseHttpStatusLine("HTTP/1.1 200 OK"), 200);
  EXPECT_EQ(*ParseHttpStatusLine("HTTP/1.0 503 Service Unavailable"), 503);
  EXPECT_EQ(*ParseHttpStatusLine("HTTP/1.1 204"), 204);
  EXPECT_FALSE(ParseHttpStatusLine("SSH-2.0-OpenSSH_9.2").ok());
  EXPECT_FALSE(ParseHttpStatusLine("HTTP/1.1 2x0 OK").ok());
  EXPECT_FALSE(ParseHttpStatusLine("HTTP/1.1 2000 OK").ok());
  EXPECT_FALSE(ParseHttpStatusLine("HTTP/1.1").ok());
}

TEST(HttpHeadStatusTest, ReturnsTheServersStatusCode) {
  testkit::HttpStub server(503);
  auto status = HttpHeadStatus(server.url("/lag?db=shop"), std::chrono::seconds(2));
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ(*status, 503);
  EXPECT_EQ(server.last_request().rfind("HEAD /lag?db=shop HTTP/1.1\r\n", 0), 0u)
      << server.last_request();
  EXPECT_NE(server.last_request().find("\r\nHost: 127.0.0.1:"), std::string::npos);
  server.set_status(200);
  status = HttpHeadStatus(server.url("/"), std::chrono::seconds(2));
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ(*status, 200);
}

TEST(HttpHeadStatusTest, ASilentServerTimesOut) {
  testkit::HttpStub server(0);
  const auto start = std::chrono::steady_clock::now();
  auto status = HttpHeadStatus(server.url("/"), std::chrono::milliseconds(200));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.status().message().find("in time"), std::string::npos)
      << status.status().ToString();
  EXPECT_LT(took, std::chrono::seconds(2));
}

TEST(HttpHeadStatusTest, ARefusedConnectionIsAnError) {
  int port = 0;
  { port = testkit::HttpStub(200).port(); }  // closed again: nothing listens there now
  auto status =
      HttpHeadStatus("http://127.0.0.1:" + std::to_string(port) + "/", std::chrono::seconds(1));
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.status().message().find("cannot connect"), std::string::npos)
      << status.status().ToString();
}

}  // namespace
}  // namespace safeddl
