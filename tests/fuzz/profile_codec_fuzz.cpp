// Fuzzes ProfileDecoder with arbitrary downloads, with and without a --key, under both key
// derivation modes, and checks:
//   - a failure is one of the decoder's documented errors;
//   - a success's plaintext is within inflated_bytes_max and its layers match the key given;
//   - the plaintext re-encodes with the layers found (same digest) and decodes back to itself;
//   - decoding the same bytes again with the reused decoder gives the same answer;
//   - with the fast backend built in, libdeflate gives the same plaintext or the same error code.
//
// Input: byte 0 selects the mode (bit 0: a key is given; bit 1: Md5Only; bit 2: which key), the
// rest is the download. Seeds in corpus/profile_codec_fuzz/ are the guide's basic.txt in every
// layer combination (made with gzip -n and openssl enc -k MyOwnSecret [-md md5]).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "firmware-core/codec/profile_codec.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using fuzz::check;

// Small limits so the fuzzer reaches them; the defaults are exercised by the unit tests.
fw::DecodeLimits fuzz_limits() {
  fw::DecodeLimits limits;
  limits.encoded_bytes_max = 64 * 1024;
  limits.inflated_bytes_max = 64 * 1024;
  return limits;
}

bool is_codec_error(fw::ErrorCode code) {
  return code == fw::ErrorCode::ProfileTooLarge || code == fw::ErrorCode::DecryptFailed ||
         code == fw::ErrorCode::KeyRequired || code == fw::ErrorCode::NotEncrypted ||
         code == fw::ErrorCode::CorruptFile;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0)
    return 0;
  const std::uint8_t mode = data[0];
  const fw::ByteSpan downloaded(data + 1, size - 1);
  std::optional<std::string> key;
  if ((mode & 1) != 0)
    key = (mode & 4) != 0 ? "fuzz key" : "MyOwnSecret";
  const fw::KeyDerivation derivation =
      (mode & 2) != 0 ? fw::KeyDerivation::Md5Only : fw::KeyDerivation::Sha256ThenMd5;
  const fw::DecodeLimits limits = fuzz_limits();

  static fw::ProfileDecoder decoder;  // reused across inputs, as in the firmware
  auto plain = decoder.decode(downloaded, key, derivation, limits);
  // With the fast backend built in, libdeflate must accept and reject exactly what zlib does.
  if (fw::inflater_available(fw::Inflater::Libdeflate)) {
    static fw::ProfileDecoder fast(fw::Inflater::Libdeflate);
    auto fast_plain = fast.decode(downloaded, key, derivation, limits);
    check(fast.buffer_capacity_bytes() <=
          limits.encoded_bytes_max + 16 + limits.inflated_bytes_max);
    check(fast_plain.has_value() == plain.has_value());
    if (plain)
      check(fw::as_text(*fast_plain) == fw::as_text(*plain));
    else
      check(fast_plain.error().code == plain.error().code);
  }
  check(decoder.buffer_capacity_bytes() <=
        limits.encoded_bytes_max + 16 + limits.inflated_bytes_max);
  if (!plain) {
    check(is_codec_error(plain.error().code));
    if (key)
      check(plain.error().detail.find(*key) == std::string::npos);
    auto again = decoder.decode(downloaded, key, derivation, limits);
    check(!again && again.error().code == plain.error().code);
    return 0;
  }
  const std::string text(fw::as_text(*plain));
  check(text.size() <= limits.inflated_bytes_max);
  const fw::DecodedLayers layers = decoder.layers();
  check(layers.encrypted == key.has_value());
  check(layers.digest.has_value() == layers.encrypted);
  check(layers.plain_bytes == text.size() && layers.encoded_bytes == downloaded.size());
  if (derivation == fw::KeyDerivation::Md5Only && layers.encrypted)
    check(*layers.digest == fw::KdfDigest::Md5);

  auto again = decoder.decode(downloaded, key, derivation, limits);
  check(again && fw::as_text(*again) == text);

  fw::EncodeOptions options;
  options.gzip = layers.compressed;
  options.key = key;
  options.digest = layers.digest.value_or(fw::KdfDigest::Sha256);
  options.salt = {0x5a, 0x17, 0, 1, 2, 3, 4, 5};
  auto encoded = fw::encode_profile(fw::as_bytes(text), options);
  check(encoded.has_value());
  fw::ProfileDecoder second;
  auto round_trip = second.decode(*encoded, key, derivation);
  check(round_trip.has_value());
  check(fw::as_text(*round_trip) == text);
  check(second.layers().compressed == layers.compressed);
  check(second.layers().digest == layers.digest);
  return 0;
}
