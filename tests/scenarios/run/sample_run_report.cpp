#include "tests/scenarios/run/sample_run_report.h"

#include "firmware-core/base/random_stream.h"

namespace scn::testing {

RunReport sample_run_report() {
  RunReport report;
  report.scenario_name = "quickstart";
  report.scenario_file = "scenarios/quickstart.yaml";
  report.description =
      "1,000 phones of mixed models: TFTP + HTTPS (mTLS, gzip+AES) + syslog, 24 virtual hours "
      "with a server outage and a power outage";
  report.seed = 42;
  report.reproduce_command = "phonesim run scenarios/quickstart.yaml --seed 42";
  report.virtual_duration = fw::seconds(24 * 3600);
  report.wall_seconds = 3.217;
  report.phones = 1000;
  report.events = 4'812'377;
  report.trace_hash = "9c2f5e0a41d7b3e8";
  report.phones_converged = 973;

  report.assertions = {
      {"converged 99% by 2h",
       "converged",
       "quickstart.yaml:61",
       true,
       "at least 99% of 1000 phones",
       "99.6% (996 of 1000)",
       {}},
      {"tftp peak below 50/s",
       "requests",
       "quickstart.yaml:64",
       true,
       "peak at most 50 per second",
       "41 per second at 12h00m03s",
       {}},
      {"all phones converged at the end",
       "converged",
       "quickstart.yaml:67",
       false,
       "100% of 1000 phones",
       "97.3% (973 of 1000)",
       {"lobby[17] 00:0e:08:00:00:12: last resync failed: file not found",
        "lobby[211] 00:0e:08:00:00:d4: last resync failed: tls handshake failed",
        "... and 25 more"}},
      {"no resync while disabled",
       "invariant",
       "quickstart.yaml:70",
       true,
       "never",
       "0 violations",
       {}},
  };

  report.bucket_width = fw::seconds(600);
  constexpr std::size_t kBuckets = 24 * 6;
  fw::RandomStream random(7);
  TimeSeries tftp{"tftp", "per bucket", {}};
  TimeSeries https{"https", "per bucket", {}};
  TimeSeries tftp_open{"tftp", "connections", {}};
  TimeSeries https_open{"https", "connections", {}};
  report.successes = {"successful resyncs", "per bucket", {}};
  report.failures = {"failed resyncs", "per bucket", {}};
  for (std::size_t i = 0; i < kBuckets; ++i) {
    const bool tftp_down = i >= 36 && i < 42;        // 6h to 7h
    const bool after_power = i >= 72 && i < 76;      // 12h: every phone boots again
    const std::uint64_t base = 6 + random.below(5);  // periodic resyncs
    const std::uint64_t herd = (i < 3 || after_power) ? 900 - 180 * (i % 4) : 0;
    const std::uint64_t tftp_requests = base + herd + (tftp_down ? 40 : 0);
    tftp.values.push_back(tftp_requests);
    https.values.push_back(base / 2 + herd / 2);
    tftp_open.values.push_back(tftp_requests / 20 + random.below(3));
    https_open.values.push_back(herd / 40 + random.below(2));
    report.successes.values.push_back(tftp_down ? 0 : base + herd);
    report.failures.values.push_back(tftp_down ? 40 : random.below(2));
  }
  report.requests_per_server = {tftp, https};
  report.concurrency_per_server = {tftp_open, https_open};
  for (std::size_t phone = 0; phone < 973; ++phone) {
    report.first_resync_delay_s.push_back(static_cast<std::int64_t>(random.below(600)) +
                                          (random.chance(1, 10) ? 1800 : 0));
  }
  report.retry_histogram = {{0, 812}, {1, 101}, {2, 38}, {3, 14}, {5, 8}};
  report.errors_by_err = {
      {"file not found", 31}, {"tftp timeout", 244}, {"tls handshake failed", 9}};
  report.servers = {
      {"tftp", "tftp", "192.168.1.200:69", 16'912, 284, 41, 52, 12, 48, 310},
      {"web", "https", "192.168.1.201:443", 7'340, 9, 19, 23, 35, 81, 402},
      {"syslog", "syslog", "192.168.1.202:514", 24'101, 0, 44, 0, 0, 0, 0},
  };
  report.timelines = {
      {"lobby[0] 00:0e:08:00:00:01",
       {{fw::seconds(0), "power on"},
        {fw::seconds(37), "resync started tftp://192.168.1.200/CP-8841-3PCC.cfg"},
        {fw::milliseconds(37'412), "resync succeeded"},
        {fw::seconds(6 * 3600 + 120), "resync failed: tftp timeout"},
        {fw::seconds(7 * 3600 + 120), "resync succeeded"},
        {fw::seconds(12 * 3600), "power off"},
        {fw::seconds(12 * 3600 + 60), "power on"},
        {fw::seconds(12 * 3600 + 301), "resync succeeded"}}},
      {"lobby[17] 00:0e:08:00:00:12",
       {{fw::seconds(0), "power on"},
        {fw::seconds(12), "resync failed: file not found"},
        {fw::seconds(3612), "resync failed: file not found"}}},
  };
  return report;
}

}  // namespace scn::testing
