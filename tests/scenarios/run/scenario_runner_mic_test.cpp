// The scenario runner's MIC renewal: a hosted renewal service (servers/mic_renewal) on the
// run's manufacturer CA, the phones' MIC expiries, `renew_mic`, `factory_reset` and the
// `mic_refresh` assertion, replayed from the seed.

#include <gtest/gtest.h>

#include "scenarios/format/scenario_loader.h"
#include "scenarios/run/scenario_runner.h"
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

const AssertionResult& named(const RunReport& report, std::string_view name) {
  for (const AssertionResult& result : report.assertions) {
    if (result.name == name) return result;
  }
  ADD_FAILURE() << "no assertion named " << name;
  return report.assertions.front();
}

// `desk`: ten-year MICs, renewed only when asked (renew_mic), then mTLS with the new one;
// `late`: MICs expired a day ago, renewed at power-up (within the service's grace period), then
// mTLS works; `stale`: expired MICs and no renewal, refused locally before any handshake;
// `off`: MIC_Cert_Refresh_Enable No, so renew_mic does nothing.
constexpr std::string_view kMicRenewal = R"(name: mic renewal
seed: 11
duration: 20m
servers:
  - name: sudi
    kind: http
    address: 192.168.1.210
    host_name: sudirenewal.cisco.com
    mic_renewal: {validity: 365d}
  - name: web
    kind: https
    address: 192.168.1.200
    client_certificate: required
    files:
      - {path: /basic.txt, content: <flat-profile><GPP_A>mtls</GPP_A></flat-profile>}
fleet:
  - name: desk
    count: 2
    parameters:
      MIC_Cert_Refresh_Enable: "Yes"
      Resync_Random_Delay: "0"
  - name: late
    count: 1
    mic_expires_in: -1d
    mac_first: 00:0e:08:01:00:00
    address_first: 10.0.1.1
    parameters:
      MIC_Cert_Refresh_Enable: "Yes"
      Profile_Rule: https://192.168.1.200/basic.txt
      Resync_Random_Delay: "0"
  - name: stale
    count: 1
    mic_expires_in: -1d
    mac_first: 00:0e:08:02:00:00
    address_first: 10.0.2.1
    parameters:
      Profile_Rule: https://192.168.1.200/basic.txt
      Resync_Random_Delay: "0"
  - name: off
    count: 1
    mac_first: 00:0e:08:03:00:00
    address_first: 10.0.3.1
timeline:
  - {at: 0s, power_on: all}
  - {at: 2m, renew_mic: {phones: desk}}
  - {at: 2m, renew_mic: {phones: off}}
  - {at: 5m, admin_resync: {phones: desk, rule: "https://192.168.1.200/basic.txt"}}
  - {at: 8m, factory_reset: {phones: "desk[1]"}}
  - {at: 10m, admin_resync: {phones: "desk[1]", rule: "https://192.168.1.200/basic.txt"}}
assertions:
  - {name: nothing renewed at first, phones: desk, by: 1m, mic_refresh: {status: success, share: 50%}}
  - {name: desk renewed, phones: desk, by: 4m, mic_refresh: {status: success}}
  - {name: desk over mTLS, phones: desk, by: 7m, parameter: {name: GPP_A, equals: mtls}}
  - {name: expired MIC renewed, phones: late, mic_refresh: {status: success}}
  - {name: renewed expired MIC over mTLS, phones: late, parameter: {name: GPP_A, equals: mtls}}
  - {name: stale not attempted, phones: stale, mic_refresh: {status: not_attempted}}
  - {name: stale refused, phones: stale, parameter: {name: GPP_A, equals: ""}}
  - {name: off not attempted, phones: off, mic_refresh: {status: not_attempted}}
  - {name: everyone renewed, mic_refresh: {status: success}}
  - {name: refused err, phones: desk, mic_refresh: {status: success, err: mic renewal refused}}
  - {name: reset kept the renewal, phones: "desk[1]", mic_refresh: {status: success}}
  - {name: reset erased the configuration, phones: "desk[1]", parameter: {name: MIC_Cert_Refresh_Enable, equals: "No"}}
  - {name: mTLS after the reset, phones: "desk[1]", parameter: {name: GPP_A, equals: mtls}}
  - {name: renewals, requests: {server: sudi, at_least: 3, at_most: 3}}
)";

TEST(ScenarioRunnerMicTest, RenewsInstallsAndKeepsMicsAndReplays) {
  Scenario scenario = load(kMicRenewal);
  auto report = run_scenario(scenario, {});
  auto again = run_scenario(scenario, {});
  ASSERT_TRUE(report && again) << (report ? again.error() : report.error()).to_string();
  EXPECT_EQ(report->trace_hash, again->trace_hash);
  const AssertionResult& at_first = named(*report, "nothing renewed at first");
  EXPECT_FALSE(at_first.passed);
  ASSERT_EQ(at_first.evidence.size(), 2u);
  EXPECT_EQ(at_first.evidence[0], "desk[0]: Not attempted");
  for (std::string_view name : {"desk renewed", "desk over mTLS", "expired MIC renewed", "renewed expired MIC over mTLS",
                                "stale not attempted", "stale refused", "off not attempted",
                                "reset kept the renewal", "reset erased the configuration", "mTLS after the reset",
                                "renewals"}) {
    const AssertionResult& result = named(*report, name);
    EXPECT_TRUE(result.passed) << name << ": " << result.actual;
  }
  const AssertionResult& everyone = named(*report, "everyone renewed");
  EXPECT_FALSE(everyone.passed);
  EXPECT_EQ(everyone.actual, "60.0% (3 of 5)") << everyone.actual;
  // A success does not match an assertion that asks for a failure's $ERR.
  const AssertionResult& refused = named(*report, "refused err");
  EXPECT_FALSE(refused.passed);
  ASSERT_FALSE(refused.evidence.empty());
  EXPECT_TRUE(refused.evidence[0].starts_with("desk[0]: Success ")) << refused.evidence[0];
  EXPECT_GE(report->errors_by_err.at("client certificate expired"), 1u);
}

}  // namespace
}  // namespace scn
