#pragma once

// LoadPhonePlatform: the Platform one phone of `phonesim load` runs on. It wraps an AsioPlatform
// (real sockets on the run's shared io_context) and adds what a load run needs without touching
// the firmware core:
//
// - the scaled clock (scaled_clock.h): now(), wall_clock() and every timer go through it;
// - the target guard (target_guard.h): a connect or datagram to an address outside loopback is
//   refused (the stream fails as Unreachable, the datagram is dropped, both counted), and DNS
//   answers lose such addresses, unless --allow-remote-target;
// - a seeded entropy stream per phone (derive_seed(run seed, phone number)), so the same --seed
//   gives every phone the same random delays;
// - observation: the agent's trace events (resync_start, fetch, resync_done) are turned into
//   LoadRecorder calls, with the *intended* start of each resync — the real time its timer was
//   due (or the ramp's power-on time) — for latency without coordinated omission.

#include <array>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "firmware-core/base/random_stream.h"
#include "firmware-core/target/asio_platform.h"
#include "load/scaled_clock.h"

namespace load {

// What the phones report to the run (load_metrics.h implements it). Times are real time since the
// start of the run.
class LoadRecorder {
 public:
  virtual ~LoadRecorder() = default;
  // A transfer was started to `server` ("http://127.0.0.1:8080").
  virtual void fetch_started(std::uint64_t phone, const std::string& server, fw::Duration real_now) = 0;
  // A resync ended. `intended_start`: when it was due; `actual_start`: when it began.
  virtual void resync_finished(std::uint64_t phone, const std::string& server, bool success,
                               const std::string& err, fw::Duration intended_start,
                               fw::Duration actual_start, fw::Duration real_now) = 0;
  // A connect or datagram to a non-loopback address was refused by the guard.
  virtual void target_refused(std::uint64_t phone, const std::string& address) = 0;
  // An error-severity trace event ("component event detail").
  virtual void trace_error(std::uint64_t phone, const std::string& line) = 0;
};

struct LoadPhonePlatformOptions {
  std::uint64_t phone = 0;       // the phone's number in the run (0-based)
  std::uint64_t entropy_seed = 0;  // derive_seed(run seed, phone, boot)
  bool allow_remote = false;
  fw::AsioPlatformOptions asio;  // connect timeout, bind addresses, reboot callback
};

class LoadPhonePlatform final : public fw::Platform, public fw::PlatformEvents {
 public:
  using RealClock = std::chrono::steady_clock;

  // `clock`, `recorder` and `flash` must outlive the platform; `run_start` is real time zero.
  LoadPhonePlatform(boost::asio::io_context& io, fw::FlashStore& flash, const ScaledClock& clock,
                    RealClock::time_point run_start, LoadRecorder& recorder,
                    LoadPhonePlatformOptions options);
  ~LoadPhonePlatform() override;
  LoadPhonePlatform(const LoadPhonePlatform&) = delete;
  LoadPhonePlatform& operator=(const LoadPhonePlatform&) = delete;

  // The agent's Debug and Info trace events this platform observes; the run's phones build only
  // these (fw::AgentSettings::trace_events), plus warnings and errors.
  static constexpr std::array<std::string_view, 3> kObservedAgentEvents = {"resync_start", "fetch",
                                                                          "resync_done"};

  // The next resync that starts outside any platform event (the power-on one) counts as intended
  // at `real_time`; call just before PhoneRuntime::power_on, and with nullopt just after it.
  void expect_start_at(std::optional<fw::Duration> real_time) { outside_event_intended_ = real_time; }
  // Real time since the start of the run.
  fw::Duration real_elapsed() const;

  // --- Platform ---
  void set_listener(fw::PlatformEvents* listener) override { listener_ = listener; }
  fw::Instant now() const override;
  fw::WallTime wall_clock() const override;
  void set_timer(fw::TimerId timer, fw::Instant deadline) override;
  void cancel_timer(fw::TimerId timer) override;
  fw::Result<fw::SocketId> open_udp(std::uint16_t local_port) override { return inner_.open_udp(local_port); }
  std::uint16_t local_port(fw::SocketId socket) const override { return inner_.local_port(socket); }
  void send_datagram(fw::SocketId socket, fw::Endpoint to, fw::ByteSpan payload) override;
  void close_udp(fw::SocketId socket) override { inner_.close_udp(socket); }
  fw::StreamId connect_stream(fw::Endpoint to) override;
  void send(fw::StreamId stream, fw::ByteSpan bytes) override { inner_.send(stream, bytes); }
  void close_stream(fw::StreamId stream) override { inner_.close_stream(stream); }
  void abort_stream(fw::StreamId stream) override { inner_.abort_stream(stream); }
  fw::QueryId resolve(std::string_view host_name) override { return inner_.resolve(host_name); }
  fw::FlashStore& flash() override { return inner_.flash(); }
  void fill_random(std::span<std::uint8_t> out) override;
  void trace(fw::Severity severity, std::string_view component, std::string_view event,
             std::span<const fw::TraceField> fields) override;
  void reboot() override { inner_.reboot(); }

  // --- PlatformEvents (from the AsioPlatform, passed on to the phone) ---
  void on_timer(fw::TimerId timer) override;
  void on_datagram(fw::SocketId socket, fw::Endpoint from, fw::ByteSpan payload) override;
  void on_stream_connected(fw::StreamId stream) override;
  void on_stream_data(fw::StreamId stream, fw::ByteSpan bytes) override;
  void on_stream_closed(fw::StreamId stream) override;
  void on_stream_failed(fw::StreamId stream, fw::StreamFailure failure) override;
  void on_resolved(fw::QueryId query, fw::Result<std::vector<fw::Ipv4Address>> addresses) override;

 private:
  // Streams refused by the guard get handles from here, far above the AsioPlatform's.
  static constexpr fw::StreamId kRefusedStreamFirst = 0x8000'0000;

  // Marks the event being delivered as intended at `intended` (real time).
  template <typename Deliver>
  void deliver(fw::Duration intended, Deliver&& deliver_event);

  boost::asio::io_context& io_;
  const ScaledClock& clock_;
  RealClock::time_point run_start_;
  LoadRecorder& recorder_;
  LoadPhonePlatformOptions options_;
  fw::AsioPlatform inner_;
  fw::PlatformEvents* listener_ = nullptr;
  fw::RandomStream entropy_;
  // Real-time deadlines of the armed timers (a phone has a handful).
  std::vector<std::pair<fw::TimerId, fw::Duration>> timer_deadlines_;
  std::optional<fw::Duration> delivering_intended_;
  std::optional<fw::Duration> outside_event_intended_;
  // The resync in progress: when it was due, when it began, the server of its last fetch.
  std::optional<fw::Duration> resync_intended_;
  fw::Duration resync_actual_{0};
  std::string resync_server_;
  fw::StreamId next_refused_stream_ = kRefusedStreamFirst;
  std::shared_ptr<const bool> alive_ = std::make_shared<const bool>(true);
};

// "http://127.0.0.1:8080" from "http://127.0.0.1:8080/path?query" (the URL as the agent traces
// it, port always present); the text up to the path otherwise.
std::string server_of_url(std::string_view url);

}  // namespace load
