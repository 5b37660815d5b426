#include "firmware-core/config/config_journal.h"

#include <algorithm>
#include <array>
#include <limits>
#include <string>

namespace fw {
namespace {

constexpr std::array<std::uint8_t, 4> kMagic = {0x50, 0x53, 0x43, 0x4A};  // "PSCJ"

// Field offsets of the header (see the format table in config_journal.h).
constexpr std::size_t kVersionOffset = 4;
constexpr std::size_t kSequenceOffset = 8;
constexpr std::size_t kLengthOffset = 16;
constexpr std::size_t kChecksumOffset = 20;
static_assert(kChecksumOffset + 8 == kConfigImageHeaderBytes);

constexpr std::array<std::uint64_t, 256> make_crc64_table() {
  constexpr std::uint64_t kReflectedPolynomial = 0xC96C5795D7870F42ull;  // ECMA-182
  std::array<std::uint64_t, 256> table{};
  for (std::uint64_t byte = 0; byte < 256; ++byte) {
    std::uint64_t crc = byte;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1u) != 0 ? (crc >> 1) ^ kReflectedPolynomial : crc >> 1;
    }
    table[byte] = crc;
  }
  return table;
}

constexpr std::array<std::uint64_t, 256> kCrc64Table = make_crc64_table();

void put_le(Bytes& out, std::size_t offset, std::uint64_t value, std::size_t bytes) {
  for (std::size_t i = 0; i < bytes; ++i) {
    out[offset + i] = static_cast<std::uint8_t>(value >> (8 * i));
  }
}

std::uint64_t get_le(ByteSpan in, std::size_t offset, std::size_t bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < bytes; ++i) {
    value |= static_cast<std::uint64_t>(in[offset + i]) << (8 * i);
  }
  return value;
}

std::uint64_t image_checksum(ByteSpan header, ByteSpan payload) {
  return crc64_xz(payload, crc64_xz(header.first(kChecksumOffset)));
}

}  // namespace

std::uint64_t crc64_xz(ByteSpan bytes, std::uint64_t crc) {
  // Raw pointers rather than span iterators and array::operator[]: the same code optimized, but
  // five times faster unoptimized, which keeps the Debug crash sweeps over 100 KB images short.
  const std::uint64_t* table = kCrc64Table.data();
  const std::uint8_t* byte = bytes.data();
  const std::uint8_t* end = byte + bytes.size();
  crc = ~crc;
  for (; byte != end; ++byte) {
    crc = table[(crc ^ *byte) & 0xFFu] ^ (crc >> 8);
  }
  return ~crc;
}

Bytes encode_config_image(std::uint64_t sequence, ByteSpan payload) {
  // Sized once and filled by index: GCC 12 at -O3 reports a false -Wstringop-overflow for a
  // vector grown by insert() after reserve().
  Bytes image(kConfigImageHeaderBytes + payload.size());
  std::copy(kMagic.begin(), kMagic.end(), image.begin());
  put_le(image, 4, kConfigImageFormatVersion, 4);
  put_le(image, 8, sequence, 8);
  put_le(image, 16, payload.size(), 4);
  put_le(image, kChecksumOffset, image_checksum(image, payload), 8);
  std::copy(payload.begin(), payload.end(),
            image.begin() + static_cast<std::ptrdiff_t>(kConfigImageHeaderBytes));
  return image;
}

Result<ConfigImageView> decode_config_image(ByteSpan slot_bytes) {
  if (slot_bytes.size() < kConfigImageHeaderBytes) {
    return fail(ErrorCode::FlashCorrupt, "truncated header: " + std::to_string(slot_bytes.size()) +
                                             " bytes, need " +
                                             std::to_string(kConfigImageHeaderBytes));
  }
  if (!std::equal(kMagic.begin(), kMagic.end(), slot_bytes.begin())) {
    return fail(ErrorCode::FlashCorrupt, "bad magic");
  }
  std::uint64_t version = get_le(slot_bytes, kVersionOffset, 4);
  if (version != kConfigImageFormatVersion) {
    return fail(ErrorCode::FlashCorrupt, "unsupported format version " + std::to_string(version));
  }
  std::uint64_t payload_bytes = get_le(slot_bytes, kLengthOffset, 4);
  if (payload_bytes > kConfigPayloadBytesMax) {
    return fail(ErrorCode::FlashCorrupt, "payload length " + std::to_string(payload_bytes) +
                                             " exceeds " + std::to_string(kConfigPayloadBytesMax));
  }
  // Compared by subtracting: header + length could overflow a 32-bit size_t for other limits.
  if (slot_bytes.size() - kConfigImageHeaderBytes < payload_bytes) {
    return fail(
        ErrorCode::FlashCorrupt,
        "truncated payload: " + std::to_string(slot_bytes.size() - kConfigImageHeaderBytes) +
            " bytes, header says " + std::to_string(payload_bytes));
  }
  ByteSpan header = slot_bytes.first(kConfigImageHeaderBytes);
  ByteSpan payload =
      slot_bytes.subspan(kConfigImageHeaderBytes, static_cast<std::size_t>(payload_bytes));
  if (image_checksum(header, payload) != get_le(slot_bytes, kChecksumOffset, 8)) {
    return fail(ErrorCode::FlashCorrupt, "checksum mismatch");
  }
  // Checked after the checksum: only a deliberately built image gets here with sequence 0.
  std::uint64_t sequence = get_le(slot_bytes, kSequenceOffset, 8);
  if (sequence == 0) {
    return fail(ErrorCode::FlashCorrupt, "sequence 0");
  }
  return ConfigImageView{sequence, payload};
}

Result<ConfigJournal::Scan> ConfigJournal::scan() {
  Scan result;
  std::string reasons;  // why each slot is not valid, for FlashCorrupt's detail
  bool any_written = false;
  std::optional<std::size_t> newest_slot;
  std::uint64_t newest_sequence = 0;
  for (std::size_t index = 0; index < slots_.size(); ++index) {
    std::string_view name = slots_[index];
    std::string reason;
    auto bytes = flash_.read(name);
    if (!bytes) {
      if (bytes.error().code != ErrorCode::FlashEmpty) {
        // An unreadable slot might hold the newest image: neither pick the other nor write.
        return fail(bytes.error().code, std::string(name) + ": " + bytes.error().detail);
      }
      reason = "never written";
    } else {
      any_written = true;
      auto image = decode_config_image(*bytes);
      if (!image) {
        reason = image.error().detail;
      } else if (!newest_slot || image->sequence > newest_sequence) {
        // Strictly greater, so that on a tie (never written by commit) slot A wins.
        newest_slot = index;
        newest_sequence = image->sequence;
        result.payload = Bytes(image->payload.begin(), image->payload.end());
      }
    }
    if (!reason.empty()) {
      reasons += (reasons.empty() ? "" : "; ") + std::string(name) + ": " + reason;
    }
  }
  if (!result.payload) {
    result.failure = Error{any_written ? ErrorCode::FlashCorrupt : ErrorCode::FlashEmpty, reasons};
  }
  scanned_ = true;
  newest_slot_ = newest_slot;
  newest_sequence_ = newest_sequence;
  return result;
}

Result<Bytes> ConfigJournal::load() {
  auto scanned = scan();
  if (!scanned) {
    return fail(std::move(scanned).error());
  }
  if (!scanned->payload) {
    return fail(std::move(scanned->failure));
  }
  return std::move(*scanned->payload);
}

Result<void> ConfigJournal::commit(ByteSpan payload) {
  if (payload.size() > kConfigPayloadBytesMax) {
    return fail(ErrorCode::FlashPayloadTooLarge, std::to_string(payload.size()) + " bytes, limit " +
                                                     std::to_string(kConfigPayloadBytesMax));
  }
  if (!scanned_) {
    auto scanned = scan();
    if (!scanned) {
      return fail(std::move(scanned).error());
    }
  }
  if (newest_sequence_ == std::numeric_limits<std::uint64_t>::max()) {
    return fail(ErrorCode::FlashSequenceExhausted,
                "sequence " + std::to_string(newest_sequence_) + " in " +
                    std::string(slots_[newest_slot_.value_or(0)]));
  }
  std::size_t target = target_slot();
  std::uint64_t sequence = newest_sequence_ + 1;
  Bytes image = encode_config_image(sequence, payload);
  if (auto written = flash_.write(slots_[target], image); !written) {
    return written;
  }
  if (auto synced = flash_.sync(slots_[target]); !synced) {
    return synced;
  }
  // Only now is the new image the newest: until sync returned, the other slot had to stay intact.
  newest_slot_ = target;
  newest_sequence_ = sequence;
  return {};
}

std::optional<std::string_view> ConfigJournal::next_slot() const {
  if (!scanned_) {
    return std::nullopt;
  }
  return slots_[target_slot()];
}

std::size_t ConfigJournal::target_slot() const {
  // The slot not holding the newest valid image; slot A while none is valid.
  return newest_slot_ ? 1 - *newest_slot_ : 0;
}

}  // namespace fw
