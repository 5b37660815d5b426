#include "firmware-core/agent/profile_fingerprint.h"

#define XXH_STATIC_LINKING_ONLY  // XXH3_state_t on the stack
#include <xxhash.h>

namespace fw {

ProfileFingerprint profile_fingerprint(ByteSpan downloaded, const std::optional<std::string>& key) {
  // The key's presence and length (big-endian) first: no key, an empty key and a key whose last
  // bytes moved into the download all give different input.
  std::array<std::uint8_t, 9> header{};
  header[0] = key ? 1 : 0;
  const std::uint64_t length = key ? key->size() : 0;
  for (std::size_t i = 0; i < 8; ++i) header[1 + i] = static_cast<std::uint8_t>(length >> (56 - 8 * i));
  XXH3_state_t state;
  XXH3_INITSTATE(&state);
  XXH3_128bits_reset(&state);
  XXH3_128bits_update(&state, header.data(), header.size());
  if (key) XXH3_128bits_update(&state, key->data(), key->size());
  XXH3_128bits_update(&state, downloaded.data(), downloaded.size());
  const XXH128_hash_t hash = XXH3_128bits_digest(&state);
  return {hash.low64, hash.high64};
}

}  // namespace fw
