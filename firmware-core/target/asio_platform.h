#pragma once

// AsioPlatform: the Platform on a real device (phoned) and for `phonesim load`: Boost.Asio timers,
// UDP and TCP sockets and the system resolver on one io_context, a FlashStore on disk, the
// kernel's randomness and the system clock.
//
// Everything runs on the io_context's thread: every PlatformEvents call comes from a completion
// handler, never from inside a Platform method, as platform.h requires.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <unordered_map>

#include "firmware-core/runtime/platform.h"

namespace fw {

struct AsioPlatformOptions {
  // A connect that has neither succeeded nor failed after this long fails with TimedOut.
  std::chrono::milliseconds connect_timeout_ms{10'000};
  // The local address UDP sockets bind to (0.0.0.0 = all interfaces).
  Ipv4Address udp_bind_address{};
  // The local address TCP connections are made from (0.0.0.0 = the kernel chooses); `phonesim
  // load --bind` spreads its phones over loopback addresses this way.
  Ipv4Address stream_bind_address{};
  // Receives trace lines in a readable form ("12.345678 info agent resync_started url=..."); null
  // discards them.
  std::ostream* trace_output = nullptr;
  // Called (from the io_context) after reboot() was requested; the owner tears the phone down.
  std::function<void()> on_reboot;
};

class AsioPlatform final : public Platform {
 public:
  AsioPlatform(boost::asio::io_context& io, FlashStore& flash, AsioPlatformOptions options = {});
  ~AsioPlatform() override;
  AsioPlatform(const AsioPlatform&) = delete;
  AsioPlatform& operator=(const AsioPlatform&) = delete;

  void set_listener(PlatformEvents* listener) override;
  Instant now() const override;
  WallTime wall_clock() const override;
  void set_timer(TimerId timer, Instant deadline) override;
  void cancel_timer(TimerId timer) override;
  Result<SocketId> open_udp(std::uint16_t local_port) override;
  std::uint16_t local_port(SocketId socket) const override;
  void send_datagram(SocketId socket, Endpoint to, ByteSpan payload) override;
  void close_udp(SocketId socket) override;
  StreamId connect_stream(Endpoint to) override;
  void send(StreamId stream, ByteSpan bytes) override;
  void close_stream(StreamId stream) override;
  void abort_stream(StreamId stream) override;
  QueryId resolve(std::string_view host_name) override;
  FlashStore& flash() override { return flash_; }
  void fill_random(std::span<std::uint8_t> out) override;
  void trace(Severity severity, std::string_view component, std::string_view event,
             std::span<const TraceField> fields) override;
  void reboot() override;

 private:
  struct Timer;
  struct UdpSocket;
  struct Stream;
  struct Query;

  void receive_next(SocketId id, const std::shared_ptr<UdpSocket>& socket);
  void read_next(StreamId id, const std::shared_ptr<Stream>& stream);
  void read_available(StreamId id, const std::shared_ptr<Stream>& stream);
  void write_next(StreamId id, const std::shared_ptr<Stream>& stream);
  void fail_stream(StreamId id, StreamFailure failure);
  // One timer watches every connect in progress: armed for the earliest deadline, never cancelled
  // by a connect that completes (a timer per connect cost a schedule, a cancel and an aborted
  // handler each, thousands of times a second under `phonesim load`).
  void watch_connects(std::chrono::steady_clock::time_point deadline);
  void fail_late_connects();
  std::uint32_t next_handle() { return next_handle_++; }
  // False once reboot() was asked for: no event may reach the listener after it.
  bool delivering() const { return listener_ != nullptr && !rebooting_; }
  // Completion handlers may run after this platform is gone (the io_context outlives it); each
  // holds a weak token and returns at once when it has expired.
  std::weak_ptr<const bool> alive_token() const { return alive_; }

  boost::asio::io_context& io_;
  FlashStore& flash_;
  AsioPlatformOptions options_;
  PlatformEvents* listener_ = nullptr;
  bool rebooting_ = false;
  std::chrono::steady_clock::time_point epoch_;
  std::uint32_t next_handle_ = 1;
  std::unordered_map<TimerId, std::shared_ptr<Timer>> timers_;
  std::unordered_map<SocketId, std::shared_ptr<UdpSocket>> udp_sockets_;
  std::unordered_map<StreamId, std::shared_ptr<Stream>> streams_;
  std::unordered_map<QueryId, std::shared_ptr<Query>> queries_;
  boost::asio::steady_timer connect_watch_;
  bool connect_watch_armed_ = false;
  std::chrono::steady_clock::time_point connect_watch_expiry_;
  std::shared_ptr<const bool> alive_ = std::make_shared<const bool>(true);
};

}  // namespace fw
