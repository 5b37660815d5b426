#pragma once

// What a stored profile rule remembers of the download it last applied (ProvisioningAgent): a
// 128-bit XXH3 fingerprint of the rule's --key (presence, length, text) and the downloaded bytes.
// Downloading the same bytes again into an unchanged configuration cannot change anything, so the
// agent skips decoding and applying them when the fingerprints match.
//
// A fingerprint, not a signature: it only has to tell apart the profiles one rule downloads
// (whoever serves them can send any bytes anyway). SHA-256 cost 8x as much on every periodic
// resync (bench_codec: `ours/fingerprint/...` against `raw/sha256/...`). The same bytes and key
// give the same value on every CPU and build. Kept in RAM only and never traced: the key is secret.

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "firmware-core/base/bytes.h"

namespace fw {

using ProfileFingerprint = std::array<std::uint64_t, 2>;

ProfileFingerprint profile_fingerprint(ByteSpan downloaded, const std::optional<std::string>& key);

}  // namespace fw
