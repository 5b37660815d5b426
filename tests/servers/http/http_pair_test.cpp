// Pair tests: the phone's HttpClient (firmware-core/fetch) and the HttpServer joined in memory,
// with byte-grind (every reply and every request split at every offset) and fail-count (the
// connection breaks after N reply bytes, for every N).

#include <optional>
#include <string>
#include <variant>

#include <gtest/gtest.h>

#include "firmware-core/fetch/http_client.h"
#include "servers/http/http_server.h"
#include "tests/servers/http/memory_http_root.h"

namespace srv {
namespace {

using fw::HttpClient;

const fw::Endpoint kPhone{*fw::Ipv4Address::parse("10.0.0.2"), 40000};
const fw::Instant kNow = fw::Instant::from_seconds(7);
constexpr std::string_view kProfile =
    "<flat-profile>\n  <GPP_A> 12345678\n</GPP_A>\n</flat-profile>\n";

struct Network {
  // Split every reply chunk the server sends after this many bytes (two handle_bytes calls).
  std::optional<std::size_t> split_reply_at;
  // Split every request the client sends after this many bytes.
  std::optional<std::size_t> split_request_at;
  // Break the connection (StreamFailure::Reset) after this many reply bytes in all.
  std::optional<std::size_t> reset_after_reply_bytes;
};

// Runs the client against the server until it finishes. Returns its result.
fw::Result<fw::HttpResponse> run_pair(HttpClient& client, HttpServer& server,
                                      Network network = {}) {
  ConnectionId connection = 0;
  bool open = false;
  std::size_t reply_bytes = 0;
  // Carries out the client's actions at once, as a driver does: after the client's HttpClose
  // nothing more of that connection reaches it.
  auto pump_client = [&] {
    while (auto action = client.poll_action()) {
      if (std::holds_alternative<fw::HttpConnect>(*action)) {
        server.handle_accepted(kNow, ++connection, kPhone);
        open = true;
        client.handle_connected(kNow);
      } else if (const auto* send = std::get_if<fw::HttpSend>(&*action)) {
        fw::ByteSpan bytes = send->bytes;
        if (network.split_request_at && *network.split_request_at < bytes.size()) {
          server.handle_bytes(kNow, connection, bytes.first(*network.split_request_at));
          server.handle_bytes(kNow, connection, bytes.subspan(*network.split_request_at));
        } else {
          server.handle_bytes(kNow, connection, bytes);
        }
      } else if (open) {
        server.handle_closed(kNow, connection);
        open = false;
      }
    }
  };
  auto to_client = [&](fw::ByteSpan bytes) {
    if (network.reset_after_reply_bytes) {
      std::size_t room = *network.reset_after_reply_bytes - reply_bytes;
      if (bytes.size() > room) {
        client.handle_bytes(kNow, bytes.first(room));
        reply_bytes += room;
        if (!client.finished()) {
          client.handle_failed(kNow, fw::StreamFailure::Reset);
        }
        server.handle_closed(kNow, connection);
        open = false;
        return;
      }
    }
    reply_bytes += bytes.size();
    if (network.split_reply_at && *network.split_reply_at < bytes.size()) {
      client.handle_bytes(kNow, bytes.first(*network.split_reply_at));
      client.handle_bytes(kNow, bytes.subspan(*network.split_reply_at));
    } else {
      client.handle_bytes(kNow, bytes);
    }
  };
  for (int round = 0; round < 100 && !client.finished(); ++round) {
    pump_client();
    while (auto action = server.poll_action()) {
      if (!open || action->connection != connection) {
        continue;
      }
      if (action->kind == HttpServerAction::Kind::Send) {
        to_client(action->bytes);
      } else {
        client.handle_closed(kNow);
        open = false;
      }
      pump_client();
    }
  }
  EXPECT_TRUE(client.finished());
  return client.finished() ? client.take_result() : fw::fail(fw::ErrorCode::HttpTimeout, "stuck");
}

fw::HttpRequest get(std::string_view url) {
  fw::HttpRequest request;
  request.url = *fw::parse_provisioning_url(url);
  request.user_agent = fw::http_user_agent("CP-8841-3PCC", "11.3.7", "000e08abcdef", "");
  request.client_nonce = "0123abcd";
  return request;
}

class HttpPairTest : public ::testing::Test {
 protected:
  HttpPairTest() { root_.add("/basic.txt", kProfile); }
  test::MemoryHttpRoot root_;
};

TEST_F(HttpPairTest, GetsAProfileAndTheServerLogsTheUserAgent) {
  HttpServer server(root_);
  HttpClient client(kNow, get("http://192.168.1.200/basic.txt"));
  auto response = run_pair(client, server);
  ASSERT_TRUE(response) << response.error().to_string();
  EXPECT_EQ(fw::as_text(response->body), kProfile);
  auto record = server.poll_access_record();
  ASSERT_TRUE(record);
  EXPECT_EQ(record->user_agent, "Cisco-CP-8841-3PCC/11.3.7 (000e08abcdef)");
  EXPECT_EQ(record->target, "/basic.txt");
}

TEST_F(HttpPairTest, ByteGrindEveryReplyAndRequestSplit) {
  for (std::size_t chunk : {std::size_t{0}, std::size_t{7}}) {
    HttpServerSettings settings;
    settings.chunk_bytes = chunk;  // Content-Length, then chunked in 7-byte chunks
    for (std::size_t split = 0; split < 200; ++split) {
      SCOPED_TRACE("chunk " + std::to_string(chunk) + " split " + std::to_string(split));
      HttpServer server(root_, settings);
      HttpClient reply_split(kNow, get("http://s/basic.txt"));
      auto by_reply = run_pair(reply_split, server, {split, std::nullopt, std::nullopt});
      ASSERT_TRUE(by_reply) << by_reply.error().to_string();
      EXPECT_EQ(fw::as_text(by_reply->body), kProfile);
      HttpClient request_split(kNow, get("http://s/basic.txt"));
      auto by_request = run_pair(request_split, server, {std::nullopt, split, std::nullopt});
      ASSERT_TRUE(by_request) << by_request.error().to_string();
      EXPECT_EQ(fw::as_text(by_request->body), kProfile);
    }
  }
}

TEST_F(HttpPairTest, FailCountConnectionBreaksAfterEveryReplyByte) {
  for (std::size_t chunk : {std::size_t{0}, std::size_t{7}}) {
    HttpServerSettings settings;
    settings.chunk_bytes = chunk;
    // The size of the whole reply, head and body.
    std::size_t reply_size = 0;
    {
      HttpServer server(root_, settings);
      server.handle_accepted(kNow, 1, kPhone);
      server.handle_bytes(kNow, 1,
                          fw::as_bytes("GET /basic.txt HTTP/1.1\r\nConnection: close\r\n\r\n"));
      reply_size = server.poll_action()->bytes.size();
    }
    for (std::size_t cut = 0; cut <= reply_size; ++cut) {
      SCOPED_TRACE("chunk " + std::to_string(chunk) + " reset after " + std::to_string(cut));
      HttpServer server(root_, settings);
      HttpClient client(kNow, get("http://s/basic.txt"));
      auto response = run_pair(client, server, {std::nullopt, std::nullopt, cut});
      if (cut == reply_size) {
        ASSERT_TRUE(response) << response.error().to_string();
        EXPECT_EQ(fw::as_text(response->body), kProfile);
      } else {
        ASSERT_FALSE(response);
        EXPECT_EQ(response.error().code, fw::ErrorCode::ConnectionReset);
      }
    }
  }
}

TEST_F(HttpPairTest, MissingFileIsFileNotFound) {
  HttpServer server(root_);
  HttpClient client(kNow, get("http://s/nope.cfg"));
  EXPECT_EQ(run_pair(client, server).error().code, fw::ErrorCode::FileNotFound);
}

TEST_F(HttpPairTest, BasicAndDigestWithTheRuleCredentials) {
  for (HttpAuthMode mode : {HttpAuthMode::Basic, HttpAuthMode::Digest}) {
    HttpServerSettings settings;
    settings.auth = mode;
    settings.users = {{"phone", "s3cret"}};
    HttpServer server(root_, settings);
    fw::HttpRequest request = get("http://s/basic.txt");
    request.credentials = fw::HttpCredentials{"phone", "s3cret"};
    HttpClient client(kNow, request);
    auto response = run_pair(client, server);
    ASSERT_TRUE(response) << response.error().to_string();
    EXPECT_EQ(server.poll_access_record()->status, 401u);
    auto granted = server.poll_access_record();
    EXPECT_EQ(granted->status, 200u);
    EXPECT_EQ(granted->user, "phone");

    request.credentials = fw::HttpCredentials{"phone", "guess"};
    HttpClient wrong(kNow, request);
    auto refused = run_pair(wrong, server);
    EXPECT_EQ(refused.error().code, fw::ErrorCode::AuthenticationFailed);
    int challenges = 0;
    while (auto record = server.poll_access_record()) {
      challenges += record->status == 401 ? 1 : 0;
    }
    EXPECT_EQ(challenges, 3);  // the first request and the 2 retries allowed
  }
}

TEST_F(HttpPairTest, RedirectsAreFollowedUpToFive) {
  HttpServer server(root_, {}, [](const HttpRequestInfo& info) -> std::optional<HttpReply> {
    // /hop/N redirects to /hop/N-1; /hop/0 to the profile.
    if (info.target.starts_with("/hop/")) {
      int hop = info.target.back() - '0';
      std::string next = hop == 0 ? "/basic.txt" : "/hop/" + std::to_string(hop - 1);
      return HttpReply{302, {{"Location", next}}, {}};
    }
    return std::nullopt;
  });
  HttpClient five(kNow, get("http://s/hop/4"));
  auto followed = run_pair(five, server);
  ASSERT_TRUE(followed) << followed.error().to_string();
  EXPECT_EQ(followed->redirects, 5u);
  HttpClient six(kNow, get("http://s/hop/5"));
  EXPECT_EQ(run_pair(six, server).error().code, fw::ErrorCode::TooManyRedirects);
}

TEST_F(HttpPairTest, ForcedStatusesFailWithHttpGetFailed) {
  HttpServer server(root_, {}, [](const HttpRequestInfo&) -> std::optional<HttpReply> {
    return HttpReply{503, {{"Retry-After", "120"}}, {}};
  });
  HttpClient client(kNow, get("http://s/basic.txt"));
  auto result = run_pair(client, server);
  EXPECT_EQ(result.error().code, fw::ErrorCode::HttpGetFailed);
  EXPECT_EQ(result.error().detail, "http: GET http://s:80/basic.txt: status 503");
}

TEST_F(HttpPairTest, ReportIsPutIntoTheSink) {
  HttpServer server(root_);
  fw::HttpRequest request = get("http://s/report/000e08abcdef.xml");
  request.method = fw::HttpMethod::Put;
  request.body = fw::to_bytes(kProfile);
  HttpClient client(kNow, request);
  auto response = run_pair(client, server);
  ASSERT_TRUE(response) << response.error().to_string();
  EXPECT_EQ(response->status, 204u);
  EXPECT_EQ(fw::as_text(root_.written["/report/000e08abcdef.xml"]), kProfile);
}

}  // namespace
}  // namespace srv
