#include "firmware-core/config/config_journal.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sim/flash/sim_flash.h"

namespace fw {
namespace {

using sim::SimFlash;
using sim::TornWrite;

// Header field offsets, written out here on purpose: the format is a contract between firmware
// versions, and a test that spells it out notices when the code changes it.
constexpr std::size_t kVersionOffset = 4;
constexpr std::size_t kSequenceOffset = 8;
constexpr std::size_t kLengthOffset = 16;
constexpr std::size_t kChecksumOffset = 20;

// A payload whose every byte differs from the same byte of a payload with another tag, and whose
// neighbouring bytes differ. So every flash page of one image differs from the same page of any
// other image (and from erased 0xFF), which lets the crash tests tell a torn image from a whole
// one without luck.
Bytes pattern(std::size_t size, std::uint8_t tag) {
  Bytes bytes(size);
  for (std::size_t i = 0; i < size; ++i) {
    bytes[i] = static_cast<std::uint8_t>(tag + i * 13);
  }
  return bytes;
}

void put_le(Bytes& image, std::size_t offset, std::uint64_t value, std::size_t bytes) {
  for (std::size_t i = 0; i < bytes; ++i) {
    image[offset + i] = static_cast<std::uint8_t>(value >> (8 * i));
  }
}

// Recomputes the checksum after a test edited header fields, so that the check under test (not
// the checksum) is the one that rejects the image.
void reseal(Bytes& image) {
  std::uint64_t length = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    length |= static_cast<std::uint64_t>(image[kLengthOffset + i]) << (8 * i);
  }
  std::size_t available = image.size() - kConfigImageHeaderBytes;
  std::size_t covered = length < available ? static_cast<std::size_t>(length) : available;
  ByteSpan all(image);
  std::uint64_t crc =
      crc64_xz(all.subspan(kConfigImageHeaderBytes, covered), crc64_xz(all.first(kChecksumOffset)));
  put_le(image, kChecksumOffset, crc, 8);
}

void expect_corrupt(ByteSpan image, std::string_view reason) {
  auto decoded = decode_config_image(image);
  ASSERT_FALSE(decoded) << "accepted an image that should fail with " << reason;
  EXPECT_EQ(decoded.error().code, ErrorCode::FlashCorrupt);
  EXPECT_NE(decoded.error().detail.find(reason), std::string::npos) << decoded.error().detail;
}

// --- the checksum and the image format ------------------------------------------------------

TEST(ConfigJournalTest, Crc64MatchesStandardCheckValue) {
  EXPECT_EQ(crc64_xz(as_bytes("123456789")), 0x995DC9BBDF1939FAull);
  EXPECT_EQ(crc64_xz(ByteSpan{}), 0u);
  EXPECT_EQ(crc64_xz(as_bytes("6789"), crc64_xz(as_bytes("12345"))),
            crc64_xz(as_bytes("123456789")));
}

TEST(ConfigJournalTest, EncodesGoldenImage) {
  // Independently computed (bitwise CRC-64/XZ in Python); pins the format across versions.
  const Bytes golden = {0x50, 0x53, 0x43, 0x4A,                          // magic "PSCJ"
                        0x01, 0x00, 0x00, 0x00,                          // format version 1
                        0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // sequence 1
                        0x03, 0x00, 0x00, 0x00,                          // payload length 3
                        0xB9, 0xDC, 0x04, 0xBF, 0xC1, 0x7D, 0x11, 0x04,  // CRC-64/XZ
                        'a',  'b',  'c'};
  EXPECT_EQ(encode_config_image(1, as_bytes("abc")), golden);
  static_assert(kConfigImageHeaderBytes == 28);
}

TEST(ConfigJournalTest, DecodesWhatItEncodes) {
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{255}, std::size_t{256},
                           std::size_t{257}, std::size_t{100 * 1024}}) {
    Bytes payload = pattern(size, 7);
    Bytes image = encode_config_image(0x0102030405060708ull, payload);
    ASSERT_EQ(image.size(), kConfigImageHeaderBytes + size);
    auto decoded = decode_config_image(image);
    ASSERT_TRUE(decoded) << size << ": " << decoded.error().to_string();
    EXPECT_EQ(decoded->sequence, 0x0102030405060708ull);
    EXPECT_EQ(Bytes(decoded->payload.begin(), decoded->payload.end()), payload);
  }
}

TEST(ConfigJournalTest, IgnoresBytesAfterThePayload) {
  // A torn write of a shorter image over a longer one leaves the longer one's tail behind.
  Bytes image = encode_config_image(3, as_bytes("abc"));
  image.insert(image.end(), 300, 0xFF);
  image.push_back(0x00);
  auto decoded = decode_config_image(image);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(as_text(decoded->payload), "abc");
}

TEST(ConfigJournalTest, RejectsImageTruncatedAtEveryLength) {
  Bytes image = encode_config_image(5, pattern(300, 1));
  for (std::size_t size = 0; size < image.size(); ++size) {
    SCOPED_TRACE(size);
    expect_corrupt(ByteSpan(image).first(size),
                   size < kConfigImageHeaderBytes ? "truncated header" : "truncated payload");
  }
}

TEST(ConfigJournalTest, RejectsBadMagic) {
  for (std::size_t offset = 0; offset < 4; ++offset) {
    Bytes image = encode_config_image(1, as_bytes("abc"));
    image[offset] ^= 0x20;
    reseal(image);
    expect_corrupt(image, "bad magic");
  }
}

TEST(ConfigJournalTest, RejectsUnsupportedFormatVersion) {
  for (std::uint64_t version : {0u, 2u, 0x100u, 0xFFFFFFFFu}) {
    Bytes image = encode_config_image(1, as_bytes("abc"));
    put_le(image, kVersionOffset, version, 4);
    reseal(image);
    expect_corrupt(image, "unsupported format version " + std::to_string(version));
  }
}

TEST(ConfigJournalTest, RejectsSequenceZero) {
  Bytes image = encode_config_image(1, as_bytes("abc"));
  put_le(image, kSequenceOffset, 0, 8);
  reseal(image);
  expect_corrupt(image, "sequence 0");
}

TEST(ConfigJournalTest, AcceptsLargestSequence) {
  // Decoding accepts it; commit() refuses to go past it (SequenceExhaustedRefusesCommit).
  auto decoded =
      decode_config_image(encode_config_image(std::numeric_limits<std::uint64_t>::max(), {}));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->sequence, std::numeric_limits<std::uint64_t>::max());
}

TEST(ConfigJournalTest, AcceptsPayloadLengthAtLimit) {
  Bytes payload = pattern(kConfigPayloadBytesMax, 9);
  auto decoded = decode_config_image(encode_config_image(1, payload));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->payload.size(), kConfigPayloadBytesMax);
}

TEST(ConfigJournalTest, RejectsPayloadLengthPastLimit) {
  for (std::uint64_t length :
       {std::uint64_t{kConfigPayloadBytesMax} + 1, std::uint64_t{0xFFFFFFFF}}) {
    // The slot really holds that many bytes, so only the limit can reject it.
    Bytes image = encode_config_image(1, pattern(kConfigPayloadBytesMax + 1, 9));
    put_le(image, kLengthOffset, length, 4);
    reseal(image);
    expect_corrupt(image, "exceeds " + std::to_string(kConfigPayloadBytesMax));
  }
}

TEST(ConfigJournalTest, RejectsLengthLongerThanSlot) {
  Bytes image = encode_config_image(1, as_bytes("abc"));
  put_le(image, kLengthOffset, 4, 4);
  reseal(image);
  expect_corrupt(image, "truncated payload: 3 bytes, header says 4");
}

TEST(ConfigJournalTest, RejectsEveryBitFlipInHeaderAndPayload) {
  // Without resealing, every flipped bit of the sequence, length, checksum or payload is caught
  // (by the checksum, or for the length by the limit or the slot size).
  const Bytes good = encode_config_image(0x1122334455667788ull, pattern(40, 3));
  for (std::size_t offset = 0; offset < good.size(); ++offset) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes image = good;
      image[offset] ^= static_cast<std::uint8_t>(1u << bit);
      auto decoded = decode_config_image(image);
      ASSERT_FALSE(decoded) << "offset " << offset << " bit " << bit;
      EXPECT_EQ(decoded.error().code, ErrorCode::FlashCorrupt);
    }
  }
}

TEST(ConfigJournalTest, ShorterLengthFieldFailsChecksum) {
  Bytes image = encode_config_image(1, as_bytes("abc"));
  put_le(image, kLengthOffset, 2, 4);
  expect_corrupt(image, "checksum mismatch");
}

// --- the journal --------------------------------------------------------------------------

Bytes read_slot_payload(SimFlash& flash, std::string_view slot, std::uint64_t& sequence) {
  auto bytes = flash.read(slot);
  EXPECT_TRUE(bytes) << slot;
  if (!bytes) {
    return {};
  }
  auto image = decode_config_image(*bytes);
  EXPECT_TRUE(image) << slot << ": " << image.error().to_string();
  if (!image) {
    return {};
  }
  sequence = image->sequence;
  return Bytes(image->payload.begin(), image->payload.end());
}

TEST(ConfigJournalTest, LoadOfNeverWrittenFlashIsEmpty) {
  SimFlash flash;
  ConfigJournal journal(flash);
  EXPECT_FALSE(journal.next_slot());
  auto loaded = journal.load();
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, ErrorCode::FlashEmpty);
  EXPECT_EQ(loaded.error().detail, "config.a: never written; config.b: never written");
  EXPECT_EQ(journal.next_slot(), ConfigJournal::kSlotA);
  EXPECT_EQ(journal.sequence(), 0u);
}

TEST(ConfigJournalTest, CommitThenLoadReturnsPayload) {
  SimFlash flash;
  ConfigJournal journal(flash);
  ASSERT_TRUE(journal.commit(as_bytes("GPP_A=1")));
  auto loaded = ConfigJournal(flash).load();
  ASSERT_TRUE(loaded);
  EXPECT_EQ(as_text(*loaded), "GPP_A=1");
}

TEST(ConfigJournalTest, CommitTakesOneWriteAndOneSync) {
  SimFlash flash;
  ConfigJournal journal(flash);
  ASSERT_TRUE(journal.load().error().code == ErrorCode::FlashEmpty);
  std::uint64_t before = flash.steps_taken();
  ASSERT_TRUE(journal.commit(pattern(1000, 1)));  // 1028 bytes: 5 pages
  EXPECT_EQ(flash.steps_taken() - before, 5u + 1u);
}

TEST(ConfigJournalTest, RepeatedCommitsAlternateSlots) {
  SimFlash flash;
  ConfigJournal journal(flash);
  for (std::uint8_t round = 1; round <= 5; ++round) {
    std::string_view expected_slot = round % 2 == 1 ? ConfigJournal::kSlotA : ConfigJournal::kSlotB;
    ASSERT_EQ(journal.next_slot().value_or(""), round == 1 ? "" : expected_slot);
    ASSERT_TRUE(journal.commit(pattern(100, round)));
    EXPECT_EQ(journal.sequence(), round);
    std::uint64_t sequence = 0;
    EXPECT_EQ(read_slot_payload(flash, expected_slot, sequence), pattern(100, round));
    EXPECT_EQ(sequence, round);
    if (round > 1) {
      // The other slot still holds the previous commit, untouched.
      std::string_view other =
          expected_slot == ConfigJournal::kSlotA ? ConfigJournal::kSlotB : ConfigJournal::kSlotA;
      EXPECT_EQ(read_slot_payload(flash, other, sequence), pattern(100, round - 1));
      EXPECT_EQ(sequence, round - 1u);
    }
  }
}

TEST(ConfigJournalTest, LoadAfterBootKnowsWhichSlotToWrite) {
  SimFlash flash;
  {
    ConfigJournal before_reboot(flash);
    ASSERT_TRUE(before_reboot.commit(pattern(10, 1)));  // A, sequence 1
    ASSERT_TRUE(before_reboot.commit(pattern(10, 2)));  // B, sequence 2
  }
  flash.power_cycle();
  ConfigJournal journal(flash);
  auto loaded = journal.load();
  ASSERT_TRUE(loaded);
  EXPECT_EQ(*loaded, pattern(10, 2));
  EXPECT_EQ(journal.sequence(), 2u);
  EXPECT_EQ(journal.next_slot(), ConfigJournal::kSlotA);
  ASSERT_TRUE(journal.commit(pattern(10, 3)));
  std::uint64_t sequence = 0;
  EXPECT_EQ(read_slot_payload(flash, ConfigJournal::kSlotA, sequence), pattern(10, 3));
  EXPECT_EQ(sequence, 3u);
  EXPECT_EQ(read_slot_payload(flash, ConfigJournal::kSlotB, sequence), pattern(10, 2));
}

TEST(ConfigJournalTest, CommitWithoutLoadNeverOverwritesNewest) {
  SimFlash flash;
  ASSERT_TRUE(ConfigJournal(flash).commit(pattern(10, 1)));  // A, sequence 1
  ConfigJournal journal(flash);
  ASSERT_TRUE(journal.commit(pattern(10, 2)));  // must go to B
  std::uint64_t sequence = 0;
  EXPECT_EQ(read_slot_payload(flash, ConfigJournal::kSlotA, sequence), pattern(10, 1));
  EXPECT_EQ(read_slot_payload(flash, ConfigJournal::kSlotB, sequence), pattern(10, 2));
  EXPECT_EQ(sequence, 2u);
}

TEST(ConfigJournalTest, LoadFallsBackWhenNewestSlotIsCorrupt) {
  SimFlash flash;
  ConfigJournal writer(flash);
  ASSERT_TRUE(writer.commit(pattern(10, 1)));  // A
  ASSERT_TRUE(writer.commit(pattern(10, 2)));  // B
  ASSERT_TRUE(flash.write(ConfigJournal::kSlotB, as_bytes("not an image")));
  ASSERT_TRUE(flash.sync(ConfigJournal::kSlotB));

  ConfigJournal journal(flash);
  auto loaded = journal.load();
  ASSERT_TRUE(loaded);
  EXPECT_EQ(*loaded, pattern(10, 1));
  EXPECT_EQ(journal.next_slot(), ConfigJournal::kSlotB);
  ASSERT_TRUE(journal.commit(pattern(10, 3)));
  EXPECT_EQ(*ConfigJournal(flash).load(), pattern(10, 3));
}

TEST(ConfigJournalTest, LoadNamesEachSlotsReasonWhenNoneIsValid) {
  SimFlash flash;
  ASSERT_TRUE(flash.write(ConfigJournal::kSlotA, as_bytes("garbage garbage garbage garbage")));
  ASSERT_TRUE(flash.sync(ConfigJournal::kSlotA));
  ConfigJournal journal(flash);
  auto loaded = journal.load();
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, ErrorCode::FlashCorrupt);
  EXPECT_EQ(loaded.error().detail, "config.a: bad magic; config.b: never written");

  Bytes torn = encode_config_image(4, pattern(20, 1));
  torn.back() ^= 1;
  ASSERT_TRUE(flash.write(ConfigJournal::kSlotB, torn));
  ASSERT_TRUE(flash.sync(ConfigJournal::kSlotB));
  loaded = journal.load();
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().detail, "config.a: bad magic; config.b: checksum mismatch");

  // Nothing valid to protect: the next commit starts over in slot A.
  EXPECT_EQ(journal.next_slot(), ConfigJournal::kSlotA);
  ASSERT_TRUE(journal.commit(as_bytes("fresh")));
  EXPECT_EQ(as_text(*ConfigJournal(flash).load()), "fresh");
}

TEST(ConfigJournalTest, TieOfSequencesPrefersSlotA) {
  // commit() never writes two images with one sequence number; a foreign flash might.
  SimFlash flash;
  ASSERT_TRUE(flash.write(ConfigJournal::kSlotA, encode_config_image(5, as_bytes("a"))));
  ASSERT_TRUE(flash.write(ConfigJournal::kSlotB, encode_config_image(5, as_bytes("b"))));
  ConfigJournal journal(flash);
  EXPECT_EQ(as_text(*journal.load()), "a");
  EXPECT_EQ(journal.next_slot(), ConfigJournal::kSlotB);
}

// A store whose reads of one slot fail, as a worn flash block would.
class UnreadableSlotFlash final : public FlashStore {
 public:
  UnreadableSlotFlash(FlashStore& inner, std::string_view bad_slot)
      : inner_(inner), bad_slot_(bad_slot) {}
  Result<Bytes> read(std::string_view slot) override {
    if (slot == bad_slot_) {
      return fail(ErrorCode::FlashReadFailed, "ECC error");
    }
    return inner_.read(slot);
  }
  Result<void> write(std::string_view slot, ByteSpan bytes) override {
    return inner_.write(slot, bytes);
  }
  Result<void> sync(std::string_view slot) override { return inner_.sync(slot); }

 private:
  FlashStore& inner_;
  std::string_view bad_slot_;
};

TEST(ConfigJournalTest, UnreadableSlotFailsLoadAndCommitWithoutWriting) {
  SimFlash flash;
  ConfigJournal writer(flash);
  ASSERT_TRUE(writer.commit(pattern(10, 1)));  // A
  ASSERT_TRUE(writer.commit(pattern(10, 2)));  // B: the newest, now unreadable
  UnreadableSlotFlash failing(flash, ConfigJournal::kSlotB);

  ConfigJournal journal(failing);
  auto loaded = journal.load();
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, ErrorCode::FlashReadFailed);
  EXPECT_EQ(loaded.error().detail, "config.b: ECC error");

  std::uint64_t steps = flash.steps_taken();
  auto committed = journal.commit(pattern(10, 3));
  ASSERT_FALSE(committed);
  EXPECT_EQ(committed.error().code, ErrorCode::FlashReadFailed);
  EXPECT_EQ(flash.steps_taken(), steps);
  EXPECT_EQ(*ConfigJournal(flash).load(), pattern(10, 2));
}

TEST(ConfigJournalTest, CommitsPayloadAtLimitAndRefusesPastIt) {
  SimFlash flash;
  ConfigJournal journal(flash);
  ASSERT_TRUE(journal.commit(as_bytes("small")));
  std::uint64_t steps = flash.steps_taken();
  auto too_large = journal.commit(pattern(kConfigPayloadBytesMax + 1, 2));
  ASSERT_FALSE(too_large);
  EXPECT_EQ(too_large.error().code, ErrorCode::FlashPayloadTooLarge);
  EXPECT_EQ(flash.steps_taken(), steps);

  ASSERT_TRUE(journal.commit(pattern(kConfigPayloadBytesMax, 3)));
  EXPECT_EQ(*ConfigJournal(flash).load(), pattern(kConfigPayloadBytesMax, 3));
}

TEST(ConfigJournalTest, EmptyPayloadRoundTrips) {
  SimFlash flash;
  ASSERT_TRUE(ConfigJournal(flash).commit(as_bytes("before")));
  ASSERT_TRUE(ConfigJournal(flash).commit(ByteSpan{}));
  auto loaded = ConfigJournal(flash).load();
  ASSERT_TRUE(loaded);
  EXPECT_TRUE(loaded->empty());
}

TEST(ConfigJournalTest, SequenceExhaustedRefusesCommit) {
  SimFlash flash;
  constexpr std::uint64_t kLast = std::numeric_limits<std::uint64_t>::max();
  ASSERT_TRUE(flash.write(ConfigJournal::kSlotB, encode_config_image(kLast, as_bytes("last"))));
  ASSERT_TRUE(flash.sync(ConfigJournal::kSlotB));
  ConfigJournal journal(flash);
  ASSERT_EQ(as_text(*journal.load()), "last");
  EXPECT_EQ(journal.sequence(), kLast);
  std::uint64_t steps = flash.steps_taken();
  auto committed = journal.commit(as_bytes("next"));
  ASSERT_FALSE(committed);
  EXPECT_EQ(committed.error().code, ErrorCode::FlashSequenceExhausted);
  EXPECT_EQ(flash.steps_taken(), steps);
}

TEST(ConfigJournalTest, FailedCommitCanBeRetried) {
  SimFlash flash(TornWrite::KeepProgrammed);
  ConfigJournal journal(flash);
  ASSERT_TRUE(journal.commit(pattern(600, 1)));
  flash.lose_power_after(1);
  auto failed = journal.commit(pattern(600, 2));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::FlashWriteFailed);
  EXPECT_EQ(journal.sequence(), 1u);
  flash.power_cycle();
  // Same journal, no load(): it still writes the slot it tried, never the one holding sequence 1.
  EXPECT_EQ(journal.next_slot(), ConfigJournal::kSlotB);
  ASSERT_TRUE(journal.commit(pattern(600, 3)));
  EXPECT_EQ(*ConfigJournal(flash).load(), pattern(600, 3));
}

// --- crashing the commit at every step ------------------------------------------------------

struct TornPolicy {
  TornWrite torn_write;
  std::uint64_t seed;
};

std::vector<TornPolicy> all_policies() {
  std::vector<TornPolicy> policies = {{TornWrite::DropPending, 0}, {TornWrite::KeepProgrammed, 0}};
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    policies.push_back({TornWrite::SeededMix, seed});
  }
  return policies;
}

std::string describe(const TornPolicy& policy) {
  switch (policy.torn_write) {
    case TornWrite::DropPending:
      return "DropPending";
    case TornWrite::KeepProgrammed:
      return "KeepProgrammed";
    case TornWrite::SeededMix:
      return "SeededMix seed " + std::to_string(policy.seed);
  }
  return "?";
}

// What the flash holds before the commit that is crashed. The last entry is OLD, the committed
// configuration; an earlier one, if any, sits in the slot the crashed commit overwrites.
struct CrashCase {
  std::vector<Bytes> history;
  Bytes next;  // NEW
};

struct SweepOutcome {
  int old_loaded = 0;
  int new_loaded = 0;
  int new_without_success = 0;  // NEW after a commit that reported failure at its sync
  int nothing_loaded = 0;       // only when the history is empty
};

// Commits `crash_case.history`, then commits `next` with power lost after step n, for every n
// from 0 to the commit's step count, under `policy`. After the power cycle a fresh journal must
// load exactly OLD or exactly NEW (NEW only if the commit succeeded or reached its sync; always
// NEW if it succeeded), and a further commit must work.
SweepOutcome crash_at_every_step(const CrashCase& crash_case, const TornPolicy& policy) {
  SCOPED_TRACE(describe(policy));
  const Bytes newer = pattern(crash_case.next.size() + 300, 0xEE);
  SimFlash booted(policy.torn_write, policy.seed);
  for (const Bytes& payload : crash_case.history) {
    EXPECT_TRUE(ConfigJournal(booted).commit(payload));
  }
  booted.power_cycle();

  std::uint64_t commit_steps = 0;
  {
    SimFlash dry_run = booted;
    ConfigJournal journal(dry_run);
    (void)journal.load();
    std::uint64_t before = dry_run.steps_taken();
    EXPECT_TRUE(journal.commit(crash_case.next));
    commit_steps = dry_run.steps_taken() - before;
  }
  const std::uint64_t write_steps = commit_steps - 1;  // then one sync

  SweepOutcome outcome;
  for (std::uint64_t crash_after = 0; crash_after <= commit_steps; ++crash_after) {
    SCOPED_TRACE("power lost after step " + std::to_string(crash_after) + " of " +
                 std::to_string(commit_steps));
    SimFlash flash = booted;
    ConfigJournal journal(flash);
    (void)journal.load();
    flash.lose_power_after(crash_after);
    bool committed = journal.commit(crash_case.next).has_value();
    EXPECT_EQ(committed, crash_after == commit_steps);
    flash.power_cycle();

    ConfigJournal after_boot(flash);
    auto loaded = after_boot.load();
    bool reached_sync = crash_after >= write_steps;
    if (!loaded) {
      EXPECT_TRUE(crash_case.history.empty()) << loaded.error().to_string();
      EXPECT_FALSE(committed);
      EXPECT_TRUE(loaded.error().code == ErrorCode::FlashEmpty ||
                  loaded.error().code == ErrorCode::FlashCorrupt)
          << loaded.error().to_string();
      ++outcome.nothing_loaded;
    } else if (*loaded == crash_case.next) {
      EXPECT_TRUE(committed || reached_sync);
      ++outcome.new_loaded;
      outcome.new_without_success += committed ? 0 : 1;
    } else {
      EXPECT_FALSE(crash_case.history.empty()) << "loaded a payload nobody committed";
      if (!crash_case.history.empty()) {
        EXPECT_TRUE(*loaded == crash_case.history.back()) << "loaded neither OLD nor NEW";
      }
      EXPECT_FALSE(committed) << "a commit that reported success was lost";
      ++outcome.old_loaded;
    }

    // The phone carries on: the next commit after the crash works and is what loads next.
    EXPECT_TRUE(after_boot.commit(newer));
    flash.power_cycle();
    auto reloaded = ConfigJournal(flash).load();
    EXPECT_TRUE(reloaded && *reloaded == newer);
  }
  return outcome;
}

void sweep_policies(const CrashCase& crash_case,
                    const std::vector<TornPolicy>& policies = all_policies()) {
  for (const TornPolicy& policy : policies) {
    SweepOutcome outcome = crash_at_every_step(crash_case, policy);
    // The sweep must have seen both sides, or it tested less than it claims.
    EXPECT_GE(outcome.new_loaded, 1) << describe(policy);
    EXPECT_GE(outcome.old_loaded + outcome.nothing_loaded, 1) << describe(policy);
    if (policy.torn_write == TornWrite::KeepProgrammed) {
      // Power lost at the sync: every page had reached the chip.
      EXPECT_EQ(outcome.new_without_success, 1);
    }
    if (policy.torn_write == TornWrite::DropPending) {
      EXPECT_EQ(outcome.new_without_success, 0);
    }
  }
}

TEST(ConfigJournalTest, CrashAtEveryStepLeavesOldOrNew) {
  // The slot being written holds an older valid image: a torn write must not revive it, nor
  // pass for NEW.
  sweep_policies({{pattern(1500, 1), pattern(900, 2)}, pattern(2900, 3)});
}

TEST(ConfigJournalTest, CrashAtEveryStepOfSinglePageCommitLeavesOldOrNew) {
  sweep_policies({{pattern(40, 1), pattern(50, 2)}, pattern(60, 3)});
}

TEST(ConfigJournalTest, CrashAtEveryStepOfShrinkingCommitLeavesOldOrNew) {
  // NEW is shorter than what its slot held: a whole NEW is followed by the old image's tail.
  sweep_policies({{pattern(3000, 1), pattern(700, 2)}, pattern(500, 3)});
}

TEST(ConfigJournalTest, CrashAtEveryStepIntoNeverWrittenSlotLeavesOldOrNew) {
  sweep_policies({{pattern(1000, 1)}, pattern(1200, 2)});
}

TEST(ConfigJournalTest, CrashAtEveryStepOfEmptyPayloadLeavesOldOrNew) {
  sweep_policies({{pattern(700, 1), pattern(300, 2)}, Bytes{}});
}

TEST(ConfigJournalTest, CrashAtEveryStepOfLargePayloadLeavesOldOrNew) {
  // About 400 pages per image. One seed of the mix: the small sweeps cover the seeds, and each
  // seed costs seconds here in Debug builds.
  sweep_policies(
      {{pattern(100 * 1024, 1), pattern(99 * 1024, 2)}, pattern(100 * 1024 + 77, 3)},
      {{TornWrite::DropPending, 0}, {TornWrite::KeepProgrammed, 0}, {TornWrite::SeededMix, 1}});
}

TEST(ConfigJournalTest, RetryAfterFailedCommitLeavesOldNewOrNewer) {
  // The same journal retries after its commit failed at step `first` (no load() in between), and
  // that retry fails at step `second`. It must not mistake the failed image for the newest and
  // overwrite OLD, the only image known to be whole.
  const Bytes old_payload = pattern(900, 1);
  const Bytes new_payload = pattern(1100, 2);
  const Bytes newer_payload = pattern(1300, 3);
  const std::uint64_t new_steps = 6;    // 1128 bytes: 5 pages and a sync
  const std::uint64_t newer_steps = 7;  // 1328 bytes: 6 pages and a sync
  for (const TornPolicy& policy : all_policies()) {
    for (std::uint64_t first = 0; first < new_steps; ++first) {
      for (std::uint64_t second = 0; second <= newer_steps; ++second) {
        SCOPED_TRACE(describe(policy) + ", first commit lost power after step " +
                     std::to_string(first) + ", retry after step " + std::to_string(second));
        SimFlash flash(policy.torn_write, policy.seed);
        ConfigJournal journal(flash);
        ASSERT_TRUE(journal.commit(old_payload));
        flash.lose_power_after(first);
        ASSERT_FALSE(journal.commit(new_payload));
        flash.power_cycle();
        flash.lose_power_after(second);
        bool retried = journal.commit(newer_payload).has_value();
        EXPECT_EQ(retried, second == newer_steps);
        flash.power_cycle();

        auto loaded = ConfigJournal(flash).load();
        ASSERT_TRUE(loaded) << loaded.error().to_string();
        if (*loaded == newer_payload) {
          EXPECT_GE(second, newer_steps - 1);
        } else if (*loaded == new_payload) {
          EXPECT_FALSE(retried);
          EXPECT_EQ(first, new_steps - 1);
        } else {
          EXPECT_EQ(*loaded, old_payload);
          EXPECT_FALSE(retried);
        }
      }
    }
  }
}

TEST(ConfigJournalTest, CrashDuringFirstCommitLeavesNothingOrNew) {
  for (const TornPolicy& policy : all_policies()) {
    SweepOutcome outcome = crash_at_every_step({{}, pattern(800, 1)}, policy);
    EXPECT_GE(outcome.nothing_loaded, 1) << describe(policy);
    EXPECT_EQ(outcome.old_loaded, 0) << describe(policy);
  }
}

}  // namespace
}  // namespace fw
