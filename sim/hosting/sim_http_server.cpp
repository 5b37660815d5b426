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
  connection = Connection{};
  connection.remote = remote;
  connection.serial = next_serial_++;
  switch (queue_.arrive(world_.engine.now(), connection.serial)) {
    case srv::ServiceQueue::Admission::Serve:
      start_service(end, connection);
      break;
    case srv::ServiceQueue::Admission::Wait:
      connection.waiting = true;
      waiting_ends_[connection.serial] = end;
      break;
    case srv::ServiceQueue::Admission::Refuse:
      // Closed on an engine call: the network is still inside its accept.
      world_.engine.schedule_call(world_.engine.now(), [this, alive = std::weak_ptr<int>(lifetime_), end,
                                                        serial = connection.serial] {
        if (alive.expired()) return;
        auto found = connections_.find(end);
        if (found == connections_.end() || found->second.serial != serial) return;
        world_.network.close(end);
        connections_.erase(found);
      });
      break;
  }
  return *this;
}

void SimHttpServer::start_service(StreamEndId end, Connection& connection) {
  const fw::Endpoint remote = connection.remote;
  if (https_) {
    std::shared_ptr<const fw::TlsContext> context = https_->context;
    if (https_->swapped_context) {
      if (auto swapped = https_->swapped_context(world_.engine.now())) context = std::move(swapped);
    }
    connection.tls.emplace(fw::TlsSession::server(std::move(context), wall_now()));
  } else {
    connection.accepted_by_core = true;
    server_.handle_accepted(world_.engine.now(), end, remote);
    pump();
  }
}

void SimHttpServer::admit(std::uint64_t serial) {
  auto waiting = waiting_ends_.find(serial);
  if (waiting == waiting_ends_.end()) return;
  const StreamEndId end = waiting->second;
  waiting_ends_.erase(waiting);
  auto found = connections_.find(end);
  if (found == connections_.end() || found->second.serial != serial) return;
  found->second.waiting = false;
  fw::Bytes held = std::exchange(found->second.held, {});
  start_service(end, found->second);
  if (!held.empty()) on_stream_data(end, held);
}

void SimHttpServer::on_stream_data(StreamEndId end, fw::ByteSpan bytes) {
  auto found = connections_.find(end);
  if (found == connections_.end()) return;
  Connection& connection = found->second;
  if (connection.waiting) {
    connection.held.insert(connection.held.end(), bytes.begin(), bytes.end());
    return;
  }
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
    server_.handle_accepted(now, end, connection.remote, tls.peer_certificate());
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
  forget(end);
  pump();
}

void SimHttpServer::on_stream_failed(StreamEndId end, fw::StreamFailure) { on_stream_closed(end); }

void SimHttpServer::flush_tls(StreamEndId end, Connection& connection) {
  fw::Bytes ciphertext = connection.tls->take_ciphertext();
  if (!ciphertext.empty()) world_.network.send(end, ciphertext);
}

void SimHttpServer::forget(StreamEndId end) {
  auto found = connections_.find(end);
  if (found == connections_.end()) return;
  const std::uint64_t serial = found->second.serial;
  connections_.erase(found);
  waiting_ends_.erase(serial);
  if (auto next = queue_.finish(world_.engine.now(), serial)) {
    world_.engine.schedule_call(world_.engine.now(), [this, alive = std::weak_ptr<int>(lifetime_), next = *next] {
      if (!alive.expired()) admit(next);
    });
  }
}

void SimHttpServer::pump() {
  const fw::Instant now = world_.engine.now();
  while (auto action = server_.poll_action()) {
    auto found = connections_.find(action->connection);
    if (found == connections_.end()) continue;
    Connection& connection = found->second;
    if (action->at > now || !connection.delayed.empty()) {
      connection.delayed.push_back(std::move(*action));
      if (connection.delayed.size() == 1) schedule_delayed(found->first, connection);
      continue;
    }
    perform(found->first, connection, *action);
  }
  while (auto record = server_.poll_access_record()) access_log_.push_back(std::move(*record));
}

bool SimHttpServer::perform(StreamEndId end, Connection& connection,
                            srv::HttpServerAction& action) {
  if (action.kind == srv::HttpServerAction::Kind::Send) {
    if (connection.tls) {
      connection.tls->send_plaintext(action.bytes);
      flush_tls(end, connection);
    } else {
      world_.network.send(end, action.bytes);
    }
    return true;
  }
  if (connection.tls) {
    connection.tls->close();
    flush_tls(end, connection);
  }
  world_.network.close(end);
  server_.handle_closed(world_.engine.now(), end);  // a no-op when the core asked for the close
  forget(end);
  return false;
}

void SimHttpServer::schedule_delayed(StreamEndId end, const Connection& connection) {
  world_.engine.schedule_call(
      connection.delayed.front().at,
      [this, alive = std::weak_ptr<int>(lifetime_), end, serial = connection.serial] {
        if (!alive.expired()) run_delayed(end, serial);
      });
}

void SimHttpServer::run_delayed(StreamEndId end, std::uint64_t serial) {
  auto found = connections_.find(end);
  if (found == connections_.end() || found->second.serial != serial) return;
  Connection& connection = found->second;
  const fw::Instant now = world_.engine.now();
  while (!connection.delayed.empty() && connection.delayed.front().at <= now) {
    srv::HttpServerAction action = std::move(connection.delayed.front());
    connection.delayed.pop_front();
    if (!perform(end, connection, action)) return;
  }
  if (!connection.delayed.empty()) schedule_delayed(end, connection);
}

}  // namespace sim
