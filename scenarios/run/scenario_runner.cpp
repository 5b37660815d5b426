#include "scenarios/run/scenario_runner.h"

#include "scenarios/run/error_check.h"

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <unordered_map>

#include "firmware-core/codec/profile_codec.h"
#include "firmware-core/config/persistent_config.h"
#include "firmware-core/fetch/ca_certificate.h"
#include "firmware-core/fetch/tls_session.h"
#include "firmware-core/macro/macro_table.h"
#include "firmware-core/runtime/phone_runtime.h"
#include "servers/content/file_root.h"
#include "servers/faults/random_faults.h"
#include "servers/faults/server_faults.h"
#include "servers/http/reflector.h"
#include "sim/fleet/fleet_activity.h"
#include "sim/fleet/phone_model.h"
#include "sim/hosting/firmware_files.h"
#include "sim/hosting/sim_activation_service.h"
#include "sim/hosting/sim_http_server.h"
#include "sim/hosting/sim_syslog_server.h"
#include "sim/hosting/sim_tftp_server.h"
#include "sim/pki/certificate_authority.h"
#include "sim/pki/seeded_crypto.h"
#include "sim/platform/sim_platform.h"
#include "sim/trace/pcap_writer.h"

namespace scn {
namespace {

using fw::Duration;
using fw::Instant;

constexpr std::uint32_t kPhoneHostGroup = 0;
constexpr std::uint32_t kServerHostGroup = 1;
constexpr std::int64_t kNanosecondsPerSecond = 1'000'000'000;
constexpr std::int64_t kDaySeconds = 86400;
// Random streams of the runner's own draws (power-on spread, phone subsets), apart from phones
// (1..N) and network hosts (Network::kHostEntityBase...).
constexpr std::uint64_t kRunnerEntityBase = std::uint64_t{1} << 40;
// How long a phone is down between the power-off and power-on halves of a `reboot` event.
constexpr Duration kRebootDowntime = fw::seconds(30);
// Phones whose timeline the report shows.
constexpr std::size_t kTimelinePhonesMax = 4;
constexpr std::size_t kTimelineEntriesMax = 200;
constexpr std::size_t kEvidenceLinesMax = 5;

fw::Failure invalid(const SourceLocation& where, std::string what) {
  return fw::fail(fw::ErrorCode::InvalidValue, where.to_string() + ": " + what);
}

std::int64_t whole_seconds(Duration span) { return span.count() / kNanosecondsPerSecond; }

std::string format_share(std::uint64_t part, std::uint64_t whole) {
  if (whole == 0) return "n/a (0 phones)";
  std::uint64_t tenths = part * 1000 / whole;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + "% (" + std::to_string(part) +
         " of " + std::to_string(whole) + ")";
}

std::string format_ppm(std::uint32_t ppm) {
  std::string text = std::to_string(ppm / 10'000);
  std::uint32_t fraction = ppm % 10'000;
  if (fraction != 0) {
    std::string digits = std::to_string(fraction + 10'000).substr(1);
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    text += "." + digits;
  }
  return text + "%";
}

std::string format_duration(Duration span) {
  std::int64_t seconds = whole_seconds(span);
  std::string text;
  if (seconds >= 3600) text += std::to_string(seconds / 3600) + "h";
  if (seconds % 3600 >= 60) text += std::to_string(seconds % 3600 / 60) + "m";
  if (seconds % 60 != 0 || text.empty()) text += std::to_string(seconds % 60) + "s";
  return text;
}

// Replaces the identity macros a per-phone file path or content may hold.
std::string expand_identity(std::string_view text, const fw::PhoneIdentity& identity) {
  const std::pair<std::string_view, std::string> replacements[] = {
      {"$MAU", fw::mac_upper_hex(identity.mac)}, {"$MAC", fw::mac_colon_form(identity.mac)},
      {"$MA", fw::mac_lower_hex(identity.mac)},  {"$SN", identity.serial_number},
      {"$PSN", identity.product_series},         {"$PN", identity.product_name}};
  std::string result;
  std::size_t position = 0;
  while (position < text.size()) {
    bool replaced = false;
    if (text[position] == '$') {
      for (const auto& [name, value] : replacements) {
        if (text.substr(position).starts_with(name)) {
          result += value;
          position += name.size();
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) result += text[position++];
  }
  return result;
}

bool is_template(std::string_view text) {
  for (std::string_view name : {"$MA", "$SN", "$PN", "$PSN"}) {
    if (text.find(name) != std::string_view::npos) return true;
  }
  return false;
}

// The nice bucket width for plots of a run this long (100 to 150 buckets).
Duration bucket_width_for(Duration duration) {
  static constexpr std::int64_t kSteps[] = {1, 5, 10, 30, 60, 300, 600, 1800, 3600, 7200, 21600, 86400};
  std::int64_t wanted = std::max<std::int64_t>(1, whole_seconds(duration) / 150);
  for (std::int64_t step : kSteps) {
    if (step >= wanted) return fw::seconds(step);
  }
  return fw::seconds(kSteps[std::size(kSteps) - 1]);
}

std::uint64_t percentile(std::vector<std::uint64_t> values, unsigned percent) {
  if (values.empty()) return 0;
  std::size_t rank = (values.size() * percent + 99) / 100;
  rank = std::clamp<std::size_t>(rank, 1, values.size()) - 1;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rank), values.end());
  return values[rank];
}

struct SimPhone {
  std::size_t group = 0;
  std::uint64_t index_in_group = 0;
  std::string name;
  fw::PhoneIdentity identity;
  fw::DhcpOptions dhcp;
  std::unique_ptr<sim::SimPlatform> platform;
  std::unique_ptr<fw::PhoneRuntime> runtime;
  fw::PhoneRuntimeSettings settings;
  // The version the firmware last booted (factory, or the active bank after an upgrade), kept
  // while the phone is off.
  std::string running_version;
  // Observed through the trace.
  std::optional<Instant> powered_at;
  bool first_success_seen = false;
  std::uint64_t failures_before_success = 0;
  std::optional<bool> last_success;
  std::vector<PhoneTimelineEntry> timeline;  // only for phones shown in the report
  bool keep_timeline = false;
};

struct SimServer {
  const ServerSpec* spec = nullptr;
  std::unique_ptr<srv::FileRoot> root;
  std::unique_ptr<sim::SimTftpServer> tftp;
  std::unique_ptr<sim::SimHttpServer> http;
  std::unique_ptr<sim::SimSyslogServer> syslog;
  std::vector<Instant> request_times;   // filled at the end from records
  std::vector<std::uint64_t> concurrency_samples;
  std::uint64_t peak_concurrency = 0;
  // The server's fault plan (timeline `fault` and `clear_faults` events), applied by its hooks.
  std::unique_ptr<srv::ServerFaults> faults;
  // The activation-code service answering through `http` (server `activation:`), or null.
  std::unique_ptr<sim::SimActivationService> activation;

  std::size_t requests_now() const {
    if (tftp) return tftp->records().size() + tftp->core().active_transfers();
    if (http) return http->access_log().size();
    if (syslog) return syslog->core().received_count();
    return 0;
  }
  std::uint64_t open_now() const {
    if (tftp) return tftp->core().active_transfers() + tftp->core().queued_requests();
    if (http) return http->core().open_connections();
    return 0;
  }
};

class Runner {
 public:
  Runner(const Scenario& scenario, const RunOptions& options)
      : scenario_(scenario),
        options_(options),
        seed_(options.seed.value_or(scenario.seed)),
        world_(seed_, options.trace_out),
        error_check_(scenario.expect_errors, scenario.file) {}

  fw::Result<RunReport> run() {
    if (options_.pcap_out) {
      pcap_.emplace(*options_.pcap_out);
      world_.network.set_capture(&*pcap_);
    }
    world_.trace.set_observer([this](const sim::TraceEvent& event) { observe(event); });
    configure_network();
    if (auto built = build_pki(); !built) return fw::fail(built.error());
    if (auto drawn = draw_random_faults(); !drawn) return fw::fail(drawn.error());
    if (auto built = build_servers(); !built) return fw::fail(built.error());
    if (auto built = build_phones(); !built) return fw::fail(built.error());
    if (auto planned = plan_timeline(); !planned) return fw::fail(planned.error());
    announce_fault_plan();
    plan_assertions();
    plan_sampling();

    const Instant end = Instant{} + scenario_.duration;
    if (options_.progress) {
      Duration step = std::max(fw::seconds(1), scenario_.duration / 200);
      for (Instant at = Instant{} + step; at < end; at += step) {
        world_.engine.run_until(at);
        options_.progress(at.since_epoch(), converged_count());
      }
    }
    world_.engine.run_until(end);
    for (std::size_t index = 0; index < scenario_.assertions.size(); ++index) {
      if (!scenario_.assertions[index].by) evaluate(index);
    }
    return build_report();
  }

 private:
  // --- building the world ---------------------------------------------------------------------

  void configure_network() {
    sim::LinkSettings link;
    link.latency = scenario_.network.latency;
    link.jitter = scenario_.network.jitter;
    link.loss = {scenario_.network.loss.parts_per_million, Share::kWhole};
    link.duplicate = {scenario_.network.duplicate.parts_per_million, Share::kWhole};
    link.reorder = {scenario_.network.reorder.parts_per_million, Share::kWhole};
    link.bandwidth_bytes_per_s = scenario_.network.bandwidth_bytes_per_s;
    world_.network.set_default_link(link);
  }

  // Whether any file, from the start or by a set_file event, serves a CA certificate of `issuer`
  // (nullopt: of any authority).
  bool serves_ca_certificate(std::optional<CertificateIssuer> issuer) const {
    auto serves = [&](const ServedFile& file) {
      return file.ca_certificate && (!issuer || *file.ca_certificate == *issuer);
    };
    for (const ServerSpec& server : scenario_.servers) {
      if (std::any_of(server.files.begin(), server.files.end(), serves)) return true;
    }
    return std::any_of(scenario_.timeline.begin(), scenario_.timeline.end(),
                       [&](const TimelineEvent& event) { return event.file && serves(*event.file); });
  }

  bool uses_custom_ca() const {
    return serves_ca_certificate(CertificateIssuer::Custom) ||
           std::any_of(scenario_.servers.begin(), scenario_.servers.end(), [](const ServerSpec& server) {
             return server.certificate && server.certificate->issuer == CertificateIssuer::Custom;
           });
  }

  fw::Result<void> build_pki() {
    bool any_https = false;
    for (const ServerSpec& server : scenario_.servers) any_https |= server.kind == ServerKind::Https;
    if (!any_https && !serves_ca_certificate(std::nullopt)) return {};
    // One seeded OpenSSL library for the whole world: keys, certificates and handshakes replay.
    auto library = sim::make_seeded_crypto_library(fw::derive_seed(seed_, kRunnerEntityBase + (std::uint64_t{4} << 20)));
    if (!library) return fw::fail(library.error());
    crypto_library_ = *library;
    const sim::Validity roots{scenario_.start + -3650 * kDaySeconds, scenario_.start + 3650 * kDaySeconds};
    auto provisioning = sim::CertificateAuthority::create_root("phonesim Provisioning Root", roots, crypto_library_);
    auto manufacturer = sim::CertificateAuthority::create_root("phonesim Manufacturer Root", roots, crypto_library_);
    auto untrusted = sim::CertificateAuthority::create_root("phonesim Untrusted Root", roots, crypto_library_);
    if (!provisioning || !manufacturer || !untrusted) {
      return fw::fail(fw::ErrorCode::InvalidValue, "creating the simulated certificate authorities failed");
    }
    provisioning_ca_.emplace(std::move(*provisioning));
    manufacturer_ca_.emplace(std::move(*manufacturer));
    untrusted_ca_.emplace(std::move(*untrusted));
    // Only when used, so that the other scenarios' seeded keys stay what they were.
    if (uses_custom_ca()) {
      auto custom = sim::CertificateAuthority::create_root("phonesim Custom Root", roots, crypto_library_);
      if (!custom) return fw::fail(fw::ErrorCode::InvalidValue, "creating the simulated custom CA failed");
      custom_ca_.emplace(std::move(*custom));
    }
    fw::TlsContextOptions phone_trust;
    phone_trust.trusted_certificates_pem = {provisioning_ca_->certificate_pem()};
    phone_trust.library = crypto_library_;
    auto context = fw::TlsContext::create(phone_trust);
    if (!context) return fw::fail(context.error());
    phone_tls_ = *context;
    return {};
  }

  // The windows of `server`'s faults: each `fault` event lasts its `for`, or until the next
  // `clear_faults` of that server, or to the end of the run.
  static srv::FaultKind server_fault_kind(FaultSpec::Kind kind) {
    static constexpr std::pair<FaultSpec::Kind, srv::FaultKind> kKinds[] = {
        {FaultSpec::Kind::Latency, srv::FaultKind::Latency}, {FaultSpec::Kind::Drop, srv::FaultKind::Drop},
        {FaultSpec::Kind::Status, srv::FaultKind::Status},   {FaultSpec::Kind::Truncate, srv::FaultKind::Truncate},
        {FaultSpec::Kind::Corrupt, srv::FaultKind::Corrupt}, {FaultSpec::Kind::Stall, srv::FaultKind::Stall},
        {FaultSpec::Kind::Certificate, srv::FaultKind::Certificate}};
    for (const auto& [ours, theirs] : kKinds) {
      if (ours == kind) return theirs;
    }
    return srv::FaultKind::Latency;
  }

  // `faults: random:`: the windows drawn from the run's seed, each with its server's name. Called
  // once before the servers are built, so their plans include them.
  fw::Result<void> draw_random_faults() {
    if (!scenario_.random_faults) return {};
    const RandomFaultsSpec& spec = *scenario_.random_faults;
    std::vector<std::string> names = spec.servers;
    if (names.empty()) {
      for (const ServerSpec& server : scenario_.servers) {
        if (server.kind != ServerKind::Syslog) names.push_back(server.name);
      }
    }
    if (names.empty()) return invalid(spec.where, "faults.random: no tftp, http or https server to fault");
    srv::RandomFaultSpec drawn;
    drawn.count = static_cast<std::size_t>(spec.count);
    for (FaultSpec::Kind kind : spec.kinds) drawn.kinds.push_back(server_fault_kind(kind));
    drawn.servers = names.size();
    drawn.from = Instant{};
    drawn.until = Instant{} + scenario_.duration;
    drawn.length_min = spec.window.low;
    drawn.length_max = spec.window.kind == sim::DurationDistribution::Kind::Uniform ? spec.window.high : spec.window.low;
    drawn.share_ppm = spec.share.parts_per_million;
    fw::RandomStream random = world_.engine.stream(kRunnerEntityBase + (std::uint64_t{4} << 20));
    for (const srv::DrawnFault& fault : srv::draw_faults(drawn, random)) {
      random_faults_.emplace_back(names[fault.server], fault.window);
    }
    return {};
  }

  srv::FaultPlan fault_plan(std::string_view server) const {
    static constexpr std::pair<FaultSpec::Certificate, srv::CertificateSwap> kSwaps[] = {
        {FaultSpec::Certificate::Expired, srv::CertificateSwap::Expired},
        {FaultSpec::Certificate::WrongHost, srv::CertificateSwap::WrongHost},
        {FaultSpec::Certificate::Untrusted, srv::CertificateSwap::Untrusted}};
    srv::FaultPlan plan;
    for (const TimelineEvent& event : scenario_.timeline) {
      if (event.kind != TimelineEvent::Kind::Fault || event.server != server) continue;
      const FaultSpec& spec = *event.fault;
      srv::FaultWindow window;
      window.kind = server_fault_kind(spec.kind);
      window.from = Instant{} + event.at;
      window.until = event.fault_for.count() > 0 ? window.from + event.fault_for : Instant::never();
      for (const TimelineEvent& later : scenario_.timeline) {
        if (later.kind == TimelineEvent::Kind::ClearFaults && later.server == server && later.at >= event.at) {
          window.until = std::min(window.until, Instant{} + later.at);
          break;
        }
      }
      window.share_ppm = spec.share.parts_per_million;
      window.latency = spec.latency;
      window.status = static_cast<unsigned>(spec.status);
      if (spec.retry_after) window.retry_after_s = static_cast<std::uint32_t>(whole_seconds(*spec.retry_after));
      window.keep_bytes = spec.keep_bytes;
      window.corrupt_bytes = spec.corrupt_bytes;
      for (const auto& [ours, theirs] : kSwaps) {
        if (ours == spec.certificate) window.certificate = theirs;
      }
      plan.windows.push_back(window);
    }
    for (const auto& [name, window] : random_faults_) {
      if (name == server) plan.windows.push_back(window);
    }
    return plan;
  }

  // Says the fault plan before the world starts: to the caller and into the trace.
  void announce_fault_plan() {
    if (scenario_.random_faults && options_.announce) {
      options_.announce("random faults: " + std::to_string(random_faults_.size()) + " windows drawn from seed " +
                        std::to_string(seed_));
    }
    for (const auto& server : servers_) {
      const srv::FaultPlan& plan = server->faults->plan();
      if (plan.windows.empty()) continue;
      for (const srv::FaultWindow& window : plan.windows) {
        std::string line = server->spec->name + ": " + window.to_string();
        if (options_.announce) options_.announce(line);
        const fw::TraceField fields[] = {{"server", server->spec->name}, {"window", window.to_string()}};
        world_.trace.record(Instant{}, "", fw::Severity::Info, "runner", "fault_planned", fields);
      }
    }
  }

  fw::Result<void> build_servers() {
    for (const ServerSpec& spec : scenario_.servers) {
      if (!world_.network.has_host(spec.address)) {
        world_.network.add_host(spec.address, spec.name, kServerHostGroup);
      }
      if (!spec.host_name.empty()) world_.network.set_dns_records(spec.host_name, {spec.address});
      auto server = std::make_unique<SimServer>();
      server->spec = &spec;
      server->root = std::make_unique<srv::FileRoot>();
      const fw::Endpoint endpoint{spec.address, spec.port};
      server->faults = std::make_unique<srv::ServerFaults>(
          fault_plan(spec.name), fw::derive_seed(seed_, kRunnerEntityBase + (std::uint64_t{3} << 20) + servers_.size()));
      switch (spec.kind) {
        case ServerKind::Tftp: {
          srv::TftpServerSettings settings;
          settings.writes_enabled = spec.uploads;
          if (spec.limit) settings.admission = {spec.limit->in_service, spec.limit->queue};
          auto started = sim::SimTftpServer::start(world_, endpoint, *server->root, settings,
                                                   server->faults->tftp_hook(*server->root));
          if (!started) return invalid(spec.where, "server '" + spec.name + "': " + started.error().to_string());
          server->tftp = std::move(*started);
          break;
        }
        case ServerKind::Http:
        case ServerKind::Https: {
          std::optional<sim::SimHttpsSettings> https;
          if (spec.kind == ServerKind::Https) {
            auto tls = server_tls(spec, *server->faults);
            if (!tls) return fw::fail(tls.error());
            https = std::move(*tls);
          }
          srv::HttpRequestHook reflector;
          if (!spec.reflector_path.empty()) reflector = srv::Reflector(spec.reflector_path);
          if (spec.activation) {
            auto built = activation_service(spec, servers_.size());
            if (!built) return fw::fail(built.error());
            server->activation = std::move(*built);
            reflector = server->activation->hook(std::move(reflector));
          }
          srv::HttpRequestHook hook = server->faults->http_hook(*server->root, std::move(reflector));
          auto started = sim::SimHttpServer::start(world_, endpoint, *server->root, {}, std::move(hook),
                                                   std::move(https));
          if (!started) return invalid(spec.where, "server '" + spec.name + "': " + started.error().to_string());
          server->http = std::move(*started);
          if (spec.limit) server->http->limit_concurrency({spec.limit->in_service, spec.limit->queue});
          break;
        }
        case ServerKind::Syslog: {
          auto started = sim::SimSyslogServer::start(world_, endpoint, scenario_.start);
          if (!started) return invalid(spec.where, "server '" + spec.name + "': " + started.error().to_string());
          server->syslog = std::move(*started);
          break;
        }
      }
      servers_.push_back(std::move(server));
    }
    return {};
  }

  // A server's `activation:` service with its codes (generated ones drawn from the run's seed).
  fw::Result<std::unique_ptr<sim::SimActivationService>> activation_service(const ServerSpec& spec,
                                                                            std::size_t server_index) {
    srv::ActivationServiceSettings settings;
    settings.path = spec.activation->path;
    settings.failures_max = spec.activation->failures_max;
    settings.failure_window = spec.activation->failure_window;
    auto service = std::make_unique<sim::SimActivationService>(
        settings, fw::derive_seed(seed_, kRunnerEntityBase + (std::uint64_t{6} << 20) + server_index),
        scenario_.start);
    for (const ActivationCodeEntry& entry : spec.activation->codes) {
      srv::ActivationCodeSpec code;
      code.code = entry.code;
      code.profile_rule = entry.rule;
      if (entry.expires) code.expires = service->wall_clock(Instant{} + *entry.expires);
      code.mac = entry.mac;
      if (auto added = service->service().add_code(std::move(code)); !added) {
        return invalid(entry.where, "server '" + spec.name + "': " + added.error().detail);
      }
    }
    return service;
  }

  // The server's TLS context, and one per certificate its fault plan swaps in.
  fw::Result<sim::SimHttpsSettings> server_tls(const ServerSpec& spec, srv::ServerFaults& faults) {
    ServerCertificateSpec certificate_spec = spec.certificate.value_or(ServerCertificateSpec{});
    sim::Validity validity{certificate_spec.not_before.value_or(scenario_.start + -365 * kDaySeconds),
                           certificate_spec.not_after.value_or(scenario_.start + 3650 * kDaySeconds)};
    std::vector<std::string> hosts = certificate_spec.hosts;
    if (hosts.empty() && !spec.host_name.empty()) hosts.push_back(spec.host_name);
    auto context = server_context(spec, issue_server_certificate(spec, certificate_spec.issuer, hosts, validity));
    if (!context) return fw::fail(context.error());
    sim::SimHttpsSettings settings{*context, scenario_.start, {}};

    std::array<std::shared_ptr<const fw::TlsContext>, srv::kCertificateSwapCount> swapped;
    for (const srv::FaultWindow& window : faults.plan().windows) {
      if (window.kind != srv::FaultKind::Certificate) continue;
      auto& slot = swapped[static_cast<std::size_t>(window.certificate)];
      if (slot) continue;
      fw::Result<sim::IssuedCertificate> wrong = fw::fail(fw::ErrorCode::InvalidValue, "no swap");
      switch (window.certificate) {
        case srv::CertificateSwap::Expired:  // ended a day before the run started
          wrong = issue_server_certificate(spec, CertificateIssuer::Provisioning, hosts,
                                           {scenario_.start + -730 * kDaySeconds, scenario_.start + -kDaySeconds});
          break;
        case srv::CertificateSwap::WrongHost:  // no SAN the phones could ask for
          wrong = provisioning_ca_->issue_server({"wrong-host.invalid"}, {}, validity);
          break;
        case srv::CertificateSwap::Untrusted:
          wrong = issue_server_certificate(spec, CertificateIssuer::Untrusted, hosts, validity);
          break;
      }
      auto wrong_context = server_context(spec, std::move(wrong));
      if (!wrong_context) return fw::fail(wrong_context.error());
      slot = *wrong_context;
    }
    if (std::any_of(swapped.begin(), swapped.end(), [](const auto& slot) { return slot != nullptr; })) {
      settings.swapped_context = [&faults, swapped](fw::Instant now) -> std::shared_ptr<const fw::TlsContext> {
        auto swap = faults.certificate_swap(now);
        return swap ? swapped[static_cast<std::size_t>(*swap)] : nullptr;
      };
    }
    return settings;
  }

  fw::Result<sim::IssuedCertificate> issue_server_certificate(const ServerSpec& spec, CertificateIssuer issuer,
                                                              const std::vector<std::string>& hosts,
                                                              sim::Validity validity) {
    fw::Result<sim::IssuedCertificate> issued = fw::fail(fw::ErrorCode::InvalidValue, "no issuer");
    switch (issuer) {
      case CertificateIssuer::Provisioning: issued = provisioning_ca_->issue_server(hosts, {spec.address}, validity); break;
      case CertificateIssuer::Untrusted: issued = untrusted_ca_->issue_server(hosts, {spec.address}, validity); break;
      case CertificateIssuer::Custom: issued = custom_ca_->issue_server(hosts, {spec.address}, validity); break;
      case CertificateIssuer::SelfSigned:
        issued = sim::make_self_signed_server(hosts.empty() ? spec.address.to_string() : hosts.front(), validity,
                                              crypto_library_);
        break;
    }
    return issued;
  }

  // A server context presenting `issued` (and asking for MICs if the server wants them).
  fw::Result<std::shared_ptr<const fw::TlsContext>> server_context(const ServerSpec& spec,
                                                                   fw::Result<sim::IssuedCertificate> issued) {
    if (!issued) return invalid(spec.where, "server '" + spec.name + "': certificate: " + issued.error().to_string());
    auto identity = fw::TlsIdentity::from_pem(issued->certificate_pem(), issued->key_pem(), crypto_library_);
    if (!identity) return fw::fail(identity.error());
    fw::TlsContextOptions options;
    options.role = fw::TlsRole::Server;
    options.identity = *identity;
    options.require_client_certificate = spec.require_client_certificate;
    options.trusted_certificates_pem = {manufacturer_ca_->certificate_pem()};
    options.library = crypto_library_;
    return fw::TlsContext::create(options);
  }

  // Fleet groups scaled to --phones, each group keeping its share (at least one phone each).
  std::vector<std::uint64_t> group_counts() const {
    std::vector<std::uint64_t> counts;
    for (const FleetGroup& group : scenario_.fleet) counts.push_back(group.spec.count);
    if (!options_.phones || scenario_.phone_count() == 0) return counts;
    const std::uint64_t total = scenario_.phone_count();
    std::uint64_t assigned = 0;
    for (std::size_t index = 0; index < counts.size(); ++index) {
      counts[index] = std::max<std::uint64_t>(1, counts[index] * *options_.phones / total);
      assigned += counts[index];
    }
    if (assigned < *options_.phones) counts[0] += *options_.phones - assigned;
    return counts;
  }

  fw::Result<void> build_phones() {
    const bool mutual_tls = std::any_of(scenario_.servers.begin(), scenario_.servers.end(),
                                        [](const ServerSpec& spec) { return spec.require_client_certificate; });
    const std::vector<std::uint64_t> counts = group_counts();
    for (std::size_t group_index = 0; group_index < scenario_.fleet.size(); ++group_index) {
      const FleetGroup& group = scenario_.fleet[group_index];
      sim::PhoneGroupSpec spec = group.spec;
      spec.count = counts[group_index];
      group_first_phone_.push_back(phones_.size());
      for (std::uint64_t index = 0; index < spec.count; ++index) {
        auto identity = sim::phone_identity(spec, index);
        if (!identity) return invalid(group.where, identity.error().detail);
        auto phone = std::make_unique<SimPhone>();
        phone->group = group_index;
        phone->index_in_group = index;
        phone->name = spec.name + "[" + std::to_string(index) + "]";
        phone->identity = std::move(*identity);
        for (const auto& [option, value] : group.dhcp_options) phone->dhcp[option] = fw::to_bytes(value);
        const auto address = *fw::Ipv4Address::parse(phone->identity.ip_address);
        if (world_.network.has_host(address)) {
          return invalid(group.where, "phone " + phone->name + ": address " + address.to_string() + " is taken");
        }
        sim::PhoneSettings settings;
        settings.name = phone->name;
        settings.address = address;
        settings.group = kPhoneHostGroup;
        settings.entity_id = phones_.size() + 1;
        settings.wall_start = scenario_.start;
        settings.boot_delay = kRebootDowntime;
        phone->platform = std::make_unique<sim::SimPlatform>(world_, settings);
        phone->settings.agent.flavor = group.flavor == Flavor::Spa ? fw::FirmwareFlavor::Spa : fw::FirmwareFlavor::Mpp;
        phone->settings.agent.key_derivation =
            group.md5_only ? fw::KeyDerivation::Md5Only : fw::KeyDerivation::Sha256ThenMd5;
        phone->settings.tls_context = phone_tls_;
        // A custom CA (Custom_CA_Rule) is trusted beside the factory roots, not instead of them.
        if (provisioning_ca_) phone->settings.builtin_roots_pem = {provisioning_ca_->certificate_pem()};
        phone->settings.value_pool = &value_pool_;
        if (mutual_tls && group.mic) {
          auto mic = manufacturer_ca_->issue_phone(
              {phone->identity.product_name, phone->identity.serial_number,
               fw::mac_colon_form(phone->identity.mac), fw::mac_lower_hex(phone->identity.mac)},
              {scenario_.start + -365 * kDaySeconds, scenario_.start + 3650 * kDaySeconds});
          if (!mic) return fw::fail(mic.error());
          auto identity_pem = fw::TlsIdentity::from_pem(mic->certificate_pem(), mic->key_pem(), crypto_library_);
          if (!identity_pem) return fw::fail(identity_pem.error());
          phone->settings.client_identity = *identity_pem;
        }
        phone->keep_timeline = phones_.size() < kTimelinePhonesMax ||
                               (index == 0 && timeline_phones_ < kTimelinePhonesMax);
        if (phone->keep_timeline) ++timeline_phones_;
        // Factory configuration: the group's parameters, written to the phone's flash in one
        // transaction before the firmware first loads it.
        if (auto stored = sim::store_parameters(phone->platform->flash(), spec.parameters, &value_pool_); !stored) {
          return invalid(group.where, "fleet group '" + spec.name + "': " + stored.error().detail);
        }
        phone->runtime = std::make_unique<fw::PhoneRuntime>(*phone->platform, phone->identity, decoder_,
                                                            phone->settings);
        phone->running_version = phone->runtime->identity().software_version;
        SimPhone* raw = phone.get();
        phone->platform->set_reboot_handler([this, raw] { start_firmware(*raw); });
        phone_by_name_.emplace(phone->name, phones_.size());
        phones_.push_back(std::move(phone));
      }
    }
    return {};
  }

  // A fresh firmware instance on an already powered platform (boot after power-on or reboot).
  void start_firmware(SimPhone& phone) {
    phone.runtime.reset();
    phone.runtime = std::make_unique<fw::PhoneRuntime>(*phone.platform, phone.identity, decoder_, phone.settings);
    phone.running_version = phone.runtime->identity().software_version;
    phone.powered_at = world_.engine.now();
    phone.runtime->power_on(phone.dhcp);
  }

  void power_on(SimPhone& phone) {
    if (phone.platform->powered() && phone.runtime && phone.powered_at) return;  // already running
    if (!phone.platform->powered()) phone.platform->power_on();
    start_firmware(phone);
  }

  void power_off(SimPhone& phone, bool power_lost) {
    if (!phone.platform->powered()) return;
    phone.runtime.reset();
    phone.platform->power_off(power_lost);
    phone.powered_at.reset();
  }

  // --- the timeline ---------------------------------------------------------------------------

  std::vector<std::size_t> select(const PhoneSelector& selector, std::uint64_t draw_id) {
    std::vector<std::size_t> chosen;
    for (std::size_t index = 0; index < phones_.size(); ++index) {
      const SimPhone& phone = *phones_[index];
      if (!selector.group.empty() && scenario_.fleet[phone.group].spec.name != selector.group) continue;
      if (selector.index && phone.index_in_group != *selector.index) continue;
      chosen.push_back(index);
    }
    if (selector.share) {
      // A seeded subset, drawn with the run's stream for this draw.
      fw::RandomStream random = world_.engine.stream(kRunnerEntityBase + draw_id);
      chosen = sim::pick_share(std::move(chosen), selector.share->parts_per_million, random);
    }
    return chosen;
  }

  SimServer* server_named(std::string_view name) {
    for (auto& server : servers_) {
      if (server->spec->name == name) return server.get();
    }
    return nullptr;
  }

  fw::Result<void> plan_timeline() {
    bool has_power_on = false;
    for (const TimelineEvent& event : scenario_.timeline) has_power_on |= event.kind == TimelineEvent::Kind::PowerOn;
    if (!has_power_on) {
      // A scenario without power events powers every phone on at the start.
      for (auto& phone : phones_) power_on(*phone);
    }
    std::uint64_t draw = 0;
    for (const TimelineEvent& event : scenario_.timeline) {
      ++draw;
      const Instant at = Instant{} + event.at;
      std::vector<std::size_t> phones = select(event.phones, draw);
      fw::RandomStream spread = world_.engine.stream(kRunnerEntityBase + (std::uint64_t{1} << 20) + draw);
      switch (event.kind) {
        case TimelineEvent::Kind::PowerOn:
        case TimelineEvent::Kind::PowerOff:
        case TimelineEvent::Kind::Reboot: {
          const std::vector<Instant> instants = sim::spread_wave(phones.size(), at, event.spread, spread);
          for (std::size_t position = 0; position < phones.size(); ++position) {
            SimPhone* phone = phones_[phones[position]].get();
            TimelineEvent::Kind kind = event.kind;
            world_.engine.schedule_call(instants[position], [this, phone, kind] {
              if (kind == TimelineEvent::Kind::PowerOn) {
                power_on(*phone);
              } else if (kind == TimelineEvent::Kind::PowerOff) {
                power_off(*phone, true);
              } else {
                power_off(*phone, false);
                world_.engine.schedule_call(world_.engine.now() + kRebootDowntime, [this, phone] { power_on(*phone); });
              }
            });
          }
          break;
        }
        case TimelineEvent::Kind::ServerDown:
        case TimelineEvent::Kind::ServerUp: {
          const bool up = event.kind == TimelineEvent::Kind::ServerUp;
          const fw::Ipv4Address address = scenario_.find_server(event.server)->address;
          world_.engine.schedule_call(at, [this, address, up] { world_.network.set_host_up(address, up); });
          break;
        }
        case TimelineEvent::Kind::SetFile: {
          SimServer* server = server_named(event.server);
          const ServedFile file = *event.file;
          world_.engine.schedule_call(at, [this, server, file] { install_file(*server, file); });
          break;
        }
        case TimelineEvent::Kind::ActivationCode:
          if (event.issued_code) {
            const SimServer* issuer = server_named(event.server);
            if (!issuer || !issuer->activation) {
              return invalid(event.where, "activation_code: server '" + event.server + "' has no activation service");
            }
            if (*event.issued_code >= issuer->activation->service().code_count()) {
              return invalid(event.where, "activation_code: server '" + event.server + "' issued " +
                                              std::to_string(issuer->activation->service().code_count()) +
                                              " codes; 'issued' counts from 0");
            }
          }
          [[fallthrough]];
        case TimelineEvent::Kind::AdminResync:
        case TimelineEvent::Kind::Upgrade:
        case TimelineEvent::Kind::UpdateCa:
        case TimelineEvent::Kind::SipNotify:
        case TimelineEvent::Kind::Call:
        case TimelineEvent::Kind::WallClockStep:
          for (std::size_t index : phones) {
            SimPhone* phone = phones_[index].get();
            const TimelineEvent* planned = &event;
            // Each phone's call lasts its own draw from the event's distribution.
            const Duration call_length = event.call_duration.draw(spread);
            world_.engine.schedule_call(at, [this, phone, planned, call_length] {
              phone_event(*phone, *planned, call_length);
            });
          }
          break;
        case TimelineEvent::Kind::Fault:
        case TimelineEvent::Kind::ClearFaults:
          break;  // part of the servers' fault plans (fault_plan)
      }
    }
    if (auto planned = plan_line_activity(); !planned) return planned;
    // Files present from the start.
    for (auto& server : servers_) {
      for (const ServedFile& file : server->spec->files) install_file(*server, file);
    }
    return {};
  }

  // The groups' `calls:`: each phone's calls over the whole run, from its own stream. A call
  // reaches a phone only while it runs (like a timeline `call`).
  fw::Result<void> plan_line_activity() {
    for (std::size_t index = 0; index < phones_.size(); ++index) {
      SimPhone* phone = phones_[index].get();
      const FleetGroup& group = scenario_.fleet[phone->group];
      if (!group.calls) continue;
      fw::RandomStream random = world_.engine.stream(kRunnerEntityBase + (std::uint64_t{5} << 20) + index);
      auto calls = sim::plan_calls(*group.calls, Instant{}, Instant{} + scenario_.duration, random);
      if (!calls) return invalid(group.where, "fleet group '" + group.spec.name + "': " + calls.error().detail);
      for (const sim::PlannedCall& call : *calls) {
        world_.engine.schedule_call(call.start, [this, phone, call] { start_call(*phone, call.line, call.length); });
      }
    }
    return {};
  }

  void start_call(SimPhone& phone, std::size_t line, Duration length) {
    if (!phone.runtime || !phone.platform->powered()) return;  // a phone that is off rings nowhere
    phone.runtime->line_busy(line);
    SimPhone* raw = &phone;
    world_.engine.schedule_call(world_.engine.now() + length, [raw, line] {
      if (raw->runtime) raw->runtime->line_idle(line);
    });
  }

  void phone_event(SimPhone& phone, const TimelineEvent& event, Duration call_length) {
    if (!phone.runtime || !phone.platform->powered()) return;  // a phone that is off hears nothing
    switch (event.kind) {
      case TimelineEvent::Kind::AdminResync: phone.runtime->admin_resync(event.rule); break;
      case TimelineEvent::Kind::Upgrade: phone.runtime->admin_upgrade(event.rule); break;
      case TimelineEvent::Kind::UpdateCa: phone.runtime->admin_update_ca(event.rule); break;
      case TimelineEvent::Kind::ActivationCode:
        phone.runtime->activation_code_entered(
            event.issued_code ? server_named(event.server)->activation->service().code(*event.issued_code)
                              : event.activation_code);
        break;
      case TimelineEvent::Kind::SipNotify: phone.runtime->sip_notify(event.sip_event); break;
      case TimelineEvent::Kind::Call: start_call(phone, event.line, call_length); break;
      case TimelineEvent::Kind::WallClockStep:
        phone.platform->step_wall_clock(phone.platform->wall_clock() + whole_seconds(event.step));
        phone.runtime->wall_clock_stepped();
        break;
      default: break;
    }
  }

  // Puts a served file (expanded per phone when its path holds identity macros) on a server.
  void install_file(SimServer& server, const ServedFile& file) {
    auto packed = [&](std::string_view content) -> fw::Bytes {
      // Images and certificates are served as built (the loader refuses packing for them).
      if (file.firmware) return sim::sim_firmware_image(file.firmware->family, file.firmware->version);
      if (file.ca_certificate) return fw::to_bytes(authority(*file.ca_certificate).certificate_pem());
      fw::EncodeOptions options;
      options.gzip = file.packing.gzip;
      options.key = file.packing.key;
      options.digest = file.packing.digest == "md5" ? fw::KdfDigest::Md5 : fw::KdfDigest::Sha256;
      // The salt comes from the run's stream, so a run replays and different files differ.
      fw::RandomStream salt_stream = world_.engine.stream(kRunnerEntityBase + (std::uint64_t{2} << 20) + salt_draws_++);
      std::uint64_t salt = salt_stream.next();
      for (std::size_t index = 0; index < options.salt.size(); ++index) {
        options.salt[index] = static_cast<std::uint8_t>(salt >> (8 * index));
      }
      auto encoded = fw::encode_profile(fw::as_bytes(content), options);
      return encoded ? std::move(*encoded) : fw::to_bytes(content);
    };
    if (!is_template(file.path) && !is_template(file.content)) {
      server.root->put(file.path, packed(file.content));
      return;
    }
    for (const auto& phone : phones_) {
      server.root->put(expand_identity(file.path, phone->identity), packed(expand_identity(file.content, phone->identity)));
    }
  }

  // The run's CA `issuer` names (build_pki() made it: a file or server refers to it).
  const sim::CertificateAuthority& authority(CertificateIssuer issuer) const {
    switch (issuer) {
      case CertificateIssuer::Custom: return *custom_ca_;
      case CertificateIssuer::Untrusted: return *untrusted_ca_;
      case CertificateIssuer::Provisioning:
      case CertificateIssuer::SelfSigned: break;
    }
    return *provisioning_ca_;
  }

  // --- observing ------------------------------------------------------------------------------

  void observe(const sim::TraceEvent& event) {
    error_check_.note(event);
    if (event.component == "agent" || event.component == "provisioning") {
      auto found = phone_by_name_.find(std::string(event.phone));
      if (found == phone_by_name_.end()) return;
      SimPhone& phone = *phones_[found->second];
      if (event.event == "resync_done") {
        const bool success = event.field("result") == "success";
        phone.last_success = success;
        const Instant at = event.t;
        std::int64_t bucket = (at.since_epoch() / report_bucket_width()) ;
        if (success) {
          ++successes_[bucket];
          if (!phone.first_success_seen) {
            phone.first_success_seen = true;
            if (phone.powered_at) first_resync_delays_.push_back(whole_seconds(at - *phone.powered_at));
            ++retry_histogram_[phone.failures_before_success];
          }
        } else {
          ++failures_[bucket];
          ++errors_by_err_[std::string(event.field("error"))];
          if (!phone.first_success_seen) ++phone.failures_before_success;
        }
      }
    }
    seen_events_.insert(std::string(event.event));
    if (!event.phone.empty()) {
      auto found = phone_by_name_.find(std::string(event.phone));
      if (found != phone_by_name_.end()) {
        SimPhone& phone = *phones_[found->second];
        if (phone.keep_timeline && phone.timeline.size() < kTimelineEntriesMax &&
            event.severity >= fw::Severity::Info) {
          std::string text(event.event);
          for (const auto& field : event.fields) {
            if (field.key == "detail") continue;
            text += " " + std::string(field.key) + "=" + std::string(field.value);
          }
          phone.timeline.push_back({event.t.since_epoch(), std::move(text)});
        }
      }
    }
  }

  Duration report_bucket_width() const { return bucket_width_for(scenario_.duration); }

  std::uint64_t converged_count() const {
    std::uint64_t count = 0;
    for (const auto& phone : phones_) count += phone->last_success.value_or(false) ? 1 : 0;
    return count;
  }

  void plan_sampling() {
    const Duration width = report_bucket_width();
    for (Instant at = Instant{} + width; at <= Instant{} + scenario_.duration; at += width) {
      world_.engine.schedule_call(at, [this] {
        for (auto& server : servers_) {
          std::uint64_t open = server->open_now();
          server->concurrency_samples.push_back(open);
          server->peak_concurrency = std::max(server->peak_concurrency, open);
        }
      });
    }
  }

  // --- assertions -----------------------------------------------------------------------------

  void plan_assertions() {
    results_.resize(scenario_.assertions.size());
    for (std::size_t index = 0; index < scenario_.assertions.size(); ++index) {
      const Assertion& assertion = scenario_.assertions[index];
      if (assertion.by) world_.engine.schedule_call(Instant{} + *assertion.by, [this, index] { evaluate(index); });
    }
  }

  std::string configuration_value(SimPhone& phone, std::string_view name) {
    if (phone.runtime) {
      auto id = phone.runtime->configuration().registry().find(name);
      return id ? std::string(phone.runtime->configuration().value(*id)) : std::string();
    }
    fw::PersistentConfig stored(phone.platform->flash());  // a phone that is off: what flash holds
    (void)stored.load();
    auto id = stored.store().registry().find(name);
    return id ? std::string(stored.store().value(*id)) : std::string();
  }

  // The server's request times from `from` on (all of them without `from`).
  std::vector<Instant> request_times(const SimServer& server, std::optional<Duration> from) const {
    std::vector<Instant> times = request_times(server);
    if (from) std::erase_if(times, [&](Instant time) { return time < Instant{} + *from; });
    return times;
  }

  std::vector<Instant> request_times(const SimServer& server) const {
    std::vector<Instant> times;
    if (server.tftp) {
      for (const auto& record : server.tftp->records()) times.push_back(record.started);
    } else if (server.http) {
      for (const auto& record : server.http->access_log()) times.push_back(record.time);
    } else if (server.syslog) {
      for (const auto& message : server.syslog->core().messages()) times.push_back(message.received_at);
    }
    std::sort(times.begin(), times.end());
    return times;
  }

  static std::uint64_t peak_per_window(const std::vector<Instant>& times, Duration window) {
    std::map<std::int64_t, std::uint64_t> counts;
    for (Instant time : times) ++counts[time.since_epoch() / window];
    std::uint64_t peak = 0;
    for (const auto& [bucket, count] : counts) peak = std::max(peak, count);
    return peak;
  }

  // ", last upgrade failed: file not found" for evidence; empty without an attempt (or when off).
  static std::string last_upgrade(const SimPhone& phone) {
    if (!phone.runtime || phone.runtime->agent().status().recent_upgrades.empty()) return "";
    const fw::UpgradeOutcome& last = phone.runtime->agent().status().recent_upgrades.front();
    return last.success ? ", last upgrade check: " + last.result : ", last upgrade failed: " + last.result;
  }

  // The installed custom CA's CN, or nullopt. For a phone that is off: the CA its flash holds
  // (restored at the next boot).
  static std::optional<std::string> custom_ca_name(const SimPhone& phone) {
    if (phone.runtime) {
      const fw::CustomCaStatus& status = phone.runtime->agent().custom_ca_status();
      if (status.installed) return status.installed_cn;
      return std::nullopt;
    }
    auto stored = phone.platform->flash().read(fw::PhoneRuntime::kCustomCaSlot);
    auto certificate = stored ? fw::parse_ca_certificate(*stored) : fw::Result<fw::CaCertificate>(fw::fail(stored.error()));
    if (certificate) return certificate->common_name;
    return std::nullopt;
  }

  static std::string custom_ca_failure(const SimPhone& phone) {
    if (!phone.runtime) return "off, no custom CA on flash";
    const fw::CustomCaStatus& status = phone.runtime->agent().custom_ca_status();
    return status.last_error.empty() ? "no custom CA installed" : "no custom CA installed, last error: " + status.last_error;
  }

  void check_count(AssertionResult& result, const Assertion& assertion, std::uint64_t count) {
    std::string expected;
    if (assertion.at_least) expected += "at least " + std::to_string(*assertion.at_least);
    if (assertion.at_most) expected += std::string(expected.empty() ? "" : " and ") + "at most " + std::to_string(*assertion.at_most);
    result.expected = expected;
    result.actual = std::to_string(count);
    result.passed = (!assertion.at_least || count >= *assertion.at_least) && (!assertion.at_most || count <= *assertion.at_most);
  }

  void evaluate(std::size_t index) {
    const Assertion& assertion = scenario_.assertions[index];
    AssertionResult& result = results_[index];
    result.kind = std::string(to_string(assertion.kind));
    result.where = assertion.where.to_string();
    const std::string from = assertion.from ? " from " + format_duration(*assertion.from) : "";
    const std::string by = from + (assertion.by ? " by " + format_duration(*assertion.by) : " at the end");
    std::vector<std::size_t> phones = select(assertion.phones, 1'000'000 + index);
    switch (assertion.kind) {
      case Assertion::Kind::Parameter: {
        std::uint64_t matching = 0;
        for (std::size_t phone_index : phones) {
          SimPhone& phone = *phones_[phone_index];
          std::string value = configuration_value(phone, assertion.parameter);
          if (value == assertion.equals) {
            ++matching;
          } else if (result.evidence.size() < kEvidenceLinesMax) {
            result.evidence.push_back(phone.name + ": " + assertion.parameter + " = '" + value + "'");
          }
        }
        result.name = assertion.name.empty() ? assertion.parameter + " = '" + assertion.equals + "'" + by : assertion.name;
        result.expected = "at least " + format_ppm(assertion.share_min.parts_per_million) + " of " +
                          std::to_string(phones.size()) + " phones have " + assertion.parameter + " = '" + assertion.equals + "'";
        result.actual = format_share(matching, phones.size());
        result.passed = !phones.empty() && matching * Share::kWhole >= assertion.share_min.parts_per_million * phones.size();
        break;
      }
      case Assertion::Kind::Converged: {
        std::uint64_t converged = 0;
        for (std::size_t phone_index : phones) {
          SimPhone& phone = *phones_[phone_index];
          if (phone.last_success.value_or(false)) {
            ++converged;
          } else if (result.evidence.size() < kEvidenceLinesMax) {
            std::string why = "never resynced";
            if (phone.runtime && !phone.runtime->agent().status().recent.empty()) {
              why = "last resync failed: " + phone.runtime->agent().status().recent.front().error;
            }
            result.evidence.push_back(phone.name + ": " + why);
          }
        }
        result.name = assertion.name.empty() ? "converged" + by : assertion.name;
        result.expected = "last resync succeeded on at least " + format_ppm(assertion.share_min.parts_per_million) +
                          " of " + std::to_string(phones.size()) + " phones";
        result.actual = format_share(converged, phones.size());
        result.passed = !phones.empty() && converged * Share::kWhole >= assertion.share_min.parts_per_million * phones.size();
        break;
      }
      case Assertion::Kind::Requests: {
        SimServer* server = server_named(assertion.server);
        result.name = assertion.name.empty() ? "requests at " + assertion.server + by : assertion.name;
        check_count(result, assertion, server ? request_times(*server, assertion.from).size() : 0);
        break;
      }
      case Assertion::Kind::RequestRate: {
        SimServer* server = server_named(assertion.server);
        result.name = assertion.name.empty() ? "peak requests per " + format_duration(assertion.window) + " at " + assertion.server + by : assertion.name;
        const std::uint64_t peak =
            server ? peak_per_window(request_times(*server, assertion.from), assertion.window) : 0;
        check_count(result, assertion, peak);
        result.expected = "peak per " + format_duration(assertion.window) + ": " + result.expected;
        break;
      }
      case Assertion::Kind::Syslog: {
        std::uint64_t count = 0;
        for (auto& server : servers_) {
          if (!server->syslog || (!assertion.server.empty() && server->spec->name != assertion.server)) continue;
          count += server->syslog->core().count_matching(assertion.pattern);
        }
        result.name = assertion.name.empty() ? "syslog lines matching /" + assertion.pattern + "/" + by : assertion.name;
        check_count(result, assertion, count);
        break;
      }
      case Assertion::Kind::Errors: {
        auto found = errors_by_err_.find(assertion.pattern);
        result.name = assertion.name.empty() ? "failed resyncs with $ERR '" + assertion.pattern + "'" + by : assertion.name;
        check_count(result, assertion, found == errors_by_err_.end() ? 0 : found->second);
        break;
      }
      case Assertion::Kind::Firmware: {
        std::uint64_t running = 0;
        for (std::size_t phone_index : phones) {
          const SimPhone& phone = *phones_[phone_index];
          if (phone.running_version == assertion.equals) {
            ++running;
          } else if (result.evidence.size() < kEvidenceLinesMax) {
            result.evidence.push_back(phone.name + ": runs " + phone.running_version + last_upgrade(phone));
          }
        }
        result.name = assertion.name.empty() ? "firmware " + assertion.equals + by : assertion.name;
        result.expected = "at least " + format_ppm(assertion.share_min.parts_per_million) + " of " +
                          std::to_string(phones.size()) + " phones run " + assertion.equals;
        result.actual = format_share(running, phones.size());
        result.passed = !phones.empty() && running * Share::kWhole >= assertion.share_min.parts_per_million * phones.size();
        break;
      }
      case Assertion::Kind::Uploads: {
        const SimServer* server = server_named(assertion.server);
        const std::regex path(assertion.pattern.empty() ? std::string(".*") : assertion.pattern);
        std::uint64_t count = 0;
        static const std::vector<srv::FileRoot::Upload> kNone;
        for (const srv::FileRoot::Upload& upload : server ? server->root->uploads() : kNone) {
          if (std::regex_search(upload.path, path)) {
            ++count;
          } else if (result.evidence.size() < kEvidenceLinesMax) {
            result.evidence.push_back("not matching: " + upload.path);
          }
        }
        result.name = assertion.name.empty()
                          ? "uploads at " + assertion.server + (assertion.pattern.empty() ? "" : " matching /" + assertion.pattern + "/") + by
                          : assertion.name;
        check_count(result, assertion, count);
        break;
      }
      case Assertion::Kind::Activation: {
        std::uint64_t matching = 0;
        for (std::size_t phone_index : phones) {
          const SimPhone& phone = *phones_[phone_index];
          const std::string state = phone.runtime ? std::string(fw::to_string(phone.runtime->agent().status().activation.state))
                                                  : std::string("off");
          if (state == assertion.equals) {
            ++matching;
          } else if (result.evidence.size() < kEvidenceLinesMax) {
            result.evidence.push_back(phone.name + ": activation " + state);
          }
        }
        result.name = assertion.name.empty() ? "activation " + assertion.equals + by : assertion.name;
        result.expected = "at least " + format_ppm(assertion.share_min.parts_per_million) + " of " +
                          std::to_string(phones.size()) + " phones in activation state " + assertion.equals;
        result.actual = format_share(matching, phones.size());
        result.passed = !phones.empty() && matching * Share::kWhole >= assertion.share_min.parts_per_million * phones.size();
        break;
      }
      case Assertion::Kind::Activations: {
        const SimServer* server = server_named(assertion.server);
        const auto outcome = srv::activation_outcome_named(assertion.equals);
        const std::uint64_t count = server && server->activation && outcome ? server->activation->service().count(*outcome) : 0;
        result.name = assertion.name.empty() ? "activation requests answered " + assertion.equals + " at " + assertion.server + by
                                             : assertion.name;
        if (server && !server->activation) result.evidence.push_back(assertion.server + " has no activation service");
        check_count(result, assertion, count);
        break;
      }
      case Assertion::Kind::CustomCa: {
        std::uint64_t installed = 0;
        for (std::size_t phone_index : phones) {
          const SimPhone& phone = *phones_[phone_index];
          const std::optional<std::string> common_name = custom_ca_name(phone);
          if (common_name && (assertion.equals.empty() || *common_name == assertion.equals)) {
            ++installed;
          } else if (result.evidence.size() < kEvidenceLinesMax) {
            result.evidence.push_back(phone.name + ": " + (common_name ? "CA '" + *common_name + "' installed" : custom_ca_failure(phone)));
          }
        }
        const std::string which = assertion.equals.empty() ? "a custom CA" : "custom CA '" + assertion.equals + "'";
        result.name = assertion.name.empty() ? which + " installed" + by : assertion.name;
        result.expected = "at least " + format_ppm(assertion.share_min.parts_per_million) + " of " +
                          std::to_string(phones.size()) + " phones have " + which + " installed";
        result.actual = format_share(installed, phones.size());
        result.passed = !phones.empty() && installed * Share::kWhole >= assertion.share_min.parts_per_million * phones.size();
        break;
      }
      case Assertion::Kind::Sometimes: {
        result.name = assertion.name.empty() ? "sometimes " + assertion.pattern + by : assertion.name;
        result.expected = "trace event '" + assertion.pattern + "' at least once";
        result.passed = seen_events_.contains(assertion.pattern);
        result.actual = result.passed ? "seen" : "never seen";
        break;
      }
    }
  }

  // --- the report -----------------------------------------------------------------------------

  RunReport build_report() {
    RunReport report;
    report.scenario_name = scenario_.name.empty() ? scenario_.file : scenario_.name;
    report.scenario_file = scenario_.file;
    report.description = scenario_.description;
    report.seed = seed_;
    report.reproduce_command = options_.command_line;
    report.virtual_duration = scenario_.duration;
    report.phones = phones_.size();
    report.events = world_.engine.events_run();
    report.trace_hash = world_.trace.hash_hex();
    report.trace_errors = world_.trace.errors();
    report.assertions = results_;
    // Error-severity events fail the run unless expected; the check is listed when it had
    // something to judge (an error event or a declared expectation).
    if (report.trace_errors > 0 || !scenario_.expect_errors.empty()) {
      report.assertions.push_back(error_check_.result());
    }
    report.bucket_width = report_bucket_width();
    const std::size_t buckets = static_cast<std::size_t>(scenario_.duration / report.bucket_width) + 1;
    auto series = [buckets](std::string name, const std::map<std::int64_t, std::uint64_t>& counts) {
      TimeSeries result{std::move(name), "per bucket", std::vector<std::uint64_t>(buckets, 0)};
      for (const auto& [bucket, count] : counts) {
        if (bucket >= 0 && static_cast<std::size_t>(bucket) < buckets) result.values[static_cast<std::size_t>(bucket)] = count;
      }
      return result;
    };
    report.successes = series("successful resyncs", successes_);
    report.failures = series("failed resyncs", failures_);
    for (auto& server : servers_) {
      std::vector<Instant> times = request_times(*server);
      std::map<std::int64_t, std::uint64_t> per_bucket;
      for (Instant time : times) ++per_bucket[time.since_epoch() / report.bucket_width];
      report.requests_per_server.push_back(series(server->spec->name, per_bucket));
      TimeSeries concurrency{server->spec->name, "open transfers", server->concurrency_samples};
      report.concurrency_per_server.push_back(std::move(concurrency));
      ServerSummary summary;
      summary.name = server->spec->name;
      summary.kind = std::string(to_string(server->spec->kind));
      summary.address = fw::Endpoint{server->spec->address, server->spec->port}.to_string();
      summary.requests = times.size();
      summary.peak_per_second = peak_per_window(times, fw::seconds(1));
      summary.peak_concurrency = server->peak_concurrency;
      std::vector<std::uint64_t> latencies_ms;
      const srv::ServiceQueue* queue = nullptr;
      if (server->tftp) {
        for (const auto& record : server->tftp->records()) {
          if (record.outcome != srv::TftpTransferRecord::Outcome::Completed) ++summary.failures;
          latencies_ms.push_back(static_cast<std::uint64_t>((record.finished - record.started).count() / 1'000'000));
        }
        queue = &server->tftp->core().admission();
      } else if (server->http) {
        for (const auto& record : server->http->access_log()) summary.failures += record.status >= 400 ? 1 : 0;
        summary.failures += server->http->tls_failures();
        queue = &server->http->queue();
      }
      if (queue != nullptr) {
        summary.queue_peak = queue->peak_waiting();
        summary.queue_refused = queue->refused();
        summary.queue_wait_p50_ms = static_cast<std::uint64_t>(queue->wait_percentile(500).count() / 1'000'000);
        summary.queue_wait_p99_ms = static_cast<std::uint64_t>(queue->wait_percentile(990).count() / 1'000'000);
      }
      summary.latency_p50_ms = percentile(latencies_ms, 50);
      summary.latency_p90_ms = percentile(latencies_ms, 90);
      summary.latency_p99_ms = percentile(latencies_ms, 99);
      report.servers.push_back(std::move(summary));
    }
    report.first_resync_delay_s = first_resync_delays_;
    report.retry_histogram = retry_histogram_;
    report.errors_by_err = errors_by_err_;
    report.phones_converged = converged_count();
    for (const auto& phone : phones_) {
      if (!phone->keep_timeline) continue;
      report.timelines.push_back({phone->name + " " + fw::mac_colon_form(phone->identity.mac), phone->timeline});
    }
    return report;
  }

  const Scenario& scenario_;
  const RunOptions& options_;
  std::uint64_t seed_;
  sim::SimWorld world_;
  std::optional<sim::PcapWriter> pcap_;
  fw::ProfileDecoder decoder_;
  fw::CryptoLibrary crypto_library_;  // seeded: every TLS byte of the world replays
  std::optional<sim::CertificateAuthority> provisioning_ca_;
  std::optional<sim::CertificateAuthority> manufacturer_ca_;
  std::optional<sim::CertificateAuthority> untrusted_ca_;
  std::optional<sim::CertificateAuthority> custom_ca_;  // only when the scenario uses it
  std::shared_ptr<const fw::TlsContext> phone_tls_;
  std::vector<std::unique_ptr<SimServer>> servers_;
  // The phones' configuration values, interned once for the fleet (declared before the phones,
  // so it outlives them).
  fw::ValuePool value_pool_;
  std::vector<std::unique_ptr<SimPhone>> phones_;
  std::vector<std::size_t> group_first_phone_;
  std::unordered_map<std::string, std::size_t> phone_by_name_;
  std::size_t timeline_phones_ = 0;
  std::uint64_t salt_draws_ = 0;

  std::map<std::int64_t, std::uint64_t> successes_;
  std::map<std::int64_t, std::uint64_t> failures_;
  std::vector<std::int64_t> first_resync_delays_;
  std::map<std::uint64_t, std::uint64_t> retry_histogram_;
  std::map<std::string, std::uint64_t> errors_by_err_;
  std::set<std::string> seen_events_;
  std::vector<AssertionResult> results_;
  std::vector<std::pair<std::string, srv::FaultWindow>> random_faults_;  // (server, window)
  ErrorCheck error_check_;
};

}  // namespace

fw::Result<RunReport> run_scenario(const Scenario& scenario, const RunOptions& options) {
  Runner runner(scenario, options);
  return runner.run();
}

}  // namespace scn
