#pragma once

// LoadRun: the phones of one `phonesim load` run and the loop that drives them. Every phone is a
// real PhoneRuntime (the firmware core) on its own LoadPhonePlatform, all on one io_context on
// this thread: its identity from a fleet group (sim/fleet: MAC, serial, model counted up), its
// factory configuration staged on an in-memory flash (sim::SimFlash), its MIC from the caller,
// its random stream seeded from (seed, phone). The ramp powers the phones on; the run stops by
// itself after `duration` of real time, on SIGINT/SIGTERM, or (until_converged) as soon as
// every phone's last resync succeeded.
//
//   LoadRun run(settings);
//   if (auto ready = run.prepare(); !ready) ...;   // file descriptors, phones, --prometheus
//   LoadOutcome outcome = run.run();
//   run.metrics() ... run.parameter_share("GPP_A", "x")

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "firmware-core/agent/provisioning_agent.h"
#include "firmware-core/base/result.h"
#include "firmware-core/codec/profile_codec.h"
#include "firmware-core/config/value_pool.h"
#include "firmware-core/fetch/tls_session.h"
#include "firmware-core/runtime/network_address.h"
#include "load/load_metrics.h"
#include "load/prometheus_endpoint.h"
#include "load/ramp.h"
#include "load/scaled_clock.h"
#include "sim/fleet/phone_model.h"

namespace load {

struct LoadPhoneGroup {
  sim::PhoneGroupSpec spec;  // count, identities, factory parameters
  fw::FirmwareFlavor flavor = fw::FirmwareFlavor::Mpp;
  fw::KeyDerivation key_derivation = fw::KeyDerivation::Sha256ThenMd5;
  bool mic = true;  // present a client certificate when a server asks (and one is available)
  std::map<std::uint16_t, std::string> dhcp_options;
};

// The run's MIC source: the phone's client identity, or nullptr for none.
using MicSource =
    std::function<fw::Result<std::shared_ptr<const fw::TlsIdentity>>(const fw::PhoneIdentity& phone)>;

struct LoadSettings {
  std::vector<LoadPhoneGroup> groups;
  std::uint64_t seed = 1;
  Ramp ramp;
  fw::Duration duration = fw::seconds(60);
  std::uint64_t scale_thousandths = 1000;
  std::vector<fw::Ipv4Address> bind_addresses;  // empty: the kernel chooses
  bool allow_remote = false;
  bool until_converged = false;
  // Closed loop: each phone asks for its next resync (as /admin/resync would) as soon as one
  // ends, so the run measures how many resyncs per second the server sustains.
  bool back_to_back = false;
  std::chrono::milliseconds connect_timeout{10'000};
  std::optional<fw::Endpoint> prometheus;
  std::shared_ptr<const fw::TlsContext> tls_context;  // --ca: the phones' trust store
  std::vector<std::string> builtin_roots_pem;
  MicSource mic_source;  // null: no MICs
  // Called every progress_interval from the loop (the live progress line).
  std::function<void(fw::Duration real_elapsed, const LoadMetrics& metrics)> progress;
  std::chrono::milliseconds progress_interval{1000};
  std::ostream* notices = nullptr;  // "prometheus: listening on ..."
};

struct LoadOutcome {
  fw::Duration real_elapsed{0};
  fw::Duration phone_elapsed{0};
  bool interrupted = false;  // SIGINT/SIGTERM
  bool converged_early = false;  // until_converged ended it
  bool stopped = false;          // stop() ended it
};

// File descriptors a run of `phones` needs at least: one transfer socket per phone at a time
// plus a margin for the process (stdio, the resolver, --prometheus).
inline constexpr std::uint64_t kDescriptorMargin = 64;

// Raises the soft RLIMIT_NOFILE to the hard limit and checks it covers `phones` phones.
// Errors: InvalidValue naming the phones, the descriptors needed and the limits (with how to
// raise them).
fw::Result<void> raise_descriptor_limit(std::uint64_t phones);

class LoadRun {
 public:
  explicit LoadRun(LoadSettings settings);
  ~LoadRun();
  LoadRun(const LoadRun&) = delete;
  LoadRun& operator=(const LoadRun&) = delete;

  // Builds the phones (identities, staged configuration, MICs) and starts --prometheus. Errors:
  // InvalidValue for a fleet that cannot be built (a parameter the firmware refuses, a MAC range
  // that runs out), the MIC source's errors, PortInUse for --prometheus.
  fw::Result<void> prepare();
  // Runs the ramp and the phones until a stop condition; returns what ended it.
  LoadOutcome run();
  // Ends run() (call from the loop, e.g. a progress callback); the outcome says `stopped`.
  void stop();

  const LoadMetrics& metrics() const { return metrics_; }
  std::uint64_t phone_count() const { return phones_.size(); }
  // Phones whose live configuration has `name` equal to `value` (a scenario's parameter check).
  std::uint64_t parameter_matches(const std::string& name, const std::string& value) const;
  std::uint16_t prometheus_port() const { return prometheus_ ? prometheus_->port() : 0; }

 private:
  struct Phone;
  void boot(Phone& phone);
  void power_on_due();
  fw::Duration real_elapsed() const;

  LoadSettings settings_;
  // Every socket, timer and handler of the run is used from the one thread that runs it, so the
  // reactor takes no lock per descriptor operation (the scheduler keeps its lock: the system
  // resolver completes from Asio's own thread).
  boost::asio::io_context io_{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};
  ScaledClock clock_;
  std::chrono::steady_clock::time_point run_start_{};
  LoadMetrics metrics_;
  // The fast backend (libdeflate, pugixml) when built in: the phones' own parsing is not what a
  // load run measures (both backends give the same configuration).
  fw::ProfileDecoder decoder_{fw::inflater_available(fw::Inflater::Libdeflate) ? fw::Inflater::Libdeflate
                                                                                : fw::Inflater::Zlib};
  fw::ValuePool value_pool_;
  std::vector<std::unique_ptr<Phone>> phones_;
  std::uint64_t next_to_power_ = 0;
  std::unique_ptr<PrometheusEndpoint> prometheus_;
  bool stop_requested_ = false;
};

}  // namespace load
