#pragma once

// AsioHttpHost: a srv::HttpServer core on a real TCP listener (provserver --http and --https).
// With a TLS context every connection runs through fw::TlsSession (the same byte engine the
// phone uses), so the core sees only plaintext, as in the simulator's SimHttpServer.
//
// limit_concurrency() puts a srv::ServiceQueue in front of the core, as SimHttpServer does: a
// connection is in service from its admission (TLS handshake included) to its close; a waiting
// connection is accepted but not read (its request and handshake wait in the socket); past the
// queue a connection is closed at once, unread, like a full accept backlog. A waiting client
// that gives up keeps its place until its turn (nothing reads its socket before): then its EOF
// ends it at once and the next one is admitted.
//
// A reply the core holds back (HttpServerAction::at later than now: a latency fault) waits on
// a per-connection steady_timer; the connection keeps reading meanwhile.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <map>
#include <memory>

#include "firmware-core/base/result.h"
#include "firmware-core/fetch/tls_session.h"
#include "servers/admission/service_queue.h"
#include "servers/http/http_server.h"
#include "servers/provserver/host_clock.h"

namespace srv::provserver {

class AsioHttpHost {
 public:
  using AccessObserver = std::function<void(const HttpAccessRecord&)>;
  // A TLS handshake failed: the client's address and why (a missing client certificate...).
  using TlsFailureObserver = std::function<void(fw::Endpoint, const fw::Error&)>;

  // Listens on `listen`; `root` must outlive the host. With `tls` (a server context) every
  // connection is HTTPS. Errors: PortInUse.
  static fw::Result<std::unique_ptr<AsioHttpHost>> start(
      boost::asio::io_context& io, const HostClock& clock, fw::Endpoint listen, HttpRoot& root,
      HttpServerSettings settings, HttpRequestHook hook,
      std::shared_ptr<const fw::TlsContext> tls, AccessObserver on_access,
      TlsFailureObserver on_tls_failure = {});
  ~AsioHttpHost();
  AsioHttpHost(const AsioHttpHost&) = delete;
  AsioHttpHost& operator=(const AsioHttpHost&) = delete;

  std::uint16_t port() const;
  HttpServer& core() { return server_; }
  // Call before the first connection arrives (right after start()).
  void limit_concurrency(ServiceQueueSettings settings) { queue_ = ServiceQueue(settings); }
  const ServiceQueue& queue() const { return queue_; }
  // Certificate faults (HTTPS): asked once per connection as its handshake starts; a context
  // presenting a wrong certificate for this connection, or null for the server's own.
  using SwappedContext = std::function<std::shared_ptr<const fw::TlsContext>(fw::Instant now)>;
  void swap_certificates(SwappedContext swapped) { swapped_context_ = std::move(swapped); }

 private:
  struct Connection;

  AsioHttpHost(boost::asio::io_context& io, const HostClock& clock, HttpRoot& root,
               HttpServerSettings settings, HttpRequestHook hook,
               std::shared_ptr<const fw::TlsContext> tls, AccessObserver on_access,
               TlsFailureObserver on_tls_failure);
  void accept_next();
  // Starts serving an admitted connection: the TLS handshake or the core, then reading.
  void start_service(const std::shared_ptr<Connection>& connection);
  // The connection ended (closed or lost): its place goes to the next waiting one, if any.
  void release(const std::shared_ptr<Connection>& connection);
  void read_next(const std::shared_ptr<Connection>& connection);
  void write(const std::shared_ptr<Connection>& connection, fw::Bytes bytes);
  void write_next(const std::shared_ptr<Connection>& connection);
  void flush_tls(const std::shared_ptr<Connection>& connection);
  // Closes after the queued bytes; the core has already forgotten (or never knew) the connection.
  void close_after_writes(const std::shared_ptr<Connection>& connection);
  // The peer went away or the socket broke: tell the core, drop everything.
  void lost(const std::shared_ptr<Connection>& connection);
  void pump();
  // Carries out one of the core's actions on `connection` now.
  void perform(const std::shared_ptr<Connection>& connection, HttpServerAction action);
  // An action whose time has not come (HttpReply::delay: latency faults) waits in the
  // connection's queue, and so does every later action of that connection, to keep their order.
  void hold(const std::shared_ptr<Connection>& connection, HttpServerAction action);
  void arm_hold_timer(const std::shared_ptr<Connection>& connection);
  void release_held(const std::shared_ptr<Connection>& connection);

  boost::asio::io_context& io_;
  const HostClock& clock_;
  HttpServer server_;
  std::shared_ptr<const fw::TlsContext> tls_;
  AccessObserver on_access_;
  TlsFailureObserver on_tls_failure_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::ip::tcp::endpoint accepted_peer_;  // filled by the pending async_accept
  ConnectionId next_id_ = 1;
  ServiceQueue queue_;
  SwappedContext swapped_context_;
  std::map<ConnectionId, std::shared_ptr<Connection>> connections_;
};

}  // namespace srv::provserver
