#include "firmware-core/config/persistent_config.h"

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "firmware-core/config/profile_export.h"
#include "sim/flash/sim_flash.h"

namespace fw {
namespace {

// The guide's first two exercises (basic.txt, then basic2.txt partitioned profile) plus enough
// parameters that the stored image spans several flash pages.
std::string old_profile() {
  std::string xml = "<flat-profile>\n  <GPP_A> 12345678\n</GPP_A>\n";
  for (int line = 1; line <= 10; ++line) {
    xml += "  <Display_Name_" + std::to_string(line) + "_>Old Name " + std::to_string(line) +
           " with padding to fill pages</Display_Name_" + std::to_string(line) + "_>\n";
  }
  xml += "  <GPP_SA>old-secret</GPP_SA>\n</flat-profile>\n";
  return xml;
}

std::string new_profile() {
  std::string xml = "<flat-profile>\n  <GPP_B>ABCD</GPP_B>\n";
  for (int line = 1; line <= 10; ++line) {
    xml += "  <Display_Name_" + std::to_string(line) + "_ ua=\"rw\">New Name " +
           std::to_string(line) + " also long enough to span pages</Display_Name_" +
           std::to_string(line) + "_>\n";
  }
  xml += "  <GPP_SA>new-secret</GPP_SA>\n  <Resync_Periodic>600,1200+300</Resync_Periodic>\n"
         "</flat-profile>\n";
  return xml;
}

ConfigStore store_from(const std::string& profile_xml) {
  ConfigStore store;
  EXPECT_TRUE(apply_flat_profile(store, as_bytes(profile_xml)));
  return store;
}

TEST(PersistentConfigTest, EmptyFlashIsFactoryNew) {
  sim::SimFlash flash;
  PersistentConfig config(flash);
  ASSERT_TRUE(config.load());
  EXPECT_FALSE(config.restored());
  EXPECT_EQ(config.store(), ConfigStore());
}

TEST(PersistentConfigTest, AppliedProfileSurvivesReboot) {
  sim::SimFlash flash;
  {
    PersistentConfig config(flash);
    ASSERT_TRUE(config.load());
    auto report = config.apply_profile(as_bytes(old_profile()));
    ASSERT_TRUE(report);
    EXPECT_TRUE(report->changed());
  }
  PersistentConfig rebooted(flash);
  ASSERT_TRUE(rebooted.load());
  EXPECT_TRUE(rebooted.restored());
  EXPECT_EQ(rebooted.store(), store_from(old_profile()));
  auto id = rebooted.store().registry().find("GPP_A");
  ASSERT_TRUE(id);
  EXPECT_EQ(rebooted.store().value(*id), "12345678");
}

TEST(PersistentConfigTest, PooledConfigurationKeepsItsPoolAcrossReboot) {
  sim::SimFlash flash;
  ValuePool pool;
  {
    PersistentConfig config(flash, ParameterRegistry::builtin(), &pool);
    ASSERT_TRUE(config.load());
    ASSERT_TRUE(config.apply_profile(as_bytes(old_profile())));
    EXPECT_EQ(config.store().pool(), &pool);
  }
  const std::size_t values = pool.size();
  PersistentConfig rebooted(flash, ParameterRegistry::builtin(), &pool);
  ASSERT_TRUE(rebooted.load());
  EXPECT_EQ(rebooted.store().pool(), &pool);
  EXPECT_EQ(rebooted.store(), store_from(old_profile()));
  EXPECT_EQ(pool.size(), values);  // the reloaded values were interned already
}

TEST(PersistentConfigTest, BrokenProfileWritesNothing) {
  sim::SimFlash flash;
  PersistentConfig config(flash);
  ASSERT_TRUE(config.load());
  ASSERT_TRUE(config.apply_profile(as_bytes(old_profile())));
  std::uint64_t steps_before = flash.steps_taken();
  auto report = config.apply_profile(as_bytes(std::string("<flat-profile><GPP_A>x</GPP_B>")));
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, ErrorCode::ParseError);
  EXPECT_EQ(flash.steps_taken(), steps_before);
  EXPECT_EQ(config.store(), store_from(old_profile()));
}

TEST(PersistentConfigTest, UnchangedProfileIsNotWrittenAgain) {
  sim::SimFlash flash;
  PersistentConfig config(flash);
  ASSERT_TRUE(config.load());
  ASSERT_TRUE(config.apply_profile(as_bytes(old_profile())));
  std::uint64_t steps_before = flash.steps_taken();
  auto report = config.apply_profile(as_bytes(old_profile()));
  ASSERT_TRUE(report);
  EXPECT_FALSE(report->changed());
  EXPECT_EQ(flash.steps_taken(), steps_before);
}

TEST(PersistentConfigTest, FailedCommitLeavesMemoryOld) {
  sim::SimFlash flash;
  PersistentConfig config(flash);
  ASSERT_TRUE(config.load());
  ASSERT_TRUE(config.apply_profile(as_bytes(old_profile())));
  flash.lose_power_after(0);
  auto report = config.apply_profile(as_bytes(new_profile()));
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, ErrorCode::FlashWriteFailed);
  EXPECT_EQ(config.store(), store_from(old_profile()));
}

TEST(PersistentConfigTest, ReplacedWorkingCopyIsDurableOrNotVisible) {
  sim::SimFlash flash;
  {
    PersistentConfig config(flash);
    ASSERT_TRUE(config.load());
    ASSERT_TRUE(config.replace(store_from(old_profile())));
    EXPECT_EQ(config.store(), store_from(old_profile()));
    flash.lose_power_after(0);
    auto failed = config.replace(store_from(new_profile()));
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().code, ErrorCode::FlashWriteFailed);
    EXPECT_EQ(config.store(), store_from(old_profile()));
  }
  flash.power_cycle();
  PersistentConfig rebooted(flash);
  ASSERT_TRUE(rebooted.load());
  EXPECT_EQ(rebooted.store(), store_from(old_profile()));
}

TEST(PersistentConfigTest, SetParameterIsDurable) {
  sim::SimFlash flash;
  {
    PersistentConfig config(flash);
    ASSERT_TRUE(config.load());
    auto change = config.set("Resync_Periodic", "2400 + 30");
    ASSERT_TRUE(change);
    EXPECT_TRUE(change->value_changed);
    auto rejected = config.set("Resync_Random_Delay", "70000");
    ASSERT_FALSE(rejected);
    EXPECT_EQ(rejected.error().code, ErrorCode::InvalidValue);
  }
  PersistentConfig rebooted(flash);
  ASSERT_TRUE(rebooted.load());
  auto id = rebooted.store().registry().find("Resync_Periodic");
  ASSERT_TRUE(id);
  Schedule periodic = rebooted.store().schedule(*id);
  ASSERT_EQ(periodic.entries().size(), 1u);
  EXPECT_EQ(periodic.entries()[0], (ScheduleEntry{2400, 30}));
  EXPECT_FALSE(rebooted.store().is_default(*id));
  auto delay = rebooted.store().registry().find("Resync_Random_Delay");
  ASSERT_TRUE(delay);
  EXPECT_TRUE(rebooted.store().is_default(*delay));
}

TEST(PersistentConfigTest, CorruptFlashBootsOnDefaultsWithError) {
  sim::SimFlash flash;
  ASSERT_TRUE(flash.write(ConfigJournal::kSlotA, as_bytes(std::string("garbage"))));
  ASSERT_TRUE(flash.sync(ConfigJournal::kSlotA));
  PersistentConfig config(flash);
  auto loaded = config.load();
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, ErrorCode::FlashCorrupt);
  EXPECT_FALSE(config.restored());
  EXPECT_EQ(config.store(), ConfigStore());
}

// The rule from DESIGN.md: crash at every write step of an apply; the configuration found at
// the next boot is entirely the old one or entirely the new one, under every torn-write model.
TEST(PersistentConfigTest, CrashAtEveryStepOfAnApplyLeavesOldOrNew) {
  const ConfigStore old_store = store_from(old_profile());
  ConfigStore new_store = store_from(old_profile());
  ASSERT_TRUE(apply_flat_profile(new_store, as_bytes(new_profile())));

  // Dry run: how many flash steps one apply takes.
  std::uint64_t apply_steps = 0;
  {
    sim::SimFlash flash;
    PersistentConfig config(flash);
    ASSERT_TRUE(config.load());
    ASSERT_TRUE(config.apply_profile(as_bytes(old_profile())));
    std::uint64_t before = flash.steps_taken();
    ASSERT_TRUE(config.apply_profile(as_bytes(new_profile())));
    apply_steps = flash.steps_taken() - before;
  }
  ASSERT_GT(apply_steps, 3u) << "the image should span several pages";

  struct Model {
    sim::TornWrite torn_write;
    std::uint64_t seed;
  };
  const std::vector<Model> models = {{sim::TornWrite::DropPending, 0},
                                     {sim::TornWrite::KeepProgrammed, 0},
                                     {sim::TornWrite::SeededMix, 1},
                                     {sim::TornWrite::SeededMix, 2},
                                     {sim::TornWrite::SeededMix, 3}};
  for (const Model& model : models) {
    for (std::uint64_t crash_step = 0; crash_step <= apply_steps; ++crash_step) {
      SCOPED_TRACE("torn write model " + std::to_string(static_cast<int>(model.torn_write)) +
                   " seed " + std::to_string(model.seed) + ", power lost after step " +
                   std::to_string(crash_step));
      sim::SimFlash flash(model.torn_write, model.seed);
      {
        PersistentConfig config(flash);
        ASSERT_TRUE(config.load());
        ASSERT_TRUE(config.apply_profile(as_bytes(old_profile())));
        flash.lose_power_after(crash_step);
        auto applied = config.apply_profile(as_bytes(new_profile()));
        // Memory follows flash: the new configuration is live only if its commit succeeded.
        EXPECT_EQ(config.store() == new_store, applied.has_value());
      }
      flash.power_cycle();
      PersistentConfig rebooted(flash);
      ASSERT_TRUE(rebooted.load());
      bool is_old = rebooted.store() == old_store;
      bool is_new = rebooted.store() == new_store;
      EXPECT_TRUE(is_old || is_new) << export_for_people(rebooted.store());
      if (crash_step == apply_steps) {
        EXPECT_TRUE(is_new) << "the apply completed before power was lost";
      }
      // And the phone can go on: the next apply after the crash commits normally.
      ASSERT_TRUE(rebooted.apply_profile(as_bytes(new_profile())));
      PersistentConfig again(flash);
      ASSERT_TRUE(again.load());
      EXPECT_EQ(again.store(), new_store);
    }
  }
}

}  // namespace
}  // namespace fw
