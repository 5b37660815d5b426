#include "firmware-core/fetch/http_client.h"

#include <string>
#include <variant>

#include <gtest/gtest.h>

namespace fw {
namespace {

const Instant kStart = Instant::from_seconds(1000);

ProvisioningUrl url(std::string_view text) {
  auto parsed = parse_provisioning_url(text);
  EXPECT_TRUE(parsed) << parsed.error().to_string();
  return parsed ? *parsed : ProvisioningUrl{};
}

HttpRequest get(std::string_view text) {
  HttpRequest request;
  request.url = url(text);
  request.user_agent = "Cisco-CP-8841-3PCC/11.3.7 (000e08abcdef)";
  request.client_nonce = "0a4f113b";
  return request;
}

HttpConnect expect_connect(HttpClient& client) {
  auto action = client.poll_action();
  EXPECT_TRUE(action && std::holds_alternative<HttpConnect>(*action));
  return action && std::holds_alternative<HttpConnect>(*action) ? std::get<HttpConnect>(*action)
                                                                : HttpConnect{};
}

// Connects and returns the request bytes sent, as text.
std::string connect_and_send(HttpClient& client) {
  client.handle_connected(kStart);
  auto action = client.poll_action();
  EXPECT_TRUE(action && std::holds_alternative<HttpSend>(*action));
  if (!action || !std::holds_alternative<HttpSend>(*action)) {
    return {};
  }
  return std::string(as_text(std::get<HttpSend>(*action).bytes));
}

void reply(HttpClient& client, std::string_view text) {
  client.handle_bytes(kStart, as_bytes(text));
}

void expect_close(HttpClient& client) {
  auto action = client.poll_action();
  EXPECT_TRUE(action && std::holds_alternative<HttpClose>(*action));
}

constexpr std::string_view kOk = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
constexpr std::string_view kChunked =
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    "3\r\nhel\r\n2;ext=1\r\nlo\r\n0\r\nTrailer: x\r\n\r\n";

TEST(HttpClientTest, GetSendsHostUserAgentAndConnectionClose) {
  HttpClient client(kStart, get("http://prov.example.com/cisco/cfg.xml?mac=1"));
  HttpConnect connect = expect_connect(client);
  EXPECT_EQ(connect.host, "prov.example.com");
  EXPECT_EQ(connect.port, 80);
  EXPECT_FALSE(connect.tls);
  EXPECT_EQ(connect_and_send(client),
            "GET /cisco/cfg.xml?mac=1 HTTP/1.1\r\nHost: prov.example.com\r\n"
            "User-Agent: Cisco-CP-8841-3PCC/11.3.7 (000e08abcdef)\r\nConnection: close\r\n\r\n");
  reply(client, kOk);
  expect_close(client);
  ASSERT_TRUE(client.finished());
  auto response = client.take_result();
  ASSERT_TRUE(response) << response.error().to_string();
  EXPECT_EQ(response->status, 200u);
  EXPECT_EQ(as_text(response->body), "hello");
}

TEST(HttpClientTest, HostCarriesANonDefaultPortAndHttpsAsksForTls) {
  HttpClient client(kStart, get("https://10.0.0.1:8443/p"));
  HttpConnect connect = expect_connect(client);
  EXPECT_TRUE(connect.tls);
  EXPECT_EQ(connect.port, 8443);
  EXPECT_NE(connect_and_send(client).find("Host: 10.0.0.1:8443\r\n"), std::string::npos);
}

TEST(HttpClientTest, PutSendsTheBodyAndAcceptsAny2xx) {
  HttpRequest request = get("http://s/report.xml");
  request.method = HttpMethod::Put;
  request.body = to_bytes("<flat-profile/>");
  HttpClient client(kStart, request);
  expect_connect(client);
  std::string sent = connect_and_send(client);
  EXPECT_TRUE(sent.starts_with("PUT /report.xml HTTP/1.1\r\n"));
  EXPECT_NE(sent.find("Content-Type: application/xml\r\nContent-Length: 15\r\n"),
            std::string::npos);
  EXPECT_TRUE(sent.ends_with("\r\n\r\n<flat-profile/>"));
  reply(client, "HTTP/1.1 204 No Content\r\n\r\n");
  EXPECT_EQ(client.take_result()->status, 204u);
}

TEST(HttpClientTest, PostSendsAnEncryptedReportAndARefusalFails) {
  HttpRequest request = get("http://s/report.cfg");
  request.method = HttpMethod::Post;
  request.body = Bytes{0x53, 0x61, 0x00, 0xff};
  request.content_type = "application/octet-stream";
  HttpClient client(kStart, request);
  expect_connect(client);
  std::string sent = connect_and_send(client);
  EXPECT_TRUE(sent.starts_with("POST /report.cfg HTTP/1.1\r\n"));
  EXPECT_NE(sent.find("Content-Type: application/octet-stream\r\nContent-Length: 4\r\n"),
            std::string::npos);
  EXPECT_TRUE(sent.ends_with(std::string("\r\n\r\nSa\0\xff", 8)));
  reply(client, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(client.take_result().error().code, ErrorCode::HttpGetFailed);
}

TEST(HttpClientTest, AnyStatusIsAReplyWhenTheStatusIsTheAnswer) {
  for (unsigned status : {403u, 429u, 404u, 500u}) {
    HttpRequest request = get("http://s/activate");
    request.method = HttpMethod::Post;
    request.body = to_bytes("<activation-request/>");
    request.any_status_is_reply = true;
    HttpClient client(kStart, request);
    expect_connect(client);
    connect_and_send(client);
    reply(client, "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: 4\r\n\r\nbody");
    auto result = client.take_result();
    ASSERT_TRUE(result) << status;
    EXPECT_EQ(result->status, status);
    EXPECT_EQ(as_text(result->body), "body");
  }
  // Redirects and challenges keep their meaning.
  HttpRequest request = get("http://s/activate");
  request.any_status_is_reply = true;
  HttpClient client(kStart, request);
  expect_connect(client);
  connect_and_send(client);
  reply(client, "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"x\"\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(client.take_result().error().code, ErrorCode::AuthenticationFailed);
}

Result<HttpResponse> run_reply(std::string_view text, HttpClientSettings settings = {},
                               bool close_after = false) {
  HttpClient client(kStart, get("http://s/f"), settings);
  expect_connect(client);
  connect_and_send(client);
  reply(client, text);
  if (close_after) {
    client.handle_closed(kStart);
  }
  EXPECT_TRUE(client.finished());
  return client.finished() ? client.take_result() : fail(ErrorCode::HttpTimeout, "unfinished");
}

TEST(HttpClientTest, ReadsChunkedAndCloseDelimitedBodies) {
  EXPECT_EQ(as_text(run_reply(kChunked)->body), "hello");
  auto closed = run_reply("HTTP/1.0 200 OK\r\n\r\nuntil close", {}, true);
  ASSERT_TRUE(closed) << closed.error().to_string();
  EXPECT_EQ(as_text(closed->body), "until close");
}

TEST(HttpClientTest, ByteGrindSplitsTheReplyAtEveryOffset) {
  const std::string interim = "HTTP/1.1 100 Continue\r\n\r\n" + std::string(kOk);
  for (std::string_view text : {kOk, kChunked, std::string_view(interim)}) {
    for (std::size_t split = 0; split <= text.size(); ++split) {
      HttpClient client(kStart, get("http://s/f"));
      expect_connect(client);
      connect_and_send(client);
      reply(client, text.substr(0, split));
      EXPECT_EQ(client.finished(), split == text.size() && split > 0) << split;
      reply(client, text.substr(split));
      ASSERT_TRUE(client.finished()) << split;
      auto response = client.take_result();
      ASSERT_TRUE(response) << split << ": " << response.error().to_string();
      EXPECT_EQ(as_text(response->body), "hello");
    }
    // And one byte at a time.
    HttpClient client(kStart, get("http://s/f"));
    expect_connect(client);
    connect_and_send(client);
    for (char c : text) {
      reply(client, std::string_view(&c, 1));
    }
    EXPECT_EQ(as_text(client.take_result()->body), "hello");
  }
}

TEST(HttpClientTest, InterimReplyIsSkipped) {
  auto response = run_reply(std::string("HTTP/1.1 100 Continue\r\n\r\n") + std::string(kOk));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200u);
}

TEST(HttpClientTest, StatusesMapToTheErrorTable) {
  EXPECT_EQ(run_reply("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n").error().code,
            ErrorCode::FileNotFound);
  auto server_error = run_reply("HTTP/1.1 503 Unavailable\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(server_error.error().code, ErrorCode::HttpGetFailed);
  EXPECT_EQ(server_error.error().detail, "http: GET http://s:80/f: status 503");
  EXPECT_EQ(run_reply("HTTP/1.1 204 No Content\r\n\r\n").error().code, ErrorCode::HttpGetFailed);
  EXPECT_EQ(run_reply("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n").error().code,
            ErrorCode::HttpGetFailed);
  EXPECT_EQ(run_reply("HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n").error().code,
            ErrorCode::HttpProtocolError);  // no Location
  EXPECT_EQ(run_reply("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n").error().code,
            ErrorCode::HttpProtocolError);
  EXPECT_EQ(run_reply("SIP/2.0 200 OK\r\n\r\n").error().code, ErrorCode::HttpProtocolError);
}

TEST(HttpClientTest, HeaderAndBodyLimitsAtAndPastTheLimit) {
  HttpClientSettings settings;
  settings.body_bytes_max = 5;
  EXPECT_TRUE(run_reply(kOk, settings));
  EXPECT_TRUE(run_reply(kChunked, settings));
  settings.body_bytes_max = 4;
  auto over = run_reply(kOk, settings);
  EXPECT_EQ(over.error().code, ErrorCode::HttpProtocolError);
  EXPECT_EQ(over.error().detail, "http: http://s:80/f: reply body exceeds 4 bytes");
  EXPECT_EQ(run_reply(kChunked, settings).error().code, ErrorCode::HttpProtocolError);

  settings = {};
  settings.header_bytes_max = static_cast<std::uint32_t>(kOk.size() - 5);  // the head exactly
  EXPECT_TRUE(run_reply(kOk, settings));
  settings.header_bytes_max -= 1;
  auto long_head = run_reply(kOk, settings);
  EXPECT_EQ(long_head.error().detail, "http: http://s:80/f: reply headers exceed 37 bytes");
}

TEST(HttpClientTest, FollowsRelativeAndAbsoluteRedirects) {
  HttpClient client(kStart, get("http://s/a"));
  expect_connect(client);
  connect_and_send(client);
  reply(client, "HTTP/1.1 301 Moved\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n");
  expect_close(client);
  EXPECT_EQ(expect_connect(client).host, "s");
  EXPECT_TRUE(connect_and_send(client).starts_with("GET /b HTTP/1.1"));
  reply(client, "HTTP/1.1 307 Temp\r\nLocation: https://other:8443/c\r\nContent-Length: 0\r\n\r\n");
  expect_close(client);
  HttpConnect next = expect_connect(client);
  EXPECT_EQ(next.host, "other");
  EXPECT_EQ(next.port, 8443);
  EXPECT_TRUE(next.tls);
  connect_and_send(client);
  reply(client, kOk);
  auto response = client.take_result();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->redirects, 2u);
  EXPECT_EQ(response->url.to_string(), "https://other:8443/c");
}

TEST(HttpClientTest, SeeOtherTurnsPostIntoGet) {
  HttpRequest request = get("http://s/report");
  request.method = HttpMethod::Post;
  request.body = to_bytes("x=1");
  HttpClient client(kStart, request);
  expect_connect(client);
  connect_and_send(client);
  reply(client, "HTTP/1.1 303 See Other\r\nLocation: /done\r\nContent-Length: 0\r\n\r\n");
  expect_close(client);
  expect_connect(client);
  EXPECT_EQ(connect_and_send(client).find("Content-Length"), std::string::npos);
}

TEST(HttpClientTest, TheFirstOfTwoLocationsIsFollowed) {
  HttpClient client(kStart, get("http://s/f"));
  expect_connect(client);
  connect_and_send(client);
  reply(client, "HTTP/1.1 302 Found\r\nLocation: /first\r\nLocation: /second\r\nContent-Length: 0\r\n\r\n");
  expect_close(client);
  expect_connect(client);
  EXPECT_TRUE(connect_and_send(client).starts_with("GET /first HTTP/1.1\r\n"));
}

TEST(HttpClientTest, FiveRedirectsAreFollowedTheSixthFails) {
  HttpClient client(kStart, get("http://s/0"));
  for (int hop = 1; hop <= 6; ++hop) {
    expect_connect(client);
    connect_and_send(client);
    reply(client, "HTTP/1.1 302 Found\r\nLocation: /" + std::to_string(hop) +
                      "\r\nContent-Length: 0\r\n\r\n");
    expect_close(client);
    EXPECT_EQ(client.finished(), hop == 6);
  }
  auto result = client.take_result();
  EXPECT_EQ(result.error().code, ErrorCode::TooManyRedirects);
  EXPECT_EQ(result.error().detail, "http: http://s:80/5: more than 5 redirects");
}

TEST(HttpClientTest, UnusableLocationIsAProtocolError) {
  EXPECT_EQ(run_reply("HTTP/1.1 302 Found\r\nLocation: ftp://x/y\r\nContent-Length: 0\r\n\r\n")
                .error()
                .code,
            ErrorCode::HttpProtocolError);
  EXPECT_EQ(
      run_reply("HTTP/1.1 302 Found\r\nLocation: x/y\r\nContent-Length: 0\r\n\r\n").error().code,
      ErrorCode::HttpProtocolError);
}

constexpr std::string_view kBasicChallenge =
    "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"prov\"\r\nContent-Length: "
    "0\r\n\r\n";

TEST(HttpClientTest, AnswersBasicWithTheRuleCredentials) {
  HttpRequest request = get("http://s/f");
  request.credentials = HttpCredentials{"Aladdin", "open sesame"};
  HttpClient client(kStart, request);
  expect_connect(client);
  EXPECT_EQ(connect_and_send(client).find("Authorization"), std::string::npos);
  reply(client, kBasicChallenge);
  expect_close(client);
  expect_connect(client);
  EXPECT_NE(
      connect_and_send(client).find("\r\nAuthorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n"),
      std::string::npos);
  reply(client, kOk);
  EXPECT_TRUE(client.take_result());
}

TEST(HttpClientTest, PrefersDigestAndCountsNonces) {
  HttpRequest request = get("http://s/dir/index.html");
  request.credentials = HttpCredentials{"Mufasa", "Circle Of Life"};
  HttpClient client(kStart, request);
  expect_connect(client);
  connect_and_send(client);
  reply(client,
        "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"x\"\r\n"
        "WWW-Authenticate: Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
        "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
        "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"\r\n"
        "Content-Length: 0\r\n\r\n");
  expect_close(client);
  expect_connect(client);
  std::string sent = connect_and_send(client);
  EXPECT_NE(sent.find("response=\"6629fae49393a05397450978507c4ef1\""), std::string::npos) << sent;
  EXPECT_NE(sent.find("nc=00000001"), std::string::npos);
}

TEST(HttpClientTest, AuthenticationFailsWithoutCredentialsOrAfterTwoRetries) {
  auto without = run_reply(kBasicChallenge);
  EXPECT_EQ(without.error().code, ErrorCode::AuthenticationFailed);
  EXPECT_EQ(without.error().detail,
            "http: http://s:80/f: status 401, and the rule has no --uid/--pwd");

  HttpRequest request = get("http://s/f");
  request.credentials = HttpCredentials{"u", "wrong"};
  HttpClient client(kStart, request);
  for (int attempt = 0; attempt < 3; ++attempt) {
    expect_connect(client);
    connect_and_send(client);
    reply(client, kBasicChallenge);
    expect_close(client);
    EXPECT_EQ(client.finished(), attempt == 2);
  }
  auto result = client.take_result();
  EXPECT_EQ(result.error().code, ErrorCode::AuthenticationFailed);
  EXPECT_EQ(result.error().detail,
            "http: http://s:80/f: status 401 after 2 retries with credentials");
  EXPECT_EQ(result.error().detail.find("wrong"), std::string::npos);

  EXPECT_EQ(run_reply("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Negotiate\r\n"
                      "Content-Length: 0\r\n\r\n")
                .error()
                .code,
            ErrorCode::AuthenticationFailed);
}

TEST(HttpClientTest, ProxyChallengeIsAnsweredWithProxyAuthorization) {
  HttpRequest request = get("http://s/f");
  request.credentials = HttpCredentials{"u", "p"};
  HttpClient client(kStart, request);
  expect_connect(client);
  connect_and_send(client);
  reply(client,
        "HTTP/1.1 407 Proxy\r\nProxy-Authenticate: Basic realm=\"p\"\r\nContent-Length: 0\r\n\r\n");
  expect_close(client);
  expect_connect(client);
  EXPECT_NE(connect_and_send(client).find("\r\nProxy-Authorization: Basic dTpw\r\n"),
            std::string::npos);
}

TEST(HttpClientTest, ConnectionFailuresAndEarlyClose) {
  HttpClient refused(kStart, get("http://s/f"));
  expect_connect(refused);
  refused.handle_failed(kStart, StreamFailure::Refused);
  EXPECT_EQ(refused.take_result().error().code, ErrorCode::ConnectFailed);

  HttpClient reset(kStart, get("http://s/f"));
  expect_connect(reset);
  connect_and_send(reset);
  reset.handle_failed(kStart, StreamFailure::Reset);
  EXPECT_EQ(reset.take_result().error().code, ErrorCode::ConnectionReset);

  HttpClient truncated(kStart, get("http://s/f"));
  expect_connect(truncated);
  connect_and_send(truncated);
  reply(truncated, kOk.substr(0, kOk.size() - 1));
  truncated.handle_closed(kStart);
  auto result = truncated.take_result();
  EXPECT_EQ(result.error().code, ErrorCode::ConnectionReset);
}

TEST(HttpClientTest, TimesOutPerAttempt) {
  HttpClientSettings settings;
  settings.reply_timeout = seconds(10);
  HttpClient client(kStart, get("http://s/f"), settings);
  expect_connect(client);
  EXPECT_EQ(client.next_deadline(), kStart + seconds(10));
  connect_and_send(client);
  reply(client, "HTTP/1.1 200 OK\r\n");
  client.handle_deadline(kStart + seconds(10) - milliseconds(1));
  EXPECT_FALSE(client.finished());
  client.handle_deadline(kStart + seconds(10));
  expect_close(client);
  auto result = client.take_result();
  EXPECT_EQ(result.error().code, ErrorCode::HttpTimeout);
  EXPECT_EQ(result.error().detail, "http: http://s:80/f: no complete reply within 10 s");
  EXPECT_EQ(client.next_deadline(), Instant::never());
}

TEST(HttpClientTest, UserAgentPerDecisions) {
  EXPECT_EQ(http_user_agent("CP-8841-3PCC", "11.3.7", "000e08abcdef", ""),
            "Cisco-CP-8841-3PCC/11.3.7 (000e08abcdef)");
  EXPECT_EQ(http_user_agent("CP-8841-3PCC", "11.3.7", "000e08abcdef", "MyPhone/1"), "MyPhone/1");
}

}  // namespace
}  // namespace fw
