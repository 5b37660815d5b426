#include "servers/admission/service_queue.h"

#include <gtest/gtest.h>

namespace srv {
namespace {

using Admission = ServiceQueue::Admission;

fw::Instant at_s(std::int64_t seconds) { return fw::Instant::from_seconds(seconds); }

TEST(ServiceQueueTest, ServesUpToTheLimitQueuesFifoAndRefusesPastTheQueue) {
  ServiceQueue queue({2, 2});
  EXPECT_EQ(queue.arrive(at_s(0), 1), Admission::Serve);
  EXPECT_EQ(queue.arrive(at_s(0), 2), Admission::Serve);
  EXPECT_EQ(queue.arrive(at_s(1), 3), Admission::Wait);
  EXPECT_EQ(queue.arrive(at_s(2), 4), Admission::Wait);
  EXPECT_EQ(queue.arrive(at_s(2), 5), Admission::Refuse);  // at the queue limit
  EXPECT_EQ(queue.refused(), 1u);
  EXPECT_EQ(queue.peak_waiting(), 2u);

  EXPECT_EQ(queue.finish(at_s(4), 2), std::optional<std::uint64_t>(3));  // first come, first served
  EXPECT_EQ(queue.finish(at_s(10), 1), std::optional<std::uint64_t>(4));
  EXPECT_EQ(queue.finish(at_s(11), 3), std::nullopt);
  EXPECT_EQ(queue.in_service(), 1u);
  ASSERT_EQ(queue.waits().size(), 2u);
  EXPECT_EQ(queue.waits()[0], fw::seconds(3));
  EXPECT_EQ(queue.waits()[1], fw::seconds(8));
  EXPECT_EQ(queue.wait_percentile(500), fw::seconds(3));
  EXPECT_EQ(queue.wait_percentile(1000), fw::seconds(8));
  const std::vector<std::pair<fw::Instant, std::uint32_t>> series = {
      {at_s(1), 1}, {at_s(2), 2}, {at_s(4), 1}, {at_s(10), 0}};
  EXPECT_EQ(queue.queue_length_series(), series);
}

TEST(ServiceQueueTest, AWaitingClientThatLeavesFreesItsPlace) {
  ServiceQueue queue({1, 1});
  EXPECT_EQ(queue.arrive(at_s(0), 1), Admission::Serve);
  EXPECT_EQ(queue.arrive(at_s(0), 2), Admission::Wait);
  EXPECT_EQ(queue.finish(at_s(1), 2), std::nullopt);  // gave up waiting
  EXPECT_EQ(queue.waiting(), 0u);
  EXPECT_EQ(queue.arrive(at_s(2), 3), Admission::Wait);
  EXPECT_EQ(queue.finish(at_s(3), 1), std::optional<std::uint64_t>(3));
  EXPECT_EQ(queue.waits(), std::vector<fw::Duration>{fw::seconds(1)});
}

TEST(ServiceQueueTest, NoLimitServesEveryoneAndNoQueueRefusesAtOnce) {
  ServiceQueue unlimited;
  for (std::uint64_t id = 0; id < 1000; ++id) EXPECT_EQ(unlimited.arrive(at_s(0), id), Admission::Serve);
  ServiceQueue no_queue({1, 0});
  EXPECT_EQ(no_queue.arrive(at_s(0), 1), Admission::Serve);
  EXPECT_EQ(no_queue.arrive(at_s(0), 2), Admission::Refuse);
  EXPECT_EQ(no_queue.wait_percentile(990), fw::Duration{0});
}

}  // namespace
}  // namespace srv
