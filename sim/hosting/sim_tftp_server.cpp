#include "sim/hosting/sim_tftp_server.h"

namespace sim {

fw::Result<std::unique_ptr<SimTftpServer>> SimTftpServer::start(SimWorld& world, fw::Endpoint listen,
                                                                srv::TftpRoot& root,
                                                                srv::TftpServerSettings settings,
                                                                srv::TftpRequestHook hook) {
  std::unique_ptr<SimTftpServer> server(
      new SimTftpServer(world, listen, root, std::move(settings), std::move(hook)));
  auto bound = world.network.open_udp(listen.address, listen.port, *server);
  if (!bound) return fw::fail(bound.error());
  return server;
}

SimTftpServer::SimTftpServer(SimWorld& world, fw::Endpoint listen, srv::TftpRoot& root,
                             srv::TftpServerSettings settings, srv::TftpRequestHook hook)
    : world_(world),
      listen_(listen),
      server_(root, std::move(settings), std::move(hook)),
      handler_id_(world.engine.add_handler(*this)),
      timer_(world.engine.add_timer(handler_id_, 0)) {}

SimTftpServer::~SimTftpServer() {
  world_.network.close_udp(listen_);
  for (const auto& [transfer, port] : port_of_transfer_) {
    world_.network.close_udp({listen_.address, port});
  }
  world_.engine.remove_timer(timer_);
}

void SimTftpServer::on_udp(fw::Endpoint local, fw::Endpoint from, fw::ByteSpan payload) {
  const fw::Instant now = world_.engine.now();
  if (local.port == listen_.port) {
    server_.handle_request(now, from, payload);
  } else if (auto found = transfer_of_port_.find(local.port); found != transfer_of_port_.end()) {
    server_.handle_transfer_datagram(now, found->second, from, payload);
  }
  pump();
}

void SimTftpServer::on_event(std::uint32_t) {
  server_.handle_deadline(world_.engine.now());
  pump();
}

void SimTftpServer::pump() {
  while (auto datagram = server_.poll_datagram()) {
    std::uint16_t port = listen_.port;
    if (datagram->transfer != srv::kListeningTransfer) {
      auto known = port_of_transfer_.find(datagram->transfer);
      if (known == port_of_transfer_.end()) {
        auto bound = world_.network.open_udp(listen_.address, 0, *this);
        if (!bound) continue;  // no free port: the datagram is lost, the client retransmits
        known = port_of_transfer_.emplace(datagram->transfer, *bound).first;
        transfer_of_port_.emplace(*bound, datagram->transfer);
      }
      port = known->second;
    }
    world_.network.send_udp({listen_.address, port}, datagram->to, datagram->payload);
  }
  while (auto closed = server_.poll_closed_transfer()) {
    auto known = port_of_transfer_.find(*closed);
    if (known == port_of_transfer_.end()) continue;
    world_.network.close_udp({listen_.address, known->second});
    transfer_of_port_.erase(known->second);
    port_of_transfer_.erase(known);
  }
  while (auto record = server_.poll_record()) records_.push_back(std::move(*record));
  const fw::Instant deadline = server_.next_deadline();
  if (deadline == fw::Instant::never()) {
    world_.engine.cancel_timer(timer_);
  } else {
    world_.engine.arm_timer(timer_, deadline);
  }
}

}  // namespace sim
