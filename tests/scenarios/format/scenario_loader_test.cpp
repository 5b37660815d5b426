#include "scenarios/format/scenario_loader.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/source_dir.h"

namespace scn {
namespace {

LoadResult load(std::string_view text) { return load_scenario_text(text, "test.yaml", test_support::source_dir()); }

std::string all_errors(const LoadResult& result) {
  std::string text;
  for (const Diagnostic& diagnostic : result.errors) text += diagnostic.to_string() + "\n";
  return text;
}

constexpr std::string_view kComplete = R"(name: tftp-basic
description: The guide's TFTP resync sets GPP_A
seed: 42
duration: 2h
start: 2026-11-24T08:00:00Z
network:
  latency: 2ms
  jitter: 1ms
  loss: 0.1%
  bandwidth: 100Mbit
servers:
  - name: tftp
    kind: tftp
    address: 192.168.1.200
    files:
      - path: /basic.txt
        content: <flat-profile><GPP_A>12345678</GPP_A></flat-profile>
      - path: /cfg/$MA.xml
        file: scenarios/guide/basic.txt
        gzip: true
        key: secret
        digest: md5
  - name: web
    kind: https
    address: 192.168.1.201
    host_name: prov.example.com
    certificate: {hosts: [prov.example.com], not_after: 2026-12-01T00:00:00Z, issuer: provisioning}
    client_certificate: required
  - name: log
    kind: syslog
    address: 192.168.1.210
fleet:
  - name: lobby
    count: 1000
    model: CP-6841-3PCC
    flavor: spa
    mac_first: 00:0e:08:00:00:01
    address_first: 10.0.1.1
    parameters:
      Profile_Rule: tftp://192.168.1.200/basic.txt
      Resync_Random_Delay: 2
    dhcp_options:
      66: 192.168.1.200
timeline:
  - at: 1h
    server_down: tftp
  - at: 0s
    power_on: all
    spread: 10m
  - at: 1h10m
    sip_notify: {phones: "lobby:10%", event: resync}
  - at: 1h20m
    fault: {server: web, kind: status, status: 503, retry_after: 120s, share: 50%, for: 30m}
  - at: 1h30m
    set_file: {server: tftp, path: /basic.txt, content: <flat-profile/>}
assertions:
  - name: GPP_A everywhere
    parameter: {name: GPP_A, equals: "12345678", share: 99.5%}
    by: 1h
  - converged: {share: 99%}
    phones: "lobby[3]"
  - requests: {server: tftp, at_least: 1000, at_most: 5000}
  - request_rate: {server: tftp, window: 1s, peak_at_most: 50}
  - syslog: {matches: "Successful resync", at_least: 1000}
  - sometimes: {event: resync_failed}
)";

TEST(ScenarioLoaderTest, ReadsACompleteScenario) {
  LoadResult result = load(kComplete);
  ASSERT_TRUE(result.scenario) << all_errors(result);
  const Scenario& scenario = *result.scenario;
  EXPECT_EQ(scenario.seed, 42u);
  EXPECT_EQ(scenario.duration, fw::seconds(7200));
  EXPECT_EQ(scenario.start.unix_seconds, 1795507200);
  EXPECT_EQ(scenario.network.loss.parts_per_million, 1000u);
  EXPECT_EQ(scenario.network.bandwidth_bytes_per_s, 12'500'000u);
  ASSERT_EQ(scenario.servers.size(), 3u);
  EXPECT_EQ(scenario.servers[0].port, 69);
  EXPECT_EQ(scenario.servers[1].port, 443);
  EXPECT_EQ(scenario.servers[2].port, 514);
  ASSERT_EQ(scenario.servers[0].files.size(), 2u);
  EXPECT_NE(scenario.servers[0].files[1].content.find("GPP_A"), std::string::npos);  // read from file
  EXPECT_EQ(scenario.servers[0].files[1].packing.digest, "md5");
  EXPECT_EQ(scenario.servers[0].files[1].where.to_string(), "test.yaml:18");
  EXPECT_TRUE(scenario.servers[1].require_client_certificate);
  ASSERT_TRUE(scenario.servers[1].certificate);
  EXPECT_EQ(scenario.servers[1].certificate->not_after->unix_seconds, 1796083200);
  ASSERT_EQ(scenario.fleet.size(), 1u);
  EXPECT_EQ(scenario.phone_count(), 1000u);
  EXPECT_EQ(scenario.fleet[0].flavor, Flavor::Spa);
  EXPECT_EQ(scenario.fleet[0].spec.product_name, "CP-6841-3PCC");
  EXPECT_EQ(scenario.fleet[0].spec.parameters.front(),
            (std::pair<std::string, std::string>{"Profile_Rule", "tftp://192.168.1.200/basic.txt"}));
  EXPECT_EQ(scenario.fleet[0].dhcp_options.at(66), "192.168.1.200");
  ASSERT_EQ(scenario.timeline.size(), 5u);
  EXPECT_EQ(scenario.timeline[0].kind, TimelineEvent::Kind::PowerOn);  // sorted by time
  EXPECT_EQ(scenario.timeline[0].spread, fw::seconds(600));
  EXPECT_EQ(scenario.timeline[1].kind, TimelineEvent::Kind::ServerDown);
  EXPECT_EQ(scenario.timeline[2].phones.group, "lobby");
  EXPECT_EQ(scenario.timeline[2].phones.share->parts_per_million, 100000u);
  EXPECT_EQ(scenario.timeline[3].fault->status, 503);
  EXPECT_EQ(scenario.timeline[3].fault_for, fw::seconds(1800));
  EXPECT_EQ(scenario.timeline[4].file->content, "<flat-profile/>");
  ASSERT_EQ(scenario.assertions.size(), 6u);
  EXPECT_EQ(scenario.assertions[0].share_min.parts_per_million, 995000u);
  EXPECT_EQ(scenario.assertions[1].phones.index, 3u);
  EXPECT_EQ(scenario.assertions[2].at_most, 5000u);
  EXPECT_EQ(scenario.assertions[3].kind, Assertion::Kind::RequestRate);
}

TEST(ScenarioLoaderTest, MisspeltKeysGetAHintWithTheirLine) {
  LoadResult result = load("seed: 1\nfleet:\n  - name: a\n    cuont: 5\n");
  ASSERT_FALSE(result.scenario);
  ASSERT_EQ(result.errors.size(), 1u) << all_errors(result);
  EXPECT_EQ(result.errors[0].to_string(),
            "test.yaml:4: fleet[0]: unknown key 'cuont' (did you mean 'count'?)");
}

TEST(ScenarioLoaderTest, ReportsEveryErrorWithFileAndLine) {
  LoadResult result = load(R"(seed: -3
duration: 2 hours
fleet:
  - count: 0
servers:
  - name: tftp
    kind: ftp
    address: 192.168.1.300
timeline:
  - at: 5m
    server_down: nowhere
  - at: 1m
  - at: 2m
    power_on: kitchen
assertions:
  - syslog: {matches: "(unclosed", at_least: 1}
  - requests: {server: tftp}
)");
  ASSERT_FALSE(result.scenario);
  std::string errors = all_errors(result);
  EXPECT_NE(errors.find("test.yaml:1: seed: '-3' is not a whole number"), std::string::npos) << errors;
  EXPECT_NE(errors.find("test.yaml:2: duration: '2 hours' is not a duration"), std::string::npos) << errors;
  EXPECT_NE(errors.find("test.yaml:4: fleet[0].count: must be at least 1"), std::string::npos) << errors;
  EXPECT_NE(errors.find("test.yaml:7: servers[0].kind: 'ftp' is not tftp, http, https or syslog"), std::string::npos) << errors;
  EXPECT_NE(errors.find("test.yaml:8: servers[0].address: '192.168.1.300' is not an IPv4 address"), std::string::npos) << errors;
  EXPECT_NE(errors.find("test.yaml:11: timeline[0].server_down: no server named 'nowhere'"), std::string::npos) << errors;
  EXPECT_NE(errors.find("test.yaml:12: timeline[1]: says what happens with one of"), std::string::npos) << errors;
  EXPECT_NE(errors.find("test.yaml:14: timeline[2].power_on: no phone group named 'kitchen'"), std::string::npos) << errors;
  EXPECT_NE(errors.find("assertions[0].syslog.matches: not a regular expression"), std::string::npos) << errors;
  EXPECT_NE(errors.find("assertions[1].requests: give 'at_least', 'at_most' or both"), std::string::npos) << errors;
}

TEST(ScenarioLoaderTest, WrongTypesAreNamed) {
  LoadResult result = load("fleet: {count: 3}\n");
  ASSERT_FALSE(result.scenario);
  EXPECT_NE(all_errors(result).find("test.yaml:1: fleet: expected a list"), std::string::npos) << all_errors(result);
  LoadResult nested = load("fleet:\n  - count: [1, 2]\n");
  EXPECT_NE(all_errors(nested).find("test.yaml:2: fleet[0].count: expected a single value"), std::string::npos)
      << all_errors(nested);
}

TEST(ScenarioLoaderTest, BrokenYamlNamesItsLine) {
  LoadResult result = load("seed: 1\nfleet:\n  - count: 1\n   bad indent: [\n");
  ASSERT_FALSE(result.scenario);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_NE(result.errors[0].to_string().find("test.yaml:"), std::string::npos);
  EXPECT_NE(result.errors[0].message.find("not valid YAML"), std::string::npos);
}

TEST(ScenarioLoaderTest, DefaultsForAMinimalScenario) {
  LoadResult result = load("fleet:\n  - count: 3\n");
  ASSERT_TRUE(result.scenario) << all_errors(result);
  EXPECT_EQ(result.scenario->seed, 1u);
  EXPECT_EQ(result.scenario->duration, fw::seconds(3600));
  EXPECT_EQ(result.scenario->fleet[0].spec.name, "group0");
  EXPECT_FALSE(load("seed: 4\n").scenario);  // no phones
}

TEST(ScenarioLoaderTest, IndexBeyondTheGroupIsAnError) {
  LoadResult result = load("fleet:\n  - {name: a, count: 3}\ntimeline:\n  - {at: 1s, reboot: 'a[3]'}\n");
  ASSERT_FALSE(result.scenario);
  EXPECT_NE(all_errors(result).find("test.yaml:4: timeline[0].reboot: group 'a' has 3 phones"), std::string::npos)
      << all_errors(result);
}

TEST(ScenarioLoaderTest, ReadsReflectorMicAndFrom) {
  LoadResult result = load(R"(servers:
  - {name: web, kind: https, address: 192.168.1.200, reflector: /cgi-bin/reflect.pl}
fleet:
  - {name: old, count: 2, mic: false}
  - {name: new, count: 1}
assertions:
  - {from: 10m, by: 20m, request_rate: {server: web, window: 1m, peak_at_least: 3}}
  - {from: 10m, requests: {server: web, at_most: 3}}
)");
  ASSERT_TRUE(result.scenario) << all_errors(result);
  EXPECT_EQ(result.scenario->servers[0].reflector_path, "/cgi-bin/reflect.pl");
  EXPECT_FALSE(result.scenario->fleet[0].mic);
  EXPECT_TRUE(result.scenario->fleet[1].mic);  // phones carry a MIC unless told otherwise
  EXPECT_EQ(result.scenario->assertions[0].from, fw::seconds(600));
  EXPECT_EQ(result.scenario->assertions[0].by, fw::seconds(1200));
  EXPECT_EQ(result.scenario->assertions[1].from, fw::seconds(600));
}

TEST(ScenarioLoaderTest, RejectsMisplacedReflectorAndFrom) {
  LoadResult result = load(R"(servers:
  - {name: tftp, kind: tftp, address: 192.168.1.200, reflector: /cgi-bin/reflect.pl}
  - {name: web, kind: http, address: 192.168.1.201, reflector: cgi-bin/reflect.pl}
fleet:
  - {count: 1, mic: maybe}
assertions:
  - {from: 1m, converged: {share: 100%}}
  - {from: 20m, by: 10m, requests: {server: web, at_most: 3}}
)");
  ASSERT_FALSE(result.scenario);
  std::string errors = all_errors(result);
  for (std::string_view expected : {"test.yaml:2: servers[0].reflector: needs kind http or https",
                                    "test.yaml:3: servers[1].reflector: the path must start with '/'",
                                    "test.yaml:5: fleet[0].mic:",
                                    "test.yaml:7: assertions[0].from: only requests and request_rate",
                                    "test.yaml:8: assertions[1].from: must be before 'by'"}) {
    EXPECT_NE(errors.find(expected), std::string::npos) << expected << "\n" << errors;
  }
}

TEST(ScenarioLoaderTest, ConcurrencyLimitOnTftpHttpAndHttpsButNotSyslog) {
  LoadResult good = load(R"(servers:
  - {name: tftp, kind: tftp, address: 192.168.1.200, limit: {in_service: 2, queue: 5}}
  - {name: web, kind: https, address: 192.168.1.201, limit: {in_service: 1}}
fleet:
  - count: 1
)");
  ASSERT_TRUE(good.scenario) << all_errors(good);
  ASSERT_TRUE(good.scenario->servers[0].limit);
  EXPECT_EQ(good.scenario->servers[0].limit->in_service, 2u);
  EXPECT_EQ(good.scenario->servers[0].limit->queue, 5u);
  EXPECT_EQ(good.scenario->servers[1].limit->queue, 0u);

  LoadResult bad = load(R"(servers:
  - {name: log, kind: syslog, address: 192.168.1.202, limit: {in_service: 2}}
  - {name: tftp, kind: tftp, address: 192.168.1.200, limit: {in_service: 0, queue: 5}}
fleet:
  - count: 1
)");
  ASSERT_FALSE(bad.scenario);
  std::string errors = all_errors(bad);
  for (std::string_view expected : {"test.yaml:2: servers[0]: 'limit' needs kind tftp, http or https",
                                    "servers[1].limit.in_service: expected at least 1"}) {
    EXPECT_NE(errors.find(expected), std::string::npos) << expected << "\n" << errors;
  }
}

TEST(ScenarioLoaderTest, CertificateFaultsNameTheSwapAndNeedAnHttpsServer) {
  const std::string servers =
      "servers:\n  - {name: web, kind: https, address: 10.1.1.1}\n  - {name: plain, kind: http, address: 10.1.1.2}\n"
      "fleet:\n  - count: 1\ntimeline:\n";
  LoadResult good = load(servers + "  - {at: 1m, fault: {server: web, kind: certificate, certificate: wrong-host}}\n");
  ASSERT_TRUE(good.scenario) << all_errors(good);
  EXPECT_EQ(good.scenario->timeline[0].fault->kind, FaultSpec::Kind::Certificate);
  EXPECT_EQ(good.scenario->timeline[0].fault->certificate, FaultSpec::Certificate::WrongHost);

  LoadResult unknown = load(servers + "  - {at: 1m, fault: {server: web, kind: certificate, certificate: stale}}\n");
  EXPECT_NE(all_errors(unknown).find("test.yaml:7: timeline[0].fault.certificate: expected expired, wrong-host or untrusted"),
            std::string::npos)
      << all_errors(unknown);
  LoadResult plain = load(servers + "  - {at: 1m, fault: {server: plain, kind: certificate, certificate: expired}}\n");
  EXPECT_NE(all_errors(plain).find("test.yaml:7: fault: certificate faults need an https server, 'plain' is http"),
            std::string::npos)
      << all_errors(plain);
}

TEST(ScenarioLoaderTest, ReadsExpectedErrors) {
  LoadResult result = load("fleet:\n  - count: 1\nexpect_errors: [config_commit_failed, other_event]\n");
  ASSERT_TRUE(result.scenario) << all_errors(result);
  EXPECT_EQ(result.scenario->expect_errors, (std::vector<std::string>{"config_commit_failed", "other_event"}));
  LoadResult broken = load("fleet:\n  - count: 1\nexpect_errors:\n  - [a, b]\n  - ''\n");
  ASSERT_FALSE(broken.scenario);
  EXPECT_NE(all_errors(broken).find("test.yaml:4: expect_errors[0]: expected a single value"), std::string::npos)
      << all_errors(broken);
  EXPECT_NE(all_errors(broken).find("test.yaml:5: expect_errors[1]: expected a trace event name"), std::string::npos)
      << all_errors(broken);
}

TEST(ScenarioLoaderTest, ReadsRandomFaults) {
  LoadResult result = load(
      "servers:\n  - {name: web, kind: http, address: 192.168.1.201}\nfleet:\n  - count: 1\n"
      "faults:\n  random:\n    count: 4\n    kinds: [status, stall]\n    window: uniform(1m..10m)\n"
      "    servers: [web]\n    share: 25%\n");
  ASSERT_TRUE(result.scenario) << all_errors(result);
  ASSERT_TRUE(result.scenario->random_faults);
  const RandomFaultsSpec& spec = *result.scenario->random_faults;
  EXPECT_EQ(spec.count, 4u);
  EXPECT_EQ(spec.kinds, (std::vector<FaultSpec::Kind>{FaultSpec::Kind::Status, FaultSpec::Kind::Stall}));
  EXPECT_EQ(spec.servers, std::vector<std::string>{"web"});
  EXPECT_EQ(spec.window.kind, sim::DurationDistribution::Kind::Uniform);
  EXPECT_EQ(spec.window.low, fw::seconds(60));
  EXPECT_EQ(spec.window.high, fw::seconds(600));
  EXPECT_EQ(spec.share.parts_per_million, 250'000u);
  EXPECT_EQ(spec.where.line, 7);

  LoadResult broken = load(
      "fleet:\n  - count: 1\nfaults:\n  random:\n    count: 0\n    kinds: [explode]\n"
      "    window: exponential(1m)\n    servers: [nowhere]\n    colour: red\n");
  ASSERT_FALSE(broken.scenario);
  const std::string errors = all_errors(broken);
  EXPECT_NE(errors.find("faults.random.count: must be 1..10000"), std::string::npos) << errors;
  EXPECT_NE(errors.find("test.yaml:6: faults.random.kinds[0]: expected latency, drop"), std::string::npos) << errors;
  EXPECT_NE(errors.find("faults.random.window: expected a positive duration or uniform(a..b)"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("faults.random.servers[0]: no server named 'nowhere'"), std::string::npos) << errors;
  EXPECT_NE(errors.find("colour"), std::string::npos) << errors;
  EXPECT_FALSE(load("fleet:\n  - count: 1\nfaults:\n  random: {count: 2}\n").scenario);  // kinds required
}

TEST(ScenarioLoaderTest, CallDurationsTakeADistribution) {
  LoadResult result = load(
      "fleet:\n  - count: 1\ntimeline:\n  - {at: 1m, call: {phones: all, duration: 'uniform(30s..5m)'}}\n"
      "  - {at: 2m, call: {phones: all, duration: 90s}}\n");
  ASSERT_TRUE(result.scenario) << all_errors(result);
  EXPECT_EQ(result.scenario->timeline[0].call_duration.kind, sim::DurationDistribution::Kind::Uniform);
  EXPECT_EQ(result.scenario->timeline[1].call_duration, sim::DurationDistribution::fixed(fw::seconds(90)));
  LoadResult broken = load("fleet:\n  - count: 1\ntimeline:\n  - {at: 1m, call: {phones: all, duration: 'uniform(5m..1m)'}}\n");
  EXPECT_NE(all_errors(broken).find("test.yaml:4: timeline[0].call.duration: 'uniform(5m..1m)' is not a duration or distribution"),
            std::string::npos)
      << all_errors(broken);
}

TEST(ScenarioLoaderTest, ReadsGroupCalls) {
  LoadResult result = load("fleet:\n  - count: 1\n    calls: {line: 1, gap: exponential(1h), length: 3m}\n");
  ASSERT_TRUE(result.scenario) << all_errors(result);
  ASSERT_TRUE(result.scenario->fleet[0].calls);
  const sim::CallPattern& calls = *result.scenario->fleet[0].calls;
  EXPECT_EQ(calls.line, 1u);
  EXPECT_EQ(calls.gap, sim::DurationDistribution::exponential(fw::seconds(3600)));
  EXPECT_EQ(calls.length, sim::DurationDistribution::fixed(fw::seconds(180)));
  LoadResult broken = load("fleet:\n  - count: 1\n    calls: {gap: 0s}\n");
  ASSERT_FALSE(broken.scenario);
  EXPECT_NE(all_errors(broken).find("test.yaml:3: fleet[0].calls: 'length' is required"), std::string::npos)
      << all_errors(broken);
  EXPECT_NE(all_errors(broken).find("calls.gap: must be longer than 0"), std::string::npos) << all_errors(broken);
}

TEST(ScenarioLoaderTest, ReadsFirmwareUploadsCustomCaEventsAndAssertions) {
  LoadResult result = load(R"(fleet:
  - {name: desk, count: 2}
servers:
  - name: tftp
    kind: tftp
    address: 192.168.1.200
    uploads: true
    firmware:
      - {version: sip88xx.12-0-2MPP0001-1}
      - {version: "7.6.2", family: CP-8841-3PCC, path: /spa/load.bin}
  - name: web
    kind: https
    address: 192.168.1.201
    certificate: {issuer: custom}
    files:
      - {path: /ca.pem, ca_certificate: custom}
timeline:
  - {at: 1m, upgrade: {phones: all, rule: "http://192.168.1.201/x.loads"}}
  - {at: 2m, upgrade: {phones: "desk[1]"}}
  - {at: 3m, update_ca: {phones: desk, url: "http://192.168.1.201/ca.pem"}}
  - {at: 4m, update_ca: {phones: all}}
  - {at: 5m, set_file: {server: tftp, path: /late.loads, firmware: sip68xx.12-0-3MPP0001-1}}
assertions:
  - firmware: {equals: sip88xx.12-0-2MPP0001-1, share: 50%}
  - uploads: {server: tftp, path: "^/reports/", at_least: 2}
  - uploads: {server: web, at_most: 0}
  - custom_ca: {common_name: phonesim Custom Root}
  - {phones: desk, custom_ca: {share: 10%}}
)");
  ASSERT_TRUE(result.scenario) << all_errors(result);
  const Scenario& scenario = *result.scenario;
  const ServerSpec& tftp = scenario.servers[0];
  EXPECT_TRUE(tftp.uploads);
  ASSERT_EQ(tftp.files.size(), 2u);
  EXPECT_EQ(tftp.files[0].path, "/sip88xx.12-0-2MPP0001-1.loads");
  ASSERT_TRUE(tftp.files[0].firmware);
  EXPECT_EQ(tftp.files[0].firmware->family, "sip88xx");  // derived as the phone derives its own
  EXPECT_EQ(tftp.files[1].path, "/spa/load.bin");
  EXPECT_EQ(tftp.files[1].firmware->family, "CP-8841-3PCC");
  EXPECT_EQ(tftp.files[1].firmware->version, "7.6.2");
  EXPECT_FALSE(scenario.servers[1].uploads);
  EXPECT_EQ(scenario.servers[1].certificate->issuer, CertificateIssuer::Custom);
  EXPECT_EQ(scenario.servers[1].files[0].ca_certificate, CertificateIssuer::Custom);
  ASSERT_EQ(scenario.timeline.size(), 5u);
  EXPECT_EQ(scenario.timeline[0].kind, TimelineEvent::Kind::Upgrade);
  EXPECT_EQ(scenario.timeline[0].rule, "http://192.168.1.201/x.loads");
  EXPECT_FALSE(scenario.timeline[1].rule);
  EXPECT_EQ(scenario.timeline[1].phones.index, 1u);
  EXPECT_EQ(scenario.timeline[2].kind, TimelineEvent::Kind::UpdateCa);
  EXPECT_EQ(scenario.timeline[2].rule, "http://192.168.1.201/ca.pem");
  EXPECT_FALSE(scenario.timeline[3].rule);
  EXPECT_EQ(scenario.timeline[4].file->firmware->family, "sip68xx");
  ASSERT_EQ(scenario.assertions.size(), 5u);
  EXPECT_EQ(scenario.assertions[0].kind, Assertion::Kind::Firmware);
  EXPECT_EQ(scenario.assertions[0].equals, "sip88xx.12-0-2MPP0001-1");
  EXPECT_EQ(scenario.assertions[0].share_min.parts_per_million, 500'000u);
  EXPECT_EQ(scenario.assertions[1].kind, Assertion::Kind::Uploads);
  EXPECT_EQ(scenario.assertions[1].pattern, "^/reports/");
  EXPECT_EQ(scenario.assertions[1].at_least, 2u);
  EXPECT_EQ(scenario.assertions[2].pattern, "");
  EXPECT_EQ(scenario.assertions[3].kind, Assertion::Kind::CustomCa);
  EXPECT_EQ(scenario.assertions[3].equals, "phonesim Custom Root");
  EXPECT_EQ(scenario.assertions[3].share_min.parts_per_million, 1'000'000u);
  EXPECT_EQ(scenario.assertions[4].equals, "");
}

TEST(ScenarioLoaderTest, RejectsMisusedFirmwareUploadsAndCaFiles) {
  LoadResult result = load(R"(fleet:
  - {name: desk, count: 1}
servers:
  - name: web
    kind: http
    address: 192.168.1.201
    uploads: true
    firmware:
      - {version: "7.6.2"}
      - {family: sip88xx}
      - {version: sip88xx.12-0-2, path: x.loads}
    files:
      - {path: /a, content: x, firmware: sip88xx.12-0-2}
      - {path: /b, firmware: sip88xx.12-0-2, gzip: true}
      - {path: /c, ca_certificate: manufacturer}
      - {path: /d, content: x, family: sip88xx}
timeline:
  - {at: 1m, upgrade: {phones: desk, url: "http://x"}}
  - {at: 1m, update_ca: {rule: "http://x"}}
assertions:
  - uploads: {server: web, path: "(", at_least: 1}
  - uploads: {server: nowhere, at_least: 1}
  - firmware: {share: 100%}
  - uploads: {server: web}
)");
  ASSERT_FALSE(result.scenario);
  const std::string errors = all_errors(result);
  LoadResult syslog = load("fleet:\n  - count: 1\nservers:\n  - {name: log, kind: syslog, address: 192.168.1.210}\n"
                           "assertions:\n  - uploads: {server: log, at_least: 1}\n");
  EXPECT_NE(all_errors(syslog).find("test.yaml:6: uploads: 'log' is a syslog server"), std::string::npos)
      << all_errors(syslog);
  for (const char* expected : {
           "test.yaml:7: servers[0].uploads: only for tftp (http and https always accept PUT and POST)",
           "test.yaml:9: servers[0].firmware[0]: cannot tell the model family from '7.6.2'; give 'family'",
           "test.yaml:10: servers[0].firmware[1]: 'version' is required",
           "test.yaml:11: servers[0].firmware[2].path: must start with '/'",
           "test.yaml:13: servers[0].files[0]: give one of 'content', 'file', 'firmware' or 'ca_certificate'",
           "test.yaml:14: servers[0].files[1]: 'gzip' and 'key' pack profiles",
           "test.yaml:15: servers[0].files[2].ca_certificate: expected provisioning, custom or untrusted",
           "test.yaml:16: servers[0].files[3].family: only meaningful with 'firmware'",
           "test.yaml:18: timeline[0].upgrade: unknown key 'url' (known keys: phones, rule)",
           "test.yaml:19: timeline[1].update_ca: 'phones' is required",
           "test.yaml:19: timeline[1].update_ca: unknown key 'rule'",
           "test.yaml:21: assertions[0].uploads.path: not a regular expression",
           "test.yaml:22: assertions[1].uploads: no server named 'nowhere'",
           "test.yaml:23: assertions[2].firmware: 'equals' is required",
           "test.yaml:24: assertions[3].uploads: give 'at_least', 'at_most' or both",
       }) {
    EXPECT_NE(errors.find(expected), std::string::npos) << expected << "\n" << errors;
  }
}

TEST(ScenarioLoaderTest, ReadsActivationServiceEventsAndAssertions) {
  LoadResult result = load(R"(fleet:
  - {name: desk, count: 2, parameters: {Profile_Rule: "gds://"}}
servers:
  - name: act
    kind: https
    address: 192.168.1.210
    host_name: activation.webex.com
    activation:
      path: /onboard
      failures_max: 3
      failure_window: 2m
      codes:
        - {rule: "http://192.168.1.200/$MA.xml"}
        - {code: "1234-5678-9012-3456", rule: "tftp://s/p.xml", expires: 1h, mac: 000e08000001}
timeline:
  - {at: 1m, activation_code: {phones: "desk[0]", code: "1234 5678 9012 3456"}}
  - {at: 2m, activation_code: {phones: "desk[1]", server: act, issued: 0}}
assertions:
  - activation: {state: invalid, share: 50%}
  - activations: {server: act, outcome: rate-limited, at_most: 0}
)");
  ASSERT_TRUE(result.scenario) << all_errors(result);
  const ServerSpec& server = result.scenario->servers[0];
  ASSERT_TRUE(server.activation);
  EXPECT_EQ(server.activation->path, "/onboard");
  EXPECT_EQ(server.activation->failures_max, 3u);
  EXPECT_EQ(server.activation->failure_window, fw::seconds(120));
  ASSERT_EQ(server.activation->codes.size(), 2u);
  EXPECT_EQ(server.activation->codes[0].code, "");
  EXPECT_FALSE(server.activation->codes[0].expires);
  EXPECT_EQ(server.activation->codes[1].expires, fw::seconds(3600));
  EXPECT_EQ(server.activation->codes[1].mac, "000e08000001");
  const auto& timeline = result.scenario->timeline;
  ASSERT_EQ(timeline.size(), 2u);
  EXPECT_EQ(timeline[0].kind, TimelineEvent::Kind::ActivationCode);
  EXPECT_EQ(timeline[0].activation_code, "1234 5678 9012 3456");
  EXPECT_FALSE(timeline[0].issued_code);
  EXPECT_EQ(timeline[1].issued_code, 0u);
  EXPECT_EQ(timeline[1].server, "act");
  const auto& assertions = result.scenario->assertions;
  EXPECT_EQ(assertions[0].kind, Assertion::Kind::Activation);
  EXPECT_EQ(assertions[0].equals, "invalid");
  EXPECT_EQ(assertions[1].kind, Assertion::Kind::Activations);
  EXPECT_EQ(assertions[1].equals, "rate-limited");
}

TEST(ScenarioLoaderTest, RejectsMisusedActivation) {
  LoadResult result = load(R"(fleet:
  - {name: desk, count: 1}
servers:
  - name: tftp
    kind: tftp
    address: 192.168.1.200
    activation: {codes: [{rule: x}]}
  - name: act
    kind: http
    address: 192.168.1.210
    activation:
      path: onboard
      codes:
        - {code: "5555", rule: "tftp://s/p.xml"}
        - {code: "1234567890123456"}
timeline:
  - {at: 1m, activation_code: {phones: desk}}
  - {at: 1m, activation_code: {phones: desk, issued: 0}}
assertions:
  - activation: {state: happy}
  - activations: {server: act, outcome: maybe, at_least: 1}
)");
  ASSERT_FALSE(result.scenario);
  const std::string errors = all_errors(result);
  for (const char* expected : {
           "test.yaml:7: servers[0].activation: needs kind http or https",
           "servers[1].activation.path: must start with '/'",
           "servers[1].activation.codes[0].code: expected 16 digits",
           "servers[1].activation.codes[1]: 'rule' is required",
           "timeline[0].activation_code: give either 'code'",
           "timeline[1].activation_code: 'issued' needs 'server'",
           "assertions[0].activation.state: expected one of idle, waiting",
           "assertions[1].activations.outcome: expected accepted, unknown",
       }) {
    EXPECT_NE(errors.find(expected), std::string::npos) << expected << "\n" << errors;
  }
  EXPECT_EQ(errors.find("5555"), std::string::npos);  // a code is never quoted back
}

TEST(ScenarioLoaderTest, MissingFileIsReported) {
  LoadResult result = load_scenario_file("/no/such/scenario.yaml");
  ASSERT_FALSE(result.scenario);
  EXPECT_EQ(result.errors[0].to_string(), "/no/such/scenario.yaml: cannot read the scenario file");
}

}  // namespace
}  // namespace scn
