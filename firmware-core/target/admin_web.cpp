#include "firmware-core/target/admin_web.h"

#include <array>
#include <boost/asio/write.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>

namespace fw {
namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;

struct AdminWeb::Connection {
  explicit Connection(tcp::socket accepted) : socket(std::move(accepted)) {
    parser.header_limit(static_cast<std::uint32_t>(kRequestBytesMax));
    parser.body_limit(kRequestBytesMax);
    parser.eager(true);
  }
  tcp::socket socket;
  http::request_parser<http::string_body> parser;
  std::array<char, 4096> buffer{};
  std::string pending;  // bytes the parser has not consumed yet
  std::string reply;
};

Result<std::unique_ptr<AdminWeb>> AdminWeb::start(asio::io_context& io, Endpoint listen,
                                                  Handler handler) {
  std::unique_ptr<AdminWeb> web(new AdminWeb(io, std::move(handler)));
  boost::system::error_code error;
  web->acceptor_.open(tcp::v4(), error);
  if (!error) web->acceptor_.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error) {
    web->acceptor_.bind(tcp::endpoint(asio::ip::address_v4(listen.address.value), listen.port),
                        error);
  }
  if (!error) web->acceptor_.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    return fail(ErrorCode::PortInUse, "admin " + listen.to_string() + ": " + error.message());
  }
  web->accept_next();
  return web;
}

AdminWeb::~AdminWeb() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

std::uint16_t AdminWeb::port() const {
  boost::system::error_code error;
  auto endpoint = acceptor_.local_endpoint(error);
  return error ? 0 : endpoint.port();
}

void AdminWeb::accept_next() {
  acceptor_.async_accept(
      [this, alive = std::weak_ptr<const bool>(alive_)](const boost::system::error_code& error,
                                                         tcp::socket socket) {
        if (alive.expired() || error == asio::error::operation_aborted) return;
        if (!error) read_next(std::make_shared<Connection>(std::move(socket)));
        accept_next();
      });
}

void AdminWeb::read_next(const std::shared_ptr<Connection>& connection) {
  connection->socket.async_read_some(
      asio::buffer(connection->buffer),
      [this, connection, alive = std::weak_ptr<const bool>(alive_)](
          const boost::system::error_code& error, std::size_t size) {
        if (alive.expired() || error) return;  // the client went away: drop the connection
        connection->pending.append(connection->buffer.data(), size);
        boost::system::error_code parse_error;
        while (!connection->pending.empty() && !connection->parser.is_done()) {
          const std::size_t used = connection->parser.put(
              asio::buffer(connection->pending.data(), connection->pending.size()), parse_error);
          connection->pending.erase(0, used);
          if (parse_error || used == 0) break;
        }
        if (parse_error == http::error::need_more) parse_error = {};
        if (parse_error) {
          const bool too_large = parse_error == http::error::header_limit ||
                                 parse_error == http::error::body_limit;
          reply(connection, {too_large ? 413u : 400u, "text/plain",
                             std::string(too_large ? "request too large\n" : "bad request\n")});
          return;
        }
        if (!connection->parser.is_done()) {
          read_next(connection);
          return;
        }
        const auto& message = connection->parser.get();
        AdminRequest request{std::string(message.method_string()), std::string(message.target()),
                             message.body()};
        reply(connection, handler_(request));
      });
}

void AdminWeb::reply(const std::shared_ptr<Connection>& connection, const AdminReply& reply) {
  std::string& text = connection->reply;
  text = "HTTP/1.1 " + std::to_string(reply.status) + " " +
         std::string(http::obsolete_reason(static_cast<http::status>(reply.status))) + "\r\n";
  text += "Content-Type: " + reply.content_type + "\r\n";
  text += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
  text += "Connection: close\r\n\r\n";
  text += reply.body;
  asio::async_write(connection->socket, asio::buffer(text),
                    [connection](const boost::system::error_code&, std::size_t) {
                      boost::system::error_code ignored;
                      connection->socket.shutdown(tcp::socket::shutdown_send, ignored);
                      connection->socket.close(ignored);
                    });
}

}  // namespace fw
