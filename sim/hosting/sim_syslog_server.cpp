#include "sim/hosting/sim_syslog_server.h"

namespace sim {

fw::Result<std::unique_ptr<SimSyslogServer>> SimSyslogServer::start(SimWorld& world, fw::Endpoint listen,
                                                                    fw::WallTime world_start) {
  std::unique_ptr<SimSyslogServer> server(new SimSyslogServer(world, listen, world_start));
  auto bound = world.network.open_udp(listen.address, listen.port, *server);
  if (!bound) return fw::fail(bound.error());
  return server;
}

SimSyslogServer::~SimSyslogServer() { world_.network.close_udp(listen_); }

void SimSyslogServer::on_udp(fw::Endpoint, fw::Endpoint from, fw::ByteSpan payload) {
  const fw::Instant now = world_.engine.now();
  const fw::WallTime wall = world_start_ + now.since_epoch().count() / 1'000'000'000;
  server_.handle_datagram(now, wall, from, payload);
}

}  // namespace sim
