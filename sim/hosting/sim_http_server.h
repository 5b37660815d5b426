#pragma once

// SimHttpServer: hosts a srv::HttpServer core on the simulated network, plain (HTTP) or behind
// the TLS byte engine (HTTPS, optionally requiring the phones' client certificates). One
// TlsSession per connection; the core sees only plaintext, as it would behind provserver's TLS.

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "firmware-core/fetch/tls_session.h"
#include "servers/admission/service_queue.h"
#include "servers/http/http_server.h"
#include "sim/platform/sim_world.h"

namespace sim {

struct SimHttpsSettings {
  std::shared_ptr<const fw::TlsContext> context;  // a server context (certificate, client CAs)
  fw::WallTime world_start;  // the server's clock at t=0, for checking client certificates
  // Certificate faults (srv::FaultKind::Certificate): asked once per accepted connection; a
  // context that presents a wrong certificate for this connection, or null for `context`.
  std::function<std::shared_ptr<const fw::TlsContext>(fw::Instant now)> swapped_context = nullptr;
};

class SimHttpServer final : private StreamAcceptor, private StreamHandler {
 public:
  // Listens on `listen` (its host must exist). `root` must outlive the server. With `https`,
  // every connection is TLS. Errors: PortInUse.
  static fw::Result<std::unique_ptr<SimHttpServer>> start(SimWorld& world, fw::Endpoint listen,
                                                          srv::HttpRoot& root,
                                                          srv::HttpServerSettings settings = {},
                                                          srv::HttpRequestHook hook = {},
                                                          std::optional<SimHttpsSettings> https = {});
  ~SimHttpServer() override;
  SimHttpServer(const SimHttpServer&) = delete;
  SimHttpServer& operator=(const SimHttpServer&) = delete;

  srv::HttpServer& core() { return server_; }
  // Every request answered, in order.
  const std::vector<srv::HttpAccessRecord>& access_log() const { return access_log_; }
  // TLS handshakes that failed (a phone without MIC, a certificate the phone refused).
  std::size_t tls_failures() const { return tls_failures_; }
  // A concurrency limit with queueing (servers/admission): a connection is one transfer, in
  // service from its admission (TLS handshake included) to its close. A waiting connection's
  // bytes stay unread; a refused one is closed before it is read. Call before the first
  // connection.
  void limit_concurrency(srv::ServiceQueueSettings settings) { queue_ = srv::ServiceQueue(settings); }
  const srv::ServiceQueue& queue() const { return queue_; }

 private:
  struct Connection {
    fw::Endpoint remote;
    std::optional<fw::TlsSession> tls;
    bool accepted_by_core = false;
    std::uint64_t serial = 0;  // tells a reused StreamEndId's connections apart; the queue's id
    bool waiting = false;      // queued: `held` keeps its bytes until admission
    fw::Bytes held;
    // Actions the core timed later (HttpReply::delay), in order; later actions wait behind them.
    std::deque<srv::HttpServerAction> delayed;
  };

  SimHttpServer(SimWorld& world, fw::Endpoint listen, srv::HttpRoot& root,
                srv::HttpServerSettings settings, srv::HttpRequestHook hook,
                std::optional<SimHttpsSettings> https);
  StreamHandler& on_stream_accepted(StreamEndId end, fw::Endpoint local, fw::Endpoint remote) override;
  void on_stream_connected(StreamEndId) override {}
  void on_stream_data(StreamEndId end, fw::ByteSpan bytes) override;
  void on_stream_closed(StreamEndId end) override;
  void on_stream_failed(StreamEndId end, fw::StreamFailure failure) override;
  void flush_tls(StreamEndId end, Connection& connection);
  void forget(StreamEndId end);
  // Starts serving an admitted connection (TLS session or the core's accept).
  void start_service(StreamEndId end, Connection& connection);
  // Admits the waiting connection `serial` (on an engine call: never inside another callback).
  void admit(std::uint64_t serial);
  void pump();
  // Carries out `action` now; false when it closed (and forgot) the connection.
  bool perform(StreamEndId end, Connection& connection, srv::HttpServerAction& action);
  // Performs the delayed actions of `end` that are due, then waits for the next one.
  void run_delayed(StreamEndId end, std::uint64_t serial);
  void schedule_delayed(StreamEndId end, const Connection& connection);
  fw::WallTime wall_now() const;

  SimWorld& world_;
  fw::Endpoint listen_;
  srv::HttpServer server_;
  std::optional<SimHttpsSettings> https_;
  std::unordered_map<StreamEndId, Connection> connections_;
  std::vector<srv::HttpAccessRecord> access_log_;
  std::size_t tls_failures_ = 0;
  std::uint64_t next_serial_ = 1;
  srv::ServiceQueue queue_;
  std::unordered_map<std::uint64_t, StreamEndId> waiting_ends_;  // serial -> end, queued ones
  // Expires with the server, so delayed actions scheduled on the engine do nothing after it.
  std::shared_ptr<int> lifetime_ = std::make_shared<int>(0);
};

}  // namespace sim
