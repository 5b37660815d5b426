#include "servers/http/http_server.h"

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/vector_body.hpp>

#include <algorithm>
#include <charconv>

#include "firmware-core/base/ascii.h"
#include "firmware-core/fetch/http_auth.h"

namespace srv {

namespace http = boost::beast::http;

struct HttpServer::Connection {
  fw::Endpoint client;
  std::optional<fw::PeerCertificate> peer_certificate;
  std::optional<http::request_parser<http::vector_body<std::uint8_t>>> parser;
  fw::Bytes unparsed;
  std::size_t head_bytes = 0;
  fw::Instant request_started;
  bool closing = false;  // a reply with Connection: close went out; ignore further bytes
};

namespace {

std::string_view view(boost::beast::string_view text) {
  return {text.data(), text.size()};
}

HttpReply plain_reply(unsigned status) {
  HttpReply reply;
  reply.status = status;
  return reply;
}

}  // namespace

std::string_view http_reason(unsigned status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 413:
      return "Content Too Large";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

HttpReply serve_file(HttpRoot& root, std::string_view path) {
  HttpReply reply;
  if (auto file = root.read_file(path)) {
    reply.body = *file;
    reply.headers.push_back({"Content-Type", "application/octet-stream"});
  } else {
    reply.status = 404;
  }
  return reply;
}

HttpServer::HttpServer(HttpRoot& root, HttpServerSettings settings, HttpRequestHook hook)
    : root_(root), settings_(std::move(settings)), hook_(std::move(hook)) {}

HttpServer::~HttpServer() = default;

void HttpServer::handle_accepted(fw::Instant, ConnectionId id, fw::Endpoint client,
                                 std::optional<fw::PeerCertificate> peer_certificate) {
  auto connection = std::make_unique<Connection>();
  connection->client = client;
  connection->peer_certificate = std::move(peer_certificate);
  connections_[id] = std::move(connection);
}

void HttpServer::handle_closed(fw::Instant, ConnectionId id) {
  connections_.erase(id);
}

void HttpServer::handle_bytes(fw::Instant now, ConnectionId id, fw::ByteSpan bytes) {
  auto found = connections_.find(id);
  if (found == connections_.end() || found->second->closing) {
    return;
  }
  Connection& connection = *found->second;
  connection.unparsed.insert(connection.unparsed.end(), bytes.begin(), bytes.end());
  std::size_t offset = 0;
  while (!connection.closing && offset < connection.unparsed.size()) {
    if (!connection.parser) {
      connection.parser.emplace();
      // Header size is counted here to the byte (see fw::HttpClient::reset_parser).
      connection.parser->eager(false);
      connection.parser->header_limit(settings_.header_bytes_max + 4);
      connection.parser->body_limit(settings_.body_bytes_max);
      connection.head_bytes = 0;
      connection.request_started = now;
    }
    auto& parser = *connection.parser;
    bool had_header = parser.is_header_done();
    boost::system::error_code error;
    std::size_t used =
        parser.put(boost::beast::net::const_buffer(connection.unparsed.data() + offset,
                                                   connection.unparsed.size() - offset),
                   error);
    offset += used;
    if (!had_header) {
      connection.head_bytes += used;
      std::size_t pending = parser.is_header_done() ? 0 : connection.unparsed.size() - offset;
      if (connection.head_bytes + pending > settings_.header_bytes_max) {
        error = http::error::header_limit;
      } else if (parser.is_header_done()) {
        parser.eager(true);
      }
    }
    if (error == http::error::need_more) {
      break;
    }
    if (error) {
      unsigned status = error == http::error::header_limit ? 431
                        : error == http::error::body_limit ? 413
                                                           : 400;
      respond(now, id, connection, plain_reply(status), false, true);
      break;
    }
    if (parser.is_done()) {
      serve(now, id, connection);
      connection.parser.reset();
    }
  }
  // `connection` is still alive: respond() only queues a close, it never erases.
  connection.unparsed.erase(connection.unparsed.begin(),
                            connection.unparsed.begin() + static_cast<std::ptrdiff_t>(offset));
}

void HttpServer::serve(fw::Instant now, ConnectionId id, Connection& connection) {
  auto& request = connection.parser->get();
  std::string_view method = view(request.method_string());
  std::string_view target = view(request.target());
  bool head = request.method() == http::verb::head;
  bool close = !request.keep_alive();

  std::string user;
  if (auto refusal = authenticate(method, view(request[http::field::authorization]), user)) {
    respond(now, id, connection, std::move(*refusal), head, close);
    return;
  }
  if (hook_) {
    HttpRequestInfo info{now,
                         connection.client,
                         method,
                         target,
                         view(request[http::field::user_agent]),
                         user,
                         connection.peer_certificate ? &*connection.peer_certificate : nullptr,
                         fw::ByteSpan(request.body().data(), request.body().size())};
    if (auto reply = hook_(info)) {
      respond(now, id, connection, std::move(*reply), head, close);
      return;
    }
  }
  std::string_view path = target.substr(0, target.find('?'));
  HttpReply reply;
  switch (request.method()) {
    case http::verb::get:
    case http::verb::head:
      reply = serve_file(root_, path);
      break;
    case http::verb::put:
    case http::verb::post:
      reply.status = root_.write_file(path, std::move(request.body())) ? 204 : 403;
      break;
    default:
      reply.status = 405;
      reply.headers.push_back({"Allow", "GET, HEAD, PUT, POST"});
      break;
  }
  respond(now, id, connection, std::move(reply), head, close);
}

std::optional<HttpReply> HttpServer::authenticate(std::string_view method,
                                                  std::string_view authorization,
                                                  std::string& user) {
  if (settings_.auth == HttpAuthMode::None) {
    return std::nullopt;
  }
  for (const fw::AuthElement& element : fw::parse_auth_header(authorization)) {
    if (settings_.auth == HttpAuthMode::Basic && element.is("Basic")) {
      auto credentials = fw::decode_basic_credentials(element.token);
      if (!credentials) {
        continue;
      }
      auto known = settings_.users.find(credentials->user);
      if (known != settings_.users.end() && known->second == credentials->password) {
        user = credentials->user;
        return std::nullopt;
      }
    }
    if (settings_.auth == HttpAuthMode::Digest && element.is("Digest")) {
      auto name = element.parameter("username");
      auto known = name ? settings_.users.find(std::string(*name)) : settings_.users.end();
      auto nonce = element.parameter("nonce");
      auto response = element.parameter("response");
      if (known == settings_.users.end() || !nonce || !response ||
          element.parameter("realm") != std::optional<std::string_view>(settings_.realm) ||
          std::find(nonces_.begin(), nonces_.end(), *nonce) == nonces_.end()) {
        continue;
      }
      fw::DigestInput input;
      input.user = known->first;
      input.password = known->second;
      input.realm = settings_.realm;
      input.nonce = std::string(*nonce);
      input.method = std::string(method);
      input.uri = std::string(element.parameter("uri").value_or(""));
      input.session =
          fw::equals_ignoring_case(element.parameter("algorithm").value_or("MD5"), "MD5-sess");
      input.client_nonce = std::string(element.parameter("cnonce").value_or(""));
      if (element.parameter("qop") == std::optional<std::string_view>("auth")) {
        input.qop_auth = true;
        std::string_view count = element.parameter("nc").value_or("");
        auto [end, parse_error] =
            std::from_chars(count.data(), count.data() + count.size(), input.nonce_count, 16);
        if (parse_error != std::errc() || end != count.data() + count.size()) {
          continue;
        }
      }
      if (fw::digest_response(input) == *response) {
        user = known->first;
        return std::nullopt;
      }
    }
  }
  return challenge();
}

HttpReply HttpServer::challenge() {
  HttpReply reply = plain_reply(401);
  if (settings_.auth == HttpAuthMode::Basic) {
    reply.headers.push_back({"WWW-Authenticate", "Basic realm=\"" + settings_.realm + "\""});
    return reply;
  }
  std::string nonce = fw::md5_hex(settings_.nonce_secret + ":" + std::to_string(++nonce_counter_));
  nonces_.push_back(nonce);
  if (nonces_.size() > settings_.digest_nonces_max) {
    nonces_.pop_front();
  }
  reply.headers.push_back({"WWW-Authenticate", "Digest realm=\"" + settings_.realm +
                                                   "\", qop=\"auth\", algorithm=MD5, nonce=\"" +
                                                   nonce + "\""});
  return reply;
}

void HttpServer::respond(fw::Instant now, ConnectionId id, Connection& connection, HttpReply reply,
                         bool head, bool close) {
  const fw::Instant reply_at = now + reply.delay;
  HttpAccessRecord record;
  record.started = connection.request_started;
  record.time = reply_at;
  record.client = connection.client;
  record.status = reply.delivery == HttpReply::Delivery::Answer ? reply.status : 0;
  record.body_bytes = head || reply.delivery != HttpReply::Delivery::Answer ? 0 : reply.body.size();
  record.fault = reply.fault;
  if (connection.parser && connection.parser->is_header_done()) {
    auto& request = connection.parser->get();
    record.method = std::string(view(request.method_string()));
    record.target = std::string(view(request.target()));
    record.user_agent = std::string(view(request[http::field::user_agent]));
    if (reply.status != 401) {
      if (auto authorization = fw::parse_auth_header(view(request[http::field::authorization]));
          !authorization.empty()) {
        if (auto name = authorization[0].parameter("username")) {
          record.user = std::string(*name);
        } else if (auto basic = fw::decode_basic_credentials(authorization[0].token)) {
          record.user = basic->user;
        }
      }
    }
  }
  access_log_.push_back(std::move(record));

  if (reply.delivery != HttpReply::Delivery::Answer) {
    connection.closing = true;  // later bytes on it are not answered either
    if (reply.delivery == HttpReply::Delivery::Close) {
      actions_.push_back({HttpServerAction::Kind::Close, id, {}, reply_at});
    }
    return;
  }
  if (reply.content_length && *reply.content_length > reply.body.size()) {
    close = true;
  } else {
    reply.content_length.reset();
  }
  std::string text = "HTTP/1.1 " + std::to_string(reply.status) + " " +
                     std::string(http_reason(reply.status)) + "\r\n";
  for (const HttpHeader& header : reply.headers) {
    text += header.name + ": " + header.value + "\r\n";
  }
  bool chunked =
      settings_.chunk_bytes > 0 && !reply.body.empty() && !head && !reply.content_length;
  if (chunked) {
    text += "Transfer-Encoding: chunked\r\n";
  } else if (reply.status != 204 && reply.status / 100 != 1) {
    text += "Content-Length: " + std::to_string(reply.content_length.value_or(reply.body.size())) +
            "\r\n";
  }
  if (close) {
    text += "Connection: close\r\n";
  }
  text += "\r\n";
  fw::Bytes bytes(text.begin(), text.end());
  if (chunked) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (std::size_t at = 0; at < reply.body.size(); at += settings_.chunk_bytes) {
      std::size_t length = std::min(settings_.chunk_bytes, reply.body.size() - at);
      std::string size;
      for (std::size_t rest = length; rest > 0; rest /= 16) {
        size.insert(size.begin(), kHex[rest % 16]);
      }
      size += "\r\n";
      bytes.insert(bytes.end(), size.begin(), size.end());
      bytes.insert(bytes.end(), reply.body.begin() + static_cast<std::ptrdiff_t>(at),
                   reply.body.begin() + static_cast<std::ptrdiff_t>(at + length));
      bytes.push_back('\r');
      bytes.push_back('\n');
    }
    for (char c : std::string_view("0\r\n\r\n")) {
      bytes.push_back(static_cast<std::uint8_t>(c));
    }
  } else if (!head) {
    bytes.insert(bytes.end(), reply.body.begin(), reply.body.end());
  }

  actions_.push_back({HttpServerAction::Kind::Send, id, std::move(bytes), reply_at});
  if (close) {
    connection.closing = true;
    actions_.push_back({HttpServerAction::Kind::Close, id, {}, reply_at});
  }
}

std::optional<HttpServerAction> HttpServer::poll_action() {
  if (actions_.empty()) {
    return std::nullopt;
  }
  HttpServerAction action = std::move(actions_.front());
  actions_.pop_front();
  return action;
}

std::optional<HttpAccessRecord> HttpServer::poll_access_record() {
  if (access_log_.empty()) {
    return std::nullopt;
  }
  HttpAccessRecord record = std::move(access_log_.front());
  access_log_.pop_front();
  return record;
}

}  // namespace srv
