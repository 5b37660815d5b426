#include "load/load_run.h"

#include <sys/resource.h>

#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>

#include "firmware-core/base/random_stream.h"
#include "firmware-core/config/flat_profile.h"
#include "firmware-core/runtime/phone_runtime.h"
#include "load/load_phone_platform.h"
#include "sim/flash/sim_flash.h"

namespace load {
namespace asio = boost::asio;

namespace {

// The time series get at most about this many buckets, each at least a second of real time.
constexpr std::int64_t kSeriesBucketsTarget = 120;
constexpr auto kConvergenceCheckInterval = std::chrono::milliseconds(50);

fw::Duration bucket_width_for(fw::Duration duration) {
  const std::int64_t seconds_per_bucket =
      std::max<std::int64_t>(1, (duration.count() / 1'000'000'000 + kSeriesBucketsTarget - 1) / kSeriesBucketsTarget);
  return fw::seconds(seconds_per_bucket);
}

std::uint64_t phone_total(const std::vector<LoadPhoneGroup>& groups) {
  std::uint64_t total = 0;
  for (const LoadPhoneGroup& group : groups) total += group.spec.count;
  return total;
}

}  // namespace

fw::Result<void> raise_descriptor_limit(std::uint64_t phones) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  const std::uint64_t needed = phones + kDescriptorMargin;
  if (limit.rlim_cur != RLIM_INFINITY && needed > limit.rlim_cur) {
    return fw::fail(fw::ErrorCode::InvalidValue,
                    std::to_string(phones) + " phones need at least " + std::to_string(needed) +
                        " file descriptors (one socket per phone plus " + std::to_string(kDescriptorMargin) +
                        "), but the limit is " + std::to_string(limit.rlim_cur) + " (hard limit " +
                        std::to_string(limit.rlim_max) +
                        "); run fewer phones, or raise the hard limit (ulimit -Hn as root, "
                        "LimitNOFILE= for a service)");
  }
  return {};
}

struct LoadRun::Phone {
  std::uint64_t number = 0;
  fw::PhoneIdentity identity;
  fw::DhcpOptions dhcp;
  fw::PhoneRuntimeSettings settings;
  sim::SimFlash flash;
  fw::Ipv4Address bind_address{};
  std::uint64_t boots = 0;
  std::unique_ptr<LoadPhonePlatform> platform;
  std::unique_ptr<fw::PhoneRuntime> runtime;
};

LoadRun::LoadRun(LoadSettings settings)
    : settings_(std::move(settings)),
      clock_(settings_.scale_thousandths,
             fw::WallTime{std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count()}),
      metrics_(phone_total(settings_.groups), bucket_width_for(settings_.duration)) {}

LoadRun::~LoadRun() {
  // The runtimes before their platforms, both before the io_context.
  for (auto& phone : phones_) {
    phone->runtime.reset();
    phone->platform.reset();
  }
  prometheus_.reset();
}

fw::Duration LoadRun::real_elapsed() const {
  return std::chrono::duration_cast<fw::Duration>(std::chrono::steady_clock::now() - run_start_);
}

fw::Result<void> LoadRun::prepare() {
  std::uint64_t number = 0;
  for (const LoadPhoneGroup& group : settings_.groups) {
    for (std::uint64_t index = 0; index < group.spec.count; ++index, ++number) {
      auto identity = sim::phone_identity(group.spec, index);
      if (!identity) return fw::fail(identity.error());
      auto phone = std::make_unique<Phone>();
      phone->number = number;
      phone->identity = std::move(*identity);
      if (!settings_.bind_addresses.empty()) {
        phone->bind_address = settings_.bind_addresses[number % settings_.bind_addresses.size()];
        phone->identity.ip_address = phone->bind_address.to_string();
      } else {
        phone->identity.ip_address = "127.0.0.1";
      }
      for (const auto& [option, value] : group.dhcp_options) phone->dhcp[option] = fw::to_bytes(value);
      phone->settings.agent.flavor = group.flavor;
      phone->settings.agent.key_derivation = group.key_derivation;
      if (fw::xml_parser_available(fw::XmlParser::Pugixml)) phone->settings.agent.xml_parser = fw::XmlParser::Pugixml;
      phone->settings.agent.trace_events = LoadPhonePlatform::kObservedAgentEvents;
      phone->settings.tls_context = settings_.tls_context;
      phone->settings.builtin_roots_pem = settings_.builtin_roots_pem;
      phone->settings.value_pool = &value_pool_;
      if (group.mic && settings_.mic_source) {
        auto mic = settings_.mic_source(phone->identity);
        if (!mic) return fw::fail(mic.error());
        phone->settings.client_identity = *mic;
        phone->identity.client_certificate_installed = *mic != nullptr;
      }
      if (auto stored = sim::store_parameters(phone->flash, group.spec.parameters, &value_pool_); !stored) {
        return fw::fail(fw::ErrorCode::InvalidValue,
                        "phones of group '" + group.spec.name + "': " + stored.error().detail);
      }
      phones_.push_back(std::move(phone));
    }
  }
  if (settings_.back_to_back) {
    metrics_.on_resync_finished([this](std::uint64_t finished) {
      asio::post(io_, [this, finished] {
        Phone& phone = *phones_[finished];
        if (phone.runtime) phone.runtime->admin_resync(std::nullopt);
      });
    });
  }
  if (settings_.prometheus) {
    auto started = PrometheusEndpoint::start(io_, *settings_.prometheus, [this] { return metrics_.prometheus_text(); });
    if (!started) return fw::fail(started.error());
    prometheus_ = std::move(*started);
    if (settings_.notices != nullptr) {
      *settings_.notices << "  prometheus: http://" << settings_.prometheus->address.to_string() << ':'
                         << prometheus_->port() << "/metrics\n";
    }
  }
  return {};
}

void LoadRun::boot(Phone& phone) {
  phone.runtime.reset();
  phone.platform.reset();
  LoadPhonePlatformOptions options;
  options.phone = phone.number;
  // A new stream per boot: a rebooted phone draws new delays, as a real one would.
  options.entropy_seed = fw::derive_seed(fw::derive_seed(settings_.seed, phone.number + 1), phone.boots);
  options.allow_remote = settings_.allow_remote;
  options.asio.connect_timeout_ms = settings_.connect_timeout;
  options.asio.udp_bind_address = phone.bind_address;
  options.asio.stream_bind_address = phone.bind_address;
  Phone* raw = &phone;
  options.asio.on_reboot = [this, raw] { asio::post(io_, [this, raw] { boot(*raw); }); };
  ++phone.boots;
  phone.platform = std::make_unique<LoadPhonePlatform>(io_, phone.flash, clock_, run_start_, metrics_, std::move(options));
  phone.runtime = std::make_unique<fw::PhoneRuntime>(*phone.platform, phone.identity, decoder_, phone.settings);
  const fw::Duration now = real_elapsed();
  phone.platform->expect_start_at(now);
  phone.runtime->power_on(phone.dhcp);
  phone.platform->expect_start_at(std::nullopt);
}

void LoadRun::power_on_due() {
  const fw::Duration now = real_elapsed();
  const std::uint64_t total = phones_.size();
  while (next_to_power_ < total && settings_.ramp.power_on_at(next_to_power_, total) <= now) {
    Phone& phone = *phones_[next_to_power_];
    metrics_.phone_powered(phone.number, settings_.ramp.power_on_at(next_to_power_, total));
    boot(phone);
    ++next_to_power_;
  }
}

LoadOutcome LoadRun::run() {
  LoadOutcome outcome;
  run_start_ = std::chrono::steady_clock::now();
  bool stopping = false;
  const auto stop = [this, &stopping] {
    stopping = true;
    io_.stop();
  };

  asio::steady_timer end_timer(io_);
  end_timer.expires_at(run_start_ + settings_.duration);
  end_timer.async_wait([&](const boost::system::error_code& error) {
    if (!error) stop();
  });
  asio::signal_set signals(io_, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& error, int) {
    if (error) return;
    outcome.interrupted = true;
    stop();
  });

  // The ramp: one timer for all phones, re-armed for the next one due.
  asio::steady_timer ramp_timer(io_);
  std::function<void()> ramp_step = [&] {
    power_on_due();
    if (next_to_power_ >= phones_.size() || stopping) return;
    ramp_timer.expires_at(run_start_ + settings_.ramp.power_on_at(next_to_power_, phones_.size()));
    ramp_timer.async_wait([&](const boost::system::error_code& error) {
      if (!error) ramp_step();
    });
  };
  asio::post(io_, ramp_step);

  asio::steady_timer progress_timer(io_);
  std::function<void()> progress_step = [&] {
    if (settings_.progress) settings_.progress(real_elapsed(), metrics_);
    progress_timer.expires_after(settings_.progress_interval);
    progress_timer.async_wait([&](const boost::system::error_code& error) {
      if (!error) progress_step();
    });
  };
  if (settings_.progress) asio::post(io_, progress_step);

  asio::steady_timer convergence_timer(io_);
  std::function<void()> convergence_step = [&] {
    if (next_to_power_ >= phones_.size() && metrics_.phones_converged() == phones_.size()) {
      outcome.converged_early = true;
      stop();
      return;
    }
    convergence_timer.expires_after(kConvergenceCheckInterval);
    convergence_timer.async_wait([&](const boost::system::error_code& error) {
      if (!error) convergence_step();
    });
  };
  if (settings_.until_converged) asio::post(io_, convergence_step);

  io_.run();
  outcome.stopped = stop_requested_;
  outcome.real_elapsed = real_elapsed();
  outcome.phone_elapsed = clock_.phone_instant(outcome.real_elapsed).since_epoch();
  if (settings_.progress) settings_.progress(outcome.real_elapsed, metrics_);
  return outcome;
}

void LoadRun::stop() {
  stop_requested_ = true;
  io_.stop();
}

std::uint64_t LoadRun::parameter_matches(const std::string& name, const std::string& value) const {
  std::uint64_t matches = 0;
  for (const auto& phone : phones_) {
    if (!phone->runtime) continue;
    const fw::ConfigStore& configuration = phone->runtime->configuration();
    auto id = configuration.registry().find(name);
    if (id && configuration.value(*id) == value) ++matches;
  }
  return matches;
}

}  // namespace load
