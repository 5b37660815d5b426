#pragma once

// HttpServer: the provisioning side's HTTP/1.1 server as a sans-IO core over byte streams.
// Requests are parsed by Boost.Beast's http::request_parser fed with put(); replies are written
// by hand (fixed header order, so traces and pcaps are stable). TLS is a layer below: the host
// hands this core the plain bytes of each connection.
//
// The host (the simulator's network, or provserver on real sockets) reports
// handle_accepted / handle_bytes / handle_closed per connection, and carries out what
// poll_action() returns (send bytes on a connection, close it). Connection ids are the host's.
//
// What it serves: GET/HEAD from a virtual root (HttpRoot), PUT/POST into the root's sink;
// Basic or Digest (MD5, qop=auth) authentication against a user table; a per-request hook that
// may answer instead (redirects, forced statuses: fault injection); an access log with the
// User-Agent of every request.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "firmware-core/base/bytes.h"
#include "firmware-core/fetch/tls_session.h"
#include "firmware-core/runtime/network_address.h"
#include "firmware-core/runtime/time.h"

namespace srv {

using ConnectionId = std::uint32_t;

// What the server serves and where uploads go. Paths are the request target without its query.
class HttpRoot {
 public:
  virtual ~HttpRoot() = default;
  // The file at `path`, or nullptr (404).
  virtual std::shared_ptr<const fw::Bytes> read_file(std::string_view path) = 0;
  // Stores a PUT/POST body; false refuses it (403).
  virtual bool write_file(std::string_view path, fw::Bytes body) = 0;
};

enum class HttpAuthMode : std::uint8_t { None, Basic, Digest };

struct HttpHeader {
  std::string name;
  std::string value;
};

// A reply chosen by the hook instead of the root.
struct HttpReply {
  unsigned status = 200;
  std::vector<HttpHeader> headers;
  fw::Bytes body;

  // How it leaves the server (fault injection, servers/faults): Answer sends it; Close closes
  // the connection without a reply; Stall keeps the connection open and never answers.
  enum class Delivery : std::uint8_t { Answer, Close, Stall };
  Delivery delivery = Delivery::Answer;
  // The host holds the reply (or the Close) this long: added latency.
  fw::Duration delay{};
  // A Content-Length larger than the body: the reply is cut short and the connection closes
  // after it, as when a server dies mid-transfer. nullopt: the body's size.
  std::optional<std::uint64_t> content_length = std::nullopt;
  // The fault injected into this reply ("latency", "drop,truncate"...), for the access log.
  std::string fault = {};
};

// The reply for GET/HEAD of `path` from `root`: 200 with the file, or 404. The server's own
// answer, for hooks that change how a file leaves (fault injection).
HttpReply serve_file(HttpRoot& root, std::string_view path);

struct HttpRequestInfo {
  fw::Instant now;
  fw::Endpoint client;
  std::string_view method;
  std::string_view target;  // with the query
  std::string_view user_agent;
  std::string_view user;  // the authenticated user, empty without authentication
  // The client certificate of a TLS connection (subject, issuer, subject fields), or nullptr
  // for plain HTTP and for TLS clients that sent none. Handlers filter or answer by it (the
  // guide's "HTTPS-Clientfilterung").
  const fw::PeerCertificate* peer_certificate = nullptr;
  // The request body (PUT/POST; empty otherwise), valid during the hook call. Handlers that
  // answer POSTs themselves (the activation service) parse it.
  fw::ByteSpan body = {};
};
// Returns a reply to send instead of serving from the root, or nullopt to serve normally. Runs
// after authentication.
using HttpRequestHook = std::function<std::optional<HttpReply>(const HttpRequestInfo&)>;

struct HttpServerSettings {
  // http_server_header_bytes_max: request line and headers (431 past it).
  std::uint32_t header_bytes_max = 8 * 1024;
  // http_server_body_bytes_max: PUT/POST bodies (413 past it).
  std::uint64_t body_bytes_max = 4 * 1024 * 1024;
  HttpAuthMode auth = HttpAuthMode::None;
  std::string realm = "phonesim";
  std::map<std::string, std::string> users;  // user name -> password
  // Digest nonces are md5(nonce_secret:counter): unpredictable enough for a test server and the
  // same in every run. digest_nonces_max recent nonces are honoured.
  std::string nonce_secret = "phonesim";
  std::size_t digest_nonces_max = 1024;
  // Send bodies with Transfer-Encoding: chunked in pieces of this size (0 = Content-Length).
  std::size_t chunk_bytes = 0;
};

// Send `bytes` on `connection`, or close it (orderly, after what was sent), at `at`: a reply
// held back by HttpReply::delay has a later `at` than the request; the host waits until then
// and keeps the order of one connection's actions.
struct HttpServerAction {
  enum class Kind : std::uint8_t { Send, Close };
  Kind kind = Kind::Send;
  ConnectionId connection = 0;
  fw::Bytes bytes;  // Send only
  fw::Instant at;
};

// One access-log line.
struct HttpAccessRecord {
  fw::Instant started;  // the request's first byte arrived
  fw::Instant time;     // the reply left (or the connection was closed, or the server stalled)
  fw::Endpoint client;
  std::string method;
  std::string target;
  unsigned status = 0;
  std::uint64_t body_bytes = 0;  // reply body bytes
  std::string user_agent;
  std::string user;
  std::string fault;  // HttpReply::fault; status 0 = no reply (dropped or stalled)
};

class HttpServer {
 public:
  // `root` must outlive the server.
  HttpServer(HttpRoot& root, HttpServerSettings settings = {}, HttpRequestHook hook = {});
  ~HttpServer();

  // A client connected (after the TLS handshake, if any). `peer_certificate` is the client
  // certificate the TLS layer verified; the hook sees it with every request of the connection.
  void handle_accepted(fw::Instant now, ConnectionId connection, fw::Endpoint client,
                       std::optional<fw::PeerCertificate> peer_certificate = std::nullopt);
  // Bytes arrived on a connection, in pieces of any size.
  void handle_bytes(fw::Instant now, ConnectionId connection, fw::ByteSpan bytes);
  // The client closed or the connection broke; the core forgets it.
  void handle_closed(fw::Instant now, ConnectionId connection);

  // The next action, or nullopt. Call after each handle_* until nullopt.
  std::optional<HttpServerAction> poll_action();
  // The next access-log record, or nullopt.
  std::optional<HttpAccessRecord> poll_access_record();

  std::size_t open_connections() const { return connections_.size(); }

 private:
  struct Connection;

  void serve(fw::Instant now, ConnectionId id, Connection& connection);
  // Empty when the request carries valid credentials for settings_.auth; otherwise the
  // challenge reply. Sets `user` on success.
  std::optional<HttpReply> authenticate(std::string_view method, std::string_view authorization,
                                        std::string& user);
  HttpReply challenge();
  void respond(fw::Instant now, ConnectionId id, Connection& connection, HttpReply reply, bool head,
               bool close);

  HttpRoot& root_;
  HttpServerSettings settings_;
  HttpRequestHook hook_;
  std::map<ConnectionId, std::unique_ptr<Connection>> connections_;
  std::deque<std::string> nonces_;
  std::uint64_t nonce_counter_ = 0;
  std::deque<HttpServerAction> actions_;
  std::deque<HttpAccessRecord> access_log_;
};

// The reason phrase for a status ("Not Found"); "Unknown" for others.
std::string_view http_reason(unsigned status);

}  // namespace srv
