#pragma once

// SimSyslogServer: hosts a srv::SyslogServer on the simulated network (UDP, default port 514).
// Its wall clock is the world's start date plus the virtual time.

#include <memory>

#include "servers/syslog/syslog_server.h"
#include "sim/platform/sim_world.h"

namespace sim {

class SimSyslogServer final : private UdpReceiver {
 public:
  // Binds `listen` (its host must exist). Errors: PortInUse.
  static fw::Result<std::unique_ptr<SimSyslogServer>> start(SimWorld& world, fw::Endpoint listen,
                                                            fw::WallTime world_start);
  ~SimSyslogServer() override;
  SimSyslogServer(const SimSyslogServer&) = delete;
  SimSyslogServer& operator=(const SimSyslogServer&) = delete;

  srv::SyslogServer& core() { return server_; }
  const srv::SyslogServer& core() const { return server_; }

 private:
  SimSyslogServer(SimWorld& world, fw::Endpoint listen, fw::WallTime world_start)
      : world_(world), listen_(listen), world_start_(world_start) {}
  void on_udp(fw::Endpoint local, fw::Endpoint from, fw::ByteSpan payload) override;

  SimWorld& world_;
  fw::Endpoint listen_;
  fw::WallTime world_start_;
  srv::SyslogServer server_;
};

}  // namespace sim
