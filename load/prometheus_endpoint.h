#pragma once

// PrometheusEndpoint: `phonesim load --prometheus ADDR:PORT` serves the run's metrics in the
// Prometheus text format (GET /metrics; any other path 404) with Boost.Beast, on the run's own
// io_context, so the metrics are read on the thread that writes them. One request per connection
// (Connection: close); a request that does not arrive within kRequestTimeout is dropped.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "firmware-core/base/result.h"
#include "firmware-core/runtime/network_address.h"

namespace load {

class PrometheusEndpoint {
 public:
  static constexpr std::chrono::seconds kRequestTimeout{10};

  // Listens on `listen` (port 0: any free port) and answers with `render()` for each scrape.
  // Errors: PortInUse naming the address and why.
  static fw::Result<std::unique_ptr<PrometheusEndpoint>> start(boost::asio::io_context& io, fw::Endpoint listen,
                                                               std::function<std::string()> render);
  ~PrometheusEndpoint();
  PrometheusEndpoint(const PrometheusEndpoint&) = delete;
  PrometheusEndpoint& operator=(const PrometheusEndpoint&) = delete;

  std::uint16_t port() const;

 private:
  PrometheusEndpoint(boost::asio::io_context& io, std::function<std::string()> render);
  void accept_next();

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::function<std::string()> render_;
  std::shared_ptr<const bool> alive_ = std::make_shared<const bool>(true);
};

}  // namespace load
