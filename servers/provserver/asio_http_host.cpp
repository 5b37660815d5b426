#include "servers/provserver/asio_http_host.h"

#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <optional>

#include "servers/provserver/asio_address.h"

namespace srv::provserver {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
constexpr std::size_t kReadBytes = 16384;
}  // namespace

struct AsioHttpHost::Connection {
  Connection(tcp::socket accepted, ConnectionId connection_id)
      : socket(std::move(accepted)), id(connection_id) {}
  tcp::socket socket;
  ConnectionId id;
  fw::Endpoint remote;
  std::optional<fw::TlsSession> tls;
  bool known_to_core = false;  // handle_accepted was called (after the handshake with TLS)
  bool closing = false;        // shut down once the queue is empty; read nothing more
  bool writing = false;
  bool gone = false;  // the socket is closed; queued handlers return at once
  std::deque<fw::Bytes> outgoing;
  std::deque<HttpServerAction> held;  // waiting for their `at`, in the core's order
  std::optional<boost::asio::steady_timer> hold_timer;
  std::array<std::uint8_t, kReadBytes> buffer;  // not zeroed: 16 KiB per connection
};

fw::Result<std::unique_ptr<AsioHttpHost>> AsioHttpHost::start(
    asio::io_context& io, const HostClock& clock, fw::Endpoint listen, HttpRoot& root,
    HttpServerSettings settings, HttpRequestHook hook, std::shared_ptr<const fw::TlsContext> tls,
    AccessObserver on_access, TlsFailureObserver on_tls_failure) {
  std::unique_ptr<AsioHttpHost> host(new AsioHttpHost(io, clock, root, std::move(settings),
                                                      std::move(hook), std::move(tls),
                                                      std::move(on_access),
                                                      std::move(on_tls_failure)));
  boost::system::error_code error;
  tcp::acceptor& acceptor = host->acceptor_;
  acceptor.open(tcp::v4(), error);
  if (!error) acceptor.set_option(tcp::acceptor::reuse_address(true), error);
  // Replies leave at once; accepted sockets inherit TCP_NODELAY from the listener (Linux), which
  // saves a setsockopt per connection.
  if (!error) acceptor.set_option(tcp::no_delay(true), error);
  if (!error) acceptor.bind(tcp::endpoint(to_asio(listen.address), listen.port), error);
  if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    return fw::fail(fw::ErrorCode::PortInUse,
                    "http " + listen.to_string() + ": " + error.message());
  }
  host->accept_next();
  return host;
}

AsioHttpHost::AsioHttpHost(asio::io_context& io, const HostClock& clock, HttpRoot& root,
                           HttpServerSettings settings, HttpRequestHook hook,
                           std::shared_ptr<const fw::TlsContext> tls, AccessObserver on_access,
                           TlsFailureObserver on_tls_failure)
    : io_(io),
      clock_(clock),
      server_(root, std::move(settings), std::move(hook)),
      tls_(std::move(tls)),
      on_access_(std::move(on_access)),
      on_tls_failure_(std::move(on_tls_failure)),
      acceptor_(io) {}

AsioHttpHost::~AsioHttpHost() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  for (auto& [id, connection] : connections_) {
    connection->gone = true;
    connection->socket.close(ignored);
    if (connection->hold_timer) connection->hold_timer->cancel();
  }
}

std::uint16_t AsioHttpHost::port() const {
  boost::system::error_code error;
  auto endpoint = acceptor_.local_endpoint(error);
  return error ? 0 : endpoint.port();
}

void AsioHttpHost::accept_next() {
  // The peer's address comes with accept() itself (no getpeername per connection).
  acceptor_.async_accept(accepted_peer_, [this](const boost::system::error_code& error,
                                                tcp::socket socket) {
    if (error == asio::error::operation_aborted || !acceptor_.is_open()) return;
    const tcp::endpoint remote = accepted_peer_;
    if (!error && remote.address().is_v4()) {
      auto connection = std::make_shared<Connection>(std::move(socket), next_id_++);
      connection->remote = from_asio(remote);
      boost::system::error_code ignored;
      switch (queue_.arrive(clock_.now(), connection->id)) {
        case ServiceQueue::Admission::Serve:
          connections_.emplace(connection->id, connection);
          start_service(connection);
          break;
        case ServiceQueue::Admission::Wait:
          connections_.emplace(connection->id, connection);
          break;
        case ServiceQueue::Admission::Refuse:
          connection->gone = true;
          connection->socket.close(ignored);
          break;
      }
    }
    // Accept errors such as EMFILE are transient: keep accepting.
    accept_next();
  });
}

void AsioHttpHost::start_service(const std::shared_ptr<Connection>& connection) {
  if (tls_) {
    std::shared_ptr<const fw::TlsContext> context = tls_;
    if (swapped_context_) {
      if (auto swapped = swapped_context_(clock_.now())) context = std::move(swapped);
    }
    connection->tls.emplace(fw::TlsSession::server(std::move(context), clock_.wall_clock()));
  } else {
    connection->known_to_core = true;
    server_.handle_accepted(clock_.now(), connection->id, connection->remote);
    pump();
  }
  if (!connection->gone && !connection->closing) read_next(connection);
}

void AsioHttpHost::release(const std::shared_ptr<Connection>& connection) {
  auto next = queue_.finish(clock_.now(), connection->id);
  if (!next) return;
  // Started from the event loop, not from inside pump() or a read handler.
  asio::post(io_, [this, id = *next] {
    auto found = connections_.find(id);
    if (found != connections_.end()) start_service(found->second);
  });
}

void AsioHttpHost::read_next(const std::shared_ptr<Connection>& connection) {
  connection->socket.async_read_some(
      asio::buffer(connection->buffer),
      [this, connection](const boost::system::error_code& error, std::size_t size) {
        if (connection->gone || connection->closing) return;
        if (error) {
          lost(connection);
          return;
        }
        const fw::Instant now = clock_.now();
        const fw::ByteSpan bytes(connection->buffer.data(), size);
        if (!connection->tls) {
          server_.handle_bytes(now, connection->id, bytes);
          pump();
        } else {
          fw::TlsSession& tls = *connection->tls;
          tls.receive_ciphertext(bytes);
          flush_tls(connection);
          if (tls.error()) {
            if (on_tls_failure_) on_tls_failure_(connection->remote, *tls.error());
            if (connection->known_to_core) server_.handle_closed(now, connection->id);
            close_after_writes(connection);  // after the alert that says why
            pump();
            return;
          }
          if (tls.established() && !connection->known_to_core) {
            connection->known_to_core = true;
            server_.handle_accepted(now, connection->id, connection->remote);
          }
          fw::Bytes plaintext = tls.take_plaintext();
          if (!plaintext.empty()) server_.handle_bytes(now, connection->id, plaintext);
          if (tls.peer_closed() && connection->known_to_core) {
            server_.handle_closed(now, connection->id);
            connection->known_to_core = false;
            close_after_writes(connection);
          }
          pump();
        }
        if (!connection->gone && !connection->closing) read_next(connection);
      });
}

void AsioHttpHost::write(const std::shared_ptr<Connection>& connection, fw::Bytes bytes) {
  if (bytes.empty() || connection->gone) return;
  connection->outgoing.push_back(std::move(bytes));
  if (!connection->writing) write_next(connection);
}

void AsioHttpHost::write_next(const std::shared_ptr<Connection>& connection) {
  if (connection->outgoing.empty()) {
    if (connection->closing && !connection->gone) {
      // close() sends the FIN after the queued bytes; a shutdown() first would only cost a call.
      boost::system::error_code ignored;
      connection->socket.close(ignored);
      connection->gone = true;
    }
    return;
  }
  connection->writing = true;
  asio::async_write(connection->socket, asio::buffer(connection->outgoing.front()),
                    [this, connection](const boost::system::error_code& error, std::size_t) {
                      connection->writing = false;
                      if (connection->gone) return;
                      if (error) {
                        lost(connection);
                        return;
                      }
                      connection->outgoing.pop_front();
                      write_next(connection);
                    });
}

void AsioHttpHost::flush_tls(const std::shared_ptr<Connection>& connection) {
  write(connection, connection->tls->take_ciphertext());
}

void AsioHttpHost::close_after_writes(const std::shared_ptr<Connection>& connection) {
  connections_.erase(connection->id);
  connection->closing = true;
  if (!connection->writing) write_next(connection);
  release(connection);
}

void AsioHttpHost::lost(const std::shared_ptr<Connection>& connection) {
  if (connection->known_to_core) server_.handle_closed(clock_.now(), connection->id);
  connections_.erase(connection->id);
  connection->gone = true;
  boost::system::error_code ignored;
  connection->socket.close(ignored);
  if (connection->hold_timer) connection->hold_timer->cancel();
  connection->held.clear();
  release(connection);
  pump();
}

void AsioHttpHost::pump() {
  const fw::Instant now = clock_.now();
  while (auto action = server_.poll_action()) {
    auto found = connections_.find(action->connection);
    if (found == connections_.end()) continue;
    std::shared_ptr<Connection> connection = found->second;
    if (!connection->held.empty() || action->at > now) {
      hold(connection, std::move(*action));
    } else {
      perform(connection, std::move(*action));
    }
  }
  while (auto record = server_.poll_access_record()) {
    if (on_access_) on_access_(*record);
  }
}

void AsioHttpHost::perform(const std::shared_ptr<Connection>& connection,
                           HttpServerAction action) {
  if (action.kind == HttpServerAction::Kind::Send) {
    if (connection->tls) {
      connection->tls->send_plaintext(action.bytes);
      flush_tls(connection);
    } else {
      write(connection, std::move(action.bytes));
    }
    return;
  }
  if (connection->tls) {
    connection->tls->close();
    flush_tls(connection);
  }
  close_after_writes(connection);
}

void AsioHttpHost::hold(const std::shared_ptr<Connection>& connection, HttpServerAction action) {
  connection->held.push_back(std::move(action));
  if (connection->held.size() == 1) arm_hold_timer(connection);
}

void AsioHttpHost::arm_hold_timer(const std::shared_ptr<Connection>& connection) {
  if (!connection->hold_timer) connection->hold_timer.emplace(io_);
  connection->hold_timer->expires_at(clock_.time_point(connection->held.front().at));
  connection->hold_timer->async_wait(
      [this, connection](const boost::system::error_code& error) {
        if (error || connection->gone) return;  // cancelled: the connection or the host is gone
        release_held(connection);
      });
}

void AsioHttpHost::release_held(const std::shared_ptr<Connection>& connection) {
  const fw::Instant now = clock_.now();
  while (!connection->held.empty() && connection->held.front().at <= now && !connection->gone &&
         !connection->closing) {
    HttpServerAction action = std::move(connection->held.front());
    connection->held.pop_front();
    perform(connection, std::move(action));
  }
  if (connection->gone || connection->closing) {
    connection->held.clear();
    return;
  }
  if (!connection->held.empty()) arm_hold_timer(connection);
}

}  // namespace srv::provserver
