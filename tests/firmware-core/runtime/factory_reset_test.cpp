#include "firmware-core/runtime/factory_reset.h"

#include <gtest/gtest.h>

#include "firmware-core/runtime/mic_store.h"
#include "sim/flash/sim_flash.h"

namespace fw {
namespace {

TEST(FactoryResetTest, ErasesTheConfigurationAndTheCustomCaButKeepsTheRenewedMic) {
  sim::SimFlash flash;
  PersistentConfig config(flash);
  ASSERT_TRUE(config.load());
  ASSERT_TRUE(config.set("MIC_Cert_Refresh_Enable", "Yes"));
  ASSERT_TRUE(flash.write(kCustomCaFlashSlot, to_bytes("-----BEGIN CERTIFICATE-----")));
  ASSERT_TRUE(flash.sync(kCustomCaFlashSlot));
  MicRecord mic{"-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n",
                "-----BEGIN PRIVATE KEY-----\nK\n-----END PRIVATE KEY-----\n", WallTime{42}};
  ASSERT_TRUE(MicStore(flash).save(mic));

  ASSERT_TRUE(factory_reset(flash, config));

  PersistentConfig rebooted(flash);
  ASSERT_TRUE(rebooted.load());
  EXPECT_EQ(rebooted.store(), ConfigStore());
  auto custom_ca = flash.read(kCustomCaFlashSlot);
  ASSERT_TRUE(custom_ca);
  EXPECT_TRUE(custom_ca->empty());
  auto kept = MicStore(flash).load();
  ASSERT_TRUE(kept && *kept);
  EXPECT_EQ((*kept)->renewed_at, WallTime{42});
}

TEST(FactoryResetTest, APowerLossDuringTheResetLeavesTheOldOrTheDefaultConfiguration) {
  for (std::uint64_t steps = 0;; ++steps) {
    sim::SimFlash flash(sim::TornWrite::KeepProgrammed);
    PersistentConfig config(flash);
    ASSERT_TRUE(config.load());
    ASSERT_TRUE(config.set("GPP_A", std::string(kTextBytesMax, 'a')));
    const ConfigStore before = config.store();
    flash.lose_power_after(steps);
    const bool reset = factory_reset(flash, config).has_value();
    flash.power_cycle();
    PersistentConfig rebooted(flash);
    ASSERT_TRUE(rebooted.load());
    EXPECT_TRUE(rebooted.store() == before || rebooted.store() == ConfigStore()) << "step " << steps;
    if (reset) {
      EXPECT_EQ(rebooted.store(), ConfigStore());
      break;
    }
  }
}

}  // namespace
}  // namespace fw
