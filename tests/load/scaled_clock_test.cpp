#include "load/scaled_clock.h"

#include <gtest/gtest.h>

namespace load {
namespace {

TEST(ScaledClockTest, ParsesFactorsInThousandths) {
  EXPECT_EQ(ScaledClock::parse_scale_thousandths("1"), 1000u);
  EXPECT_EQ(ScaledClock::parse_scale_thousandths("1440"), 1'440'000u);
  EXPECT_EQ(ScaledClock::parse_scale_thousandths("0.5"), 500u);
  EXPECT_EQ(ScaledClock::parse_scale_thousandths("2.25"), 2250u);
  EXPECT_EQ(ScaledClock::parse_scale_thousandths("0.001"), 1u);
  EXPECT_EQ(ScaledClock::parse_scale_thousandths("1000000"), 1'000'000'000u);
  for (const char* bad : {"", "0", "0.0", "0.0001", "1.", ".5", "-1", "1e3", "x", "1000001", "99999999999999999999"}) {
    EXPECT_FALSE(ScaledClock::parse_scale_thousandths(bad)) << bad;
  }
}

TEST(ScaledClockTest, PhoneTimeRunsScaleTimesFaster) {
  const ScaledClock clock(1'440'000, fw::WallTime{1'000'000});
  EXPECT_EQ(clock.phone_instant(fw::seconds(60)), fw::Instant::from_seconds(86'400));
  EXPECT_EQ(clock.phone_wall(fw::seconds(60)), fw::WallTime{1'000'000 + 86'400});
  EXPECT_EQ(clock.phone_wall(fw::Duration{0}), fw::WallTime{1'000'000});
}

TEST(ScaledClockTest, TimersFireAfterRealTimeOverScale) {
  const ScaledClock clock(60'000, fw::WallTime{0});  // an hour in a minute
  EXPECT_EQ(clock.real_elapsed_at(fw::Instant::from_seconds(3600)), fw::seconds(60));
  EXPECT_EQ(clock.to_real(fw::seconds(120)), fw::seconds(2));
}

TEST(ScaledClockTest, TimerNeverFiresBeforeItsPhoneDeadline) {
  const ScaledClock clock(3000, fw::WallTime{0});
  for (std::int64_t phone = 0; phone < 10'000; phone += 7) {
    const fw::Duration real = clock.real_elapsed_at(fw::Instant::from_nanoseconds(phone));
    EXPECT_GE(clock.phone_instant(real).nanoseconds(), phone) << phone;
  }
}

TEST(ScaledClockTest, SlowerThanRealTime) {
  const ScaledClock clock(500, fw::WallTime{0});
  EXPECT_EQ(clock.phone_instant(fw::seconds(10)), fw::Instant::from_seconds(5));
  EXPECT_EQ(clock.real_elapsed_at(fw::Instant::from_seconds(5)), fw::seconds(10));
}

TEST(ScaledClockTest, FarDeadlinesSaturateInsteadOfOverflowing) {
  const ScaledClock fast(ScaledClock::kScaleThousandthsMax, fw::WallTime{0});
  EXPECT_GT(fast.phone_instant(fw::seconds(100LL * 365 * 86400)).nanoseconds(), 0);
  const ScaledClock slow(1, fw::WallTime{0});
  EXPECT_EQ(slow.real_elapsed_at(fw::Instant::never()).count(), std::numeric_limits<std::int64_t>::max());
}

TEST(ScaledClockTest, MultiplyDivideKeepsPrecisionAndSaturates) {
  EXPECT_EQ(multiply_divide(std::int64_t{1} << 62, 1000, 1000), std::int64_t{1} << 62);
  EXPECT_EQ(multiply_divide(7, 3, 2), 10);
  EXPECT_EQ(multiply_divide(std::numeric_limits<std::int64_t>::max(), 2, 1), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(multiply_divide(5, 1, 0), 5);
}

}  // namespace
}  // namespace load
