#include "sim/platform/sim_platform.h"

#include <array>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/firmware-core/runtime/recording_listener.h"

namespace sim {
namespace {

using fw::Instant;
using fw::conformance::RecordingListener;

constexpr fw::Ipv4Address kPhone{0x0A000002};
constexpr std::int64_t kStart = 1'767'225'600;  // 2026-01-01T00:00:00Z

PhoneSettings phone_settings(std::int32_t drift_ppm = 0) {
  return PhoneSettings{.name = "SEP001122334455",
                       .address = kPhone,
                       .entity_id = 9,
                       .wall_start = {kStart},
                       .drift_ppm = drift_ppm};
}

TEST(SimPlatformTest, WallClockStartsAtTheSettingAndFollowsVirtualTime) {
  SimWorld world(1);
  SimPlatform phone(world, phone_settings());
  EXPECT_EQ(phone.wall_clock().unix_seconds, kStart);
  world.engine.run_until(Instant::from_seconds(86'400) - fw::Duration(1));
  EXPECT_EQ(phone.wall_clock().unix_seconds, kStart + 86'399);
}

TEST(SimPlatformTest, WallClockDriftsInWholePartsPerMillion) {
  SimWorld world(1);
  SimPlatform fast(world, phone_settings(100));
  SimPlatform slow(world, phone_settings(-250));
  world.engine.run_until(Instant::from_seconds(10'000));  // +1 s and -2.5 s
  EXPECT_EQ(fast.wall_clock().unix_seconds, kStart + 10'001);
  EXPECT_EQ(slow.wall_clock().unix_seconds, kStart + 9'997);
  // Changing the drift keeps the reading continuous.
  fast.set_drift_ppm(0);
  world.engine.run_until(Instant::from_seconds(20'000));
  EXPECT_EQ(fast.wall_clock().unix_seconds, kStart + 20'001);
}

TEST(SimPlatformTest, WallClockCanBeStepped) {
  SimWorld world(1);
  SimPlatform phone(world, phone_settings());
  world.engine.run_until(Instant::from_seconds(5));
  phone.step_wall_clock({0});  // an RTC reset to 1970
  EXPECT_EQ(phone.wall_clock().unix_seconds, 0);
  world.engine.run_until(Instant::from_seconds(65));
  EXPECT_EQ(phone.wall_clock().unix_seconds, 60);
  EXPECT_EQ(phone.now(), Instant::from_seconds(65)) << "the monotonic clock never steps";
}

TEST(SimPlatformTest, EntropyReplaysPerSeedAndPhone) {
  auto draw = [](std::uint64_t seed, std::uint64_t entity) {
    SimWorld world(seed);
    PhoneSettings settings = phone_settings();
    settings.entity_id = entity;
    SimPlatform phone(world, settings);
    std::array<std::uint8_t, 13> bytes{};
    phone.fill_random(bytes);
    return bytes;
  };
  EXPECT_EQ(draw(1, 1), draw(1, 1));
  EXPECT_NE(draw(1, 1), draw(1, 2));
  EXPECT_NE(draw(1, 1), draw(2, 1));
}

TEST(SimPlatformTest, TraceGoesToTheWorldLogUnderThePhoneName) {
  std::ostringstream out;
  SimWorld world(77, &out);
  SimPlatform phone(world, phone_settings());
  world.engine.run_until(Instant::from_seconds(1));
  const std::array<fw::TraceField, 1> fields = {{{"url", "tftp://10.0.1.1:69/a.cfg"}}};
  phone.trace(fw::Severity::Error, "resync", "failed", fields);
  EXPECT_EQ(world.trace.errors(), 1u);
  // The seed first, the network's settings, then the phone's event as the last line.
  const std::string text = out.str();
  EXPECT_TRUE(text.starts_with("{\"seed\":77}\n"));
  EXPECT_TRUE(text.ends_with(
      "\n{\"t\":1000000000,\"phone\":\"SEP001122334455\",\"severity\":\"error\","
      "\"component\":\"resync\",\"event\":\"failed\","
      "\"fields\":{\"url\":\"tftp://10.0.1.1:69/a.cfg\"}}\n"))
      << text;
}

TEST(SimPlatformTest, RebootDeliversNothingOfTheOldLifeThenCallsTheHandler) {
  SimWorld world(1);
  PhoneSettings settings = phone_settings();
  settings.boot_delay = fw::seconds(30);
  SimPlatform phone(world, settings);
  RecordingListener old_life;
  phone.set_listener(&old_life);
  phone.set_timer(1, Instant::from_seconds(10));
  const fw::QueryId query = phone.resolve("prov.example.com");
  EXPECT_NE(query, 0u);
  ASSERT_TRUE(phone.open_udp(5060));
  phone.reboot();
  EXPECT_FALSE(phone.powered());
  RecordingListener new_life;
  Instant booted;
  phone.set_reboot_handler([&] {
    booted = phone.now();
    phone.set_listener(&new_life);
    phone.set_timer(2, phone.now() + fw::seconds(1));
  });
  world.engine.run_until(Instant::from_seconds(100));
  EXPECT_TRUE(old_life.events.empty());
  EXPECT_EQ(booted, Instant::from_seconds(30));
  EXPECT_EQ(new_life.events, (std::vector<std::string>{"timer 2"}));
  EXPECT_TRUE(phone.open_udp(5060)) << "the old life's port was released";
  EXPECT_NE(phone.resolve("prov.example.com"), query) << "handles are never reused";
}

TEST(SimPlatformTest, APhoneDestroyedDuringItsBootDelayLeavesNothingInTheQueue) {
  SimWorld world(1);
  int boots = 0;
  {
    PhoneSettings settings = phone_settings();
    settings.boot_delay = fw::seconds(30);
    SimPlatform phone(world, settings);
    phone.set_reboot_handler([&] { ++boots; });
    phone.reboot();
  }
  world.engine.run_until(Instant::from_seconds(100));
  EXPECT_EQ(boots, 0);
}

TEST(SimPlatformTest, PowerLossDropsUnsyncedFlashWritesAndTakesTheHostDown) {
  SimWorld world(1);
  SimPlatform phone(world, phone_settings());
  ASSERT_TRUE(phone.flash().write("config", fw::as_bytes("old")));
  ASSERT_TRUE(phone.flash().sync("config"));
  ASSERT_TRUE(phone.flash().write("config", fw::as_bytes("new")));
  phone.power_off(true);
  EXPECT_FALSE(world.network.host_up(kPhone));
  phone.power_on();
  EXPECT_TRUE(world.network.host_up(kPhone));
  const auto contents = phone.flash().read("config");
  ASSERT_TRUE(contents);
  EXPECT_EQ(fw::as_text(*contents), "old");
}

}  // namespace
}  // namespace sim
