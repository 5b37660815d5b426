#include "servers/faults/random_faults.h"

#include <set>

#include <gtest/gtest.h>

namespace srv {
namespace {

RandomFaultSpec spec() {
  RandomFaultSpec result;
  result.count = 50;
  result.kinds = {FaultKind::Status, FaultKind::Drop, FaultKind::Latency, FaultKind::Truncate,
                  FaultKind::Corrupt, FaultKind::Stall};
  result.servers = 3;
  result.from = fw::Instant::from_seconds(60);
  result.until = fw::Instant::from_seconds(7200);
  result.length_min = fw::seconds(30);
  result.length_max = fw::seconds(600);
  result.share_ppm = 500'000;
  return result;
}

std::string printed(const std::vector<DrawnFault>& faults) {
  std::string text;
  for (const DrawnFault& fault : faults) text += std::to_string(fault.server) + " " + fault.window.to_string() + "\n";
  return text;
}

TEST(RandomFaultsTest, SameSeedSamePlanOtherSeedOtherPlan) {
  fw::RandomStream first(42);
  fw::RandomStream again(42);
  fw::RandomStream other(43);
  const std::string plan = printed(draw_faults(spec(), first));
  EXPECT_EQ(plan, printed(draw_faults(spec(), again)));
  EXPECT_NE(plan, printed(draw_faults(spec(), other)));
}

TEST(RandomFaultsTest, WindowsStayInsideTheSpec) {
  fw::RandomStream random(7);
  const std::vector<DrawnFault> faults = draw_faults(spec(), random);
  ASSERT_EQ(faults.size(), 50u);
  std::set<FaultKind> kinds;
  std::set<std::size_t> servers;
  for (std::size_t index = 0; index < faults.size(); ++index) {
    const FaultWindow& window = faults[index].window;
    EXPECT_LT(faults[index].server, 3u);
    EXPECT_GE(window.from, fw::Instant::from_seconds(60));
    EXPECT_LT(window.from, fw::Instant::from_seconds(7200));
    EXPECT_GE(window.until - window.from, fw::seconds(30));
    EXPECT_LE(window.until - window.from, fw::seconds(600));
    EXPECT_EQ(window.share_ppm, 500'000u);
    if (index > 0) {
      EXPECT_LE(faults[index - 1].window.from, window.from);
    }
    if (window.kind == FaultKind::Status) {
      EXPECT_TRUE(window.status == 404 || window.status == 500 || window.status == 503);
      if (window.retry_after_s) {
        EXPECT_EQ(window.status, 503u);
      }
    }
    if (window.kind == FaultKind::Latency) {
      EXPECT_GE(window.latency, fw::seconds(1));
      EXPECT_LE(window.latency, fw::seconds(10));
    }
    if (window.kind == FaultKind::Truncate) {
      EXPECT_LE(window.keep_bytes, kTruncateKeepBytesMax);
    }
    if (window.kind == FaultKind::Corrupt) {
      EXPECT_GE(window.corrupt_bytes, 1u);
      EXPECT_LE(window.corrupt_bytes, kCorruptBytesMax);
    }
    kinds.insert(window.kind);
    servers.insert(faults[index].server);
  }
  EXPECT_EQ(kinds.size(), 6u);  // 50 draws over 6 kinds reach every kind at this seed
  EXPECT_EQ(servers.size(), 3u);
}

TEST(RandomFaultsTest, OnlyTheListedKindsAreDrawn) {
  RandomFaultSpec only_status = spec();
  only_status.kinds = {FaultKind::Status};
  only_status.length_min = only_status.length_max = fw::seconds(120);
  fw::RandomStream random(1);
  for (const DrawnFault& fault : draw_faults(only_status, random)) {
    EXPECT_EQ(fault.window.kind, FaultKind::Status);
    EXPECT_EQ(fault.window.until - fault.window.from, fw::seconds(120));
  }
}

}  // namespace
}  // namespace srv
