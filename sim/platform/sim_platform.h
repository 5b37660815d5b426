#pragma once

// SimPlatform: one simulated phone's fw::Platform over a SimWorld (DESIGN.md "The seam").
// Timers are engine timers; UDP, streams and DNS go through the world's Network from the phone's
// host; flash is a SimFlash; entropy is the phone's seeded stream; the wall clock is an RTC with
// integer ppm drift that can be stepped; trace events go to the world's TraceLog under the
// phone's name.
//
// Every listener call comes from the engine's event queue, never from inside a Platform call.
// Power: power_off() ends the phone's current life (timers, sockets, streams, queries of that
// life never deliver again); power_on() starts the next. reboot() does both through the queue and
// then calls the reboot handler, which attaches a fresh listener (a new firmware instance).

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "firmware-core/base/random_stream.h"
#include "firmware-core/runtime/platform.h"
#include "sim/flash/sim_flash.h"
#include "sim/platform/sim_world.h"

namespace sim {

struct PhoneSettings {
  std::string name;             // the trace's "phone" field, e.g. the MAC
  fw::Ipv4Address address;      // the phone's host (added to the network if missing)
  std::uint32_t group = 0;      // its host group (links, partitions)
  std::uint64_t entity_id = 0;  // the phone's random stream: derive_seed(world seed, entity_id)
  fw::WallTime wall_start{};    // the RTC reading when the SimPlatform is constructed
  std::int32_t drift_ppm = 0;   // RTC rate error: +100 runs 100 µs per second fast
  fw::Duration boot_delay{0};   // reboot(): time from power off to the reboot handler
  TornWrite torn_write = TornWrite::DropPending;
};

class SimPlatform final : public fw::Platform,
                          private EventHandler,
                          private UdpReceiver,
                          private StreamHandler,
                          private DnsClient {
 public:
  SimPlatform(SimWorld& world, PhoneSettings settings);
  ~SimPlatform() override;
  SimPlatform(const SimPlatform&) = delete;
  SimPlatform& operator=(const SimPlatform&) = delete;

  // --- fw::Platform ---
  void set_listener(fw::PlatformEvents* listener) override { listener_ = listener; }
  fw::Instant now() const override { return world_.engine.now(); }
  fw::WallTime wall_clock() const override;
  void set_timer(fw::TimerId timer, fw::Instant deadline) override;
  void cancel_timer(fw::TimerId timer) override;
  fw::Result<fw::SocketId> open_udp(std::uint16_t local_port) override;
  std::uint16_t local_port(fw::SocketId socket) const override;
  void send_datagram(fw::SocketId socket, fw::Endpoint to, fw::ByteSpan payload) override;
  void close_udp(fw::SocketId socket) override;
  fw::StreamId connect_stream(fw::Endpoint to) override;
  void send(fw::StreamId stream, fw::ByteSpan bytes) override;
  void close_stream(fw::StreamId stream) override;
  void abort_stream(fw::StreamId stream) override;
  fw::QueryId resolve(std::string_view host_name) override;
  fw::FlashStore& flash() override { return flash_; }
  void fill_random(std::span<std::uint8_t> out) override;
  void trace(fw::Severity severity, std::string_view component, std::string_view event,
             std::span<const fw::TraceField> fields) override;
  void reboot() override;

  // --- the world's side ---
  const PhoneSettings& settings() const { return settings_; }
  SimFlash& sim_flash() { return flash_; }
  // Called (from the event queue) when a reboot() has powered the phone up again.
  void set_reboot_handler(std::function<void()> handler) { reboot_handler_ = std::move(handler); }
  // Ends the current life. `power_lost`: an outage (the host goes down and unsynced flash writes
  // are lost at power_on); otherwise an orderly shutdown (streams reset, host stays up).
  void power_off(bool power_lost);
  void power_on();
  bool powered() const { return powered_; }
  // RTC: sets the reading now (an NTP step, an RTC reset); changes the drift from now on.
  void step_wall_clock(fw::WallTime to);
  void set_drift_ppm(std::int32_t drift_ppm);

 private:
  // The RTC in Unix nanoseconds (wall_clock() truncates to seconds).
  std::int64_t wall_nanoseconds() const;
  void boot_after_reboot();

  // The end of a reboot's boot delay: an engine timer of its own (not a closure holding `this`),
  // so that destroying the phone mid-reboot leaves nothing behind in the queue.
  class BootTimer final : public EventHandler {
   public:
    explicit BootTimer(SimPlatform& phone) : phone_(phone) {}
    void on_event(std::uint32_t) override { phone_.boot_after_reboot(); }

   private:
    SimPlatform& phone_;
  };

  void on_event(std::uint32_t tag) override;
  void on_udp(fw::Endpoint local, fw::Endpoint from, fw::ByteSpan payload) override;
  void on_stream_connected(StreamEndId end) override;
  void on_stream_data(StreamEndId end, fw::ByteSpan bytes) override;
  void on_stream_closed(StreamEndId end) override;
  void on_stream_failed(StreamEndId end, fw::StreamFailure failure) override;
  void on_dns_answer(std::uint32_t tag,
                     fw::Result<std::vector<fw::Ipv4Address>> addresses) override;

  SimWorld& world_;
  PhoneSettings settings_;
  HandlerId handler_id_;
  fw::PlatformEvents* listener_ = nullptr;
  SimFlash flash_;
  fw::RandomStream random_;
  std::function<void()> reboot_handler_;
  BootTimer boot_timer_handler_{*this};
  EngineTimerId boot_timer_;
  bool powered_ = true;
  bool flash_power_lost_ = false;

  // RTC: reading wall_base_ns_ at instant wall_base_, running at (1e6 + drift_ppm) / 1e6.
  fw::Instant wall_base_{};
  std::int64_t wall_base_ns_ = 0;

  std::unordered_map<fw::TimerId, EngineTimerId> timers_;
  std::unordered_map<fw::SocketId, std::uint16_t> sockets_;
  std::unordered_map<std::uint16_t, fw::SocketId> socket_by_port_;
  fw::SocketId next_socket_ = 1;
  std::unordered_set<fw::StreamId> streams_;  // live in this life
  fw::QueryId next_query_ = 1;
  fw::QueryId first_query_of_life_ = 1;
};

}  // namespace sim
