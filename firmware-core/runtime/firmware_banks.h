#pragma once

// FirmwareBanks: the phone's two firmware banks on flash and which one boots (dual-bank / A-B
// update). Slots: kBankA and kBankB hold images (firmware_image.h); the active-bank marker is
// kept twice, kMarkerPrimary then kMarkerBackup, each a small record with its own SHA-256.
//
// Why a power loss at any moment boots a valid image:
// - install() writes only the bank that is not running, and syncs it before touching a marker,
//   so the running bank is never damaged and the new bank is whole before anything names it;
// - then the primary marker is written and synced, then the backup. boot() takes the first
//   marker copy that is intact and names a bank holding a valid image. A loss while the primary
//   is written leaves it old or torn (the backup, still old, then decides: the old image boots);
//   a loss while the backup is written leaves the primary new and intact (the new image boots).
// - A bank is checked in full (digest) before it is booted; if neither marker names a valid
//   bank, the factory image runs (the version the phone was built with).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "firmware-core/base/bytes.h"
#include "firmware-core/base/result.h"
#include "firmware-core/config/flash_store.h"

namespace fw {

enum class FirmwareBank : std::uint8_t { A, B };

struct BootedFirmware {
  FirmwareBank bank = FirmwareBank::A;
  std::string version;
  std::uint32_t sequence = 0;  // the marker's sequence number (one more per install)
};

class FirmwareBanks {
 public:
  static constexpr std::string_view kBankA = "firmware.a";
  static constexpr std::string_view kBankB = "firmware.b";
  static constexpr std::string_view kMarkerPrimary = "firmware.active";
  static constexpr std::string_view kMarkerBackup = "firmware.active.backup";

  // `flash` must outlive this object.
  explicit FirmwareBanks(FlashStore& flash) : flash_(flash) {}

  // Call at boot: the image the phone runs. nullopt: no bank was ever activated (or none that a
  // marker names is valid), so the factory image runs. Remembers the answer for install().
  std::optional<BootedFirmware> boot();

  // Writes `image` (already verified by the caller) into the bank not running, syncs it, then
  // switches the marker copies to it. Call after boot(). On success the next boot() runs the new
  // image. Errors: the flash's (FlashWriteFailed, ...); then the old image still boots.
  Result<void> install(ByteSpan image);

 private:
  std::optional<BootedFirmware> read_marker(std::string_view slot);

  FlashStore& flash_;
  std::optional<BootedFirmware> booted_;
};

}  // namespace fw
