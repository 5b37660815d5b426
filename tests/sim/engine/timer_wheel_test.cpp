#include "sim/engine/timer_wheel.h"

#include <algorithm>
#include <cstdint>
#include <queue>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "firmware-core/base/random_stream.h"

namespace sim {
namespace {

using Key = std::tuple<std::uint64_t, std::uint64_t>;  // (time, sequence)

// Random pushes and pops against a sorted reference: the wheel must give exactly (time, sequence)
// order, across every level (delays from 0 up to 2^50 ns) and with many equal times.
TEST(TimerWheelTest, PopsInTimeThenSequenceOrderLikeAHeap) {
  fw::RandomStream random(7);
  TimerWheel wheel;
  std::priority_queue<Key, std::vector<Key>, std::greater<>> reference;
  std::uint64_t now = 0;
  std::uint64_t sequence = 0;
  for (int round = 0; round < 200'000; ++round) {
    if (random.chance(3, 5) || reference.empty()) {
      const int magnitude = static_cast<int>(random.below(51));
      const std::uint64_t delay =
          random.chance(1, 4) ? 0 : random.below(std::uint64_t{1} << magnitude);
      ++sequence;
      wheel.push(WheelEntry{now + delay, sequence, 0, 0});
      reference.emplace(now + delay, sequence);
    } else {
      const auto entry = wheel.pop_until(UINT64_MAX);
      ASSERT_TRUE(entry.has_value());
      const auto [time, expected_sequence] = reference.top();
      reference.pop();
      ASSERT_EQ(entry->time_ns, time);
      ASSERT_EQ(entry->sequence, expected_sequence);
      now = time;
    }
  }
  ASSERT_EQ(wheel.size(), reference.size());
}

TEST(TimerWheelTest, PopUntilStopsBeforeLaterEntriesAndAcceptsEarlierPushes) {
  TimerWheel wheel;
  wheel.push(WheelEntry{1'000'000, 1, 0, 0});
  EXPECT_FALSE(wheel.pop_until(999'999).has_value());
  EXPECT_LE(wheel.cursor(), 999'999u);
  // A push between the limit and the pending entry must still come out first.
  wheel.push(WheelEntry{999'999, 2, 0, 0});
  EXPECT_EQ(wheel.pop_until(UINT64_MAX)->sequence, 2u);
  EXPECT_EQ(wheel.pop_until(UINT64_MAX)->sequence, 1u);
  EXPECT_TRUE(wheel.empty());
  EXPECT_FALSE(wheel.pop_until(UINT64_MAX).has_value());
}

TEST(TimerWheelTest, ManyEqualTimesComeOutInInsertionOrderAcrossChunks) {
  TimerWheel wheel;
  std::uint64_t sequence = 0;
  for (int index = 0; index < 1000; ++index) wheel.push(WheelEntry{5'000'000, ++sequence, 0, 0});
  for (std::uint64_t expected = 1; expected <= 500; ++expected)
    ASSERT_EQ(wheel.pop_until(UINT64_MAX)->sequence, expected);
  // Pushed now, at the current time, they queue behind the 500 still pending.
  for (int index = 0; index < 100; ++index) wheel.push(WheelEntry{5'000'000, ++sequence, 0, 0});
  for (std::uint64_t expected = 501; expected <= 1100; ++expected)
    ASSERT_EQ(wheel.pop_until(UINT64_MAX)->sequence, expected);
  EXPECT_TRUE(wheel.empty());
}

TEST(TimerWheelTest, HandlesTheLargestTimes) {
  TimerWheel wheel;
  const std::uint64_t late = (std::uint64_t{1} << 63) - 1;
  wheel.push(WheelEntry{late, 1, 0, 0});
  wheel.push(WheelEntry{late - 1, 2, 0, 0});
  EXPECT_EQ(wheel.pop_until(UINT64_MAX)->time_ns, late - 1);
  EXPECT_EQ(wheel.pop_until(UINT64_MAX)->time_ns, late);
}

}  // namespace
}  // namespace sim
