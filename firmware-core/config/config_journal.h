#pragma once

// Crash-safe storage of the phone's configuration: one opaque payload (the serialized
// configuration) kept in two FlashStore slots, A and B, used in turn.
//
// Why two slots and a sequence number: a commit only ever writes the slot that does NOT hold the
// newest valid image, so the newest image stays untouched until the new one is complete and
// synced. Whatever a power loss leaves in the slot being written (old bytes, new bytes, or a torn
// mix, see FlashStore's durability contract), the checksum rejects it unless it is the complete
// new image, and load() then falls back to the other slot. The configuration is therefore
// entirely old or entirely new after any crash.
//
// Slot image format, version 1. All integers little-endian, encoded byte by byte (no struct
// layout, no size_t), so x86-64, aarch64 and armhf read each other's images:
//
//   offset  size  field
//        0     4  magic "PSCJ" (0x50 0x53 0x43 0x4A)
//        4     4  format version, u32 = 1
//        8     8  sequence number, u64, >= 1, +1 per commit
//       16     4  payload length in bytes, u32, <= kConfigPayloadBytesMax
//       20     8  checksum, u64: CRC-64/XZ over bytes 0..19 followed by the payload
//       28     n  payload
//
// Bytes after the payload are ignored: a raw flash region keeps whatever followed the image (a
// longer older image's tail, erased 0xFF), so the header's length, not the slot's, is the truth.
//
// Why CRC-64 rather than zlib's CRC-32: the check is what tells a torn image from a complete one,
// and the simulator tears images on purpose, at every write step of every commit, across fleets
// of simulated phones. A CRC-32 lets a random mix through with probability 2^-32, which such
// sweeps reach (a million phones times a few hundred crash points is 2^32 torn images); 2^-64
// does not. Torn images are old and new pages spliced together, so the difference from the new
// image is never a short burst a CRC-32 would be sure to catch. This is not authentication:
// anyone who can write the flash can forge an image.
//
// Sequence wrap-around cannot happen by committing: starting at 1, 2^64 - 1 commits at one per
// millisecond take 584 million years, and flash endurance ends after about 10^5 erase cycles per
// slot. Only an image written by someone else can carry the largest sequence number; commit()
// then fails with FlashSequenceExhausted instead of wrapping to a number that would lose to it.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "firmware-core/base/bytes.h"
#include "firmware-core/base/result.h"
#include "firmware-core/config/flash_store.h"

namespace fw {

// config_payload_bytes_max: the largest configuration payload a slot image carries. A phone's
// full configuration serializes to tens of kilobytes; the limit leaves room for growth while
// bounding what load() reads from a corrupt header's length field.
inline constexpr std::uint32_t kConfigPayloadBytesMax = 1024 * 1024;

// The fixed header in front of every payload (see the format table above).
inline constexpr std::size_t kConfigImageHeaderBytes = 28;
inline constexpr std::uint32_t kConfigImageFormatVersion = 1;

// One decoded slot image. `payload` points into the bytes given to decode_config_image().
struct ConfigImageView {
  std::uint64_t sequence = 0;
  ByteSpan payload;
};

// Builds the slot image for `payload` at `sequence`. Callers keep payload.size() <=
// kConfigPayloadBytesMax and sequence >= 1 (ConfigJournal::commit checks both); public for tests
// and the fuzz target.
Bytes encode_config_image(std::uint64_t sequence, ByteSpan payload);

// Checks one slot's bytes (untrusted) and returns its sequence number and payload.
// Errors: FlashCorrupt, with a detail naming the failed check: "truncated header", "bad magic",
// "unsupported format version", "payload length ... exceeds", "truncated payload",
// "checksum mismatch", "sequence 0".
Result<ConfigImageView> decode_config_image(ByteSpan slot_bytes);

// CRC-64/XZ (ECMA-182 polynomial, reflected, initial value and final xor all ones). Pass the
// previous result as `crc` to continue over a second piece: crc64_xz(b, crc64_xz(a)) equals the
// CRC of a followed by b.
std::uint64_t crc64_xz(ByteSpan bytes, std::uint64_t crc = 0);

// The configuration journal on a FlashStore. Owns no storage; `flash` must outlive it. Not
// thread-safe (nothing in the core is).
//
// Typical use: at boot, load(); after a profile was applied, commit(serialized configuration).
class ConfigJournal {
 public:
  static constexpr std::string_view kSlotA = "config.a";
  static constexpr std::string_view kSlotB = "config.b";

  explicit ConfigJournal(FlashStore& flash) : flash_(flash) {}
  // A journal of another record kept the same way (the renewed MIC: runtime/mic_store.h) in the
  // slots `slot_a` and `slot_b`; both must outlive the journal (string literals).
  ConfigJournal(FlashStore& flash, std::string_view slot_a, std::string_view slot_b)
      : flash_(flash), slots_{slot_a, slot_b} {}

  // Call at boot (and whenever the stored configuration is wanted). Reads both slots and returns
  // the payload of the valid image with the highest sequence number; on a tie, slot A's. It also
  // records which slot the next commit() writes.
  // Errors: FlashEmpty when neither slot was ever written; FlashCorrupt when a slot was written
  // but no slot holds a valid image (the detail names each slot's reason); FlashReadFailed (or
  // another error of the store) when a slot cannot be read, because then it is unknown which
  // image is newest.
  Result<Bytes> load();

  // Call to make `payload` the stored configuration, e.g. as the last step of applying a profile.
  // Writes the slot not holding the newest valid image with the next sequence number, then syncs
  // it (two FlashStore calls). If load() has not been called, commit() first reads both slots
  // the same way, so it never overwrites the newest image.
  // Returns success once the new image is durable: a later load(), also after a power loss,
  // returns `payload`. On failure the previous configuration is untouched and stays what load()
  // returns; a power loss during commit() leaves either the previous or the new configuration
  // (the new one only if its image reached the flash whole). A failed commit may be retried.
  // Errors: FlashPayloadTooLarge (payload over kConfigPayloadBytesMax; nothing written),
  // FlashSequenceExhausted (nothing written), FlashWriteFailed, and the read errors of load()
  // (FlashReadFailed) when the slots must be read first.
  Result<void> commit(ByteSpan payload);

  // The sequence number of the newest image known (loaded or committed), 0 if none. For status
  // pages and tests.
  std::uint64_t sequence() const { return newest_sequence_; }

  // The slot the next commit() writes, once load() or commit() has read the slots; before that,
  // empty. For tests and diagnostics.
  std::optional<std::string_view> next_slot() const;

 private:
  struct Scan {
    std::optional<Bytes> payload;  // the newest valid image's payload, if any slot is valid
    Error failure;                 // why no slot is valid (FlashEmpty or FlashCorrupt)
  };

  // Reads and decodes both slots and updates which slot is newest. Fails only when a slot
  // cannot be read; an empty or invalid flash is a successful Scan without a payload.
  Result<Scan> scan();
  std::size_t target_slot() const;

  FlashStore& flash_;
  std::array<std::string_view, 2> slots_{kSlotA, kSlotB};
  bool scanned_ = false;
  std::optional<std::size_t> newest_slot_;  // index into {kSlotA, kSlotB}
  std::uint64_t newest_sequence_ = 0;
};

}  // namespace fw
