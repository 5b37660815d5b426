#include "load/load_metrics.h"

#include <gtest/gtest.h>

#include <sstream>

namespace load {
namespace {

// Every line of the Prometheus text format: a # HELP / # TYPE comment or `name{labels} value`.
void expect_valid_exposition(const std::string& text) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.starts_with("# HELP ") || line.starts_with("# TYPE ")) continue;
    const std::size_t space = line.rfind(' ');
    ASSERT_NE(space, std::string::npos) << line;
    const std::string name = line.substr(0, line.find_first_of("{ "));
    EXPECT_TRUE(name.starts_with("phonesim_load_")) << line;
    const std::string value = line.substr(space + 1);
    EXPECT_EQ(value.find_first_not_of("0123456789."), std::string::npos) << line;
  }
}

TEST(LoadMetricsTest, PrometheusTextHasCountersByServerAndErrAndAHistogram) {
  LoadMetrics metrics(3, fw::seconds(1));
  metrics.phone_powered(0, fw::Duration{0});
  metrics.phone_powered(1, fw::Duration{0});
  metrics.fetch_started(0, "http://127.0.0.1:8080", fw::milliseconds(1));
  metrics.resync_finished(0, "http://127.0.0.1:8080", true, "", fw::Duration{0}, fw::milliseconds(1),
                          fw::milliseconds(3));
  metrics.fetch_started(1, "http://127.0.0.1:8080", fw::milliseconds(2));
  metrics.resync_finished(1, "http://127.0.0.1:8080", false, "file \"not\" found", fw::Duration{0},
                          fw::milliseconds(2), fw::milliseconds(30));
  const std::string text = metrics.prometheus_text();
  expect_valid_exposition(text);
  EXPECT_NE(text.find("# TYPE phonesim_load_requests_total counter\n"
                      "phonesim_load_requests_total{server=\"http://127.0.0.1:8080\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("phonesim_load_resyncs_total{result=\"success\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("phonesim_load_resync_failures_total{err=\"file \\\"not\\\" found\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("phonesim_load_phones_powered 2\n"), std::string::npos);
  EXPECT_NE(text.find("phonesim_load_phones_converged 1\n"), std::string::npos);
  // Cumulative buckets: 3 ms and 30 ms from the intended start.
  EXPECT_NE(text.find("phonesim_load_resync_latency_seconds_bucket{le=\"0.001\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("phonesim_load_resync_latency_seconds_bucket{le=\"0.005\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("phonesim_load_resync_latency_seconds_bucket{le=\"0.05\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("phonesim_load_resync_latency_seconds_bucket{le=\"+Inf\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("phonesim_load_resync_latency_seconds_sum 0.033000\n"), std::string::npos);
  EXPECT_NE(text.find("phonesim_load_resync_latency_seconds_count 2\n"), std::string::npos);
}

TEST(LoadMetricsTest, LabelValuesAreEscaped) {
  EXPECT_EQ(prometheus_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
}

TEST(LoadMetricsTest, ConvergedFollowsEachPhonesLastResync) {
  LoadMetrics metrics(2, fw::seconds(1));
  const auto finish = [&](std::uint64_t phone, bool success) {
    metrics.resync_finished(phone, "tftp://127.0.0.1:69", success, success ? "" : "timeout", fw::Duration{0},
                            fw::Duration{0}, fw::milliseconds(1));
  };
  finish(0, false);
  EXPECT_EQ(metrics.phones_converged(), 0u);
  finish(0, true);
  finish(1, true);
  EXPECT_EQ(metrics.phones_converged(), 2u);
  finish(1, false);
  EXPECT_EQ(metrics.phones_converged(), 1u);
}

TEST(LoadMetricsTest, ReportCarriesServersRetriesAndPhoneTimeDelays) {
  LoadMetrics metrics(1, fw::seconds(1));
  metrics.phone_powered(0, fw::Duration{0});
  metrics.fetch_started(0, "http://127.0.0.1:80", fw::milliseconds(100));
  metrics.resync_finished(0, "http://127.0.0.1:80", false, "connection refused", fw::milliseconds(100),
                          fw::milliseconds(100), fw::milliseconds(110));
  metrics.fetch_started(0, "http://127.0.0.1:80", fw::seconds(2));
  metrics.resync_finished(0, "http://127.0.0.1:80", true, "", fw::seconds(2), fw::seconds(2), fw::seconds(3));
  scn::RunReport report;
  metrics.fill_report(report, 10'000);  // time scale 10
  ASSERT_EQ(report.servers.size(), 1u);
  EXPECT_EQ(report.servers[0].kind, "http");
  EXPECT_EQ(report.servers[0].address, "127.0.0.1:80");
  EXPECT_EQ(report.servers[0].requests, 2u);
  EXPECT_EQ(report.servers[0].failures, 1u);
  EXPECT_EQ(report.errors_by_err.at("connection refused"), 1u);
  EXPECT_EQ(report.retry_histogram.at(1), 1u);
  ASSERT_EQ(report.first_resync_delay_s.size(), 1u);
  EXPECT_EQ(report.first_resync_delay_s[0], 30);  // 3 s real at scale 10
  EXPECT_EQ(report.bucket_width, fw::seconds(10));
  EXPECT_EQ(report.phones_converged, 1u);
}

}  // namespace
}  // namespace load
