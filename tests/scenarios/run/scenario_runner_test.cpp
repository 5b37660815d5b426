#include "scenarios/run/scenario_runner.h"

#include <gtest/gtest.h>

#include <sstream>

#include "scenarios/format/scenario_loader.h"
#include "tests/support/source_dir.h"

namespace scn {
namespace {

Scenario load(std::string_view text) {
  LoadResult loaded = load_scenario_text(text, "test.yaml", test_support::source_dir());
  std::string errors;
  for (const auto& error : loaded.errors) errors += error.to_string() + "\n";
  EXPECT_TRUE(loaded.scenario) << errors;
  return loaded.scenario.value_or(Scenario{});
}

constexpr std::string_view kTftpFleet = R"(name: tftp fleet
seed: 7
duration: 2h
servers:
  - {name: tftp, kind: tftp, address: 192.168.1.200}
  - {name: log, kind: syslog, address: 192.168.1.210}
  - name: tftp
    kind: tftp
    address: 192.168.1.201
fleet:
  - name: lobby
    count: 20
    model: CP-6841-3PCC
    parameters:
      Profile_Rule: tftp://192.168.1.200/lobby/$MA.cfg
      Syslog_Server: 192.168.1.210
      Resync_Periodic: "1800"
timeline:
  - {at: 0s, power_on: all, spread: 5m}
  - {at: 50m, server_down: tftp}
  - {at: 1h10m, server_up: tftp}
assertions:
  - parameter: {name: GPP_A, equals: "12345678", share: 100%}
    by: 30m
  - converged: {share: 100%}
  - syslog: {matches: "-- Successful resync tftp://192\\.168\\.1\\.200:69/lobby/", at_least: 40}
  - errors: {err: "tftp timeout", at_least: 1}
  - request_rate: {server: tftp, window: 1s, peak_at_most: 20}
  - sometimes: {event: resync_failed}
)";

std::string with_files(std::string_view scenario) {
  std::string text(scenario);
  // One profile per phone, named by MAC and naming it.
  const std::string files =
      "    files:\n"
      "      - path: /lobby/$MA.cfg\n"
      "        content: <flat-profile><GPP_A>12345678</GPP_A><GPP_B>$MA</GPP_B></flat-profile>\n";
  std::size_t at = text.find("  - {name: tftp, kind: tftp, address: 192.168.1.200}\n");
  text.replace(at, std::string_view("  - {name: tftp, kind: tftp, address: 192.168.1.200}\n").size(),
               "  - name: tftp\n    kind: tftp\n    address: 192.168.1.200\n" + files);
  // Drop the duplicate server used only to show the loader would reject it.
  std::size_t duplicate = text.find("  - name: tftp\n    kind: tftp\n    address: 192.168.1.201\n");
  text.erase(duplicate, std::string_view("  - name: tftp\n    kind: tftp\n    address: 192.168.1.201\n").size());
  return text;
}

TEST(ScenarioRunnerTest, TftpFleetConvergesAndRidesOutAServerOutage) {
  Scenario scenario = load(with_files(kTftpFleet));
  auto report = run_scenario(scenario, {});
  ASSERT_TRUE(report) << report.error().to_string();
  for (const AssertionResult& result : report->assertions) {
    EXPECT_TRUE(result.passed) << result.where << " " << result.name << ": expected " << result.expected
                               << ", got " << result.actual;
  }
  EXPECT_EQ(report->phones, 20u);
  EXPECT_EQ(report->phones_converged, 20u);
  EXPECT_EQ(report->first_resync_delay_s.size(), 20u);
  ASSERT_EQ(report->servers.size(), 2u);
  EXPECT_GE(report->servers[0].requests, 60u);  // power-on + periodic resyncs
  EXPECT_GT(report->errors_by_err.at("tftp timeout"), 0u);
  EXPECT_FALSE(report->timelines.empty());
  EXPECT_EQ(report->trace_hash.size(), 16u);
}

TEST(ScenarioRunnerTest, SameSeedSameTraceOtherSeedOtherTrace) {
  Scenario scenario = load(with_files(kTftpFleet));
  auto first = run_scenario(scenario, {});
  auto again = run_scenario(scenario, {});
  RunOptions other;
  other.seed = 8;
  auto different = run_scenario(scenario, other);
  ASSERT_TRUE(first && again && different);
  EXPECT_EQ(first->trace_hash, again->trace_hash);
  EXPECT_NE(first->trace_hash, different->trace_hash);
  EXPECT_EQ(different->seed, 8u);
}

// Mutual TLS over HTTPS: keys, certificates, both sides' handshake randomness and ECDSA nonces.
constexpr std::string_view kHttpsFleet = R"(name: https fleet
seed: 11
duration: 20m
servers:
  - name: web
    kind: https
    address: 192.168.1.201
    host_name: prov.example.com
    client_certificate: required
    files:
      - path: /$MA.cfg
        content: <flat-profile><GPP_A>secure</GPP_A></flat-profile>
fleet:
  - name: desk
    count: 3
    parameters:
      Profile_Rule: https://prov.example.com/$MA.cfg
timeline:
  - {at: 0s, power_on: all, spread: 1m}
assertions:
  - parameter: {name: GPP_A, equals: secure, share: 100%}
)";

struct CapturedRun {
  std::string trace_hash;
  std::string pcap;
};

CapturedRun run_with_pcap(const Scenario& scenario, std::optional<std::uint64_t> seed) {
  std::ostringstream pcap;
  RunOptions options;
  options.seed = seed;
  options.pcap_out = &pcap;
  auto report = run_scenario(scenario, options);
  EXPECT_TRUE(report) << report.error().to_string();
  if (!report) return {};
  for (const AssertionResult& result : report->assertions) EXPECT_TRUE(result.passed) << result.name;
  return {report->trace_hash, pcap.str()};
}

TEST(ScenarioRunnerTest, HttpsReplaysBitForBitFromTheSeed) {
  Scenario scenario = load(kHttpsFleet);
  CapturedRun first = run_with_pcap(scenario, std::nullopt);
  CapturedRun again = run_with_pcap(scenario, std::nullopt);
  CapturedRun other = run_with_pcap(scenario, 12);
  ASSERT_GT(first.pcap.size(), 3000u);  // handshakes with certificates were captured
  EXPECT_EQ(first.trace_hash, again.trace_hash);
  EXPECT_TRUE(first.pcap == again.pcap) << "pcap differs between two runs of one seed";
  EXPECT_NE(first.pcap, other.pcap);
}

// One phone against an HTTPS server that presents a wrong certificate for its first 10 minutes.
std::string certificate_fault_scenario(std::string_view swap) {
  return R"(name: certificate swap
seed: 5
duration: 30m
servers:
  - name: web
    kind: https
    address: 192.168.1.201
    host_name: prov.example.com
    files:
      - path: /basic.txt
        content: <flat-profile><GPP_A>secure</GPP_A></flat-profile>
fleet:
  - name: desk
    count: 1
    parameters:
      Profile_Rule: https://prov.example.com/basic.txt
      Resync_Error_Retry_Delay: "120"
timeline:
  - {at: 0s, power_on: all}
  - {at: 0s, fault: {server: web, kind: certificate, certificate: )" +
         std::string(swap) + R"(, for: 10m}}
assertions:
  - parameter: {name: GPP_A, equals: secure, share: 100%}
    by: 9m
  - parameter: {name: GPP_A, equals: secure, share: 100%}
    by: 14m
)";
}

TEST(ScenarioRunnerTest, CertificateFaultsAreRejectedUntilTheWindowEnds) {
  for (const std::string_view swap : {"expired", "wrong-host", "untrusted"}) {
    SCOPED_TRACE(swap);
    auto report = run_scenario(load(certificate_fault_scenario(swap)), {});
    ASSERT_TRUE(report) << report.error().to_string();
    ASSERT_EQ(report->assertions.size(), 2u);
    EXPECT_FALSE(report->assertions[0].passed);  // every attempt inside the window failed
    EXPECT_TRUE(report->assertions[1].passed);   // the first retry after it succeeded
    ASSERT_TRUE(report->errors_by_err.contains("certificate rejected"));
    EXPECT_GE(report->errors_by_err.at("certificate rejected"), 3u);
    EXPECT_EQ(report->errors_by_err.size(), 1u);
  }
}

// Eight phones at once against a slow `kind` server (tftp or http) at 192.168.1.200 that serves
// two transfers and queues three.
std::string queued_server_scenario(std::string_view kind) {
  const std::string name(kind);
  return "name: queued " + name + " server\n"
         "seed: 3\n"
         "duration: 30m\n"
         "servers:\n"
         "  - name: slow\n"
         "    kind: " + name + "\n"
         "    address: 192.168.1.200\n"
         "    limit: {in_service: 2, queue: 3}\n"
         "    files:\n"
         "      - path: /basic.txt\n"
         "        content: <flat-profile><GPP_A>queued</GPP_A></flat-profile>\n"
         "fleet:\n"
         "  - name: desk\n"
         "    count: 8\n"
         "    parameters:\n"
         "      Profile_Rule: " + name + "://192.168.1.200/basic.txt\n"
         "      Resync_Error_Retry_Delay: \"60\"\n"
         "      Resync_Random_Delay: \"0\"\n"
         "timeline:\n"
         "  - {at: 0s, power_on: all}\n"
         "  - {at: 0s, fault: {server: slow, kind: latency, latency: 2s, for: 5m}}\n"
         "assertions:\n"
         "  - parameter: {name: GPP_A, equals: queued, share: 100%}\n";
}

TEST(ScenarioRunnerTest, ConcurrencyLimitQueuesThenRefusesAndEveryoneGetsServed) {
  auto report = run_scenario(load(queued_server_scenario("http")), {});
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_TRUE(report->assertions[0].passed) << report->assertions[0].actual;
  ASSERT_EQ(report->servers.size(), 1u);
  const ServerSummary& server = report->servers[0];
  EXPECT_EQ(server.queue_peak, 3u);
  EXPECT_EQ(server.queue_refused, 3u);  // 8 = 2 served + 3 queued + 3 refused at power-on
  // Queued connections wait for a 2 s reply ahead of them, the last one for two in turn.
  EXPECT_GE(server.queue_wait_p50_ms, 2000u);
  EXPECT_GE(server.queue_wait_p99_ms, 4000u);
  EXPECT_LE(server.peak_concurrency, 5u);
  ASSERT_TRUE(report->errors_by_err.contains("connection reset"));
  EXPECT_EQ(report->errors_by_err.at("connection reset"), 3u);  // the refused ones, retried later
}

// The same crowd against a slow TFTP server: queued phones keep resending their request and are
// served in turn; the overflow is told "server busy" at once and converges on its retry.
TEST(ScenarioRunnerTest, TftpConcurrencyLimitQueuesThenAnswersBusyAndEveryoneConverges) {
  auto report = run_scenario(load(queued_server_scenario("tftp")), {});
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_TRUE(report->assertions[0].passed) << report->assertions[0].actual;
  ASSERT_EQ(report->servers.size(), 1u);
  const ServerSummary& server = report->servers[0];
  EXPECT_EQ(server.queue_peak, 3u);
  EXPECT_EQ(server.queue_refused, 3u);  // 8 = 2 served + 3 queued + 3 busy at power-on
  // Queued requests wait for a 2 s start ahead of them, the last one for two in turn.
  EXPECT_GE(server.queue_wait_p50_ms, 2000u);
  EXPECT_GE(server.queue_wait_p99_ms, 4000u);
  EXPECT_LE(server.peak_concurrency, 5u);
  ASSERT_TRUE(report->errors_by_err.contains("tftp error"));
  EXPECT_EQ(report->errors_by_err.at("tftp error"), 3u);  // the busy ones, retried 60 s later
  EXPECT_FALSE(report->errors_by_err.contains("tftp timeout"));  // no queued phone gave up
}

TEST(ScenarioRunnerTest, FailedAssertionCarriesEvidence) {
  Scenario scenario = load(with_files(kTftpFleet));
  scenario.assertions.resize(1);
  scenario.assertions[0].equals = "87654321";
  auto report = run_scenario(scenario, {});
  ASSERT_TRUE(report);
  ASSERT_EQ(report->assertions.size(), 1u);
  EXPECT_FALSE(report->assertions[0].passed);
  EXPECT_FALSE(report->passed());
  EXPECT_EQ(report->assertions[0].actual, "0.0% (0 of 20)");
  ASSERT_FALSE(report->assertions[0].evidence.empty());
  EXPECT_EQ(report->assertions[0].evidence[0], "lobby[0]: GPP_A = '12345678'");
}

TEST(ScenarioRunnerTest, FaultWindowsArePrintedAndHitThePhones) {
  std::string text = with_files(kTftpFleet);
  text.replace(text.find("  - {at: 50m, server_down: tftp}\n"), std::string_view("  - {at: 50m, server_down: tftp}\n").size(),
               "  - {at: 50m, fault: {server: tftp, kind: drop}}\n");
  text.replace(text.find("  - {at: 1h10m, server_up: tftp}\n"), std::string_view("  - {at: 1h10m, server_up: tftp}\n").size(),
               "  - {at: 1h10m, clear_faults: tftp}\n  - {at: 1h30m, fault: {server: tftp, kind: status, status: 404, for: 1m}}\n");
  Scenario scenario = load(text);
  std::vector<std::string> announced;
  RunOptions options;
  options.announce = [&announced](const std::string& line) { announced.push_back(line); };
  auto report = run_scenario(scenario, options);
  ASSERT_TRUE(report) << report.error().to_string();
  ASSERT_EQ(announced.size(), 2u);
  EXPECT_EQ(announced[0].rfind("tftp: drop", 0), 0u) << announced[0];
  EXPECT_NE(announced[1].find("status 404"), std::string::npos) << announced[1];
  // The drop window made resyncs time out; the phones recovered once it was cleared.
  EXPECT_GT(report->errors_by_err.at("tftp timeout"), 0u);
  EXPECT_EQ(report->phones_converged, 20u);
}

std::vector<std::string> announced_plan(const Scenario& scenario, std::uint64_t seed) {
  std::vector<std::string> announced;
  RunOptions options;
  options.seed = seed;
  options.announce = [&announced](const std::string& line) { announced.push_back(line); };
  auto report = run_scenario(scenario, options);
  EXPECT_TRUE(report) << report.error().to_string();
  return announced;
}

TEST(ScenarioRunnerTest, RandomFaultsAreDrawnFromTheSeedAndPrinted) {
  std::string text = with_files(kTftpFleet);
  text += "faults:\n  random: {count: 3, kinds: [drop, status], window: uniform(1m..5m), share: 50%}\n";
  Scenario scenario = load(text);
  scenario.assertions.clear();
  const std::vector<std::string> first = announced_plan(scenario, 7);
  ASSERT_EQ(first.size(), 4u);
  EXPECT_EQ(first[0], "random faults: 3 windows drawn from seed 7");
  for (std::size_t index = 1; index < first.size(); ++index) {
    EXPECT_EQ(first[index].rfind("tftp: ", 0), 0u) << first[index];  // the only non-syslog server
    EXPECT_TRUE(first[index].find("drop") != std::string::npos || first[index].find("status") != std::string::npos)
        << first[index];
  }
  EXPECT_EQ(announced_plan(scenario, 7), first);
  EXPECT_NE(announced_plan(scenario, 8), first);
}

TEST(ScenarioRunnerTest, RandomFaultsNeedAServerToFault) {
  Scenario scenario = load(
      "fleet:\n  - count: 1\nservers:\n  - {name: log, kind: syslog, address: 192.168.1.210}\n"
      "faults:\n  random: {count: 1, kinds: [drop]}\n");
  auto report = run_scenario(scenario, {});
  ASSERT_FALSE(report);
  EXPECT_NE(report.error().detail.find("test.yaml:6: faults.random: no tftp, http or https server"), std::string::npos)
      << report.error().to_string();
}

TEST(ScenarioRunnerTest, DeclaredExpectedErrorsAreListedAsACheck) {
  Scenario scenario = load(with_files(kTftpFleet) + "expect_errors: [config_commit_failed]\n");
  auto report = run_scenario(scenario, {});
  ASSERT_TRUE(report) << report.error().to_string();
  ASSERT_FALSE(report->assertions.empty());
  const AssertionResult& check = report->assertions.back();
  EXPECT_EQ(check.name, "no unexpected errors");
  EXPECT_TRUE(check.passed) << check.actual;
  EXPECT_EQ(report->trace_errors, 0u);
  EXPECT_TRUE(report->passed());
}

TEST(ScenarioRunnerTest, CallLengthsAreDrawnPerPhone) {
  // Calls hold the periodic resync back (Forced_Resync_Delay); exponential lengths differ per
  // phone, so the run differs from one with fixed lengths, and replays with its seed.
  std::string fixed_text = with_files(kTftpFleet);
  fixed_text.replace(fixed_text.find("  - {at: 50m, server_down: tftp}\n"),
                     std::string_view("  - {at: 50m, server_down: tftp}\n").size(),
                     "  - {at: 25m, call: {phones: all, duration: 20m, line: 0}}\n");
  std::string drawn_text = fixed_text;
  drawn_text.replace(drawn_text.find("duration: 20m"), std::string_view("duration: 20m").size(),
                     "duration: exponential(20m)");
  Scenario fixed = load(fixed_text);
  Scenario drawn = load(drawn_text);
  EXPECT_EQ(drawn.timeline[1].call_duration.kind, sim::DurationDistribution::Kind::Exponential);
  auto fixed_report = run_scenario(fixed, {});
  auto drawn_report = run_scenario(drawn, {});
  auto drawn_again = run_scenario(drawn, {});
  ASSERT_TRUE(fixed_report && drawn_report && drawn_again);
  EXPECT_NE(fixed_report->trace_hash, drawn_report->trace_hash);
  EXPECT_EQ(drawn_report->trace_hash, drawn_again->trace_hash);
}

TEST(ScenarioRunnerTest, GroupCallsHoldResyncsBack) {
  // Lines busy most of the time (calls of ~20m with ~2m gaps): due periodic resyncs meet busy
  // lines and wait (Forced_Resync_Delay); the fleet still converges.
  std::string text = with_files(kTftpFleet);
  text.replace(text.find("      Resync_Periodic: \"1800\"\n"), std::string_view("      Resync_Periodic: \"1800\"\n").size(),
               "      Resync_Periodic: \"600\"\n      Forced_Resync_Delay: \"300\"\n"
               "    calls: {line: 0, gap: exponential(2m), length: 'uniform(10m..30m)'}\n");
  Scenario scenario = load(text);
  ASSERT_TRUE(scenario.fleet[0].calls);
  scenario.assertions.clear();
  Assertion deferred;
  deferred.kind = Assertion::Kind::Sometimes;
  deferred.pattern = "resync_deferred";
  scenario.assertions.push_back(deferred);
  Assertion converged;
  converged.kind = Assertion::Kind::Converged;
  scenario.assertions.push_back(converged);
  auto report = run_scenario(scenario, {});
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_TRUE(report->assertions[0].passed) << report->assertions[0].actual;
  EXPECT_TRUE(report->assertions[1].passed) << report->assertions[1].actual;
  auto again = run_scenario(scenario, {});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->trace_hash, report->trace_hash);
}

TEST(ScenarioRunnerTest, PhonesOptionScalesTheFleet) {
  Scenario scenario = load(with_files(kTftpFleet));
  RunOptions options;
  options.phones = 5;
  scenario.assertions.clear();
  auto report = run_scenario(scenario, options);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->phones, 5u);
}

TEST(ScenarioRunnerTest, RejectsAParameterThePhonesRefuse) {
  Scenario scenario = load(with_files(kTftpFleet));
  scenario.fleet[0].spec.parameters.emplace_back("Resync_Random_Delay", "not a number");
  auto report = run_scenario(scenario, {});
  ASSERT_FALSE(report);
  EXPECT_NE(report.error().detail.find("test.yaml:13: fleet group 'lobby': parameter Resync_Random_Delay"),
            std::string::npos)
      << report.error().to_string();
}

// Mutual TLS with and without a MIC, and the guide's reflector answering the MIC phones.
constexpr std::string_view kReflector = R"(name: reflector
duration: 5m
servers:
  - {name: web, kind: https, address: 192.168.1.200, client_certificate: required,
     reflector: /cgi-bin/reflect.pl}
fleet:
  - name: mic
    count: 1
    model: CP-8841-3PCC
    serial_prefix: FCH
    mac_first: 00:0e:08:ab:cd:ef
    parameters: {Profile_Rule: "https://192.168.1.200/cgi-bin/reflect.pl?", Resync_Random_Delay: "0"}
  - name: bare
    count: 1
    mic: false
    mac_first: 00:0e:08:00:00:01
    address_first: 10.0.1.1
    parameters: {Profile_Rule: "https://192.168.1.200/cgi-bin/reflect.pl?", Resync_Random_Delay: "0",
                 Resync_Error_Retry_Delay: "0"}
assertions:
  - {phones: mic, parameter: {name: GPP_D, equals: "OU=CP-8841-3PCC,  L=FCH00000001,  S=00:0e:08:ab:cd:ef"}}
  - {phones: bare, parameter: {name: GPP_D, equals: ""}}
  - errors: {err: tls handshake failed, at_least: 1, at_most: 1}
  - requests: {server: web, at_least: 1, at_most: 1}
)";

TEST(ScenarioRunnerTest, ReflectorAnswersMicPhonesAndPhonesWithoutMicAreRefused) {
  auto report = run_scenario(load(kReflector), {});
  ASSERT_TRUE(report) << report.error().to_string();
  for (const AssertionResult& result : report->assertions) {
    EXPECT_TRUE(result.passed) << result.where << " " << result.name << ": expected " << result.expected
                               << ", got " << result.actual;
  }
  EXPECT_EQ(report->phones_converged, 1u);
}

// Ten phones power on at 0 and again at 10m; `from` sees only the second burst.
constexpr std::string_view kTwoBursts = R"(name: bursts
duration: 15m
servers:
  - name: tftp
    kind: tftp
    address: 192.168.1.200
    files: [{path: /a.cfg, content: <flat-profile/>}]
fleet:
  - count: 10
    parameters: {Profile_Rule: tftp://192.168.1.200/a.cfg, Resync_Random_Delay: "0"}
timeline:
  - {at: 0s, power_on: all}
  - {at: 5m, power_off: all}
  - {at: 10m, power_on: all, spread: 1m}
assertions:
  - {from: 9m, requests: {server: tftp, at_least: 10, at_most: 10}}
  - {from: 9m, by: 10m, requests: {server: tftp, at_most: 0}}
  - {requests: {server: tftp, at_least: 20, at_most: 20}}
  - {request_rate: {server: tftp, window: 1s, peak_at_least: 10}}
  - {from: 9m, request_rate: {server: tftp, window: 1s, peak_at_most: 9}}
)";

TEST(ScenarioRunnerTest, FromCountsOnlyLaterRequests) {
  auto report = run_scenario(load(kTwoBursts), {});
  ASSERT_TRUE(report) << report.error().to_string();
  ASSERT_EQ(report->assertions.size(), 5u);
  for (const AssertionResult& result : report->assertions) {
    EXPECT_TRUE(result.passed) << result.where << " " << result.name << ": expected " << result.expected
                               << ", got " << result.actual;
  }
  EXPECT_EQ(report->assertions[0].name, "requests at tftp from 9m at the end");
  EXPECT_EQ(report->assertions[1].name, "requests at tftp from 9m by 10m");
}

}  // namespace
}  // namespace scn

namespace scn {
namespace {

const AssertionResult& named(const RunReport& report, std::string_view name) {
  for (const AssertionResult& result : report.assertions) {
    if (result.name == name) return result;
  }
  ADD_FAILURE() << "no assertion named " << name;
  return report.assertions.front();
}

// /admin/upgrade with a one-shot rule: the phone given a hosted load (under its product series,
// $PSN, expanded per phone) reboots into it and keeps reporting it while off; the one given a
// missing load stays on its version, with the failure as evidence.
constexpr std::string_view kUpgrade = R"(name: upgrade
duration: 20m
servers:
  - name: tftp
    kind: tftp
    address: 192.168.1.200
    firmware:
      - {version: sip88xx.12-0-2MPP0001-1, path: /$PSN/sip88xx.12-0-2MPP0001-1.loads}
fleet:
  - name: desk
    count: 2
    model: CP-8841-3PCC
    firmware: sip88xx.12-0-1MPP0001-1
    parameters:
      Resync_On_Reset: "No"
timeline:
  - {at: 1m, upgrade: {phones: "desk[0]", rule: "tftp://192.168.1.200/8841/sip88xx.12-0-2MPP0001-1.loads"}}
  - {at: 1m, upgrade: {phones: "desk[1]", rule: "tftp://192.168.1.200/sip88xx.12-0-9MPP0001-1.loads"}}
  - {at: 15m, power_off: "desk[0]"}
assertions:
  - {name: before, by: 59s, firmware: {equals: sip88xx.12-0-1MPP0001-1, share: 100%}}
  - {name: upgraded, phones: "desk[0]", by: 5m, firmware: {equals: sip88xx.12-0-2MPP0001-1, share: 100%}}
  - {name: kept while off, phones: "desk[0]", firmware: {equals: sip88xx.12-0-2MPP0001-1, share: 100%}}
  - {name: everyone, firmware: {equals: sip88xx.12-0-2MPP0001-1, share: 100%}}
)";

TEST(ScenarioRunnerTest, UpgradeEventInstallsTheHostedLoadAndFirmwareIsAsserted) {
  Scenario scenario = load(kUpgrade);
  auto report = run_scenario(scenario, {});
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_TRUE(named(*report, "before").passed);
  EXPECT_TRUE(named(*report, "upgraded").passed) << named(*report, "upgraded").actual;
  EXPECT_TRUE(named(*report, "kept while off").passed);
  const AssertionResult& everyone = named(*report, "everyone");
  EXPECT_FALSE(everyone.passed);
  EXPECT_EQ(everyone.actual, "50.0% (1 of 2)");
  ASSERT_EQ(everyone.evidence.size(), 1u);
  EXPECT_EQ(everyone.evidence[0], "desk[1]: runs sip88xx.12-0-1MPP0001-1, last upgrade failed: file not found");
  EXPECT_EQ(report->servers[0].requests, 2u);
}

// Report uploads: a TFTP server stores writes only with `uploads: true`; the assertion counts
// uploads by path.
constexpr std::string_view kUploads = R"(name: uploads
duration: 5m
servers:
  - {name: open, kind: tftp, address: 192.168.1.200, uploads: true}
  - {name: closed, kind: tftp, address: 192.168.1.201}
fleet:
  - name: desk
    count: 3
    parameters:
      Report_Rule: "tftp://192.168.1.200/reports/$MA.xml [--delta]tftp://192.168.1.200/other.xml [--delta]tftp://192.168.1.201/reports/$MA.xml"
      Resync_On_Reset: "No"
timeline:
  - {at: 1m, sip_notify: {phones: all, event: report}}
assertions:
  - {name: none before, by: 59s, uploads: {server: open, at_most: 0}}
  - {name: by path, uploads: {server: open, path: "^/reports/[0-9a-f]{12}\\.xml$", at_least: 3, at_most: 3}}
  - {name: all, uploads: {server: open, at_least: 6, at_most: 6}}
  - {name: refused, uploads: {server: closed, at_least: 1}}
)";

TEST(ScenarioRunnerTest, UploadsAreCountedByPathOnServersThatAcceptThem) {
  Scenario scenario = load(kUploads);
  auto report = run_scenario(scenario, {});
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_TRUE(named(*report, "none before").passed);
  const AssertionResult& by_path = named(*report, "by path");
  EXPECT_TRUE(by_path.passed) << by_path.actual;
  ASSERT_FALSE(by_path.evidence.empty());
  EXPECT_EQ(by_path.evidence[0], "not matching: /other.xml");
  EXPECT_TRUE(named(*report, "all").passed) << named(*report, "all").actual;
  const AssertionResult& refused = named(*report, "refused");
  EXPECT_FALSE(refused.passed);
  EXPECT_EQ(refused.actual, "0");
}

// An HTTPS server with a certificate from the custom CA, its PEM served over HTTP: refused until
// /admin/updateca installs it; the CA survives a reboot and the whole run replays from the seed
// (the phones' new trust store keeps the seeded crypto library).
constexpr std::string_view kCustomCa = R"(name: custom ca
seed: 5
duration: 10m
servers:
  - name: web
    kind: https
    address: 192.168.1.200
    certificate: {issuer: custom}
    files:
      - {path: /basic.txt, content: <flat-profile><GPP_A>ok</GPP_A></flat-profile>}
  - name: ca
    kind: http
    address: 192.168.1.201
    files:
      - {path: /ca.pem, ca_certificate: custom}
      - {path: /provisioning.pem, ca_certificate: provisioning}
fleet:
  - name: desk
    count: 2
    parameters:
      Profile_Rule: https://192.168.1.200/basic.txt
      Resync_Random_Delay: "0"
      Resync_Error_Retry_Delay: "60"
timeline:
  - {at: 2m, update_ca: {phones: "desk[0]", url: "http://192.168.1.201/ca.pem"}}
  - {at: 2m, update_ca: {phones: "desk[1]", url: "http://192.168.1.201/provisioning.pem"}}
  - {at: 6m, reboot: all}
  - {at: 9m, power_off: all}
assertions:
  - {name: none at first, by: 1m, custom_ca: {share: 50%}}
  - {name: custom, phones: "desk[0]", by: 5m, custom_ca: {common_name: phonesim Custom Root}}
  - {name: provisioned, phones: "desk[0]", by: 5m, parameter: {name: GPP_A, equals: ok}}
  - {name: wrong CA, phones: "desk[1]", by: 5m, custom_ca: {common_name: phonesim Custom Root}}
  - {name: kept on flash, phones: "desk[0]", custom_ca: {common_name: phonesim Custom Root}}
)";

TEST(ScenarioRunnerTest, UpdateCaTrustsTheCustomCaAndReplays) {
  Scenario scenario = load(kCustomCa);
  std::ostringstream pcap;
  std::ostringstream pcap_again;
  RunOptions options;
  options.pcap_out = &pcap;
  auto report = run_scenario(scenario, options);
  options.pcap_out = &pcap_again;
  auto again = run_scenario(scenario, options);
  ASSERT_TRUE(report && again);
  EXPECT_EQ(report->trace_hash, again->trace_hash);
  // The handshakes after the install too: the new trust store draws from the seeded library.
  EXPECT_TRUE(pcap.str() == pcap_again.str()) << "pcap differs between two runs of one seed";
  const AssertionResult& none = named(*report, "none at first");
  EXPECT_FALSE(none.passed);
  ASSERT_FALSE(none.evidence.empty());
  EXPECT_EQ(none.evidence[0], "desk[0]: no custom CA installed");
  EXPECT_TRUE(named(*report, "custom").passed) << named(*report, "custom").actual;
  EXPECT_TRUE(named(*report, "provisioned").passed);
  const AssertionResult& wrong = named(*report, "wrong CA");
  EXPECT_FALSE(wrong.passed);
  ASSERT_EQ(wrong.evidence.size(), 1u);
  EXPECT_EQ(wrong.evidence[0], "desk[1]: CA 'phonesim Provisioning Root' installed");
  EXPECT_TRUE(named(*report, "kept on flash").passed) << named(*report, "kept on flash").evidence.size();
  EXPECT_GE(report->errors_by_err.at("certificate rejected"), 2u);
}

}  // namespace
}  // namespace scn
