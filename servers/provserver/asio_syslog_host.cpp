#include "servers/provserver/asio_syslog_host.h"

#include "servers/provserver/asio_address.h"

namespace srv::provserver {
namespace asio = boost::asio;
using asio::ip::udp;

fw::Result<std::unique_ptr<AsioSyslogHost>> AsioSyslogHost::start(asio::io_context& io,
                                                                  const HostClock& clock,
                                                                  fw::Endpoint listen,
                                                                  SyslogServer& server) {
  std::unique_ptr<AsioSyslogHost> host(new AsioSyslogHost(io, clock, server));
  boost::system::error_code error;
  host->socket_.open(udp::v4(), error);
  if (!error) host->socket_.bind(to_asio(listen), error);
  if (error) {
    return fw::fail(fw::ErrorCode::PortInUse,
                    "syslog " + listen.to_string() + ": " + error.message());
  }
  host->receive_next();
  return host;
}

AsioSyslogHost::~AsioSyslogHost() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

std::uint16_t AsioSyslogHost::port() const {
  boost::system::error_code error;
  auto endpoint = socket_.local_endpoint(error);
  return error ? 0 : endpoint.port();
}

void AsioSyslogHost::receive_next() {
  socket_.async_receive_from(
      asio::buffer(buffer_), sender_, [this](const boost::system::error_code& error, std::size_t size) {
        if (error == asio::error::operation_aborted || !socket_.is_open()) return;
        if (!error && sender_.address().is_v4()) {
          server_.handle_datagram(clock_.now(), clock_.wall_clock(), from_asio(sender_),
                                  fw::ByteSpan(buffer_.data(), size));
        }
        receive_next();
      });
}

}  // namespace srv::provserver
