#include "load/load_command.h"

#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <regex>
#include <sys/stat.h>

#include "firmware-core/config/parameter_registry.h"
#include "firmware-core/config/parameter_value.h"
#include "firmware-core/macro/macro_table.h"
#include "load/load_run.h"
#include "load/target_guard.h"
#include "scenarios/format/quantities.h"
#include "scenarios/format/scenario_loader.h"
#include "scenarios/run/report_writers.h"
#include "sim/pki/certificate_authority.h"

namespace load {
namespace {

constexpr int kExitHeld = 0;
constexpr int kExitThresholdFailed = 1;
constexpr int kExitInvalid = 2;
// Every run stops by itself: --duration may not exceed this.
constexpr fw::Duration kDurationMax = fw::seconds(7 * 24 * 3600);
constexpr std::uint64_t kPhonesMax = 1'000'000;
constexpr std::int64_t kDaySeconds = 86'400;

std::optional<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::optional<std::pair<std::string, std::string>> split_assignment(const std::string& text) {
  const std::size_t equals = text.find('=');
  if (equals == std::string::npos || equals == 0) return std::nullopt;
  return std::pair{text.substr(0, equals), text.substr(equals + 1)};
}

// "0.05", "5%", "0.1%": parts per million; nullopt for anything else or above 1.
std::optional<std::uint32_t> parse_fraction(const std::string& text) {
  if (text.ends_with('%')) {
    auto share = scn::parse_share(text);
    if (!share) return std::nullopt;
    return share->parts_per_million;
  }
  // A decimal fraction: as a percentage with the point moved two places.
  const std::size_t point = text.find('.');
  const std::string whole = text.substr(0, point);
  std::string fraction = point == std::string::npos ? "" : text.substr(point + 1);
  if (whole.empty() || (whole != "0" && whole != "1") || fraction.size() > 6) return std::nullopt;
  for (char digit : fraction) {
    if (digit < '0' || digit > '9') return std::nullopt;
  }
  fraction.resize(6, '0');
  const std::uint32_t parts = (whole == "1" ? 1'000'000u : 0u) + static_cast<std::uint32_t>(std::stoul(fraction));
  if (parts > 1'000'000) return std::nullopt;
  return parts;
}

std::optional<fw::Duration> parse_run_duration(const std::string& text) {
  std::uint64_t whole_seconds = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), whole_seconds);
  if (!text.empty() && error == std::errc() && end == text.data() + text.size()) {
    if (whole_seconds > static_cast<std::uint64_t>(kDurationMax.count() / 1'000'000'000)) return std::nullopt;
    return fw::seconds(static_cast<std::int64_t>(whole_seconds));
  }
  return scn::parse_duration(text);
}

std::string share_text(std::uint32_t parts_per_million) {
  char text[32];
  std::snprintf(text, sizeof text, "%u.%04u%%", parts_per_million / 10'000, parts_per_million % 10'000);
  return text;
}

std::string milliseconds_text(std::uint64_t microseconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%llu.%03llu", static_cast<unsigned long long>(microseconds / 1000),
                static_cast<unsigned long long>(microseconds % 1000));
  return text;
}

// The rule with the values of --key/--uid/--pwd options masked (they are secrets).
std::string masked_rule(const std::string& rule) {
  static const std::regex kSecretOption(R"((--(?:key|uid|pwd)\s+)([^\s\]]+))");
  return std::regex_replace(rule, kSecretOption, "$1" + std::string(fw::kSecretMask));
}

std::string masked_parameter(const std::string& assignment) {
  auto split = split_assignment(assignment);
  if (!split) return std::string(fw::kSecretMask);
  const fw::ParameterRegistry& registry = fw::ParameterRegistry::builtin();
  auto id = registry.find(split->first);
  if (id && registry.spec(*id).secret) return split->first + "=" + std::string(fw::kSecretMask);
  return split->first + "=" + masked_rule(split->second);
}

std::string shell_quoted(const std::string& text) {
  if (!text.empty() && text.find_first_not_of(
                           "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@%+,") ==
                           std::string::npos) {
    return text;
  }
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string reproduce_command(const LoadArguments& arguments, std::uint64_t phones) {
  std::string command = "phonesim load --phones " + std::to_string(phones);
  if (!arguments.profile_rule.empty()) command += " --profile-rule " + shell_quoted(masked_rule(arguments.profile_rule));
  for (const std::string& parameter : arguments.parameters) command += " --param " + shell_quoted(masked_parameter(parameter));
  if (!arguments.scenario.empty()) command += " --scenario " + shell_quoted(arguments.scenario);
  command += " --ramp " + shell_quoted(arguments.ramp) + " --duration " + shell_quoted(arguments.duration);
  command += " --time-scale " + shell_quoted(arguments.time_scale) + " --seed " + std::to_string(arguments.seed);
  if (!arguments.bind.empty()) command += " --bind " + shell_quoted(arguments.bind);
  if (!arguments.ca.empty()) command += " --ca " + shell_quoted(arguments.ca);
  if (!arguments.mint_ca.empty()) command += " --mint-ca " + shell_quoted(arguments.mint_ca);
  if (!arguments.client_certs.empty()) command += " --client-certs " + shell_quoted(arguments.client_certs);
  if (arguments.until_converged) command += " --until-converged";
  if (arguments.back_to_back) command += " --back-to-back";
  if (arguments.allow_remote_target) command += " --allow-remote-target";
  return command;
}

struct Invalid {
  std::string message;
};

// The MIC source of --mint-ca FILE: the CA in FILE (certificate and key, PEM), created and written
// there (mode 0600) when FILE does not exist yet.
fw::Result<MicSource> mint_ca_source(const std::string& path, std::ostream& out) {
  std::shared_ptr<sim::CertificateAuthority> authority;
  const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  const sim::Validity validity{fw::WallTime{now - kDaySeconds}, fw::WallTime{now + 3650 * kDaySeconds}};
  if (std::filesystem::exists(path)) {
    auto text = read_text(path);
    if (!text) return fw::fail(fw::ErrorCode::InvalidValue, "--mint-ca " + path + ": cannot read");
    auto loaded = sim::CertificateAuthority::from_pem(*text);
    if (!loaded) return fw::fail(fw::ErrorCode::InvalidValue, "--mint-ca " + path + ": " + loaded.error().detail);
    authority = std::make_shared<sim::CertificateAuthority>(std::move(*loaded));
  } else {
    auto created = sim::CertificateAuthority::create_root("phonesim load MIC CA", validity);
    if (!created) return fw::fail(created.error());
    authority = std::make_shared<sim::CertificateAuthority>(std::move(*created));
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    if (!file) return fw::fail(fw::ErrorCode::InvalidValue, "--mint-ca " + path + ": cannot write");
    ::chmod(path.c_str(), 0600);  // it holds the CA's private key
    file << authority->certificate_pem() << authority->key_pem();
    if (!file.flush()) return fw::fail(fw::ErrorCode::InvalidValue, "--mint-ca " + path + ": cannot write");
    out << "  mint-ca: created a new MIC CA in " << path
        << " (its certificate goes into the server's client-CA list)\n";
  }
  return MicSource([authority, validity](const fw::PhoneIdentity& phone) -> fw::Result<std::shared_ptr<const fw::TlsIdentity>> {
    auto issued = authority->issue_phone({phone.product_name, phone.serial_number, fw::mac_colon_form(phone.mac),
                                          fw::mac_lower_hex(phone.mac)},
                                         validity);
    if (!issued) return fw::fail(issued.error());
    auto identity = fw::TlsIdentity::from_pem(issued->certificate_pem(), issued->key_pem());
    if (!identity) return fw::fail(identity.error());
    return *identity;
  });
}

// The MIC source of --client-certs DIR: DIR/<mac>.pem (certificate and key) or DIR/<mac>.crt
// with DIR/<mac>.key, <mac> as 12 lower-case hex digits.
MicSource client_certs_source(const std::string& directory) {
  return [directory](const fw::PhoneIdentity& phone) -> fw::Result<std::shared_ptr<const fw::TlsIdentity>> {
    const std::string base = directory + "/" + fw::mac_lower_hex(phone.mac);
    std::optional<std::string> certificate = read_text(base + ".pem");
    std::optional<std::string> key = certificate;
    if (!certificate) {
      certificate = read_text(base + ".crt");
      key = read_text(base + ".key");
    }
    if (!certificate || !key) {
      return fw::fail(fw::ErrorCode::InvalidValue,
                      "--client-certs: no " + base + ".pem nor " + base + ".crt with " + base + ".key");
    }
    auto identity = fw::TlsIdentity::from_pem(*certificate, *key);
    if (!identity) return fw::fail(fw::ErrorCode::InvalidValue, "--client-certs " + base + ": " + identity.error().detail);
    return *identity;
  };
}

// Scales the scenario's groups to `phones` in total, in proportion; the last group takes the rest.
void scale_groups(std::vector<LoadPhoneGroup>& groups, std::uint64_t phones) {
  std::uint64_t written = 0;
  for (const LoadPhoneGroup& group : groups) written += group.spec.count;
  std::uint64_t given = 0;
  for (std::size_t index = 0; index < groups.size(); ++index) {
    std::uint64_t& count = groups[index].spec.count;
    count = index + 1 == groups.size() ? phones - given
                                       : static_cast<std::uint64_t>(multiply_divide(
                                             static_cast<std::int64_t>(count), phones, written));
    given += count;
  }
}

// The hosts the configuration names, for the pre-flight guard.
std::vector<std::string> configured_hosts(const std::vector<LoadPhoneGroup>& groups) {
  std::vector<std::string> hosts;
  const auto add = [&hosts](const std::string& host) {
    if (!host.empty() && std::find(hosts.begin(), hosts.end(), host) == hosts.end()) hosts.push_back(host);
  };
  for (const LoadPhoneGroup& group : groups) {
    for (const auto& [name, value] : group.spec.parameters) {
      for (const std::string& host : url_hosts(value)) add(host);
      if (name.find("Server") != std::string::npos && value.find("://") == std::string::npos) {
        add(host_of_server_value(value));
      }
    }
    for (const auto& [option, value] : group.dhcp_options) {
      for (const std::string& host : url_hosts(value)) add(host);
      if (value.find("://") == std::string::npos) add(host_of_server_value(value));
    }
  }
  return hosts;
}

void print_summary(const scn::RunReport& report, std::ostream& out) {
  out << "\n" << report.scenario_name << ": " << report.phones << " phones, " << report.phones_converged
      << " converged\n\n";
  out << "  server                              requests  failures  peak/s  p50 ms  p90 ms  p99 ms\n";
  for (const scn::ServerSummary& server : report.servers) {
    char line[220];
    std::snprintf(line, sizeof line, "  %-34s  %8llu  %8llu  %6llu  %6llu  %6llu  %6llu\n", server.name.c_str(),
                  static_cast<unsigned long long>(server.requests), static_cast<unsigned long long>(server.failures),
                  static_cast<unsigned long long>(server.peak_per_second),
                  static_cast<unsigned long long>(server.latency_p50_ms),
                  static_cast<unsigned long long>(server.latency_p90_ms),
                  static_cast<unsigned long long>(server.latency_p99_ms));
    out << line;
  }
  if (!report.errors_by_err.empty()) {
    out << "\n  failed resyncs by $ERR:";
    for (const auto& [err, count] : report.errors_by_err) out << "  " << err << " " << count;
    out << "\n";
  }
  out << "\n";
  for (const auto& [name, value] : report.figures) out << "  " << name << ": " << value << "\n";
  out << "\n";
  std::size_t held = 0;
  for (const scn::AssertionResult& result : report.assertions) {
    held += result.passed ? 1 : 0;
    out << "  " << (result.passed ? "PASS" : "FAIL") << "  " << result.name << "\n";
    if (!result.passed) {
      out << "        expected " << result.expected << "\n        got      " << result.actual << "\n";
      for (const std::string& line : result.evidence) out << "        - " << line << "\n";
    }
  }
  out << "\n  " << held << " of " << report.assertions.size() << " thresholds held\n  reproduce: "
      << report.reproduce_command << "\n";
}

}  // namespace

int run_load_command(const LoadArguments& arguments, std::ostream& out, std::ostream& err) {
  const auto invalid = [&err](const std::string& message) {
    err << "phonesim load: " << message << "\n";
    return kExitInvalid;
  };

  // --- the fleet -------------------------------------------------------------------------------
  std::vector<LoadPhoneGroup> groups;
  std::optional<scn::Scenario> scenario;
  std::vector<std::pair<std::string, std::string>> extra;  // --profile-rule, then --param, in order
  if (!arguments.profile_rule.empty()) extra.emplace_back("Profile_Rule", arguments.profile_rule);
  for (const std::string& text : arguments.parameters) {
    auto assignment = split_assignment(text);
    // Not echoed: a mistyped "GPP_SAvalue" would print a secret.
    if (!assignment) return invalid("--param: expected NAME=VALUE");
    extra.push_back(std::move(*assignment));
  }
  if (!arguments.scenario.empty()) {
    scn::LoadResult loaded = scn::load_scenario_file(arguments.scenario);
    if (!loaded.scenario) {
      for (const scn::Diagnostic& diagnostic : loaded.errors) err << diagnostic.to_string() << "\n";
      return invalid("the scenario is invalid (" + std::to_string(loaded.errors.size()) + " errors)");
    }
    scenario = std::move(loaded.scenario);
    for (const scn::FleetGroup& fleet_group : scenario->fleet) {
      LoadPhoneGroup group;
      group.spec = fleet_group.spec;
      group.flavor = fleet_group.flavor == scn::Flavor::Spa ? fw::FirmwareFlavor::Spa : fw::FirmwareFlavor::Mpp;
      group.key_derivation = fleet_group.md5_only ? fw::KeyDerivation::Md5Only : fw::KeyDerivation::Sha256ThenMd5;
      group.mic = fleet_group.mic;
      group.dhcp_options = fleet_group.dhcp_options;
      groups.push_back(std::move(group));
    }
  } else {
    if (!arguments.phones) return invalid("--phones is required (or --scenario with a fleet)");
    if (arguments.profile_rule.empty()) return invalid("--profile-rule is required (or --scenario with one)");
    LoadPhoneGroup group;
    group.spec.name = "phones";
    group.spec.count = *arguments.phones;
    groups.push_back(std::move(group));
  }
  for (LoadPhoneGroup& group : groups) {
    group.spec.parameters.insert(group.spec.parameters.end(), extra.begin(), extra.end());
  }
  if (arguments.phones) {
    if (*arguments.phones == 0 || *arguments.phones > kPhonesMax) {
      return invalid("--phones must be 1.." + std::to_string(kPhonesMax));
    }
    scale_groups(groups, *arguments.phones);
  }
  std::uint64_t phones = 0;
  for (const LoadPhoneGroup& group : groups) phones += group.spec.count;
  if (phones == 0) return invalid("the fleet has no phones");

  // --- the run's settings ----------------------------------------------------------------------
  LoadSettings settings;
  settings.groups = std::move(groups);
  settings.seed = arguments.seed;
  settings.allow_remote = arguments.allow_remote_target;
  settings.until_converged = arguments.until_converged;
  settings.back_to_back = arguments.back_to_back;
  settings.connect_timeout = std::chrono::milliseconds(arguments.connect_timeout_ms);
  settings.notices = &out;
  auto ramp = Ramp::parse(arguments.ramp);
  if (!ramp) return invalid(ramp.error().detail);
  settings.ramp = *ramp;
  auto duration = parse_run_duration(arguments.duration);
  if (!duration || duration->count() <= 0 || *duration > kDurationMax) {
    return invalid("--duration '" + arguments.duration + "': expected seconds (60) or a duration (90s, 10m), "
                   "more than 0 and at most 7 days");
  }
  settings.duration = *duration;
  auto scale = ScaledClock::parse_scale_thousandths(arguments.time_scale);
  if (!scale) return invalid("--time-scale '" + arguments.time_scale + "': expected a factor from 0.001 to 1000000");
  settings.scale_thousandths = *scale;
  if (!arguments.bind.empty()) {
    auto addresses = parse_bind_range(arguments.bind, arguments.allow_remote_target);
    if (!addresses) return invalid(addresses.error().detail);
    settings.bind_addresses = std::move(*addresses);
  }
  if (!arguments.prometheus.empty()) {
    auto listen = fw::Endpoint::parse(arguments.prometheus);
    if (!listen) return invalid("--prometheus '" + arguments.prometheus + "': expected ADDR:PORT");
    settings.prometheus = *listen;
  }
  std::optional<std::uint32_t> max_error_share;
  if (!arguments.max_error_share.empty()) {
    max_error_share = parse_fraction(arguments.max_error_share);
    if (!max_error_share) return invalid("--max-error-share '" + arguments.max_error_share + "': expected 0..1 or 0%..100%");
  }
  std::optional<std::uint32_t> min_converged;
  if (!arguments.min_converged.empty()) {
    min_converged = parse_fraction(arguments.min_converged);
    if (!min_converged) return invalid("--min-converged '" + arguments.min_converged + "': expected 0..1 or 0%..100%");
  }
  // The scenario's assertions that a load run can check: at the end, over all phones.
  std::vector<const scn::Assertion*> scenario_assertions;
  if (scenario) {
    for (const scn::Assertion& assertion : scenario->assertions) {
      const bool checkable = assertion.kind == scn::Assertion::Kind::Converged ||
                             assertion.kind == scn::Assertion::Kind::Errors ||
                             assertion.kind == scn::Assertion::Kind::Parameter;
      const bool all_phones = assertion.phones.group.empty() && !assertion.phones.index && !assertion.phones.share;
      if (!checkable || !all_phones || assertion.by || assertion.from) {
        return invalid(assertion.where.to_string() + ": assertion '" + std::string(scn::to_string(assertion.kind)) +
                       "' cannot be checked by phonesim load (it checks converged, errors and parameter, over all "
                       "phones, at the end)");
      }
      scenario_assertions.push_back(&assertion);
    }
  }

  // --- safety and resources --------------------------------------------------------------------
  if (auto guarded = check_targets(configured_hosts(settings.groups), arguments.allow_remote_target); !guarded) {
    return invalid(guarded.error().detail);
  }
  if (auto descriptors = raise_descriptor_limit(phones); !descriptors) return invalid(descriptors.error().detail);

  if (!arguments.ca.empty()) {
    auto bundle = read_text(arguments.ca);
    if (!bundle) return invalid("--ca " + arguments.ca + ": cannot read");
    fw::TlsContextOptions context;
    context.trusted_certificates_pem = fw::pem_certificate_blocks(*bundle);
    auto created = fw::TlsContext::create(context);
    if (context.trusted_certificates_pem.empty() || !created) {
      return invalid("--ca " + arguments.ca + ": no usable PEM certificate");
    }
    settings.tls_context = *created;
    settings.builtin_roots_pem = context.trusted_certificates_pem;
  }
  if (!arguments.mint_ca.empty()) {
    auto source = mint_ca_source(arguments.mint_ca, out);
    if (!source) return invalid(source.error().detail);
    settings.mic_source = std::move(*source);
  } else if (!arguments.client_certs.empty()) {
    settings.mic_source = client_certs_source(arguments.client_certs);
  }

  const std::uint64_t scale_thousandths = settings.scale_thousandths;
  if (arguments.progress) {
    settings.progress = [&err, phones](fw::Duration elapsed, const LoadMetrics& metrics) {
      char line[200];
      std::snprintf(line, sizeof line,
                    "\r  %6.1f s  powered %llu/%llu  requests %llu  ok %llu  failed %llu  converged %llu  p99 %s ms ",
                    static_cast<double>(elapsed.count()) / 1e9,
                    static_cast<unsigned long long>(metrics.phones_powered()), static_cast<unsigned long long>(phones),
                    static_cast<unsigned long long>(metrics.requests()),
                    static_cast<unsigned long long>(metrics.resyncs_succeeded()),
                    static_cast<unsigned long long>(metrics.resyncs_failed()),
                    static_cast<unsigned long long>(metrics.phones_converged()),
                    milliseconds_text(metrics.latency_from_intended().percentile_microseconds(990'000)).c_str());
      err << line << std::flush;
    };
  }

  out << "phonesim load: " << phones << " phones, ramp " << arguments.ramp << ", at most " << arguments.duration
      << ", time scale " << arguments.time_scale << ", seed " << arguments.seed << "\n";
  LoadRun run(std::move(settings));
  if (auto prepared = run.prepare(); !prepared) return invalid(prepared.error().detail);
  const LoadOutcome outcome = run.run();
  if (arguments.progress) err << "\n";
  const LoadMetrics& metrics = run.metrics();

  // --- the report ------------------------------------------------------------------------------
  scn::RunReport report;
  report.scenario_name = scenario && !scenario->name.empty() ? "load: " + scenario->name : "load";
  report.scenario_file = arguments.scenario;
  report.description = "phonesim load: " + std::to_string(phones) + " phones on real sockets, ramp " + arguments.ramp +
                       ", time scale " + arguments.time_scale +
                       (outcome.interrupted ? ", interrupted" : outcome.converged_early ? ", ended when all converged" : "");
  report.seed = arguments.seed;
  report.reproduce_command = reproduce_command(arguments, phones);
  report.virtual_duration = outcome.phone_elapsed;
  report.wall_seconds = static_cast<double>(outcome.real_elapsed.count()) / 1e9;
  report.events = metrics.requests();
  report.trace_hash = "n/a (real sockets)";
  metrics.fill_report(report, scale_thousandths);

  const LatencyHistogram& intended = metrics.latency_from_intended();
  const LatencyHistogram& actual = metrics.latency_from_actual();
  const std::uint64_t finished = metrics.resyncs_succeeded() + metrics.resyncs_failed();
  const double seconds = std::max(1e-9, report.wall_seconds);
  char rate[32];
  std::snprintf(rate, sizeof rate, "%.1f", static_cast<double>(finished) / seconds);
  report.figures = {
      {"requests", std::to_string(metrics.requests())},
      {"resyncs_succeeded", std::to_string(metrics.resyncs_succeeded())},
      {"resyncs_failed", std::to_string(metrics.resyncs_failed())},
      {"resyncs_per_second", rate},
      {"latency_p50_ms", milliseconds_text(intended.percentile_microseconds(500'000))},
      {"latency_p90_ms", milliseconds_text(intended.percentile_microseconds(900'000))},
      {"latency_p99_ms", milliseconds_text(intended.percentile_microseconds(990'000))},
      {"latency_max_ms", milliseconds_text(intended.max_microseconds())},
      {"uncorrected_latency_p50_ms", milliseconds_text(actual.percentile_microseconds(500'000))},
      {"uncorrected_latency_p99_ms", milliseconds_text(actual.percentile_microseconds(990'000))},
      {"targets_refused", std::to_string(metrics.targets_refused())},
      {"ended_by", outcome.interrupted ? "signal" : outcome.converged_early ? "converged" : "duration"},
      {"mode", arguments.back_to_back ? "back-to-back" : "phone schedules"},
  };

  // Thresholds and the scenario's checkable assertions.
  if (arguments.max_p99_ms) {
    const std::uint64_t p99 = intended.percentile_microseconds(990'000);
    report.assertions.push_back({"p99 latency at most " + std::to_string(*arguments.max_p99_ms) + " ms", "latency",
                                 "--max-p99", p99 <= *arguments.max_p99_ms * 1000 && intended.count() > 0,
                                 "p99 of resync latency (from the intended start) <= " +
                                     std::to_string(*arguments.max_p99_ms) + " ms",
                                 intended.count() == 0 ? "no resync finished" : milliseconds_text(p99) + " ms",
                                 {}});
  }
  if (max_error_share) {
    const std::uint64_t share = finished == 0 ? 0 : metrics.resyncs_failed() * 1'000'000 / finished;
    std::vector<std::string> evidence;
    for (const auto& [text, count] : metrics.errors_by_err()) evidence.push_back(text + ": " + std::to_string(count));
    report.assertions.push_back({"failed resyncs at most " + share_text(*max_error_share), "errors",
                                 "--max-error-share", share <= *max_error_share,
                                 "at most " + share_text(*max_error_share) + " of finished resyncs failed",
                                 share_text(static_cast<std::uint32_t>(share)) + " (" +
                                     std::to_string(metrics.resyncs_failed()) + " of " + std::to_string(finished) + ")",
                                 evidence});
  }
  if (min_converged) {
    const std::uint64_t share = metrics.phones_converged() * 1'000'000 / phones;
    report.assertions.push_back({"converged at least " + share_text(*min_converged), "converged", "--min-converged",
                                 share >= *min_converged,
                                 "at least " + share_text(*min_converged) + " of " + std::to_string(phones) + " phones",
                                 share_text(static_cast<std::uint32_t>(share)) + " (" +
                                     std::to_string(metrics.phones_converged()) + " of " + std::to_string(phones) + ")",
                                 {}});
  }
  for (const scn::Assertion* assertion : scenario_assertions) {
    scn::AssertionResult result;
    result.kind = std::string(scn::to_string(assertion->kind));
    result.where = assertion->where.to_string();
    if (assertion->kind == scn::Assertion::Kind::Errors) {
      auto found = metrics.errors_by_err().find(assertion->pattern);
      const std::uint64_t count = found == metrics.errors_by_err().end() ? 0 : found->second;
      result.passed = (!assertion->at_least || count >= *assertion->at_least) &&
                      (!assertion->at_most || count <= *assertion->at_most);
      result.name = assertion->name.empty() ? "errors '" + assertion->pattern + "'" : assertion->name;
      result.expected = (assertion->at_least ? "at least " + std::to_string(*assertion->at_least) + " " : std::string()) +
                        (assertion->at_most ? "at most " + std::to_string(*assertion->at_most) : std::string());
      result.actual = std::to_string(count);
    } else {
      const std::uint64_t matching = assertion->kind == scn::Assertion::Kind::Converged
                                         ? metrics.phones_converged()
                                         : run.parameter_matches(assertion->parameter, assertion->equals);
      const std::uint64_t share = matching * 1'000'000 / phones;
      result.passed = share >= assertion->share_min.parts_per_million;
      result.name = !assertion->name.empty() ? assertion->name
                    : assertion->kind == scn::Assertion::Kind::Converged
                        ? "converged " + share_text(assertion->share_min.parts_per_million)
                        : assertion->parameter + " = '" + fw::displayable_text(assertion->equals) + "'";
      result.expected = "at least " + share_text(assertion->share_min.parts_per_million) + " of " + std::to_string(phones);
      result.actual = share_text(static_cast<std::uint32_t>(share)) + " (" + std::to_string(matching) + ")";
    }
    report.assertions.push_back(std::move(result));
  }
  if (metrics.targets_refused() > 0) {
    report.assertions.push_back({"no traffic outside loopback", "guard", "target guard", false,
                                 "every connect and datagram to loopback",
                                 std::to_string(metrics.targets_refused()) + " refused", {}});
  }
  print_summary(report, out);

  scn::ReportPaths paths;
  if (!arguments.report_directory.empty()) paths.report_directory = arguments.report_directory;
  if (!arguments.junit_file.empty()) paths.junit_file = arguments.junit_file;
  if (!arguments.json_file.empty()) paths.json_file = arguments.json_file;
  if (auto written = scn::write_reports(report, paths); !written) return invalid(written.error().to_string());
  if (paths.report_directory) out << "  report: " << (*paths.report_directory / "index.html").string() << "\n";
  if (paths.junit_file) out << "  junit: " << paths.junit_file->string() << "\n";
  if (paths.json_file) out << "  json: " << paths.json_file->string() << "\n";
  return report.passed() ? kExitHeld : kExitThresholdFailed;
}

void add_load_command(CLI::App& app, std::function<int()>& selected, std::ostream& out, std::ostream& err) {
  auto arguments = std::make_shared<LoadArguments>();
  CLI::App* load = app.add_subcommand(
      "load", "Load-test a real provisioning server on this machine with many phones running the real firmware");
  load->add_option("--phones", arguments->phones, "how many phones (with --scenario: scale its fleet to this)");
  load->add_option("--profile-rule", arguments->profile_rule, "the phones' Profile_Rule");
  load->add_option("--param", arguments->parameters, "a factory parameter NAME=VALUE (repeatable)");
  load->add_option("--scenario", arguments->scenario,
                   "take the fleet (groups, parameters, DHCP options) and converged/errors/parameter assertions "
                   "from a scenario file")
      ->check(CLI::ExistingFile);
  load->add_option("--ramp", arguments->ramp, "power-on ramp: all, over:DURATION, COUNT/DURATION (500/s)")
      ->capture_default_str();
  load->add_option("--duration", arguments->duration, "stop after this much real time (seconds or 90s, 10m; max 7d)")
      ->capture_default_str();
  load->add_option("--time-scale", arguments->time_scale,
                   "run the phones' clocks and timers this many times faster (1440: a day in a minute)")
      ->capture_default_str();
  load->add_option("--bind", arguments->bind, "source addresses for the phones: ADDR, ADDR-ADDR or ADDR/N (loopback)");
  auto* certs = load->add_option("--client-certs", arguments->client_certs,
                                 "MICs from DIR/<mac>.pem or DIR/<mac>.crt + .key");
  auto* mint = load->add_option("--mint-ca", arguments->mint_ca,
                                "mint a MIC per phone from the CA in FILE (certificate + key PEM; created if absent)");
  certs->excludes(mint);
  load->add_option("--ca", arguments->ca, "CA certificates (PEM) the phones trust for HTTPS")->check(CLI::ExistingFile);
  load->add_option("--seed", arguments->seed, "seed of the phones' random delays")->capture_default_str();
  load->add_flag("--until-converged", arguments->until_converged,
                 "stop as soon as every phone's last resync succeeded");
  load->add_flag("--back-to-back", arguments->back_to_back,
                 "closed loop: each phone starts its next resync as soon as one ends (server capacity)");
  load->add_option("--report", arguments->report_directory, "write the HTML report to DIR/index.html");
  load->add_option("--junit", arguments->junit_file, "write JUnit XML (one testcase per threshold)");
  load->add_option("--json", arguments->json_file, "write a JSON summary");
  load->add_option("--prometheus", arguments->prometheus, "serve Prometheus metrics on ADDR:PORT (/metrics)");
  load->add_option("--max-p99", arguments->max_p99_ms, "threshold: p99 resync latency in ms (from the intended start)");
  load->add_option("--max-error-share", arguments->max_error_share, "threshold: failed share of resyncs (0.01 or 1%)");
  load->add_option("--min-converged", arguments->min_converged, "threshold: share of phones converged at the end");
  load->add_option("--connect-timeout-ms", arguments->connect_timeout_ms, "a TCP connect fails after this long")
      ->capture_default_str();
  load->add_flag("--allow-remote-target", arguments->allow_remote_target,
                 "allow targets and source addresses outside loopback (never use against hosts you do not own)");
  load->footer("Exit: 0 every threshold held, 1 a threshold failed, 2 invalid input or a refused target.");
  load->callback([&selected, &out, &err, arguments] {
    arguments->progress = ::isatty(STDERR_FILENO) != 0;
    selected = [&out, &err, arguments] { return run_load_command(*arguments, out, err); };
  });
}

}  // namespace load
