#include "sim/flash/sim_flash.h"

#include <cstdint>
#include <set>

#include <gtest/gtest.h>

namespace sim {
namespace {

constexpr std::size_t kPage = SimFlash::kPageBytes;

fw::Bytes filled(std::size_t size, std::uint8_t value) {
  return fw::Bytes(size, value);
}

// Writes and syncs `bytes`, failing the test if the flash refuses.
void store(SimFlash& flash, std::string_view slot, const fw::Bytes& bytes) {
  ASSERT_TRUE(flash.write(slot, bytes));
  ASSERT_TRUE(flash.sync(slot));
}

fw::Bytes read_or_empty(SimFlash& flash, std::string_view slot) {
  auto bytes = flash.read(slot);
  EXPECT_TRUE(bytes) << slot << ": " << bytes.error().to_string();
  return bytes ? *bytes : fw::Bytes{};
}

TEST(SimFlashTest, EveryPageAndEverySyncIsOneStep) {
  SimFlash flash;
  EXPECT_EQ(flash.steps_taken(), 0u);
  ASSERT_TRUE(flash.write("a", {}));  // even an empty write programs one page
  EXPECT_EQ(flash.steps_taken(), 1u);
  ASSERT_TRUE(flash.write("a", filled(kPage, 1)));
  EXPECT_EQ(flash.steps_taken(), 2u);
  ASSERT_TRUE(flash.write("a", filled(kPage + 1, 1)));
  EXPECT_EQ(flash.steps_taken(), 4u);
  ASSERT_TRUE(flash.sync("a"));
  EXPECT_EQ(flash.steps_taken(), 5u);
}

TEST(SimFlashTest, ReadOfNeverWrittenSlotIsEmpty) {
  SimFlash flash;
  auto bytes = flash.read("a");
  ASSERT_FALSE(bytes);
  EXPECT_EQ(bytes.error().code, fw::ErrorCode::FlashEmpty);
}

TEST(SimFlashTest, ReadBeforeSyncSeesPendingData) {
  SimFlash flash;
  store(flash, "a", filled(10, 1));
  ASSERT_TRUE(flash.write("a", filled(20, 2)));
  EXPECT_EQ(read_or_empty(flash, "a"), filled(20, 2));
}

TEST(SimFlashTest, SyncedWriteSurvivesPowerCycle) {
  SimFlash flash(TornWrite::KeepProgrammed);
  store(flash, "a", filled(700, 1));
  flash.power_cycle();
  EXPECT_EQ(read_or_empty(flash, "a"), filled(700, 1));
}

TEST(SimFlashTest, PowerLossAfterStepNFailsStepNPlusOne) {
  SimFlash flash;
  store(flash, "a", filled(10, 1));
  std::uint64_t before = flash.steps_taken();
  flash.lose_power_after(2);
  auto written = flash.write("a", filled(5 * kPage, 2));
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code, fw::ErrorCode::FlashWriteFailed);
  EXPECT_EQ(flash.steps_taken() - before, 2u);
  EXPECT_FALSE(flash.powered());

  // Everything fails until the power comes back.
  EXPECT_EQ(flash.read("a").error().code, fw::ErrorCode::FlashReadFailed);
  EXPECT_EQ(flash.sync("a").error().code, fw::ErrorCode::FlashWriteFailed);
  EXPECT_EQ(flash.write("b", filled(1, 1)).error().code, fw::ErrorCode::FlashWriteFailed);
  EXPECT_EQ(flash.steps_taken() - before, 2u);

  flash.power_cycle();
  EXPECT_TRUE(flash.powered());
  EXPECT_EQ(read_or_empty(flash, "a"), filled(10, 1));
  EXPECT_EQ(flash.read("b").error().code, fw::ErrorCode::FlashEmpty);
  store(flash, "a", filled(10, 3));  // works again, and the armed loss is gone
  EXPECT_EQ(read_or_empty(flash, "a"), filled(10, 3));
}

TEST(SimFlashTest, PowerLossAfterZeroFailsTheNextStep) {
  SimFlash flash;
  flash.lose_power_after(0);
  EXPECT_FALSE(flash.write("a", filled(1, 1)));
  EXPECT_EQ(flash.steps_taken(), 0u);
  flash.power_cycle();
  EXPECT_EQ(flash.read("a").error().code, fw::ErrorCode::FlashEmpty);
}

TEST(SimFlashTest, PowerLossAtSyncFailsTheSync) {
  SimFlash flash;
  ASSERT_TRUE(flash.write("a", filled(10, 1)));
  flash.lose_power_after(0);
  EXPECT_EQ(flash.sync("a").error().code, fw::ErrorCode::FlashWriteFailed);
}

TEST(SimFlashTest, DropPendingKeepsLastSyncedContents) {
  SimFlash flash(TornWrite::DropPending);
  store(flash, "a", filled(3 * kPage, 1));
  ASSERT_TRUE(flash.write("a", filled(3 * kPage, 2)));  // whole, never synced
  flash.lose_power_after(0);
  EXPECT_FALSE(flash.sync("a"));
  flash.power_cycle();
  EXPECT_EQ(read_or_empty(flash, "a"), filled(3 * kPage, 1));
}

TEST(SimFlashTest, DropPendingOfNeverWrittenSlotLeavesItEmpty) {
  SimFlash flash(TornWrite::DropPending);
  ASSERT_TRUE(flash.write("a", filled(10, 1)));
  flash.power_cycle();  // a power cycle without an armed loss is a crash too
  EXPECT_EQ(flash.read("a").error().code, fw::ErrorCode::FlashEmpty);
}

TEST(SimFlashTest, KeepProgrammedKeepsPagesBeforeTheLoss) {
  SimFlash flash(TornWrite::KeepProgrammed);
  store(flash, "a", filled(4 * kPage, 0xAA));
  flash.lose_power_after(2);
  EXPECT_FALSE(flash.write("a", filled(4 * kPage, 0xBB)));
  flash.power_cycle();
  fw::Bytes expected = filled(2 * kPage, 0xBB);
  expected.resize(4 * kPage, 0xAA);
  EXPECT_EQ(read_or_empty(flash, "a"), expected);
}

TEST(SimFlashTest, KeepProgrammedWithLossAtSyncKeepsTheWholeWrite) {
  SimFlash flash(TornWrite::KeepProgrammed);
  store(flash, "a", filled(2 * kPage, 0xAA));
  ASSERT_TRUE(flash.write("a", filled(2 * kPage, 0xBB)));
  flash.lose_power_after(0);
  EXPECT_FALSE(flash.sync("a"));
  flash.power_cycle();
  EXPECT_EQ(read_or_empty(flash, "a"), filled(2 * kPage, 0xBB));
}

TEST(SimFlashTest, TornLongerWriteLeavesErasedBytesBeyondTheOldEnd) {
  SimFlash flash(TornWrite::KeepProgrammed);
  store(flash, "a", filled(kPage / 2, 0xAA));
  flash.lose_power_after(1);
  EXPECT_FALSE(flash.write("a", filled(3 * kPage, 0xBB)));
  flash.power_cycle();
  fw::Bytes expected = filled(kPage, 0xBB);
  expected.resize(3 * kPage, 0xFF);
  EXPECT_EQ(read_or_empty(flash, "a"), expected);
}

TEST(SimFlashTest, TornShorterWriteKeepsTheOldTail) {
  SimFlash flash(TornWrite::KeepProgrammed);
  store(flash, "a", filled(3 * kPage, 0xAA));
  ASSERT_TRUE(flash.write("a", filled(kPage + 10, 0xBB)));
  flash.power_cycle();
  fw::Bytes expected = filled(kPage + 10, 0xBB);
  expected.resize(3 * kPage, 0xAA);
  EXPECT_EQ(read_or_empty(flash, "a"), expected);
}

TEST(SimFlashTest, TornWriteOfNeverWrittenSlotExists) {
  SimFlash flash(TornWrite::KeepProgrammed);
  flash.lose_power_after(1);
  EXPECT_FALSE(flash.write("a", filled(2 * kPage, 0xBB)));
  flash.power_cycle();
  fw::Bytes expected = filled(kPage, 0xBB);
  expected.resize(2 * kPage, 0xFF);
  EXPECT_EQ(read_or_empty(flash, "a"), expected);
}

// Runs one torn write of 16 pages over 16 old pages and returns, per page, whether it is new.
std::vector<bool> seeded_mix_pages(std::uint64_t seed) {
  SimFlash flash(TornWrite::SeededMix, seed);
  store(flash, "a", filled(16 * kPage, 0xAA));
  flash.lose_power_after(16);  // every page programmed, the sync fails
  EXPECT_TRUE(flash.write("a", filled(16 * kPage, 0xBB)));
  EXPECT_FALSE(flash.sync("a"));
  flash.power_cycle();
  fw::Bytes after = read_or_empty(flash, "a");
  EXPECT_EQ(after.size(), 16 * kPage);
  std::vector<bool> is_new;
  for (std::size_t page = 0; page < 16 && after.size() == 16 * kPage; ++page) {
    fw::Bytes slice(after.begin() + static_cast<std::ptrdiff_t>(page * kPage),
                    after.begin() + static_cast<std::ptrdiff_t>((page + 1) * kPage));
    bool whole_new = slice == filled(kPage, 0xBB);
    EXPECT_TRUE(whole_new || slice == filled(kPage, 0xAA)) << "page " << page << " is torn";
    is_new.push_back(whole_new);
  }
  return is_new;
}

TEST(SimFlashTest, SeededMixKeepsWholePagesDeterministicallyPerSeed) {
  std::set<std::vector<bool>> distinct;
  bool some_kept = false;
  bool some_lost = false;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    std::vector<bool> pages = seeded_mix_pages(seed);
    EXPECT_EQ(pages, seeded_mix_pages(seed)) << "seed " << seed;
    distinct.insert(pages);
    for (bool kept : pages) {
      (kept ? some_kept : some_lost) = true;
    }
  }
  EXPECT_TRUE(some_kept);
  EXPECT_TRUE(some_lost);
  EXPECT_GT(distinct.size(), 1u);
}

TEST(SimFlashTest, SeededMixNeverKeepsUnprogrammedPages) {
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    SimFlash flash(TornWrite::SeededMix, seed);
    store(flash, "a", filled(8 * kPage, 0xAA));
    flash.lose_power_after(3);
    EXPECT_FALSE(flash.write("a", filled(8 * kPage, 0xBB)));
    flash.power_cycle();
    fw::Bytes after = read_or_empty(flash, "a");
    ASSERT_EQ(after.size(), 8 * kPage);
    EXPECT_EQ(fw::Bytes(after.begin() + 3 * kPage, after.end()), filled(5 * kPage, 0xAA));
  }
}

TEST(SimFlashTest, WriteWithoutPowerLeavesTheTornPagesAlone) {
  // A second write after the loss must not reach the chip, nor hide what the first one tore.
  SimFlash flash(TornWrite::KeepProgrammed);
  store(flash, "a", filled(2 * kPage, 0xAA));
  flash.lose_power_after(1);
  EXPECT_FALSE(flash.write("a", filled(2 * kPage, 0xBB)));
  EXPECT_FALSE(flash.write("a", filled(2 * kPage, 0xCC)));
  flash.power_cycle();
  fw::Bytes expected = filled(kPage, 0xBB);
  expected.resize(2 * kPage, 0xAA);
  EXPECT_EQ(read_or_empty(flash, "a"), expected);
}

TEST(SimFlashTest, SyncedSlotIsNotDamagedByTornWriteToAnother) {
  SimFlash flash(TornWrite::SeededMix, 3);
  store(flash, "a", filled(3 * kPage, 0xAA));
  store(flash, "b", filled(3 * kPage, 0x11));
  flash.lose_power_after(2);
  EXPECT_FALSE(flash.write("b", filled(3 * kPage, 0x22)));
  flash.power_cycle();
  EXPECT_EQ(read_or_empty(flash, "a"), filled(3 * kPage, 0xAA));
}

TEST(SimFlashTest, ReadsAfterPowerCycleSeeOnlyDurableData) {
  SimFlash flash(TornWrite::DropPending);
  store(flash, "a", filled(10, 1));
  store(flash, "b", filled(20, 2));
  ASSERT_TRUE(flash.write("a", filled(30, 3)));
  ASSERT_TRUE(flash.sync("a"));
  ASSERT_TRUE(flash.write("b", filled(40, 4)));
  flash.power_cycle();
  EXPECT_EQ(read_or_empty(flash, "a"), filled(30, 3));
  EXPECT_EQ(read_or_empty(flash, "b"), filled(20, 2));
}

}  // namespace
}  // namespace sim
