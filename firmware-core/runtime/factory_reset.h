#pragma once

// Factory reset: what a reset erases and what it keeps.
//
// Erased: the configuration (the journal gets a factory-default configuration as its next image,
// so a power loss during the reset leaves the old or the default configuration, never a mix)
// and the installed custom CA (the guide states no exception for it).
// Kept: the renewed MIC (mic_store.h; the guide: "the renewed certificate survives a factory
// reset") and the firmware banks (a reset does not downgrade the running load).

#include "firmware-core/base/result.h"
#include "firmware-core/config/flash_store.h"
#include "firmware-core/config/persistent_config.h"

namespace fw {

// The custom CA's slot (PhoneRuntime::kCustomCaSlot); an empty slot holds no CA.
inline constexpr std::string_view kCustomCaFlashSlot = "custom_ca";

// Erases the user data on `flash` as described above; `config` is the phone's persistent
// configuration on the same flash (it holds the journal's position). Errors: the journal's
// FlashWriteFailed, FlashPayloadTooLarge, FlashReadFailed; then the configuration is unchanged
// (the custom CA may already be gone).
Result<void> factory_reset(FlashStore& flash, PersistentConfig& config);

}  // namespace fw
