#include "servers/metrics/server_metrics.h"

#include <gtest/gtest.h>

namespace srv {
namespace {

fw::Instant ms(std::int64_t count) { return fw::Instant() + fw::milliseconds(count); }

TEST(ServerMetricsTest, EmptyMetrics) {
  ServerMetrics metrics;
  EXPECT_EQ(metrics.requests(), 0u);
  EXPECT_TRUE(metrics.requests_per_second().empty());
  EXPECT_EQ(metrics.peak_concurrency(), 0u);
  EXPECT_EQ(metrics.latency_percentile(500), fw::Duration::zero());
}

TEST(ServerMetricsTest, RequestsPerSecondBucketsByFinish) {
  ServerMetrics metrics;
  metrics.add(ms(2000), ms(2100), "");
  metrics.add(ms(2500), ms(2999), "");
  metrics.add(ms(2900), ms(3000), "");
  metrics.add(ms(5000), ms(5500), "");
  EXPECT_EQ(metrics.first_second(), 2);
  EXPECT_EQ(metrics.requests_per_second(), (std::vector<std::uint32_t>{2, 1, 0, 1}));
}

TEST(ServerMetricsTest, ConcurrencyCountsHalfOpenIntervals) {
  ServerMetrics metrics;
  metrics.add(ms(0), ms(100), "");
  metrics.add(ms(50), ms(150), "");
  metrics.add(ms(100), ms(200), "");  // starts as the first ends
  metrics.add(ms(120), ms(130), "");
  EXPECT_EQ(metrics.concurrency_at(ms(60)), 2u);
  EXPECT_EQ(metrics.concurrency_at(ms(100)), 2u);
  EXPECT_EQ(metrics.concurrency_at(ms(125)), 3u);
  EXPECT_EQ(metrics.concurrency_at(ms(200)), 0u);
  EXPECT_EQ(metrics.peak_concurrency(), 3u);
}

TEST(ServerMetricsTest, LatencyPercentilesAreNearestRank) {
  ServerMetrics metrics;
  for (std::int64_t latency = 100; latency >= 1; --latency) metrics.add(ms(0), ms(latency), "");
  EXPECT_EQ(metrics.latency_percentile(500), fw::milliseconds(50));
  EXPECT_EQ(metrics.latency_percentile(990), fw::milliseconds(99));
  EXPECT_EQ(metrics.latency_percentile(1000), fw::milliseconds(100));
  EXPECT_EQ(metrics.latency_percentile(0), fw::milliseconds(1));
}

TEST(ServerMetricsTest, ErrorsFromHttpAndTftpRecords) {
  ServerMetrics metrics;
  HttpAccessRecord ok;
  ok.status = 200;
  ok.started = ms(0);
  ok.time = ms(40);
  HttpAccessRecord busy = ok;
  busy.status = 503;
  HttpAccessRecord dropped = ok;
  dropped.status = 0;
  TftpTransferRecord missing;
  missing.outcome = TftpTransferRecord::Outcome::NotFound;
  TftpTransferRecord done;
  for (const auto& record : {ok, busy, busy, dropped}) metrics.add(record);
  metrics.add(missing);
  metrics.add(done);
  EXPECT_EQ(metrics.requests(), 6u);
  EXPECT_EQ(metrics.errors(), (std::map<std::string, std::uint64_t>{
                                  {"http 503", 2}, {"no reply", 1}, {"tftp not found", 1}}));
  EXPECT_EQ(metrics.latency_percentile(1000), fw::milliseconds(40));
}

}  // namespace
}  // namespace srv
