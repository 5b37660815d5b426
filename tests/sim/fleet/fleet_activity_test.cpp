#include "sim/fleet/fleet_activity.h"

#include <cmath>

#include <gtest/gtest.h>

namespace sim {
namespace {

using fw::Duration;
using fw::Instant;

TEST(FleetActivityTest, NegativeLogMatchesTheFloatingPointValue) {
  // Reference values from std::log, checked within 2^-28 (the table is exact integer arithmetic).
  constexpr std::uint64_t kMax = (std::uint64_t{1} << 53) - 1;
  EXPECT_EQ(negative_log_q32(kMax), 0u);  // U = 1
  const std::uint64_t samples[] = {0, 1, 12345, kMax / 2, kMax / 3, kMax / 1000, 987654321987ull};
  for (std::uint64_t bits : samples) {
    const double u = static_cast<double>(bits + 1) / 9007199254740992.0;
    const double expected = -std::log(u) * 4294967296.0;
    EXPECT_NEAR(static_cast<double>(negative_log_q32(bits)), expected, 256.0) << bits;
  }
}

TEST(FleetActivityTest, FixedAndUniformDrawsStayInRange) {
  fw::RandomStream random(7);
  EXPECT_EQ(DurationDistribution::fixed(fw::seconds(90)).draw(random), fw::seconds(90));
  const auto uniform = DurationDistribution::uniform(fw::seconds(30), fw::seconds(300));
  bool low_half = false;
  bool high_half = false;
  for (int draw = 0; draw < 1000; ++draw) {
    const Duration value = uniform.draw(random);
    ASSERT_GE(value, fw::seconds(30));
    ASSERT_LE(value, fw::seconds(300));
    (value < fw::seconds(165) ? low_half : high_half) = true;
  }
  EXPECT_TRUE(low_half && high_half);
}

TEST(FleetActivityTest, ExponentialDrawsHaveTheirMeanAndAreCapped) {
  fw::RandomStream random(11);
  const auto exponential = DurationDistribution::exponential(fw::seconds(180));
  std::int64_t total_ns = 0;
  constexpr int kDraws = 20'000;
  std::int64_t above_mean = 0;
  for (int draw = 0; draw < kDraws; ++draw) {
    const Duration value = exponential.draw(random);
    ASSERT_GE(value.count(), 0);
    ASSERT_LE(value, fw::seconds(180 * DurationDistribution::kExponentialMeansMax));
    total_ns += value.count();
    above_mean += value > fw::seconds(180) ? 1 : 0;
  }
  const double mean_s = static_cast<double>(total_ns) / kDraws / 1e9;
  EXPECT_NEAR(mean_s, 180.0, 6.0);
  // P(X > mean) = 1/e.
  EXPECT_NEAR(static_cast<double>(above_mean) / kDraws, 0.3679, 0.015);
}

TEST(FleetActivityTest, SameSeedSameDraws) {
  fw::RandomStream first(5);
  fw::RandomStream second(5);
  const auto exponential = DurationDistribution::exponential(fw::seconds(60));
  for (int draw = 0; draw < 100; ++draw) EXPECT_EQ(exponential.draw(first), exponential.draw(second));
}

TEST(FleetActivityTest, DistributionsPrintAsWritten) {
  EXPECT_EQ(DurationDistribution::fixed(fw::seconds(90)).to_string(), "90s");
  EXPECT_EQ(DurationDistribution::uniform(fw::milliseconds(500), fw::seconds(5)).to_string(),
            "uniform(500ms..5s)");
  EXPECT_EQ(DurationDistribution::exponential(fw::seconds(180)).to_string(), "exponential(180s)");
}

TEST(FleetActivityTest, ShareRoundsUpAndIsSorted) {
  fw::RandomStream random(3);
  const std::vector<std::size_t> picked = pick_share(1000, 100'000, random);  // 10%
  ASSERT_EQ(picked.size(), 100u);
  EXPECT_TRUE(std::is_sorted(picked.begin(), picked.end()));
  EXPECT_LT(picked.back(), 1000u);
  fw::RandomStream again(3);
  EXPECT_EQ(pick_share(1000, 100'000, again), picked);
  fw::RandomStream tiny(3);
  EXPECT_EQ(pick_share(3, 1, tiny).size(), 1u);  // any share of a non-empty set picks one
  fw::RandomStream whole(3);
  EXPECT_EQ(pick_share(std::vector<std::size_t>{9, 4, 7}, 1'000'000, whole),
            (std::vector<std::size_t>{4, 7, 9}));
}

TEST(FleetActivityTest, WaveSpreadsInsideItsWindow) {
  fw::RandomStream random(1);
  const Instant at = Instant::from_seconds(100);
  const std::vector<Instant> instants = spread_wave(500, at, fw::seconds(60), random);
  ASSERT_EQ(instants.size(), 500u);
  for (Instant instant : instants) {
    EXPECT_GE(instant, at);
    EXPECT_LT(instant, at + fw::seconds(60));
  }
  fw::RandomStream unused(1);
  for (Instant instant : spread_wave(3, at, Duration{0}, unused)) EXPECT_EQ(instant, at);
}

TEST(FleetActivityTest, CallsFollowOneAnotherWithoutOverlap) {
  fw::RandomStream random(9);
  CallPattern pattern;
  pattern.line = 1;
  pattern.gap = DurationDistribution::uniform(fw::seconds(600), fw::seconds(1200));
  pattern.length = DurationDistribution::fixed(fw::seconds(120));
  const Instant from = Instant::from_seconds(0);
  const Instant until = Instant::from_seconds(24 * 3600);
  auto calls = plan_calls(pattern, from, until, random);
  ASSERT_TRUE(calls);
  // Each cycle takes 720..1320 s: between 65 and 120 calls a day.
  EXPECT_GE(calls->size(), 65u);
  EXPECT_LE(calls->size(), 120u);
  Instant free_from = from;
  for (const PlannedCall& call : *calls) {
    EXPECT_EQ(call.line, 1u);
    EXPECT_EQ(call.length, fw::seconds(120));
    EXPECT_GE(call.start - free_from, fw::seconds(600));
    EXPECT_LT(call.start, until);
    free_from = call.start + call.length;
  }
}

TEST(FleetActivityTest, TooManyCallsIsAnError) {
  fw::RandomStream random(9);
  CallPattern pattern;
  pattern.gap = DurationDistribution::fixed(fw::milliseconds(1));
  pattern.length = DurationDistribution::fixed(fw::milliseconds(1));
  auto calls = plan_calls(pattern, Instant{}, Instant::from_seconds(3600), random);
  ASSERT_FALSE(calls);
  EXPECT_EQ(calls.error().code, fw::ErrorCode::InvalidValue);
  // At the limit it still plans.
  fw::RandomStream exact(9);
  auto at_limit = plan_calls(pattern, Instant{},
                             Instant{} + fw::milliseconds(2 * static_cast<std::int64_t>(kPlannedCallsMax)), exact);
  ASSERT_TRUE(at_limit);
  EXPECT_EQ(at_limit->size(), kPlannedCallsMax);
}

}  // namespace
}  // namespace sim
