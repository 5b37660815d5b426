#include "firmware-core/runtime/firmware_banks.h"

#include <algorithm>
#include <array>

#include "firmware-core/agent/firmware_image.h"

namespace fw {
namespace {

// Marker record: magic, bank ('A' or 'B'), sequence (4 bytes, big-endian), SHA-256 of those.
constexpr std::array<std::uint8_t, 8> kMarkerMagic = {'P', 'S', 'I', 'M', 'B', 'A', 'N', 'K'};
constexpr std::size_t kMarkerFieldsBytes = kMarkerMagic.size() + 1 + 4;
constexpr std::size_t kMarkerBytes = kMarkerFieldsBytes + std::tuple_size_v<Sha256Digest>;

std::string_view bank_slot(FirmwareBank bank) {
  return bank == FirmwareBank::A ? FirmwareBanks::kBankA : FirmwareBanks::kBankB;
}

Bytes encode_marker(FirmwareBank bank, std::uint32_t sequence) {
  Bytes record(kMarkerMagic.begin(), kMarkerMagic.end());
  record.push_back(bank == FirmwareBank::A ? 'A' : 'B');
  for (int shift = 24; shift >= 0; shift -= 8) {
    record.push_back(static_cast<std::uint8_t>(sequence >> shift));
  }
  const ByteSpan parts[] = {ByteSpan(record)};
  const Sha256Digest digest = sha256(parts);
  record.insert(record.end(), digest.begin(), digest.end());
  return record;
}

Result<void> write_synced(FlashStore& flash, std::string_view slot, ByteSpan bytes) {
  if (auto written = flash.write(slot, bytes); !written) return written;
  return flash.sync(slot);
}

}  // namespace

std::optional<BootedFirmware> FirmwareBanks::read_marker(std::string_view slot) {
  auto record = flash_.read(slot);
  // The slot holds exactly one record; a torn write may leave a longer old tail or less.
  if (!record || record->size() != kMarkerBytes ||
      !std::equal(kMarkerMagic.begin(), kMarkerMagic.end(), record->begin())) {
    return std::nullopt;
  }
  const ByteSpan parts[] = {ByteSpan(*record).first(kMarkerFieldsBytes)};
  const Sha256Digest digest = sha256(parts);
  if (!std::equal(digest.begin(), digest.end(), record->begin() + kMarkerFieldsBytes)) {
    return std::nullopt;
  }
  const std::uint8_t bank = (*record)[kMarkerMagic.size()];
  if (bank != 'A' && bank != 'B') return std::nullopt;
  BootedFirmware booted;
  booted.bank = bank == 'A' ? FirmwareBank::A : FirmwareBank::B;
  for (std::size_t index = kMarkerMagic.size() + 1; index < kMarkerFieldsBytes; ++index) {
    booted.sequence = (booted.sequence << 8) | (*record)[index];
  }
  return booted;
}

std::optional<BootedFirmware> FirmwareBanks::boot() {
  booted_.reset();
  for (std::string_view marker_slot : {kMarkerPrimary, kMarkerBackup}) {
    std::optional<BootedFirmware> marker = read_marker(marker_slot);
    if (!marker) continue;
    auto image = flash_.read(bank_slot(marker->bank));
    if (!image) continue;
    auto info = inspect_firmware_image(*image);
    if (!info) continue;
    marker->version = info->version;
    booted_ = std::move(marker);
    break;
  }
  return booted_;
}

Result<void> FirmwareBanks::install(ByteSpan image) {
  const FirmwareBank target =
      booted_ && booted_->bank == FirmwareBank::A ? FirmwareBank::B : FirmwareBank::A;
  const std::uint32_t sequence = booted_ ? booted_->sequence + 1 : 1;
  if (auto written = write_synced(flash_, bank_slot(target), image); !written) return written;
  const Bytes marker = encode_marker(target, sequence);
  if (auto written = write_synced(flash_, kMarkerPrimary, marker); !written) return written;
  return write_synced(flash_, kMarkerBackup, marker);
}

}  // namespace fw
