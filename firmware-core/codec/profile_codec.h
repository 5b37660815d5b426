#pragma once

// The layers a profile travels in (reference §4.3): XML -> gzip (optional) -> openssl enc
// AES-256-CBC (optional). Decoding recognises each layer by content, never by file name:
// "Salted__" + 8-byte salt = encrypted (key and IV from EVP_BytesToKey over the --key phrase and
// the salt), 1f 8b 08 = gzip (RFC 1952 header required; raw deflate and zlib-wrapped streams
// are rejected), otherwise the bytes must look like XML.
//
// Decisions on edge cases (each has a test in tests/firmware-core/codec/profile_codec_test.cpp):
// - Anything after the first gzip member, including a second member that `gzip -d` would
//   concatenate, is trailing garbage -> CorruptFile. `phonesim profile pack` and `gzip` of one
//   file never write two members, and what a phone does with them is undocumented.
// - Encrypted data whose length is not a multiple of the AES block (16 bytes), or a "Salted__"
//   header without its salt, is CorruptFile (the file was cut, no key could help). A file cut
//   at a block boundary fails padding like a wrong key does: DecryptFailed.
// - An encrypted file whose plaintext is empty is DecryptFailed (it is neither gzip nor XML).

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "firmware-core/base/bytes.h"
#include "firmware-core/base/result.h"
#include "firmware-core/config/flat_profile.h"

namespace fw {

// encoded_bytes_max: the most bytes a downloaded (encrypted and/or compressed) profile may have.
inline constexpr std::size_t kEncodedProfileBytesMax = 1024 * 1024;
// inflated_bytes_max: the most bytes inflating may produce (a gzip bomb stops here, with memory
// bounded by this limit). Equal to the flat-profile parser's own limit.
inline constexpr std::size_t kInflatedProfileBytesMax = kProfileBytesMax;

struct DecodeLimits {
  std::size_t encoded_bytes_max = kEncodedProfileBytesMax;    // -> ProfileTooLarge
  std::size_t inflated_bytes_max = kInflatedProfileBytesMax;  // -> ProfileTooLarge
};

// The digest EVP_BytesToKey uses: OpenSSL >= 1.1 `enc` defaults to SHA-256, <= 1.0 used MD5.
enum class KdfDigest : std::uint8_t { Sha256, Md5 };

// Which digests a phone tries (decisions.md): SHA-256 then MD5, or MD5 only (flavor `spa` or a
// per-phone setting, to reproduce phones that reject files made by newer OpenSSL).
enum class KeyDerivation : std::uint8_t { Sha256ThenMd5, Md5Only };

// Which library inflates gzip. zlib is the default and always built in; libdeflate (two to three
// times faster, whole-buffer only) only in builds with PHONESIM_FAST_BACKEND. Both accept the
// same files and reject the others with the same errors: libdeflate only ever accepts, and any
// file it does not fully accept is decided by zlib (profile_codec.cpp).
enum class Inflater : std::uint8_t { Zlib, Libdeflate };

// True when this build includes `inflater`. Call before selecting one other than the default; a
// decoder made with one that is not built in fails every gzip file with CorruptFile.
bool inflater_available(Inflater inflater);

// What decode() found, for `phonesim profile inspect`, traces and status pages.
struct DecodedLayers {
  bool encrypted = false;
  std::optional<KdfDigest> digest;  // the candidate that decrypted it
  bool compressed = false;
  std::size_t encoded_bytes = 0;     // as downloaded
  std::size_t compressed_bytes = 0;  // gzip stream size (0 if not compressed)
  std::size_t plain_bytes = 0;       // the XML handed to the parser
};

// Decodes downloaded profiles to plain XML. One decoder per simulated phone world (or per
// device), reused for every profile: its OpenSSL and zlib contexts and its output buffer are
// kept, so steady-state decoding does not allocate. Not thread-safe.
class ProfileDecoder {
 public:
  explicit ProfileDecoder(Inflater inflater = Inflater::Zlib);
  ~ProfileDecoder();
  ProfileDecoder(const ProfileDecoder&) = delete;
  ProfileDecoder& operator=(const ProfileDecoder&) = delete;

  // Decodes `downloaded`. `key` is the rule's --key argument (already macro-expanded), nullopt
  // if the rule has none. Returns the plain XML; the span points into the decoder and stays
  // valid until the next decode(). Errors (each with a detail naming what and where, never the
  // key): ProfileTooLarge (encoded or inflated size over the limit), DecryptFailed (wrong key:
  // no candidate digest gives valid padding and a gzip or XML plaintext), KeyRequired (the file
  // is encrypted and the rule has no --key), NotEncrypted (the rule has a --key but the file is
  // not openssl-enc: the phone does not silently accept plain files then), CorruptFile (bad gzip
  // header, raw deflate or zlib stream, CRC or length mismatch, truncated stream, trailing
  // garbage, a file that is none of the three formats).
  Result<ByteSpan> decode(ByteSpan downloaded, const std::optional<std::string>& key,
                          KeyDerivation key_derivation = KeyDerivation::Sha256ThenMd5,
                          const DecodeLimits& limits = {});

  // The layers of the last successful decode() (a failed decode() leaves them as they were).
  const DecodedLayers& layers() const { return layers_; }

  // Bytes the decoder's output buffers hold (capacity, not size), for memory accounting and for
  // tests that check a gzip bomb or a long run of profiles does not grow them past the limits:
  // at most encoded_bytes_max + one AES block for decryption plus inflated_bytes_max.
  std::size_t buffer_capacity_bytes() const { return decrypted_.capacity() + inflated_.capacity(); }

 private:
  struct Contexts;  // OpenSSL cipher context and digests, zlib stream: kept between profiles
  std::unique_ptr<Contexts> contexts_;
  Result<ByteSpan> decrypt(ByteSpan downloaded, const std::string& key,
                           KeyDerivation key_derivation, KdfDigest& found);
  Result<ByteSpan> inflate(ByteSpan compressed, std::size_t inflated_bytes_max);
  // Both return the inflated size; inflated_ keeps its size between profiles (only its first
  // that many bytes are the result), so that regrowing it does not zero-fill it every time.
  Result<std::size_t> inflate_with_zlib(ByteSpan compressed, std::size_t inflated_bytes_max);
  Result<std::size_t> inflate_with_libdeflate(ByteSpan compressed,
                                              std::size_t inflated_bytes_max);

  Inflater inflater_;
  Bytes decrypted_;  // AES-256-CBC plaintext (gzip or XML)
  Bytes inflated_;   // inflated XML, or a copy of a plain XML download
  DecodedLayers layers_;
};

// How `phonesim profile pack` and the simulated servers build profiles.
struct EncodeOptions {
  bool gzip = false;
  std::optional<std::string> key;  // encrypt with openssl enc -aes-256-cbc -k KEY
  KdfDigest digest = KdfDigest::Sha256;
  std::array<std::uint8_t, 8> salt{};  // from the caller's seeded randomness (no OS entropy here)
};

// Encodes plain XML into the layers `options` asks for; the output decodes with the system
// `gunzip` and `openssl enc -d -aes-256-cbc -k KEY -md sha256|md5`. gzip output carries no file
// name and a zero mtime, so equal inputs give equal files (on every architecture: the header's
// OS byte is always 3, Unix). Errors: ProfileTooLarge (xml over kInflatedProfileBytesMax, or
// the result over kEncodedProfileBytesMax, so every encoded profile also decodes).
Result<Bytes> encode_profile(ByteSpan xml, const EncodeOptions& options);

}  // namespace fw
