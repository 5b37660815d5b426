#pragma once

// MicStore: the renewed MIC on flash, in an area a factory reset does not erase (the guide: the
// renewed certificate survives a factory reset; factory_reset.h lists what a reset erases).
//
// The record is kept like the configuration (config_journal.h): two slots, kSlotA and kSlotB,
// written in turn, each image with a sequence number and a CRC-64, so a power loss while a
// renewed MIC is stored leaves the old record (or none: the factory MIC) or the new one, never a
// mix. Payload, text:
//
//   renewed_at=<unix seconds>\n
//   <certificate PEM><private key PEM>
//
// The key is a secret: the record is never traced or exported.

#include <optional>
#include <string>
#include <string_view>

#include "firmware-core/base/bytes.h"
#include "firmware-core/base/result.h"
#include "firmware-core/config/flash_store.h"
#include "firmware-core/runtime/time.h"

namespace fw {

struct MicRecord {
  std::string certificate_pem;
  std::string key_pem;  // a secret
  WallTime renewed_at;
};

// The payload text of `record` (public for tests and the fuzz target).
Bytes encode_mic_record(const MicRecord& record);
// Parses a payload (untrusted: flash can be damaged in ways the CRC does not see, e.g. an image
// written by another firmware). Errors: FlashCorrupt naming what is missing.
Result<MicRecord> decode_mic_record(ByteSpan payload);

class MicStore {
 public:
  static constexpr std::string_view kSlotA = "mic.a";
  static constexpr std::string_view kSlotB = "mic.b";

  // `flash` must outlive the store.
  explicit MicStore(FlashStore& flash) : flash_(flash) {}

  // Call at boot. nullopt: no renewed MIC (the factory one applies). Errors: FlashCorrupt (no
  // valid image, or an unreadable payload), FlashReadFailed.
  Result<std::optional<MicRecord>> load();
  // Makes `record` the stored MIC, durable when it returns success. Errors: FlashWriteFailed and
  // the read errors of load().
  Result<void> save(const MicRecord& record);

 private:
  FlashStore& flash_;
};

}  // namespace fw
