#include "sim/hosting/sim_http_server.h"

namespace sim {

fw::Result<std::unique_ptr<SimHttpServer>> SimHttpServer::start(SimWorld& world, fw::Endpoint listen,
                                                                srv::HttpRoot& root,
                                                                srv::HttpServerSettings settings,
                                                                srv::HttpRequestHook hook,
                                                                std::optional<SimHttpsSettings> https) {
  std::unique_ptr<SimHttpServer> server(
      new SimHttpServer(world, listen, root, std::move(settings), std::move(hook), std::move(https)));
  auto listening = world.network.listen(listen, *server);
  if (!listening) return fw::fail(listening.error());
  return server;
}

SimHttpServer::SimHttpServer(SimWorld& world, fw::Endpoint listen, srv::HttpRoot& root,
                             srv::HttpServerSettings settings, srv::HttpRequestHook hook,
                             std::optional<SimHttpsSettings> https)
    : world_(world), listen_(listen), server_(root, std::move(settings), std::move(hook)), https_(std::move(https)) {}

SimHttpServer::~SimHttpServer() {
  world_.network.stop_listening(listen_);
  for (const auto& [end, connection] : connections_) world_.network.abort(end);
}

fw::WallTime SimHttpServer::wall_now() const {
  return https_->world_start + world_.engine.now().since_epoch().count() / 1'000'000'000;
}

StreamHandler& SimHttpServer::on_stream_accepted(StreamEndId end, fw::Endpoint, fw::Endpoint remote) {
  Connection& connection = connections_[end];
  connection.remote = remote;
  if (https_) {
    connection.tls.emplace(fw::TlsSession::server(https_->context, wall_now()));
  } else {
    connection.accepted_by_core = true;
    server_.handle_accepted(world_.engine.now(), end, remote);
    pump();
  }
  return *this;
}

void SimHttpServer::on_stream_data(StreamEndId end, fw::ByteSpan bytes) {
  auto found = connections_.find(end);
  if (found == connections_.end()) return;
  Connection& connection = found->second;
  const fw::Instant now = world_.engine.now();
  if (!connection.tls) {
    server_.handle_bytes(now, end, bytes);
    pump();
    return;
  }
  fw::TlsSession& tls = *connection.tls;
  tls.receive_ciphertext(bytes);
  flush_tls(end, connection);
  if (tls.error()) {
    ++tls_failures_;
    if (connection.accepted_by_core) server_.handle_closed(now, end);
    world_.network.close(end);  // after the alert that says why
    forget(end);
    pump();
    return;
  }
  if (tls.established() && !connection.accepted_by_core) {
    connection.accepted_by_core = true;
    server_.handle_accepted(now, end, connection.remote);
  }
  fw::Bytes plaintext = tls.take_plaintext();
  if (!plaintext.empty()) server_.handle_bytes(now, end, plaintext);
  if (tls.peer_closed() && connection.accepted_by_core) server_.handle_closed(now, end);
  pump();
}

void SimHttpServer::on_stream_closed(StreamEndId end) {
  auto found = connections_.find(end);
  if (found == connections_.end()) return;
  if (found->second.accepted_by_core) server_.handle_closed(world_.engine.now(), end);
  connections_.erase(found);
  pump();
}

void SimHttpServer::on_stream_failed(StreamEndId end, fw::StreamFailure) { on_stream_closed(end); }

void SimHttpServer::flush_tls(StreamEndId end, Connection& connection) {
  fw::Bytes ciphertext = connection.tls->take_ciphertext();
  if (!ciphertext.empty()) world_.network.send(end, ciphertext);
}

void SimHttpServer::forget(StreamEndId end) { connections_.erase(end); }

void SimHttpServer::pump() {
  while (auto action = server_.poll_action()) {
    auto found = connections_.find(action->connection);
    if (found == connections_.end()) continue;
    Connection& connection = found->second;
    if (action->kind == srv::HttpServerAction::Kind::Send) {
      if (connection.tls) {
        connection.tls->send_plaintext(action->bytes);
        flush_tls(action->connection, connection);
      } else {
        world_.network.send(action->connection, action->bytes);
      }
      continue;
    }
    if (connection.tls) {
      connection.tls->close();
      flush_tls(action->connection, connection);
    }
    world_.network.close(action->connection);
    connections_.erase(found);
    // The core keeps a closing connection until its host says the stream is gone; no event
    // comes for it after close(), so say it now.
    server_.handle_closed(world_.engine.now(), action->connection);
  }
  while (auto record = server_.poll_access_record()) access_log_.push_back(std::move(*record));
}

}  // namespace sim
