// The scenario format's MIC renewal pieces: an http server's `mic_renewal:`, a group's
// `mic_expires_in`, the `renew_mic` and `factory_reset` events and the `mic_refresh` assertion.

#include <gtest/gtest.h>

#include "scenarios/format/scenario_loader.h"
#include "tests/support/source_dir.h"

namespace scn {
namespace {

LoadResult load(std::string_view text) { return load_scenario_text(text, "test.yaml", test_support::source_dir()); }

std::string all_errors(const LoadResult& result) {
  std::string text;
  for (const Diagnostic& diagnostic : result.errors) text += diagnostic.to_string() + "\n";
  return text;
}

TEST(ScenarioLoaderMicTest, ReadsTheRenewalServiceExpiriesEventsAndAssertions) {
  LoadResult result = load(R"(servers:
  - name: sudi
    kind: http
    address: 192.168.1.210
    mic_renewal: {path: /renew, validity: 30d, revoked: "desk[1]"}
  - {name: plain, kind: http, address: 192.168.1.211, mic_renewal: {}}
fleet:
  - {name: desk, count: 2, mic_expires_in: 10d}
  - {name: old, count: 1, mic_expires_in: -1d}
  - {name: new, count: 1}
timeline:
  - {at: 1m, renew_mic: {phones: desk}}
  - {at: 2m, factory_reset: {phones: "desk[0]"}}
assertions:
  - mic_refresh: {status: success}
  - {phones: desk, mic_refresh: {status: failed, err: mic renewal refused, share: 50%}}
  - mic_refresh: {status: not_attempted, share: 10%}
)");
  ASSERT_TRUE(result.scenario) << all_errors(result);
  const Scenario& scenario = *result.scenario;
  ASSERT_TRUE(scenario.servers[0].mic_renewal);
  EXPECT_EQ(scenario.servers[0].mic_renewal->path, "/renew");
  EXPECT_EQ(scenario.servers[0].mic_renewal->validity, fw::seconds(30 * 86400));
  ASSERT_TRUE(scenario.servers[0].mic_renewal->revoked);
  EXPECT_EQ(scenario.servers[0].mic_renewal->revoked->index, 1u);
  ASSERT_TRUE(scenario.servers[1].mic_renewal);
  EXPECT_EQ(scenario.servers[1].mic_renewal->path, "/");
  EXPECT_EQ(scenario.servers[1].mic_renewal->validity, fw::seconds(5 * 365 * 86400));
  EXPECT_FALSE(scenario.servers[1].mic_renewal->revoked);
  EXPECT_EQ(scenario.fleet[0].mic_expires_in, fw::seconds(10 * 86400));
  EXPECT_EQ(scenario.fleet[1].mic_expires_in, fw::seconds(-86400));
  EXPECT_FALSE(scenario.fleet[2].mic_expires_in);
  ASSERT_EQ(scenario.timeline.size(), 2u);
  EXPECT_EQ(scenario.timeline[0].kind, TimelineEvent::Kind::RenewMic);
  EXPECT_EQ(scenario.timeline[1].kind, TimelineEvent::Kind::FactoryReset);
  EXPECT_EQ(scenario.timeline[1].phones.index, 0u);
  EXPECT_EQ(to_string(TimelineEvent::Kind::RenewMic), "renew_mic");
  EXPECT_EQ(to_string(TimelineEvent::Kind::FactoryReset), "factory_reset");
  ASSERT_EQ(scenario.assertions.size(), 3u);
  EXPECT_EQ(scenario.assertions[0].kind, Assertion::Kind::MicRefresh);
  EXPECT_EQ(scenario.assertions[0].equals, "success");
  EXPECT_EQ(scenario.assertions[0].pattern, "");
  EXPECT_EQ(scenario.assertions[0].share_min.parts_per_million, 1'000'000u);
  EXPECT_EQ(scenario.assertions[1].equals, "failed");
  EXPECT_EQ(scenario.assertions[1].pattern, "mic renewal refused");
  EXPECT_EQ(scenario.assertions[1].share_min.parts_per_million, 500'000u);
  EXPECT_EQ(scenario.assertions[2].equals, "not_attempted");
  EXPECT_EQ(to_string(Assertion::Kind::MicRefresh), "mic_refresh");
}

TEST(ScenarioLoaderMicTest, RejectsMisusedRenewalServicesEventsAndAssertions) {
  LoadResult result = load(R"(servers:
  - {name: web, kind: https, address: 192.168.1.200, mic_renewal: {}}
  - {name: a, kind: http, address: 192.168.1.201, mic_renewal: {path: renew}}
  - {name: b, kind: http, address: 192.168.1.202, mic_renewal: {validity: 0s, port: 80}}
fleet:
  - {name: desk, count: 1, mic_expires_in: soon}
timeline:
  - {at: 1m, renew_mic: {rule: "http://x"}}
  - {at: 1m, factory_reset: {phones: desk, keep: mic}}
assertions:
  - mic_refresh: {status: renewed}
  - mic_refresh: {share: 100%}
)");
  ASSERT_FALSE(result.scenario);
  const std::string errors = all_errors(result);
  for (const char* expected : {
           "test.yaml:2: servers[0].mic_renewal: needs kind http (the service listens on HTTP, port 80)",
           "test.yaml:3: servers[1].mic_renewal.path: must start with '/'",
           "test.yaml:4: servers[2].mic_renewal.validity: must be positive",
           "test.yaml:4: servers[2].mic_renewal: unknown key 'port'",
           "test.yaml:6: fleet[0].mic_expires_in",
           "test.yaml:8: timeline[0].renew_mic: 'phones' is required",
           "test.yaml:8: timeline[0].renew_mic: unknown key 'rule'",
           "test.yaml:9: timeline[1].factory_reset: unknown key 'keep'",
           "test.yaml:11: assertions[0].mic_refresh.status: expected success, failed or not_attempted",
           "test.yaml:12: assertions[1].mic_refresh: 'status' is required",
       }) {
    EXPECT_NE(errors.find(expected), std::string::npos) << expected << "\n" << errors;
  }
}

}  // namespace
}  // namespace scn
