#include "firmware-core/fetch/http_client.h"

// Beast's HTTP parser only: these headers pull in Boost.Asio's buffer types (header-only, no
// I/O objects); scripts/tidy.py allows exactly these Beast headers in firmware-core.
#include <boost/beast/http/basic_parser.hpp>

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "firmware-core/base/ascii.h"
#include "firmware-core/fetch/http_auth.h"

namespace fw {

namespace http = boost::beast::http;

// Beast's response parser, keeping what the client reads of a reply: the status, the first
// Location, the authentication challenges and the body. Beast checks every header's syntax and
// handles Content-Length and Transfer-Encoding itself; the other headers (a server sends half a
// dozen) are not stored, and the body is appended without being zeroed first.
struct HttpClient::Parser final : http::basic_parser<false> {
  unsigned status() const { return status_; }
  const std::optional<std::string>& location() const { return location_; }
  // The WWW-Authenticate (`proxy` false) or Proxy-Authenticate values, in order.
  const std::vector<std::string>& challenges(bool proxy) const {
    return proxy ? proxy_challenges_ : challenges_;
  }
  Bytes take_body() { return std::move(body_); }

 private:
  using string_view = boost::beast::string_view;
  using error_code = boost::beast::error_code;

  void on_request_impl(http::verb, string_view, string_view, int, error_code&) override {}
  void on_response_impl(int code, string_view, int, error_code&) override {
    status_ = static_cast<unsigned>(code);
  }
  void on_field_impl(http::field name, string_view, string_view value, error_code&) override {
    if (name == http::field::location) {
      if (!location_) location_.emplace(value.data(), value.size());
    } else if (name == http::field::www_authenticate) {
      challenges_.emplace_back(value.data(), value.size());
    } else if (name == http::field::proxy_authenticate) {
      proxy_challenges_.emplace_back(value.data(), value.size());
    }
  }
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length, error_code&) override {
    // Beast refused a Content-Length over body_limit() already.
    if (content_length) body_.reserve(static_cast<std::size_t>(*content_length));
  }
  std::size_t on_body_impl(string_view data, error_code&) override {
    body_.insert(body_.end(), data.begin(), data.end());
    return data.size();
  }
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, string_view data, error_code&) override {
    body_.insert(body_.end(), data.begin(), data.end());
    return data.size();
  }
  void on_finish_impl(error_code&) override {}

  unsigned status_ = 0;
  std::optional<std::string> location_;
  std::vector<std::string> challenges_;
  std::vector<std::string> proxy_challenges_;
  Bytes body_;
};


namespace {

bool is_redirect(unsigned status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace

std::string_view to_string(HttpMethod method) {
  switch (method) {
    case HttpMethod::Get:
      return "GET";
    case HttpMethod::Put:
      return "PUT";
    case HttpMethod::Post:
      return "POST";
  }
  return "?";
}

std::string http_user_agent(std::string_view model, std::string_view firmware_version,
                            std::string_view mac_lower_hex, std::string_view override_name) {
  if (!override_name.empty()) {
    return std::string(override_name);
  }
  return "Cisco-" + std::string(model) + "/" + std::string(firmware_version) + " (" +
         std::string(mac_lower_hex) + ")";
}

HttpClient::HttpClient(Instant now, HttpRequest request, HttpClientSettings settings)
    : request_(std::move(request)), settings_(settings) {
  start_attempt(now);
}

HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

void HttpClient::reset_parser() {
  parser_ = std::make_unique<Parser>();
  // Not eager until the header is complete: put() then stops right after the header, which
  // gives its exact size, so header_bytes_max is enforced here to the byte. Beast's own
  // header_limit only bounds its search for the blank line; it gets a little room so that it
  // never decides first.
  parser_->eager(false);
  parser_->header_limit(settings_.header_bytes_max + 4);
  parser_->body_limit(settings_.body_bytes_max);
  head_bytes_ = 0;
}

void HttpClient::start_attempt(Instant now) {
  reset_parser();
  unparsed_.clear();
  connected_ = false;
  deadline_ = now + settings_.reply_timeout;
  actions_.push_back(
      HttpConnect{request_.url.host, request_.url.port, request_.url.scheme == UrlScheme::Https});
}

std::string HttpClient::request_head() const {
  const ProvisioningUrl& url = request_.url;
  std::string head = std::string(to_string(request_.method)) + " " + url.path + " HTTP/1.1\r\n";
  head += "Host: " + url.host;
  if (url.port != default_port(url.scheme)) {
    head += ":" + std::to_string(url.port);
  }
  head += "\r\n";
  if (!request_.user_agent.empty()) {
    head += "User-Agent: " + request_.user_agent + "\r\n";
  }
  if (!authorization_.empty()) {
    head += (proxy_authorization_ ? "Proxy-Authorization: " : "Authorization: ") + authorization_ +
            "\r\n";
  }
  if (request_.method != HttpMethod::Get) {
    head += "Content-Type: " + request_.content_type + "\r\n";
    head += "Content-Length: " + std::to_string(request_.body.size()) + "\r\n";
  }
  head += "Connection: close\r\n\r\n";
  return head;
}

void HttpClient::handle_connected(Instant) {
  if (finished() || connected_) {
    return;
  }
  connected_ = true;
  std::string head = request_head();
  Bytes bytes(head.begin(), head.end());
  if (request_.method != HttpMethod::Get) {
    bytes.insert(bytes.end(), request_.body.begin(), request_.body.end());
  }
  actions_.push_back(HttpSend{std::move(bytes)});
}

void HttpClient::handle_bytes(Instant now, ByteSpan bytes) {
  if (finished() || !connected_) {
    return;
  }
  // Parsed where they are, unless earlier bytes wait unparsed (Beast takes a header only whole);
  // only what is left over is kept.
  ByteSpan input = bytes;
  if (!unparsed_.empty()) {
    unparsed_.insert(unparsed_.end(), bytes.begin(), bytes.end());
    input = unparsed_;
  }
  std::size_t offset = 0;
  while (offset < input.size()) {
    boost::system::error_code error;
    bool had_header = parser_->is_header_done();
    std::size_t used = parser_->put(
        boost::beast::net::const_buffer(input.data() + offset, input.size() - offset), error);
    offset += used;
    if (!had_header) {
      head_bytes_ += used;
      std::size_t pending = parser_->is_header_done() ? 0 : input.size() - offset;
      if (head_bytes_ + pending > settings_.header_bytes_max) {
        error = http::error::header_limit;
      } else if (parser_->is_header_done()) {
        parser_->eager(true);
      }
    }
    if (error == http::error::need_more) {
      break;
    }
    if (error) {
      bool limit = error == http::error::header_limit || error == http::error::body_limit;
      actions_.push_back(HttpClose{});
      finish(fail(
          ErrorCode::HttpProtocolError,
          "http: " + request_.url.to_string() + ": " +
              (limit ? std::string(error == http::error::header_limit ? "reply headers exceed "
                                                                      : "reply body exceeds ") +
                           std::to_string(error == http::error::header_limit
                                              ? settings_.header_bytes_max
                                              : settings_.body_bytes_max) +
                           " bytes"
                     : "malformed reply at byte " + std::to_string(offset) + ": " +
                           error.message())));
      return;
    }
    if (parser_->is_done()) {
      unsigned status = parser_->status();
      if (status >= 100 && status < 200) {
        // An interim reply (100 Continue sent unasked): the real one follows.
        Bytes rest(input.begin() + static_cast<std::ptrdiff_t>(offset), input.end());
        reset_parser();
        unparsed_ = std::move(rest);
        input = unparsed_;
        offset = 0;
        continue;
      }
      unparsed_.clear();
      on_reply(now);
      return;
    }
  }
  if (input.data() == unparsed_.data()) {
    unparsed_.erase(unparsed_.begin(), unparsed_.begin() + static_cast<std::ptrdiff_t>(offset));
  } else {
    unparsed_.assign(input.begin() + static_cast<std::ptrdiff_t>(offset), input.end());
  }
}

void HttpClient::handle_closed(Instant now) {
  if (finished()) {
    return;
  }
  // A close before the first reply byte is no reply: Beast's put_eof would take the empty
  // stream for a complete reply without a body (it only asserts got_some()).
  if (connected_ && parser_->got_some()) {
    boost::system::error_code error;
    parser_->put_eof(error);
    if (!error && parser_->is_done()) {
      on_reply(now);  // a reply without Content-Length, delimited by the close
      return;
    }
  }
  finish(fail(ErrorCode::ConnectionReset, "http: " + request_.url.to_string() +
                                              ": connection closed before the reply was complete"));
}

void HttpClient::handle_failed(Instant, StreamFailure failure) {
  if (finished()) {
    return;
  }
  ErrorCode code = connected_ ? ErrorCode::ConnectionReset : ErrorCode::ConnectFailed;
  finish(fail(code, "http: " + request_.url.to_string() + ": " +
                        (connected_ ? "connection " : "connect ") +
                        std::string(to_string(failure))));
}

void HttpClient::on_reply(Instant now) {
  actions_.push_back(HttpClose{});
  Parser& reply = *parser_;
  unsigned status = reply.status();
  bool success = request_.method == HttpMethod::Get ? status == 200 : (status / 100 == 2);
  if (request_.any_status_is_reply && !is_redirect(status) && status != 401 && status != 407) {
    success = true;
  }
  if (success) {
    HttpResponse response;
    response.status = status;
    response.body = reply.take_body();
    response.url = request_.url;
    response.redirects = redirects_;
    finish(std::move(response));
    return;
  }
  // Built only for a failure: a successful reply (every periodic resync) needs no text.
  const std::string where = "http: " + std::string(to_string(request_.method)) + " " +
                            request_.url.to_string() + ": status " + std::to_string(status);
  if (status == 404) {
    finish(fail(ErrorCode::FileNotFound, where));
    return;
  }
  if (is_redirect(status)) {
    if (!reply.location()) {
      finish(fail(ErrorCode::HttpProtocolError, where + " without Location"));
      return;
    }
    // A copy: following the redirect starts a new attempt, which replaces the parser.
    const std::string target = *reply.location();
    if (follow_redirect(now, target) && status == 303) {
      request_.method = HttpMethod::Get;
      request_.body.clear();
    }
    return;
  }
  if (status == 401 || status == 407) {
    answer_challenge(now, status);
    return;
  }
  finish(fail(ErrorCode::HttpGetFailed, where));
}

bool HttpClient::follow_redirect(Instant now, std::string_view location) {
  if (redirects_ >= settings_.redirects_max) {
    finish(fail(ErrorCode::TooManyRedirects, "http: " + request_.url.to_string() + ": more than " +
                                                 std::to_string(settings_.redirects_max) +
                                                 " redirects"));
    return false;
  }
  ProvisioningUrl next = request_.url;
  if (location.starts_with("/")) {
    next.path = std::string(location);
  } else {
    auto parsed = parse_provisioning_url(location);
    if (!parsed || !parsed->scheme_explicit || !parsed->has_server() ||
        (parsed->scheme != UrlScheme::Http && parsed->scheme != UrlScheme::Https)) {
      finish(fail(ErrorCode::HttpProtocolError,
                  "http: " + request_.url.to_string() + ": redirect to an unusable Location '" +
                      std::string(location.substr(0, kUrlBytesMax)) + "'"));
      return false;
    }
    next = std::move(*parsed);
  }
  ++redirects_;
  if (next.host != request_.url.host || next.port != request_.url.port) {
    authorization_.clear();  // credentials answered one server's challenge, not the next one's
  }
  request_.url = std::move(next);
  start_attempt(now);
  return true;
}

bool HttpClient::answer_challenge(Instant now, unsigned status) {
  std::string where = "http: " + request_.url.to_string() + ": status " + std::to_string(status);
  if (!request_.credentials) {
    finish(fail(ErrorCode::AuthenticationFailed, where + ", and the rule has no --uid/--pwd"));
    return false;
  }
  if (auth_retries_ >= settings_.auth_retries_max) {
    finish(fail(ErrorCode::AuthenticationFailed,
                where + " after " + std::to_string(auth_retries_) + " retries with credentials"));
    return false;
  }
  std::optional<std::string> digest;
  bool basic = false;
  for (const std::string& value : parser_->challenges(status == 407)) {
    for (const AuthElement& challenge : parse_auth_header(value)) {
      if (challenge.is("Digest") && !digest) {
        digest = digest_authorization(challenge, request_.credentials->user,
                                      request_.credentials->password, to_string(request_.method),
                                      request_.url.path, digest_count_ + 1, request_.client_nonce);
      } else if (challenge.is("Basic")) {
        basic = true;
      }
    }
  }
  if (digest) {
    ++digest_count_;
    authorization_ = std::move(*digest);
  } else if (basic) {
    authorization_ =
        basic_authorization(request_.credentials->user, request_.credentials->password);
  } else {
    finish(fail(ErrorCode::AuthenticationFailed, where + " without a Basic or Digest challenge"));
    return false;
  }
  proxy_authorization_ = status == 407;
  ++auth_retries_;
  start_attempt(now);
  return true;
}

void HttpClient::finish(Result<HttpResponse> result) {
  deadline_ = Instant::never();
  result_ = std::move(result);
}

std::optional<HttpAction> HttpClient::poll_action() {
  if (actions_.empty()) {
    return std::nullopt;
  }
  HttpAction action = std::move(actions_.front());
  actions_.pop_front();
  return action;
}

Instant HttpClient::next_deadline() const {
  return deadline_;
}

void HttpClient::handle_deadline(Instant now) {
  if (finished() || now < deadline_) {
    return;
  }
  actions_.push_back(HttpClose{});
  finish(fail(
      ErrorCode::HttpTimeout,
      "http: " + request_.url.to_string() + ": no complete reply within " +
          std::to_string(
              std::chrono::duration_cast<std::chrono::seconds>(settings_.reply_timeout).count()) +
          " s"));
}

Result<HttpResponse> HttpClient::take_result() {
  assert(result_.has_value());
  Result<HttpResponse> result = std::move(*result_);
  result_ = fail(ErrorCode::HttpProtocolError, "http: result already taken");
  return result;
}

}  // namespace fw
