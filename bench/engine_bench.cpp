// bench_engine: the simulator's event loop against a plain std::priority_queue loop, measured in
// the same process, at 1e3, 1e5 and 1e6 pending events.
//
//   raw/priority_queue/N   std::priority_queue<(time, sequence)>, min first: pop the earliest,
//                          push a new one at its time + a delay
//   ours/engine/N          sim::Engine: step() runs the earliest event, whose handler schedules a
//                          new one at now + the same delay (dispatch through the handler table
//                          included)
//   ours/engine_timers/N   the same with cancellable engine timers re-armed by their handler
//   ours/fleet_idle/N      N idle SimPlatform phones for 24 virtual hours, each re-arming one
//                          timer about hourly (3,000-4,200 s from its entropy): wall time for the
//                          day, events, and heap bytes per phone (glibc mallinfo2 around the
//                          fleet's construction; the firmware core's own state is not included)
//   ours/fleet_firmware/{plain,interned}/N
//                          N phones WITH the firmware: SimPlatform, flash holding the stored
//                          configuration, PhoneRuntime (agent, stored and live ConfigStore) with
//                          a typical 100-parameter profile applied (96 values shared by the fleet,
//                          4 per phone), powered on and idle for 24 virtual hours. `plain`: every
//                          store keeps its own values; `interned`: the fleet shares one
//                          fw::ValuePool. Counters: bytes_per_phone (heap delta over the fleet's
//                          construction, the pool included), config_bytes_per_phone (the live
//                          store), pool_bytes
//
// Both sides hold N pending events all the time and draw delays from the same table: uniform in
// [0, 10 s) of integer nanoseconds, the spread of a fleet's retry and resync timers.
// items/s = events/s. See README.md for the command and the figures.

#include <malloc.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "bench/ratio_reporter.h"
#include "bench/registration.h"
#include "firmware-core/base/random_stream.h"
#include "firmware-core/codec/profile_codec.h"
#include "firmware-core/config/persistent_config.h"
#include "firmware-core/config/value_pool.h"
#include "firmware-core/runtime/phone_runtime.h"
#include "sim/engine/engine.h"
#include "sim/platform/sim_platform.h"

namespace bench {
namespace {

constexpr std::int64_t kDelaySpanNs = 10'000'000'000;  // 10 s
constexpr std::size_t kDelayCount = 1 << 16;           // a power of two: index by mask

const std::vector<std::int64_t>& delays() {
  static const std::vector<std::int64_t> table = [] {
    fw::RandomStream random(2026);
    std::vector<std::int64_t> values(kDelayCount);
    for (std::int64_t& value : values) value = random.between(0, kDelaySpanNs - 1);
    return values;
  }();
  return table;
}

std::string pending_name(std::int64_t pending) {
  if (pending == 1'000) return "1e3";
  if (pending == 100'000) return "1e5";
  return "1e6";
}

void raw_priority_queue(benchmark::State& state, const std::int64_t& pending) {
  using Key = std::pair<std::uint64_t, std::uint64_t>;  // (time, sequence)
  const std::vector<std::int64_t>& delay = delays();
  std::priority_queue<Key, std::vector<Key>, std::greater<>> queue;
  std::uint64_t sequence = 0;
  std::size_t draw = 0;
  for (std::int64_t index = 0; index < pending; ++index)
    queue.emplace(static_cast<std::uint64_t>(delay[draw++ & (kDelayCount - 1)]), ++sequence);
  for (auto _ : state) {
    const Key top = queue.top();
    queue.pop();
    queue.emplace(top.first + static_cast<std::uint64_t>(delay[draw++ & (kDelayCount - 1)]),
                  ++sequence);
  }
  benchmark::DoNotOptimize(queue.top());
  state.SetItemsProcessed(state.iterations());
}

// Reschedules itself with the next delay each time it runs.
class Rescheduler final : public sim::EventHandler {
 public:
  Rescheduler(sim::Engine& engine, bool timers) : engine_(engine), timers_(timers) {
    id_ = engine_.add_handler(*this);
  }
  void prefill(std::int64_t pending) {
    for (std::int64_t index = 0; index < pending; ++index) {
      if (timers_) {
        const sim::EngineTimerId timer =
            engine_.add_timer(id_, static_cast<std::uint32_t>(index));
        engine_.arm_timer(timer, engine_.now() + next_delay());
      } else {
        engine_.schedule(engine_.now() + next_delay(), id_, 0);
      }
    }
  }
  void on_event(std::uint32_t tag) override {
    if (timers_) {
      engine_.arm_timer(tag, engine_.now() + next_delay());
    } else {
      engine_.schedule(engine_.now() + next_delay(), id_, tag);
    }
  }

 private:
  fw::Duration next_delay() { return fw::Duration(delays()[draw_++ & (kDelayCount - 1)]); }

  sim::Engine& engine_;
  bool timers_;
  sim::HandlerId id_ = 0;
  std::size_t draw_ = 0;
};

void ours_engine(benchmark::State& state, const std::int64_t& pending, const bool& timers) {
  sim::Engine engine(1);
  Rescheduler rescheduler(engine, timers);
  rescheduler.prefill(pending);
  for (auto _ : state) benchmark::DoNotOptimize(engine.step());
  state.SetItemsProcessed(state.iterations());
  state.counters["pending"] = static_cast<double>(engine.pending());
  state.SetLabel(peer_label("raw/priority_queue/" + pending_name(pending)));
}

// The idle firmware: one timer, re-armed each time it fires.
class IdlePhone final : public fw::PlatformEvents {
 public:
  explicit IdlePhone(fw::Platform& platform) : platform_(platform) {
    platform_.set_listener(this);
    arm();
  }
  void on_timer(fw::TimerId) override { arm(); }
  void on_datagram(fw::SocketId, fw::Endpoint, fw::ByteSpan) override {}
  void on_stream_connected(fw::StreamId) override {}
  void on_stream_data(fw::StreamId, fw::ByteSpan) override {}
  void on_stream_closed(fw::StreamId) override {}
  void on_stream_failed(fw::StreamId, fw::StreamFailure) override {}
  void on_resolved(fw::QueryId, fw::Result<std::vector<fw::Ipv4Address>>) override {}

 private:
  void arm() {
    std::array<std::uint8_t, 2> random{};
    platform_.fill_random(random);
    const int delay_s = 3000 + (random[0] << 8 | random[1]) % 1201;
    platform_.set_timer(1, platform_.now() + fw::seconds(delay_s));
  }
  fw::Platform& platform_;
};

std::size_t heap_bytes_in_use() { return mallinfo2().uordblks; }

void ours_fleet_idle(benchmark::State& state, const std::int64_t& phones) {
  for (auto _ : state) {
    sim::SimWorld world(1);
    const std::size_t heap_before = heap_bytes_in_use();
    std::vector<std::unique_ptr<sim::SimPlatform>> platforms;
    std::vector<std::unique_ptr<IdlePhone>> firmware;
    platforms.reserve(static_cast<std::size_t>(phones));
    firmware.reserve(static_cast<std::size_t>(phones));
    for (std::int64_t index = 0; index < phones; ++index) {
      sim::PhoneSettings settings;
      settings.name = "SEP" + std::to_string(0x001122000000 + index);
      settings.address = fw::Ipv4Address{0x0A000000u + static_cast<std::uint32_t>(index)};
      settings.entity_id = static_cast<std::uint64_t>(index);
      platforms.push_back(std::make_unique<sim::SimPlatform>(world, settings));
      firmware.push_back(std::make_unique<IdlePhone>(*platforms.back()));
    }
    const std::size_t heap_after = heap_bytes_in_use();
    world.engine.run_until(fw::Instant::from_seconds(24 * 3600));
    state.counters["bytes_per_phone"] =
        static_cast<double>(heap_after - heap_before) / static_cast<double>(phones);
    state.counters["events"] = static_cast<double>(world.engine.events_run());
  }
}

// A value for `spec` that differs from its default and passes normalize(); nullopt if none.
std::optional<std::string> override_value(const fw::ParamSpec& spec) {
  switch (spec.type) {
    case fw::ValueType::Boolean: return spec.default_value == "Yes" ? "No" : "Yes";
    case fw::ValueType::Integer:
      return std::to_string(spec.default_value == std::to_string(spec.integer_min)
                                ? spec.integer_min + 1
                                : spec.integer_min);
    case fw::ValueType::Hhmm: return "0300";
    case fw::ValueType::Schedule: return "7200";
    case fw::ValueType::IntegerList: return "66,160";
    case fw::ValueType::Enumeration:
      if (spec.choices.size() < 2) return std::nullopt;
      return std::string(spec.choices[spec.default_value == spec.choices[0] ? 1 : 0]);
    case fw::ValueType::Text: {
      std::string value = "site-a." + std::string(spec.name);
      if (value.size() > spec.text_bytes_max) value.resize(spec.text_bytes_max);
      return value;
    }
  }
  return std::nullopt;
}

// Parameters set per phone; the rest of the profile is the same for the whole fleet.
constexpr std::string_view kPerPhoneParameters[] = {"User_ID_1_", "Display_Name_1_", "Password_1_",
                                                    "GPP_A"};
constexpr std::size_t kProfileParameters = 100;

bool per_phone(std::string_view name) {
  for (std::string_view each : kPerPhoneParameters)
    if (each == name) return true;
  return false;
}

// The fleet-wide part of the typical profile: the registry's parameters in order, each set to a
// value other than its default, until 100 minus the per-phone ones. Provisioning is off so that
// the phones stay idle (no server in this world).
const std::string& shared_profile_part() {
  static const std::string part = [] {
    const fw::ParameterRegistry& registry = fw::ParameterRegistry::builtin();
    std::string xml = "  <Provision_Enable>No</Provision_Enable>\n";
    std::size_t parameters = 1;
    for (std::size_t index = 0; index < registry.size(); ++index) {
      const fw::ParamSpec& spec = registry.spec(static_cast<fw::ParamId>(index));
      if (parameters + std::size(kPerPhoneParameters) >= kProfileParameters) break;
      if (spec.name == "Provision_Enable" || per_phone(spec.name)) continue;
      auto value = override_value(spec);
      if (!value) continue;
      xml += "  <" + std::string(spec.name) + ">" + *value + "</" + std::string(spec.name) + ">\n";
      ++parameters;
    }
    return xml;
  }();
  return part;
}

std::string typical_profile(std::int64_t phone) {
  const std::string number = std::to_string(4000 + phone);
  return "<flat-profile>\n" + shared_profile_part() + "  <User_ID_1_>" + number +
         "</User_ID_1_>\n  <Display_Name_1_>Desk " + number +
         "</Display_Name_1_>\n  <Password_1_>pw-" + number + "-x7</Password_1_>\n  <GPP_A>asset-" +
         number + "</GPP_A>\n</flat-profile>\n";
}

struct FirmwarePhone {
  fw::PhoneIdentity identity;
  std::unique_ptr<sim::SimPlatform> platform;
  std::unique_ptr<fw::PhoneRuntime> runtime;
};

void ours_fleet_firmware(benchmark::State& state, const std::int64_t& phones, const bool& interned) {
  for (auto _ : state) {
    sim::SimWorld world(1);
    fw::ProfileDecoder decoder;
    const std::size_t heap_before = heap_bytes_in_use();
    auto pool = interned ? std::make_unique<fw::ValuePool>() : nullptr;
    std::vector<FirmwarePhone> fleet(static_cast<std::size_t>(phones));
    std::size_t config_bytes = 0;
    for (std::int64_t index = 0; index < phones; ++index) {
      FirmwarePhone& phone = fleet[static_cast<std::size_t>(index)];
      sim::PhoneSettings settings;
      settings.name = "SEP" + std::to_string(0x001122000000 + index);
      settings.address = fw::Ipv4Address{0x0A000000u + static_cast<std::uint32_t>(index)};
      settings.entity_id = static_cast<std::uint64_t>(index) + 1;
      phone.platform = std::make_unique<sim::SimPlatform>(world, settings);
      phone.identity.mac = {0x00, 0x11, 0x22, 0x00, static_cast<std::uint8_t>(index >> 8),
                            static_cast<std::uint8_t>(index)};
      phone.identity.product_name = "CP-8841-3PCC";
      phone.identity.product_series = "8841";
      phone.identity.serial_number = "FCH" + std::to_string(10'000'000 + index);
      phone.identity.software_version = "sip88xx.12-0-1MPP0001-1";
      phone.identity.ip_address = settings.address.to_string();
      {
        // The profile as a provisioning server delivered it: stored in flash before this boot.
        fw::PersistentConfig factory(phone.platform->flash(), fw::ParameterRegistry::builtin(),
                                     pool.get());
        const std::string profile = typical_profile(index);
        if (!factory.load() || !factory.apply_profile(fw::as_bytes(profile))) {
          state.SkipWithError("the typical profile does not apply");
          return;
        }
      }
      fw::PhoneRuntimeSettings runtime_settings;
      runtime_settings.value_pool = pool.get();
      phone.runtime = std::make_unique<fw::PhoneRuntime>(*phone.platform, phone.identity, decoder,
                                                         runtime_settings);
      phone.runtime->power_on({});
      config_bytes += phone.runtime->configuration().memory_bytes();
    }
    const std::size_t heap_after = heap_bytes_in_use();
    world.engine.run_until(fw::Instant::from_seconds(24 * 3600));
    const auto count = static_cast<double>(phones);
    state.counters["bytes_per_phone"] = static_cast<double>(heap_after - heap_before) / count;
    state.counters["config_bytes_per_phone"] = static_cast<double>(config_bytes) / count;
    state.counters["overrides"] =
        static_cast<double>(fleet.front().runtime->configuration().override_count());
    state.counters["pool_bytes"] = pool ? static_cast<double>(pool->memory_bytes()) : 0.0;
    state.counters["events"] = static_cast<double>(world.engine.events_run());
  }
}

}  // namespace
}  // namespace bench

int main(int argc, char** argv) {
  using namespace bench;
  const Display display = display_from_flags(argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  static const std::int64_t kPending[] = {1'000, 100'000, 1'000'000};
  static const bool kEvents = false;
  static const bool kTimers = true;
  for (const std::int64_t& pending : kPending) {
    const std::string name = pending_name(pending);
    add("raw/priority_queue/" + name, raw_priority_queue, pending)->Unit(benchmark::kNanosecond);
    add("ours/engine/" + name, ours_engine, pending, kEvents)->Unit(benchmark::kNanosecond);
    add("ours/engine_timers/" + name, ours_engine, pending, kTimers)
        ->Unit(benchmark::kNanosecond);
  }
  static const std::int64_t kFleets[] = {10'000, 100'000};
  for (const std::int64_t& phones : kFleets)
    add("ours/fleet_idle/" + std::string(phones == 10'000 ? "1e4" : "1e5"), ours_fleet_idle,
        phones)
        ->Unit(benchmark::kMillisecond)
        ->Iterations(1);
  static const std::int64_t kFirmwareFleet = 10'000;
  static const bool kPlain = false;
  static const bool kInterned = true;
  add("ours/fleet_firmware/plain/1e4", ours_fleet_firmware, kFirmwareFleet, kPlain)
      ->Unit(benchmark::kMillisecond)
      ->Iterations(1);
  add("ours/fleet_firmware/interned/1e4", ours_fleet_firmware, kFirmwareFleet, kInterned)
      ->Unit(benchmark::kMillisecond)
      ->Iterations(1);
  run_benchmarks(display);
  benchmark::Shutdown();
  return 0;
}
