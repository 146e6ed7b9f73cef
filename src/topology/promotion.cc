#include "topology/promotion.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>

#include "common/strings.h"
#include "mysql/replication.h"

namespace safeddl::topology {
namespace {

// 'text' with quotes doubled: a literal as CHANGE MASTER needs one (it takes no other form of
// string, not the hex one QuoteString gives), for a session with NO_BACKSLASH_ESCAPES (where a
// backslash is just a character).
std::string PlainLiteral(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') out += c;
  }
  return out + "'";
}

}  // namespace

std::string Address::Text() const { return fmt::format("{}:{}", host, port); }

Result<Address> ParseAddress(const std::string& text) {
  const size_t colon = text.rfind(':');
  Address a;
  a.host = text.substr(0, colon);
  if (a.host == "localhost") a.host = "127.0.0.1";
  const unsigned long long port =
      colon == std::string::npos ? 0 : ParseUint64(text.substr(colon + 1)).value_or(0);
  const bool host_ok = !a.host.empty() && std::all_of(a.host.begin(), a.host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' ||
           c == ':';
  });
  if (!host_ok || port == 0 || port > 65535) {
    return InvalidArgumentError(fmt::format("'{}' is not HOST:PORT", text));
  }
  a.port = static_cast<unsigned>(port);
  return a;
}

Result<Address> ServerAddress(mysql::Connection& conn, const mysql::ConnectOptions& options) {
  SAFEDDL_ASSIGN_OR_RETURN(std::string port, conn.QueryText("SELECT @@port"));
  return ParseAddress(
      fmt::format("{}:{}", options.host.empty() ? std::string("127.0.0.1") : options.host, port));
}

Result<std::unique_ptr<mysql::Connection>> ConnectTo(const mysql::ConnectOptions& account,
                                                     const Address& a) {
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ConnectOptions o,
                           mysql::ReplicaConnectOptions(account, a.Text()));
  Result<std::unique_ptr<mysql::Connection>> conn = mysql::Connection::Open(o);
  if (!conn.ok()) {
    return conn.status().WithContext(
        fmt::format("{} cannot be reached with this account", a.Text()));
  }
  return conn;
}

Status RunStep(const std::string& name, const std::function<void(const std::string&)>& progress,
               std::vector<PromotionStep>& steps,
               const std::function<Status(std::string& detail)>& body) {
  if (progress) progress(name);
  const auto start = std::chrono::steady_clock::now();
  PromotionStep step{name, "", 0};
  Status s = body(step.detail);
  step.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  steps.push_back(std::move(step));
  return s;
}

Status PromoteToPrimary(mysql::Connection& replica) {
  SAFEDDL_RETURN_IF_ERROR(replica.Execute("STOP SLAVE"));
  SAFEDDL_RETURN_IF_ERROR(replica.Execute("RESET SLAVE ALL"));
  return replica.Execute("SET GLOBAL read_only = 0");
}

Status ReplicateFrom(mysql::Connection& server, const Address& primary, ContinueFrom from,
                     const std::string& user, const std::string& password) {
  std::string change =
      fmt::format("CHANGE MASTER TO MASTER_HOST = {}, MASTER_PORT = {}, MASTER_USE_GTID = {}",
                  PlainLiteral(primary.host), primary.port,
                  from == ContinueFrom::kSlavePos ? "slave_pos" : "current_pos");
  if (!user.empty()) {
    change += fmt::format(", MASTER_USER = {}, MASTER_PASSWORD = {}", PlainLiteral(user),
                          PlainLiteral(password));
  }
  SAFEDDL_RETURN_IF_ERROR(server.Execute("STOP SLAVE"));
  SAFEDDL_RETURN_IF_ERROR(
      server.Execute("SET @safeddl_sql_mode = @@SESSION.sql_mode, SESSION sql_mode = "
                     "CONCAT(@@SESSION.sql_mode, ',NO_BACKSLASH_ESCAPES')"));
  Status changed = server.Execute(change);
  SAFEDDL_RETURN_IF_ERROR(server.Execute("SET SESSION sql_mode = @safeddl_sql_mode"));
  SAFEDDL_RETURN_IF_ERROR(changed);
  return server.Execute("START SLAVE");
}

}  // namespace safeddl::topology
