#include "firmware-core/runtime/mic_store.h"

#include <gtest/gtest.h>

#include "sim/flash/sim_flash.h"

namespace fw {
namespace {

// Stand-ins with the PEM shapes the record holds (the store does not parse the DER).
MicRecord record(std::string name, std::int64_t renewed_at) {
  MicRecord result;
  result.certificate_pem = "-----BEGIN CERTIFICATE-----\n" + name + std::string(600, 'C') +
                           "\n-----END CERTIFICATE-----\n";
  result.key_pem = "-----BEGIN PRIVATE KEY-----\n" + name + "KEY\n-----END PRIVATE KEY-----\n";
  result.renewed_at = WallTime{renewed_at};
  return result;
}

void expect_same(const MicRecord& got, const MicRecord& wanted) {
  EXPECT_EQ(got.certificate_pem, wanted.certificate_pem);
  EXPECT_EQ(got.key_pem, wanted.key_pem);
  EXPECT_EQ(got.renewed_at, wanted.renewed_at);
}

TEST(MicStoreTest, EmptyFlashHoldsNoRenewedMic) {
  sim::SimFlash flash;
  auto loaded = MicStore(flash).load();
  ASSERT_TRUE(loaded);
  EXPECT_FALSE(*loaded);
}

TEST(MicStoreTest, ASavedRecordComesBackAndTheNewestWins) {
  sim::SimFlash flash;
  ASSERT_TRUE(MicStore(flash).save(record("first", 100)));
  ASSERT_TRUE(MicStore(flash).save(record("second", 200)));
  auto loaded = MicStore(flash).load();
  ASSERT_TRUE(loaded && *loaded);
  expect_same(**loaded, record("second", 200));
}

// A power loss at every step of a save leaves the old record or the new one, never a mix.
TEST(MicStoreTest, APowerLossDuringASaveLeavesTheOldOrTheNewRecord) {
  for (sim::TornWrite torn : {sim::TornWrite::DropPending, sim::TornWrite::KeepProgrammed, sim::TornWrite::SeededMix}) {
    for (std::uint64_t steps = 0;; ++steps) {
      sim::SimFlash flash(torn, steps);
      ASSERT_TRUE(MicStore(flash).save(record("old", 100)));
      flash.lose_power_after(steps);
      const bool saved = MicStore(flash).save(record("new", 200)).has_value();
      flash.power_cycle();
      auto loaded = MicStore(flash).load();
      ASSERT_TRUE(loaded && *loaded) << "step " << steps;
      const bool is_new = (*loaded)->renewed_at == WallTime{200};
      expect_same(**loaded, is_new ? record("new", 200) : record("old", 100));
      if (saved) {
        EXPECT_TRUE(is_new);
        break;
      }
    }
  }
}

TEST(MicStoreTest, AnUnreadablePayloadIsCorrupt) {
  EXPECT_FALSE(decode_mic_record(to_bytes("")));
  EXPECT_FALSE(decode_mic_record(to_bytes("renewed_at=x\n")));
  EXPECT_FALSE(decode_mic_record(to_bytes("renewed_at=5\nno pem here")));
  auto missing_key = decode_mic_record(to_bytes("renewed_at=5\n" + record("a", 5).certificate_pem));
  ASSERT_FALSE(missing_key);
  EXPECT_EQ(missing_key.error().code, ErrorCode::FlashCorrupt);
  auto round_trip = decode_mic_record(encode_mic_record(record("a", 5)));
  ASSERT_TRUE(round_trip);
  expect_same(*round_trip, record("a", 5));
}

}  // namespace
}  // namespace fw
