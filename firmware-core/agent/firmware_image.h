#pragma once

// The simulated firmware image format: what an Upgrade_Rule downloads and what the phone's two
// firmware banks hold. Real loads are signed vendor archives; phonesim only needs what the
// upgrade procedure depends on: which model family the image is for, which version it carries,
// and whether it arrived whole. All integers big-endian:
//
//   magic        8 bytes  "PSIMFW01"
//   family_len   1 byte   1..kFirmwareFamilyBytesMax, then the family ("sip68xx", "CP-6841-3PCC")
//   version_len  1 byte   1..kVersionBytesMax, then the version ("sip68xx.12-0-2MPP0001-3")
//   body_len     4 bytes  at most kFirmwareBodyBytesMax
//   digest      32 bytes  SHA-256 over everything before the digest, then the body
//   body         body_len bytes
//
// The digest covers the header too, so a flipped bit in the version is as corrupt as one in the
// body. Nothing may follow the body (a longer file is as corrupt as a truncated one).

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "firmware-core/base/bytes.h"
#include "firmware-core/base/result.h"

namespace fw {

// Longest model family name in an image header.
inline constexpr std::size_t kFirmwareFamilyBytesMax = 32;
// firmware_body_bytes_max: the largest image body (real loads are tens of MB; 32-bit safe).
inline constexpr std::size_t kFirmwareBodyBytesMax = 64 * 1024 * 1024;
// firmware_image_bytes_max: the largest image file a firmware fetch accepts (body + header).
inline constexpr std::size_t kFirmwareImageBytesMax = kFirmwareBodyBytesMax + 256;

using Sha256Digest = std::array<std::uint8_t, 32>;

// SHA-256 (OpenSSL EVP) over the concatenation of `parts`.
Sha256Digest sha256(std::span<const ByteSpan> parts);

// What a verified image says about itself.
struct FirmwareImageInfo {
  std::string family;
  std::string version;
  std::size_t body_bytes = 0;
};

// The model family a phone accepts images for: "sip" + the model of an MPP version
// ("sip68xx.12-0-1MPP0001-1" -> "sip68xx"), otherwise the product name (SPA versions carry no
// model). Call with the running $SWVER and $PN.
std::string firmware_family(std::string_view software_version, std::string_view product_name);

// Builds a valid image. Call from tools and tests (the phone only reads images). `family` and
// `version` must be non-empty and within their limits, `body` within kFirmwareBodyBytesMax
// (asserted: programmer input).
Bytes build_firmware_image(std::string_view family, std::string_view version, ByteSpan body);

// Checks an image (untrusted bytes) and returns its header fields. Call on every downloaded image
// before installing it and on a bank's contents at boot.
// Errors: CorruptFile (bad magic, lengths, truncated or trailing bytes, digest mismatch; the
// detail says which), ProfileTooLarge (body over kFirmwareBodyBytesMax).
Result<FirmwareImageInfo> inspect_firmware_image(ByteSpan image);

}  // namespace fw
