#include "load/prometheus_endpoint.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace load {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

// One scrape: read the request, write the answer, close.
struct Exchange : std::enable_shared_from_this<Exchange> {
  Exchange(tcp::socket accepted, std::function<std::string()> renderer)
      : stream(std::move(accepted)), render(std::move(renderer)) {}

  void start() {
    stream.expires_after(PrometheusEndpoint::kRequestTimeout);
    http::async_read(stream, buffer, request,
                     [self = shared_from_this()](beast::error_code error, std::size_t) { self->answer(error); });
  }

  void answer(beast::error_code error) {
    if (error) return;
    response.version(request.version());
    response.keep_alive(false);
    if (request.method() == http::verb::get && (request.target() == "/metrics" || request.target() == "/")) {
      response.result(http::status::ok);
      response.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      response.body() = render();
    } else {
      response.result(http::status::not_found);
      response.set(http::field::content_type, "text/plain");
      response.body() = "not found: GET /metrics\n";
    }
    response.prepare_payload();
    http::async_write(stream, response, [self = shared_from_this()](beast::error_code, std::size_t) {
      beast::error_code ignored;
      self->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    });
  }

  beast::tcp_stream stream;
  std::function<std::string()> render;
  beast::flat_buffer buffer;
  http::request<http::string_body> request;
  http::response<http::string_body> response;
};

}  // namespace

PrometheusEndpoint::PrometheusEndpoint(asio::io_context& io, std::function<std::string()> render)
    : io_(io), acceptor_(io), render_(std::move(render)) {}

PrometheusEndpoint::~PrometheusEndpoint() {
  beast::error_code ignored;
  acceptor_.close(ignored);
}

fw::Result<std::unique_ptr<PrometheusEndpoint>> PrometheusEndpoint::start(asio::io_context& io, fw::Endpoint listen,
                                                                          std::function<std::string()> render) {
  std::unique_ptr<PrometheusEndpoint> endpoint(new PrometheusEndpoint(io, std::move(render)));
  const tcp::endpoint where(asio::ip::address_v4(listen.address.value), listen.port);
  beast::error_code error;
  endpoint->acceptor_.open(where.protocol(), error);
  if (!error) endpoint->acceptor_.set_option(asio::socket_base::reuse_address(true), error);
  if (!error) endpoint->acceptor_.bind(where, error);
  if (!error) endpoint->acceptor_.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    return fw::fail(fw::ErrorCode::PortInUse, "--prometheus " + listen.to_string() + ": " + error.message());
  }
  endpoint->accept_next();
  return endpoint;
}

std::uint16_t PrometheusEndpoint::port() const {
  beast::error_code error;
  auto local = acceptor_.local_endpoint(error);
  return error ? 0 : local.port();
}

void PrometheusEndpoint::accept_next() {
  acceptor_.async_accept([this, alive = std::weak_ptr<const bool>(alive_)](beast::error_code error, tcp::socket socket) {
    if (alive.expired() || error == asio::error::operation_aborted) return;
    if (!error) std::make_shared<Exchange>(std::move(socket), render_)->start();
    accept_next();
  });
}

}  // namespace load
