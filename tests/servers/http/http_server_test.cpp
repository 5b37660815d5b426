#include "servers/http/http_server.h"

#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "firmware-core/fetch/http_auth.h"
#include "tests/servers/http/memory_http_root.h"

namespace srv {
namespace {

const fw::Endpoint kPhone{*fw::Ipv4Address::parse("10.0.0.2"), 40000};
const fw::Instant kNow = fw::Instant::from_seconds(5);

class HttpServerTest : public ::testing::Test {
 protected:
  HttpServerTest() { root_.add("/basic.txt", "<flat-profile/>"); }

  // Feeds `request` on connection 1 and returns everything the server sent, plus "<close>" if
  // it closed.
  std::string exchange(HttpServer& server, std::string_view request, ConnectionId id = 1) {
    if (server.open_connections() == 0 || id != 1) {
      server.handle_accepted(kNow, id, kPhone);
    }
    server.handle_bytes(kNow, id, fw::as_bytes(request));
    std::string out;
    while (auto action = server.poll_action()) {
      EXPECT_EQ(action->connection, id);
      out += action->kind == HttpServerAction::Kind::Send ? std::string(fw::as_text(action->bytes))
                                                          : "<close>";
    }
    return out;
  }

  test::MemoryHttpRoot root_;
};

TEST_F(HttpServerTest, ServesAFileAndLogsTheUserAgent) {
  HttpServer server(root_);
  EXPECT_EQ(
      exchange(server,
               "GET /basic.txt?x=1 HTTP/1.1\r\nHost: s\r\nUser-Agent: Cisco-CP-8841-3PCC/11.3.7 "
               "(000e08abcdef)\r\nConnection: close\r\n\r\n"),
      "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 15\r\n"
      "Connection: close\r\n\r\n<flat-profile/><close>");
  auto record = server.poll_access_record();
  ASSERT_TRUE(record);
  EXPECT_EQ(record->method, "GET");
  EXPECT_EQ(record->target, "/basic.txt?x=1");
  EXPECT_EQ(record->status, 200u);
  EXPECT_EQ(record->body_bytes, 15u);
  EXPECT_EQ(record->user_agent, "Cisco-CP-8841-3PCC/11.3.7 (000e08abcdef)");
  EXPECT_EQ(record->client, kPhone);
}

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  HttpServer server(root_);
  std::string out = exchange(server,
                             "GET /basic.txt HTTP/1.1\r\nHost: s\r\n\r\n"
                             "HEAD /basic.txt HTTP/1.1\r\nHost: s\r\n\r\n"
                             "GET /none HTTP/1.1\r\nHost: s\r\n\r\n");
  EXPECT_EQ(
      out,
      "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 15\r\n\r\n"
      "<flat-profile/>"
      "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 15\r\n\r\n"
      "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(server.open_connections(), 1u);
  server.handle_closed(kNow, 1);
  EXPECT_EQ(server.open_connections(), 0u);
}

TEST_F(HttpServerTest, PutAndPostGoToTheSink) {
  HttpServer server(root_);
  EXPECT_EQ(exchange(server, "PUT /r.xml HTTP/1.1\r\nHost: s\r\nContent-Length: 3\r\n\r\nabc"),
            "HTTP/1.1 204 No Content\r\n\r\n");
  EXPECT_EQ(fw::as_text(root_.written["/r.xml"]), "abc");
  root_.accept_writes = false;
  EXPECT_EQ(exchange(server, "POST /r.xml HTTP/1.1\r\nHost: s\r\nContent-Length: 0\r\n\r\n"),
            "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(exchange(server, "DELETE /r.xml HTTP/1.1\r\nHost: s\r\n\r\n"),
            "HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, HEAD, PUT, POST\r\nContent-Length: "
            "0\r\n\r\n");
}

TEST_F(HttpServerTest, MalformedRequestGets400AndClose) {
  HttpServer server(root_);
  EXPECT_EQ(exchange(server, "GARBAGE\r\n\r\n"),
            "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n<close>");
  EXPECT_EQ(server.poll_access_record()->status, 400u);
  // Bytes after the close are ignored.
  server.handle_bytes(kNow, 1, fw::as_bytes("GET / HTTP/1.1\r\n\r\n"));
  EXPECT_FALSE(server.poll_action());
}

TEST_F(HttpServerTest, HeaderAndBodyLimitsAtAndPastTheLimit) {
  constexpr std::string_view kRequest = "GET /basic.txt HTTP/1.1\r\nHost: s\r\n\r\n";
  HttpServerSettings settings;
  settings.header_bytes_max = static_cast<std::uint32_t>(kRequest.size());
  HttpServer at_limit(root_, settings);
  EXPECT_TRUE(exchange(at_limit, kRequest).starts_with("HTTP/1.1 200 OK"));
  settings.header_bytes_max -= 1;
  HttpServer past(root_, settings);
  EXPECT_TRUE(exchange(past, kRequest).starts_with("HTTP/1.1 431 "));

  settings = {};
  settings.body_bytes_max = 3;
  HttpServer body(root_, settings);
  EXPECT_TRUE(exchange(body, "PUT /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc")
                  .starts_with("HTTP/1.1 204"));
  EXPECT_TRUE(exchange(body, "PUT /a HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcd", 2)
                  .starts_with("HTTP/1.1 413 "));
}

TEST_F(HttpServerTest, BasicAuthChallengesAndAccepts) {
  HttpServerSettings settings;
  settings.auth = HttpAuthMode::Basic;
  settings.realm = "prov";
  settings.users = {{"Aladdin", "open sesame"}};
  HttpServer server(root_, settings);
  EXPECT_EQ(exchange(server, "GET /basic.txt HTTP/1.1\r\n\r\n"),
            "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"prov\"\r\n"
            "Content-Length: 0\r\n\r\n");
  EXPECT_TRUE(exchange(server, "GET /basic.txt HTTP/1.1\r\nAuthorization: " +
                                   fw::basic_authorization("Aladdin", "wrong") + "\r\n\r\n")
                  .starts_with("HTTP/1.1 401"));
  EXPECT_TRUE(exchange(server, "GET /basic.txt HTTP/1.1\r\nAuthorization: " +
                                   fw::basic_authorization("Aladdin", "open sesame") + "\r\n\r\n")
                  .starts_with("HTTP/1.1 200"));
  server.poll_access_record();
  EXPECT_EQ(server.poll_access_record()->user, "");
  EXPECT_EQ(server.poll_access_record()->user, "Aladdin");
}

TEST_F(HttpServerTest, DigestAuthIssuesNoncesAndChecksResponses) {
  HttpServerSettings settings;
  settings.auth = HttpAuthMode::Digest;
  settings.realm = "prov";
  settings.users = {{"u", "p"}};
  HttpServer server(root_, settings);
  std::string challenge = exchange(server, "GET /basic.txt HTTP/1.1\r\n\r\n");
  std::size_t header = challenge.find("WWW-Authenticate: ");
  ASSERT_NE(header, std::string::npos);
  std::string value = challenge.substr(header + 18, challenge.find("\r\n", header) - header - 18);
  auto elements = fw::parse_auth_header(value);
  ASSERT_EQ(elements.size(), 1u);
  EXPECT_EQ(elements[0].parameter("nonce"), fw::md5_hex("phonesim:1"));
  auto answer = fw::digest_authorization(elements[0], "u", "p", "GET", "/basic.txt", 1, "c0ffee");
  ASSERT_TRUE(answer);
  EXPECT_TRUE(exchange(server, "GET /basic.txt HTTP/1.1\r\nAuthorization: " + *answer + "\r\n\r\n")
                  .starts_with("HTTP/1.1 200"));
  // The same answer for another method or target does not verify.
  EXPECT_TRUE(exchange(server, "HEAD /basic.txt HTTP/1.1\r\nAuthorization: " + *answer + "\r\n\r\n")
                  .starts_with("HTTP/1.1 401"));
  auto wrong = fw::digest_authorization(elements[0], "u", "x", "GET", "/basic.txt", 1, "c0ffee");
  EXPECT_TRUE(exchange(server, "GET /basic.txt HTTP/1.1\r\nAuthorization: " + *wrong + "\r\n\r\n")
                  .starts_with("HTTP/1.1 401"));
}

TEST_F(HttpServerTest, HookAnswersInsteadOfTheRoot) {
  HttpServer server(root_, {}, [](const HttpRequestInfo& info) -> std::optional<HttpReply> {
    if (info.target == "/old") {
      return HttpReply{302, {{"Location", "/basic.txt"}}, {}};
    }
    return std::nullopt;
  });
  EXPECT_EQ(exchange(server, "GET /old HTTP/1.1\r\n\r\n"),
            "HTTP/1.1 302 Found\r\nLocation: /basic.txt\r\nContent-Length: 0\r\n\r\n");
  EXPECT_TRUE(exchange(server, "GET /basic.txt HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 200"));
}

TEST_F(HttpServerTest, ChunkedReplies) {
  HttpServerSettings settings;
  settings.chunk_bytes = 10;
  HttpServer server(root_, settings);
  EXPECT_EQ(exchange(server, "GET /basic.txt HTTP/1.1\r\n\r\n"),
            "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
            "Transfer-Encoding: chunked\r\n\r\na\r\n<flat-prof\r\n5\r\nile/>\r\n0\r\n\r\n");
}

TEST_F(HttpServerTest, HookSeesTheClientCertificateOfItsConnection) {
  std::vector<std::string> seen;
  HttpServer server(root_, {}, [&](const HttpRequestInfo& request) -> std::optional<HttpReply> {
    seen.push_back(request.peer_certificate ? request.peer_certificate->subject + "|" +
                                                  request.peer_certificate->issuer + "|" +
                                                  request.peer_certificate->subject_fields[0].second
                                            : "none");
    return std::nullopt;
  });
  fw::PeerCertificate mic{"CN=000e08abcdef,OU=CP-6841-3PCC", "CN=Manufacturer Root",
                          {{"OU", "CP-6841-3PCC"}, {"CN", "000e08abcdef"}}};
  server.handle_accepted(kNow, 1, kPhone, mic);
  server.handle_accepted(kNow, 2, kPhone);
  server.handle_bytes(kNow, 1, fw::as_bytes(std::string_view("GET /basic.txt HTTP/1.1\r\nHost: s\r\n\r\n")));
  server.handle_bytes(kNow, 2, fw::as_bytes(std::string_view("GET /basic.txt HTTP/1.1\r\nHost: s\r\n\r\n")));
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "CN=000e08abcdef,OU=CP-6841-3PCC|CN=Manufacturer Root|CP-6841-3PCC", "none"}));
}

TEST_F(HttpServerTest, HookRepliesCanBeDelayedCutOrWithheld) {
  HttpReply next;
  HttpServer server(root_, {}, [&](const HttpRequestInfo&) -> std::optional<HttpReply> { return next; });
  next.body = fw::to_bytes("<flat");
  next.content_length = 15;
  next.delay = fw::seconds(2);
  next.fault = "truncate,latency";
  server.handle_accepted(kNow, 1, kPhone);
  server.handle_bytes(kNow, 1, fw::as_bytes(std::string_view("GET / HTTP/1.1\r\nHost: s\r\n\r\n")));
  auto sent = server.poll_action();
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->at, kNow + fw::seconds(2));
  EXPECT_EQ(fw::as_text(sent->bytes), "HTTP/1.1 200 OK\r\nContent-Length: 15\r\nConnection: close\r\n\r\n<flat");
  auto closed = server.poll_action();
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->kind, HttpServerAction::Kind::Close);
  auto record = server.poll_access_record();
  ASSERT_TRUE(record);
  EXPECT_EQ(record->started, kNow);
  EXPECT_EQ(record->time, kNow + fw::seconds(2));
  EXPECT_EQ(record->fault, "truncate,latency");

  next = HttpReply{};
  next.delivery = HttpReply::Delivery::Close;
  EXPECT_EQ(exchange(server, "GET / HTTP/1.1\r\nHost: s\r\n\r\n", 2), "<close>");
  next.delivery = HttpReply::Delivery::Stall;
  EXPECT_EQ(exchange(server, "GET / HTTP/1.1\r\nHost: s\r\n\r\n", 3), "");
  EXPECT_EQ(exchange(server, "GET / HTTP/1.1\r\nHost: s\r\n\r\n", 3), "");  // still stalled
  server.poll_access_record();
  EXPECT_EQ(server.poll_access_record()->status, 0u);
}

}  // namespace
}  // namespace srv
