#include "firmware-core/runtime/firmware_banks.h"

#include <gtest/gtest.h>

#include "firmware-core/agent/firmware_image.h"
#include "sim/flash/sim_flash.h"

namespace fw {
namespace {

Bytes image(std::string_view version, std::size_t body_bytes = 1000) {
  Bytes body(body_bytes);
  for (std::size_t index = 0; index < body.size(); ++index) {
    body[index] = static_cast<std::uint8_t>(index * 7 + version.size());
  }
  return build_firmware_image("sip68xx", version, body);
}

TEST(FirmwareBanksTest, FactoryPhoneBootsNoBank) {
  sim::SimFlash flash;
  FirmwareBanks banks(flash);
  EXPECT_FALSE(banks.boot());
}

TEST(FirmwareBanksTest, InstallsAlternateBetweenTheBanks) {
  sim::SimFlash flash;
  FirmwareBanks banks(flash);
  banks.boot();
  ASSERT_TRUE(banks.install(image("sip68xx.12-0-2")));
  auto first = FirmwareBanks(flash).boot();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->bank, FirmwareBank::A);
  EXPECT_EQ(first->version, "sip68xx.12-0-2");

  FirmwareBanks second_life(flash);
  second_life.boot();
  ASSERT_TRUE(second_life.install(image("sip68xx.12-0-3")));
  auto second = FirmwareBanks(flash).boot();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->bank, FirmwareBank::B);
  EXPECT_EQ(second->version, "sip68xx.12-0-3");
  EXPECT_EQ(second->sequence, first->sequence + 1);
}

TEST(FirmwareBanksTest, DamagedPrimaryMarkerFallsBackToTheBackup) {
  sim::SimFlash flash;
  FirmwareBanks banks(flash);
  banks.boot();
  ASSERT_TRUE(banks.install(image("sip68xx.12-0-2")));
  ASSERT_TRUE(flash.write(FirmwareBanks::kMarkerPrimary, to_bytes("garbage")));
  ASSERT_TRUE(flash.sync(FirmwareBanks::kMarkerPrimary));
  auto booted = FirmwareBanks(flash).boot();
  ASSERT_TRUE(booted);
  EXPECT_EQ(booted->version, "sip68xx.12-0-2");
}

TEST(FirmwareBanksTest, DamagedActiveBankIsNotBooted) {
  sim::SimFlash flash;
  FirmwareBanks banks(flash);
  banks.boot();
  ASSERT_TRUE(banks.install(image("sip68xx.12-0-2")));
  Bytes damaged = *flash.read(FirmwareBanks::kBankA);
  damaged.back() ^= 1;
  ASSERT_TRUE(flash.write(FirmwareBanks::kBankA, damaged));
  ASSERT_TRUE(flash.sync(FirmwareBanks::kBankA));
  EXPECT_FALSE(FirmwareBanks(flash).boot());
}

// Power lost at every flash step of an install, under every torn-write model: the next boot runs
// either the old image or the new one, never anything else, and the new one only once the
// install reached its marker.
TEST(FirmwareBanksTest, PowerLossAtEveryStepBootsTheOldOrTheNewImage) {
  for (sim::TornWrite torn :
       {sim::TornWrite::DropPending, sim::TornWrite::KeepProgrammed, sim::TornWrite::SeededMix}) {
    std::uint64_t steps = 0;
    {
      sim::SimFlash flash(torn, 7);
      FirmwareBanks banks(flash);
      banks.boot();
      ASSERT_TRUE(banks.install(image("sip68xx.12-0-2")));
      FirmwareBanks again(flash);
      again.boot();
      const std::uint64_t before = flash.steps_taken();
      ASSERT_TRUE(again.install(image("sip68xx.12-0-3")));
      steps = flash.steps_taken() - before;
    }
    ASSERT_GT(steps, 4u);
    for (std::uint64_t crash_at = 0; crash_at <= steps; ++crash_at) {
      SCOPED_TRACE("torn " + std::to_string(static_cast<int>(torn)) + " crash at step " +
                   std::to_string(crash_at));
      sim::SimFlash flash(torn, 7 + crash_at);
      FirmwareBanks banks(flash);
      banks.boot();
      ASSERT_TRUE(banks.install(image("sip68xx.12-0-2")));
      FirmwareBanks again(flash);
      again.boot();
      flash.lose_power_after(crash_at);
      const bool installed = static_cast<bool>(again.install(image("sip68xx.12-0-3")));
      flash.power_cycle();
      auto booted = FirmwareBanks(flash).boot();
      ASSERT_TRUE(booted);
      if (installed) {
        EXPECT_EQ(booted->version, "sip68xx.12-0-3");
      } else {
        EXPECT_TRUE(booted->version == "sip68xx.12-0-2" || booted->version == "sip68xx.12-0-3")
            << booted->version;
      }
    }
  }
}

}  // namespace
}  // namespace fw
