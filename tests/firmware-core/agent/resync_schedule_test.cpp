#include "firmware-core/agent/resync_schedule.h"

#include <gtest/gtest.h>

namespace fw {
namespace {

Schedule schedule(std::string_view text) {
  auto parsed = parse_schedule(text);
  EXPECT_TRUE(parsed) << text;
  return parsed ? *parsed : Schedule{};
}

constexpr std::int64_t kDay = 20'000 * kSecondsPerDay;  // 2024-10-04 00:00:00 UTC

TEST(ResyncScheduleTest, PowerOnDelayIsInTwentySecondUnits) {
  RandomStream random(7);
  std::int64_t smallest = 1'000;
  std::int64_t largest = -1;
  for (int i = 0; i < 2'000; ++i) {
    const std::int64_t delay = power_on_delay_s(2, random);
    smallest = std::min(smallest, delay);
    largest = std::max(largest, delay);
  }
  EXPECT_EQ(smallest, 0);
  EXPECT_EQ(largest, 40);
  EXPECT_EQ(power_on_delay_s(0, random), 0);
  EXPECT_LE(power_on_delay_s(65535, random), 65535 * 20);
}

TEST(ResyncScheduleTest, ListAdvancesAndLastEntryRepeats) {
  const Schedule retry = schedule("60,120,240");
  RandomStream random(1);
  EXPECT_EQ(schedule_delay_s(retry, 0, random), 60);
  EXPECT_EQ(schedule_delay_s(retry, 1, random), 120);
  EXPECT_EQ(schedule_delay_s(retry, 2, random), 240);
  EXPECT_EQ(schedule_delay_s(retry, 3, random), 240);
  EXPECT_EQ(schedule_delay_s(retry, 100, random), 240);
}

TEST(ResyncScheduleTest, RangeAddsUniformRandomSeconds) {
  const Schedule periodic = schedule("2400+30");
  RandomStream random(3);
  bool saw_low = false;
  bool saw_high = false;
  for (int i = 0; i < 2'000; ++i) {
    const std::int64_t delay = schedule_delay_s(periodic, 0, random);
    ASSERT_GE(delay, 2400);
    ASSERT_LE(delay, 2430);
    saw_low |= delay == 2400;
    saw_high |= delay == 2430;
  }
  EXPECT_TRUE(saw_low);
  EXPECT_TRUE(saw_high);
}

TEST(ResyncScheduleTest, ListOfRanges) {
  const Schedule periodic = schedule("1800+300,3600+600");
  RandomStream random(5);
  for (int i = 0; i < 200; ++i) {
    const std::int64_t first = schedule_delay_s(periodic, 0, random);
    const std::int64_t later = schedule_delay_s(periodic, 5, random);
    ASSERT_GE(first, 1800);
    ASSERT_LE(first, 2100);
    ASSERT_GE(later, 3600);
    ASSERT_LE(later, 4200);
  }
}

TEST(ResyncScheduleTest, DailyWindowRoundsToMinutesWithTenMinuteFloor) {
  EXPECT_EQ(daily_window_s(0), 600);
  EXPECT_EQ(daily_window_s(599), 600);
  EXPECT_EQ(daily_window_s(600), 600);
  EXPECT_EQ(daily_window_s(1000), 17 * 60);  // (1000 + 30) / 60 = 17 minutes
  EXPECT_EQ(daily_window_s(1049), 17 * 60);
  EXPECT_EQ(daily_window_s(1050), 18 * 60);
  EXPECT_EQ(daily_window_s(65535), 1092 * 60);
}

TEST(ResyncScheduleTest, NextDailyResyncIsTodayOrTomorrow) {
  const Hhmm at{2, 0};
  // 01:00 -> today 02:00 + offset.
  EXPECT_EQ(next_daily_resync_unix_s(kDay + 3600, at, 120), kDay + 7200 + 120);
  // 02:05, inside today's window: that window has opened, so tomorrow's.
  EXPECT_EQ(next_daily_resync_unix_s(kDay + 7500, at, 420), kDay + kSecondsPerDay + 7200 + 420);
  // Exactly at 02:00: tomorrow (strictly after now).
  EXPECT_EQ(next_daily_resync_unix_s(kDay + 7200, at, 0), kDay + kSecondsPerDay + 7200);
  // 03:00 -> tomorrow.
  EXPECT_EQ(next_daily_resync_unix_s(kDay + 10800, at, 0), kDay + kSecondsPerDay + 7200);
}

TEST(ResyncScheduleTest, DailyWindowAcrossMidnight) {
  const Hhmm at{23, 55};
  const std::int64_t start = kDay + 23 * 3600 + 55 * 60;
  // The point lies 8 minutes after 23:55, i.e. 00:03 the next day.
  EXPECT_EQ(next_daily_resync_unix_s(kDay + 22 * 3600, at, 480), start + 480);
  // After the resync at 00:03 the next one is in tonight's window, whatever the new offset.
  EXPECT_EQ(next_daily_resync_unix_s(start + 480, at, 600), start + kSecondsPerDay + 600);
  EXPECT_EQ(next_daily_resync_unix_s(start + 480, at, 0), start + kSecondsPerDay);
}

TEST(ResyncScheduleTest, TwentyFourHundredIsMidnight) {
  EXPECT_EQ(next_daily_resync_unix_s(kDay + 3600, Hhmm{24, 0}, 30), kDay + kSecondsPerDay + 30);
  EXPECT_EQ(next_daily_resync_unix_s(kDay + 3600, Hhmm{24, 0}, 30),
            next_daily_resync_unix_s(kDay + 3600, Hhmm{0, 0}, 30));
  // One second before midnight: tonight's.
  EXPECT_EQ(next_daily_resync_unix_s(kDay - 1, Hhmm{24, 0}, 30), kDay + 30);
}

TEST(ResyncScheduleTest, WallClockBefore1970) {
  // An RTC reset and stepped back: floor division keeps days aligned.
  EXPECT_EQ(next_daily_resync_unix_s(-3600, Hhmm{2, 0}, 0), 7200);
  EXPECT_EQ(next_daily_resync_unix_s(-kSecondsPerDay - 60, Hhmm{0, 0}, 120), -kSecondsPerDay + 120);
}

}  // namespace
}  // namespace fw
