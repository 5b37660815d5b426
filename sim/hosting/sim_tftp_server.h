#pragma once

// SimTftpServer: hosts a srv::TftpServer core on the simulated network: the well-known port and
// one port per transfer (its TID) on the server's host, one engine timer for retransmissions.
// The same core runs on real sockets in provserver.

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "servers/tftp/tftp_server.h"
#include "sim/platform/sim_world.h"

namespace sim {

class SimTftpServer final : private UdpReceiver, private EventHandler {
 public:
  // Binds `listen` (its host must exist in world.network). `root` must outlive the server.
  // Errors: PortInUse.
  static fw::Result<std::unique_ptr<SimTftpServer>> start(SimWorld& world, fw::Endpoint listen,
                                                          srv::TftpRoot& root,
                                                          srv::TftpServerSettings settings = {},
                                                          srv::TftpRequestHook hook = {});
  ~SimTftpServer() override;
  SimTftpServer(const SimTftpServer&) = delete;
  SimTftpServer& operator=(const SimTftpServer&) = delete;

  const fw::Endpoint& endpoint() const { return listen_; }
  srv::TftpServer& core() { return server_; }
  // Every finished transfer (the access log), in the order they ended.
  const std::vector<srv::TftpTransferRecord>& records() const { return records_; }

 private:
  SimTftpServer(SimWorld& world, fw::Endpoint listen, srv::TftpRoot& root,
                srv::TftpServerSettings settings, srv::TftpRequestHook hook);
  void on_udp(fw::Endpoint local, fw::Endpoint from, fw::ByteSpan payload) override;
  void on_event(std::uint32_t tag) override;
  void pump();

  SimWorld& world_;
  fw::Endpoint listen_;
  srv::TftpServer server_;
  HandlerId handler_id_;
  EngineTimerId timer_;
  std::unordered_map<srv::TransferId, std::uint16_t> port_of_transfer_;
  std::unordered_map<std::uint16_t, srv::TransferId> transfer_of_port_;
  std::vector<srv::TftpTransferRecord> records_;
};

}  // namespace sim
