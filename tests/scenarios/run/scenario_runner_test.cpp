#include "scenarios/run/scenario_runner.h"

#include <gtest/gtest.h>

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
  scenario.fleet[0].parameters.emplace_back("Resync_Random_Delay", "not a number");
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
