#include "firmware-core/agent/firmware_image.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cassert>
#include <memory>
#include <tuple>

#include "firmware-core/macro/firmware_version.h"

namespace fw {
namespace {

constexpr std::array<std::uint8_t, 8> kMagic = {'P', 'S', 'I', 'M', 'F', 'W', '0', '1'};
constexpr std::size_t kDigestBytes = std::tuple_size_v<Sha256Digest>;

bool printable(std::string_view text) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x21 || byte > 0x7e) return false;
  }
  return true;
}

Failure corrupt(std::string what) {
  return fail(ErrorCode::CorruptFile, "firmware image: " + std::move(what));
}

}  // namespace

namespace {
// Fetched once per process: EVP_sha256() makes every EVP_DigestInit_ex() look the
// implementation up again (OpenSSL 3), which costs more than hashing a small profile.
const EVP_MD* sha256_algorithm() {
  static EVP_MD* const fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return fetched != nullptr ? fetched : EVP_sha256();
}
}  // namespace

Sha256Digest sha256(std::span<const ByteSpan> parts) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                  &EVP_MD_CTX_free);
  Sha256Digest digest{};
  unsigned int length = 0;
  // Allocation failure in OpenSSL is not an input error; the asserts catch it in tests.
  [[maybe_unused]] int ok = context ? EVP_DigestInit_ex(context.get(), sha256_algorithm(), nullptr) : 0;
  assert(ok == 1);
  for (ByteSpan part : parts) {
    ok = EVP_DigestUpdate(context.get(), part.data(), part.size());
    assert(ok == 1);
  }
  ok = EVP_DigestFinal_ex(context.get(), digest.data(), &length);
  assert(ok == 1 && length == digest.size());
  return digest;
}

std::string firmware_family(std::string_view software_version, std::string_view product_name) {
  auto version = parse_firmware_version(software_version);
  if (version && version->format == VersionFormat::Mpp && !version->model.empty()) {
    return "sip" + version->model;
  }
  return std::string(product_name);
}

Bytes build_firmware_image(std::string_view family, std::string_view version, ByteSpan body) {
  assert(!family.empty() && family.size() <= kFirmwareFamilyBytesMax);
  assert(!version.empty() && version.size() <= kVersionBytesMax);
  assert(body.size() <= kFirmwareBodyBytesMax);
  Bytes image(kMagic.begin(), kMagic.end());
  image.push_back(static_cast<std::uint8_t>(family.size()));
  image.insert(image.end(), family.begin(), family.end());
  image.push_back(static_cast<std::uint8_t>(version.size()));
  image.insert(image.end(), version.begin(), version.end());
  const auto body_bytes = static_cast<std::uint32_t>(body.size());
  for (int shift = 24; shift >= 0; shift -= 8) {
    image.push_back(static_cast<std::uint8_t>(body_bytes >> shift));
  }
  const ByteSpan parts[] = {ByteSpan(image), body};
  const Sha256Digest digest = sha256(parts);
  image.insert(image.end(), digest.begin(), digest.end());
  image.insert(image.end(), body.begin(), body.end());
  return image;
}

Result<FirmwareImageInfo> inspect_firmware_image(ByteSpan image) {
  std::size_t at = 0;
  auto remaining = [&] { return image.size() - at; };
  if (image.size() < kMagic.size() ||
      !std::equal(kMagic.begin(), kMagic.end(), image.begin())) {
    return corrupt("no PSIMFW01 magic");
  }
  at = kMagic.size();
  FirmwareImageInfo info;
  auto text_field = [&](std::string_view name, std::size_t limit,
                        std::string& out) -> Result<void> {
    if (remaining() < 1) return corrupt("truncated before the " + std::string(name));
    const std::size_t length = image[at++];
    if (length == 0 || length > limit) {
      return corrupt(std::string(name) + " length " + std::to_string(length) + " not in 1.." +
                     std::to_string(limit));
    }
    if (remaining() < length) return corrupt("truncated inside the " + std::string(name));
    out.assign(reinterpret_cast<const char*>(image.data() + at), length);
    at += length;
    if (!printable(out)) return corrupt(std::string(name) + " is not printable text");
    return {};
  };
  if (auto family = text_field("family", kFirmwareFamilyBytesMax, info.family); !family) {
    return fail(family.error());
  }
  if (auto version = text_field("version", kVersionBytesMax, info.version); !version) {
    return fail(version.error());
  }
  if (remaining() < 4 + kDigestBytes) return corrupt("truncated inside the header");
  std::uint32_t body_bytes = 0;
  for (int index = 0; index < 4; ++index) body_bytes = (body_bytes << 8) | image[at++];
  if (body_bytes > kFirmwareBodyBytesMax) {
    return fail(ErrorCode::ProfileTooLarge,
                "firmware image: body of " + std::to_string(body_bytes) + " bytes is over " +
                    std::to_string(kFirmwareBodyBytesMax));
  }
  const ByteSpan header = image.first(at);
  const ByteSpan stored_digest = image.subspan(at, kDigestBytes);
  at += kDigestBytes;
  if (remaining() < body_bytes) {
    return corrupt("truncated: " + std::to_string(remaining()) + " of " +
                   std::to_string(body_bytes) + " body bytes");
  }
  if (remaining() > body_bytes) {
    return corrupt(std::to_string(remaining() - body_bytes) + " bytes after the body");
  }
  const ByteSpan parts[] = {header, image.subspan(at)};
  const Sha256Digest digest = sha256(parts);
  if (!std::equal(digest.begin(), digest.end(), stored_digest.begin())) {
    return corrupt("SHA-256 mismatch");
  }
  info.body_bytes = body_bytes;
  return info;
}

}  // namespace fw
