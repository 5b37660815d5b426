#pragma once

// AsioSyslogHost: a srv::SyslogServer core on a real UDP socket (provserver --syslog). What
// arrives reaches the core's observer (provserver writes each message to --syslog-out).

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <memory>

#include "firmware-core/base/result.h"
#include "servers/provserver/host_clock.h"
#include "servers/syslog/syslog_server.h"

namespace srv::provserver {

class AsioSyslogHost {
 public:
  // Binds `listen`; `server` must outlive the host. Errors: PortInUse.
  static fw::Result<std::unique_ptr<AsioSyslogHost>> start(boost::asio::io_context& io,
                                                           const HostClock& clock,
                                                           fw::Endpoint listen,
                                                           SyslogServer& server);
  ~AsioSyslogHost();
  AsioSyslogHost(const AsioSyslogHost&) = delete;
  AsioSyslogHost& operator=(const AsioSyslogHost&) = delete;

  std::uint16_t port() const;

 private:
  AsioSyslogHost(boost::asio::io_context& io, const HostClock& clock, SyslogServer& server)
      : clock_(clock), server_(server), socket_(io) {}
  void receive_next();

  const HostClock& clock_;
  SyslogServer& server_;
  boost::asio::ip::udp::socket socket_;
  boost::asio::ip::udp::endpoint sender_;
  std::array<std::uint8_t, 65536> buffer_{};
};

}  // namespace srv::provserver
