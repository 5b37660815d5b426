#include "load/latency_histogram.h"

#include <gtest/gtest.h>

namespace load {
namespace {

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  for (std::uint64_t value = 0; value < LatencyHistogram::kLinearBuckets; ++value) {
    EXPECT_EQ(LatencyHistogram::bucket_highest(LatencyHistogram::bucket_of(value)), value);
  }
}

TEST(LatencyHistogramTest, EveryValueLiesInItsBucketWithinOneThirtySecond) {
  for (std::uint64_t value = 1; value < (std::uint64_t{1} << 40); value = value * 3 / 2 + 7) {
    const std::size_t bucket = LatencyHistogram::bucket_of(value);
    ASSERT_LT(bucket, LatencyHistogram::kBucketCount);
    const std::uint64_t highest = LatencyHistogram::bucket_highest(bucket);
    EXPECT_GE(highest, value);
    EXPECT_LE(highest - value, value / 32 + 1) << value;
    if (bucket > 0) {
      EXPECT_LT(LatencyHistogram::bucket_highest(bucket - 1), value) << value;
    }
  }
}

TEST(LatencyHistogramTest, ValuesPastTheMaximumAreClamped) {
  LatencyHistogram histogram;
  histogram.record(fw::seconds(100LL * 86400));
  EXPECT_EQ(histogram.max_microseconds(), LatencyHistogram::kValueMaxMicroseconds);
  EXPECT_EQ(LatencyHistogram::bucket_of(LatencyHistogram::kValueMaxMicroseconds), LatencyHistogram::kBucketCount - 1);
}

TEST(LatencyHistogramTest, PercentilesOfOneToAHundredMilliseconds) {
  LatencyHistogram histogram;
  for (int millisecond = 1; millisecond <= 100; ++millisecond) histogram.record(fw::milliseconds(millisecond));
  EXPECT_EQ(histogram.count(), 100u);
  // The highest value of the bucket holding the 50th / 99th value: within 1/32 above it.
  EXPECT_GE(histogram.percentile_microseconds(500'000), 50'000u);
  EXPECT_LE(histogram.percentile_microseconds(500'000), 50'000u + 50'000u / 32);
  EXPECT_GE(histogram.percentile_microseconds(990'000), 99'000u);
  EXPECT_LE(histogram.percentile_microseconds(990'000), 99'000u + 99'000u / 32);
  EXPECT_EQ(histogram.percentile_microseconds(1'000'000), 100'000u);
  EXPECT_EQ(histogram.sum_microseconds(), 5050'000u);
}

TEST(LatencyHistogramTest, EmptyHistogramReportsZero) {
  LatencyHistogram histogram;
  EXPECT_EQ(histogram.percentile_microseconds(990'000), 0u);
  EXPECT_EQ(histogram.count_at_or_below(1'000'000), 0u);
}

TEST(LatencyHistogramTest, NegativeSpansCountAsZero) {
  LatencyHistogram histogram;
  histogram.record(fw::milliseconds(-5));
  EXPECT_EQ(histogram.count(), 1u);
  EXPECT_EQ(histogram.max_microseconds(), 0u);
}

// The correction itself: a phone whose requests were due every 10 ms while the server stalled
// for one second. Measured from the actual send (after the stall), every request looks fast;
// measured from when each was due, the stall shows in the tail.
TEST(LatencyHistogramTest, IntendedStartShowsTheStallThatActualStartHides) {
  LatencyHistogram from_intended;
  LatencyHistogram from_actual;
  const fw::Duration stall = fw::seconds(1);
  const fw::Duration service = fw::milliseconds(1);
  for (int request = 0; request < 100; ++request) {
    const fw::Duration due = fw::milliseconds(10) * request;
    // Requests due during the stall go out when it ends.
    const fw::Duration sent = std::max(due, stall);
    const fw::Duration done = sent + service;
    from_intended.record(done - due);
    from_actual.record(done - sent);
  }
  EXPECT_LE(from_actual.percentile_microseconds(990'000), 1'100u);
  EXPECT_GE(from_intended.percentile_microseconds(990'000), 990'000u);
  EXPECT_GE(from_intended.percentile_microseconds(500'000), 500'000u);
}

TEST(LatencyHistogramTest, CountAtOrBelowFollowsBuckets) {
  LatencyHistogram histogram;
  histogram.record(fw::microseconds(10));
  histogram.record(fw::milliseconds(2));
  histogram.record(fw::milliseconds(20));
  EXPECT_EQ(histogram.count_at_or_below(1'000), 1u);
  EXPECT_EQ(histogram.count_at_or_below(2'500), 2u);
  EXPECT_EQ(histogram.count_at_or_below(25'000), 3u);
}

TEST(LatencyHistogramTest, MergeAddsCounts) {
  LatencyHistogram first;
  LatencyHistogram second;
  first.record(fw::milliseconds(1));
  second.record(fw::milliseconds(3));
  first.merge(second);
  EXPECT_EQ(first.count(), 2u);
  EXPECT_EQ(first.max_microseconds(), 3'000u);
}

}  // namespace
}  // namespace load
