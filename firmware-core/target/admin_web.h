#pragma once

// AdminWeb: the phone's admin web interface as a small HTTP/1.1 server on Boost.Asio (phoned
// --admin). One request per connection (the reply says Connection: close), parsed by Beast's
// request_parser; the owner's handler turns a request into a reply. The pages themselves
// (/admin/resync, /admin/cfg.xml, ...) are phoned's; this class is only the transport.
//
// firmware-core may not use servers/ (dependency direction), so this is not srv::HttpServer:
// the admin interface needs none of its features (keep-alive, auth, uploads).

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <string>

#include "firmware-core/base/result.h"
#include "firmware-core/runtime/network_address.h"

namespace fw {

struct AdminRequest {
  std::string method;  // "GET"
  std::string target;  // "/admin/resync?tftp://..." with the query, as sent
  std::string body;
};

struct AdminReply {
  unsigned status = 200;
  std::string content_type = "text/plain";
  std::string body;
};

class AdminWeb {
 public:
  using Handler = std::function<AdminReply(const AdminRequest&)>;

  // admin_request_bytes_max: request line, headers and body together (431/413 past it).
  static constexpr std::size_t kRequestBytesMax = 16 * 1024;

  // Listens on `listen` and answers each request with `handler` (called on the io_context's
  // thread). Errors: PortInUse.
  static Result<std::unique_ptr<AdminWeb>> start(boost::asio::io_context& io, Endpoint listen,
                                                 Handler handler);
  ~AdminWeb();
  AdminWeb(const AdminWeb&) = delete;
  AdminWeb& operator=(const AdminWeb&) = delete;

  std::uint16_t port() const;

 private:
  struct Connection;
  AdminWeb(boost::asio::io_context& io, Handler handler) : acceptor_(io), handler_(std::move(handler)) {}
  void accept_next();
  void read_next(const std::shared_ptr<Connection>& connection);
  void reply(const std::shared_ptr<Connection>& connection, const AdminReply& reply);

  boost::asio::ip::tcp::acceptor acceptor_;
  Handler handler_;
  std::shared_ptr<const bool> alive_ = std::make_shared<const bool>(true);
};

}  // namespace fw
