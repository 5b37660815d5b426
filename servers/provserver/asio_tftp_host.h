#pragma once

// AsioTftpHost: a srv::TftpServer core on real UDP sockets (provserver --tftp). The well-known
// socket takes requests; each transfer gets its own socket on a kernel-chosen port (its TID,
// RFC 1350 section 4), bound the first time the core sends from it and closed when the core
// says so. One steady_timer follows the core's next_deadline().

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <map>
#include <memory>

#include "firmware-core/base/result.h"
#include "servers/provserver/host_clock.h"
#include "servers/tftp/tftp_server.h"

namespace srv::provserver {

class AsioTftpHost {
 public:
  using RecordObserver = std::function<void(const TftpTransferRecord&)>;

  // Binds `listen` and starts serving `root` (which must outlive the host); `hook` (optional:
  // fault injection) sees every request first. Errors: PortInUse.
  static fw::Result<std::unique_ptr<AsioTftpHost>> start(boost::asio::io_context& io,
                                                         const HostClock& clock,
                                                         fw::Endpoint listen, TftpRoot& root,
                                                         TftpServerSettings settings,
                                                         RecordObserver on_record,
                                                         TftpRequestHook hook = {});
  ~AsioTftpHost();
  AsioTftpHost(const AsioTftpHost&) = delete;
  AsioTftpHost& operator=(const AsioTftpHost&) = delete;

  // The bound port (useful after listening on port 0).
  std::uint16_t port() const;
  TftpServer& core() { return server_; }

 private:
  struct Port;

  AsioTftpHost(boost::asio::io_context& io, const HostClock& clock, fw::Endpoint listen,
               TftpRoot& root, TftpServerSettings settings, RecordObserver on_record,
               TftpRequestHook hook);
  void receive_next(const std::shared_ptr<Port>& port);
  void pump();

  boost::asio::io_context& io_;
  const HostClock& clock_;
  fw::Endpoint listen_;
  TftpServer server_;
  RecordObserver on_record_;
  std::shared_ptr<Port> well_known_;
  std::map<TransferId, std::shared_ptr<Port>> transfer_ports_;
  boost::asio::steady_timer timer_;
  fw::Instant armed_ = fw::Instant::never();
};

}  // namespace srv::provserver
