#include "firmware-core/codec/downloaded_profile.h"

#include <algorithm>

namespace fw {

Result<ApplyReport> apply_downloaded_profile(ConfigStore& store, ProfileDecoder& decoder,
                                             ByteSpan downloaded,
                                             const std::optional<std::string>& key,
                                             KeyDerivation key_derivation,
                                             const ProfileLimits& limits) {
  DecodeLimits decode_limits;
  decode_limits.inflated_bytes_max =
      std::min(decode_limits.inflated_bytes_max, limits.profile_bytes_max);
  auto xml = decoder.decode(downloaded, key, key_derivation, decode_limits);
  if (!xml)
    return fail(std::move(xml).error());
  return apply_flat_profile(store, *xml, limits);
}

}  // namespace fw
