#pragma once

// HttpClient: one HTTP/1.1 exchange as the phone does it (GET a profile or firmware, PUT/POST a
// report), as a sans-IO state machine over a byte stream. The reply is parsed by Boost.Beast's
// http::response_parser fed with put(); no Asio I/O object is involved. TLS is not this
// class's business: for https the driver wraps the stream it connects (HttpConnect::tls).
//
//   HttpClient client(now, request, settings);
//   loop: while (auto a = client.poll_action()) carry out HttpConnect / HttpSend / HttpClose;
//         report handle_connected / handle_bytes / handle_closed / handle_failed;
//         arm a timer for next_deadline(), call handle_deadline(now) on it;
//         when finished(), take_result() once.
//
// Behaviour (reference/decisions.md "HTTP outcomes"): 200 is success (any 2xx for PUT/POST);
// 404 is FileNotFound; 301/302/303/307/308 are followed, at most redirects_max times (303 turns
// the method into GET); 401/407 are answered with the request's --uid/--pwd, Digest (MD5, qop
// auth) when the server offers it, else Basic, at most auth_retries_max times; every other
// status is HttpGetFailed. Each attempt uses its own connection ("Connection: close").

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "firmware-core/base/bytes.h"
#include "firmware-core/base/result.h"
#include "firmware-core/rules/provisioning_url.h"
#include "firmware-core/runtime/platform.h"
#include "firmware-core/runtime/time.h"

namespace fw {

enum class HttpMethod : std::uint8_t { Get, Put, Post };
std::string_view to_string(HttpMethod method);

struct HttpCredentials {
  std::string user;      // --uid
  std::string password;  // --pwd (never put in an error detail or trace)
};

struct HttpRequest {
  HttpMethod method = HttpMethod::Get;
  ProvisioningUrl url;     // scheme http or https, with host, port and path (including any query)
  std::string user_agent;  // see http_user_agent()
  std::optional<HttpCredentials> credentials;  // from the rule's --uid/--pwd
  Bytes body;                                  // PUT/POST only
  std::string content_type = "application/xml";
  // Client nonce material for Digest (hex text): the driver fills it from the Platform's
  // entropy so that simulated runs replay. Digest with qop needs it non-empty.
  std::string client_nonce;
  // Set: every final reply (after redirects and authentication) completes the exchange as an
  // HttpResponse, whatever its status, because the status is the answer (activation requests:
  // 403 refused, 429 rate-limited). Unset: only success statuses do (see the header comment).
  bool any_status_is_reply = false;
};

struct HttpClientSettings {
  // http_header_bytes_max: status line and headers of one reply.
  std::uint32_t header_bytes_max = 16 * 1024;
  // http_body_bytes_max: the body of one reply (the caller passes its profile or firmware limit).
  std::uint64_t body_bytes_max = 1024 * 1024;
  // http_redirects_max: redirects followed before TooManyRedirects (decisions.md: 5).
  std::uint32_t redirects_max = 5;
  // http_auth_retries_max: requests repeated with credentials after a 401/407 (decisions.md: 2).
  std::uint32_t auth_retries_max = 2;
  // Each attempt, from connect to the last byte of the reply, must finish within this span.
  Duration reply_timeout = seconds(30);
};

// Open a stream to host:port (the driver resolves the name), through TLS when `tls`.
struct HttpConnect {
  std::string host;
  std::uint16_t port = 80;
  bool tls = false;
};
// Queue bytes on the connected stream.
struct HttpSend {
  Bytes bytes;
};
// Close the stream (orderly); no more events for it are expected.
struct HttpClose {};
using HttpAction = std::variant<HttpConnect, HttpSend, HttpClose>;

struct HttpResponse {
  unsigned status = 0;
  Bytes body;
  ProvisioningUrl url;  // where the body came from, after redirects
  std::uint32_t redirects = 0;
};

// The User-Agent the phone sends (decisions.md): `Cisco-<PN>/<SWVER> (<MA>)`, or
// HTTP_User_Agent_Name when that is not empty.
std::string http_user_agent(std::string_view model, std::string_view firmware_version,
                            std::string_view mac_lower_hex, std::string_view override_name);

class HttpClient {
 public:
  // Starts the exchange; the first HttpConnect is ready to poll at once.
  HttpClient(Instant now, HttpRequest request, HttpClientSettings settings = {});
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;

  // The stream asked for by the last HttpConnect is connected: the request is sent.
  void handle_connected(Instant now);
  // Reply bytes arrived, in order, in pieces of any size.
  void handle_bytes(Instant now, ByteSpan bytes);
  // The server closed its side (end of data): completes a reply delimited by the close.
  void handle_closed(Instant now);
  // The connect failed (ConnectFailed) or the connection broke (ConnectionReset).
  void handle_failed(Instant now, StreamFailure failure);

  // The next action, or nullopt. Call after each handle_* until nullopt.
  std::optional<HttpAction> poll_action();
  // When the current attempt times out; Instant::never() once finished.
  Instant next_deadline() const;
  // Call when next_deadline() has been reached: fails with HttpTimeout.
  void handle_deadline(Instant now);

  bool finished() const { return result_.has_value(); }
  // The outcome, once, after finished(). Errors: FileNotFound (404), HttpGetFailed (other
  // statuses), TooManyRedirects, AuthenticationFailed, HttpProtocolError (malformed reply, bad
  // redirect, header or body limit), HttpTimeout, ConnectFailed, ConnectionReset.
  Result<HttpResponse> take_result();

 private:
  struct Parser;  // Beast's parser (http_client.cpp), kept out of this header

  void reset_parser();
  void start_attempt(Instant now);
  void on_reply(Instant now);
  bool follow_redirect(Instant now, std::string_view location);
  bool answer_challenge(Instant now, unsigned status);
  void finish(Result<HttpResponse> result);
  std::string request_head() const;

  HttpRequest request_;
  HttpClientSettings settings_;
  std::unique_ptr<Parser> parser_;
  Bytes unparsed_;              // bytes Beast has not consumed yet (put() does not buffer)
  std::size_t head_bytes_ = 0;  // status line and headers of the reply so far
  bool connected_ = false;
  std::uint32_t redirects_ = 0;
  std::uint32_t auth_retries_ = 0;
  std::uint32_t digest_count_ = 0;  // nc of the Digest response
  std::string authorization_;       // the Authorization header value for the next attempt
  bool proxy_authorization_ = false;
  Instant deadline_ = Instant::never();
  std::deque<HttpAction> actions_;
  std::optional<Result<HttpResponse>> result_;
};

}  // namespace fw
