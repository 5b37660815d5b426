#pragma once

// The step between a finished download and the configuration: decode the layers, then apply the
// flat profile as one transaction.

#include <optional>
#include <string>

#include "firmware-core/base/bytes.h"
#include "firmware-core/base/result.h"
#include "firmware-core/codec/profile_codec.h"
#include "firmware-core/config/config_store.h"
#include "firmware-core/config/flat_profile.h"
#include "firmware-core/config/profile_apply.h"

namespace fw {

// Decodes `downloaded` with `decoder` (openssl-enc and gzip layers, see profile_codec.h) and
// applies the XML to `store`. Call once per downloaded profile, with the rule's --key (nullopt if
// none). The inflated XML may be at most limits.profile_bytes_max bytes. Returns what changed.
// Errors (store unchanged): those of ProfileDecoder::decode() — ProfileTooLarge, DecryptFailed,
// KeyRequired, NotEncrypted, CorruptFile — then those of apply_flat_profile().
Result<ApplyReport> apply_downloaded_profile(ConfigStore& store, ProfileDecoder& decoder,
                                             ByteSpan downloaded,
                                             const std::optional<std::string>& key,
                                             KeyDerivation key_derivation,
                                             const ProfileLimits& limits = {});

}  // namespace fw
