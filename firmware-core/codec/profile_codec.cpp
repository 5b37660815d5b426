#include "firmware-core/codec/profile_codec.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <zlib.h>
#ifdef PHONESIM_FAST_BACKEND
#include <libdeflate.h>
#endif

#include <algorithm>
#include <climits>
#include <cstring>
#include <string>
#include <string_view>

namespace fw {
namespace {

constexpr std::string_view kSaltedMagic = "Salted__";
constexpr std::size_t kSaltBytes = 8;
constexpr std::size_t kSaltedHeaderBytes = 16;  // "Salted__" + salt
constexpr std::size_t kAesBlockBytes = 16;
constexpr std::size_t kGzipHeaderBytesMin = 10;
constexpr std::size_t kGzipTrailerBytes = 8;  // CRC-32 and ISIZE
constexpr std::uint8_t kGzipMagic0 = 0x1f;
constexpr std::uint8_t kGzipMagic1 = 0x8b;
constexpr std::uint8_t kGzipMethodDeflate = 8;
constexpr std::uint8_t kGzipReservedFlags = 0xe0;
constexpr std::uint8_t kGzipOsUnix = 3;
constexpr std::uint8_t kGzipFlagHeaderCrc = 0x02;
constexpr std::uint8_t kGzipFlagExtra = 0x04;
constexpr std::uint8_t kGzipFlagName = 0x08;
constexpr std::uint8_t kGzipFlagComment = 0x10;
// zlib windowBits: 15 (32 KB window) + 16 = gzip wrapper only (no zlib, no raw deflate).
constexpr int kGzipWindowBits = 15 + 16;
constexpr int kDeflateMemoryLevel = 8;
// The first inflate buffer when the gzip trailer's ISIZE (untrusted) is not a usable hint.
constexpr std::size_t kInflateBufferBytesInitial = 16 * 1024;

bool is_salted(ByteSpan bytes) {
  return bytes.size() >= kSaltedMagic.size() &&
         as_text(bytes.first(kSaltedMagic.size())) == kSaltedMagic;
}

bool is_gzip(ByteSpan bytes) {
  return bytes.size() >= 2 && bytes[0] == kGzipMagic0 && bytes[1] == kGzipMagic1;
}

// Optional UTF-8 byte order mark, optional XML whitespace, then '<'.
bool looks_like_xml(ByteSpan bytes) {
  std::size_t position = 0;
  if (bytes.size() >= 3 && bytes[0] == 0xef && bytes[1] == 0xbb && bytes[2] == 0xbf)
    position = 3;
  while (position < bytes.size() && (bytes[position] == ' ' || bytes[position] == '\t' ||
                                     bytes[position] == '\r' || bytes[position] == '\n'))
    ++position;
  return position < bytes.size() && bytes[position] == '<';
}

// A zlib header (RFC 1950): deflate method, 32 KB window at most, header check multiple of 31.
bool looks_like_zlib(ByteSpan bytes) {
  return bytes.size() >= 2 && (bytes[0] & 0x0f) == 8 && (bytes[0] >> 4) <= 7 &&
         ((bytes[0] << 8) | bytes[1]) % 31 == 0;
}

std::string at_byte(std::size_t position, std::string_view what) {
  std::string detail = "at byte ";
  detail += std::to_string(position);
  detail += ": ";
  detail += what;
  return detail;
}

const char* digest_name(KdfDigest digest) {
  return digest == KdfDigest::Sha256 ? "SHA256" : "MD5";
}

// Derived key and IV, wiped when they go out of scope.
struct KeyMaterial {
  unsigned char key[EVP_MAX_KEY_LENGTH];
  unsigned char iv[EVP_MAX_IV_LENGTH];
  KeyMaterial() = default;
  KeyMaterial(const KeyMaterial&) = delete;
  KeyMaterial& operator=(const KeyMaterial&) = delete;
  ~KeyMaterial() {
    OPENSSL_cleanse(key, sizeof key);
    OPENSSL_cleanse(iv, sizeof iv);
  }
};

// openssl enc's key derivation: EVP_BytesToKey, one iteration, 32 bytes of key then 16 of IV.
bool derive_key(const EVP_CIPHER* cipher, const EVP_MD* digest, const std::uint8_t* salt,
                const std::string& phrase, KeyMaterial& out) {
  if (phrase.size() > static_cast<std::size_t>(INT_MAX))
    return false;
  return EVP_BytesToKey(cipher, digest, salt, reinterpret_cast<const unsigned char*>(phrase.data()),
                        static_cast<int>(phrase.size()), 1, out.key, out.iv) > 0;
}

}  // namespace

struct ProfileDecoder::Contexts {
  EVP_CIPHER_CTX* cipher_context = EVP_CIPHER_CTX_new();
  EVP_CIPHER* aes_256_cbc = EVP_CIPHER_fetch(nullptr, "AES-256-CBC", nullptr);
  EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  EVP_MD* md5 = EVP_MD_fetch(nullptr, "MD5", nullptr);  // absent from a FIPS-only provider
  z_stream inflater{};
  bool inflater_ready = false;
#ifdef PHONESIM_FAST_BACKEND
  libdeflate_decompressor* decompressor = libdeflate_alloc_decompressor();
#endif

  Contexts() { inflater_ready = inflateInit2(&inflater, kGzipWindowBits) == Z_OK; }
  ~Contexts() {
#ifdef PHONESIM_FAST_BACKEND
    libdeflate_free_decompressor(decompressor);
#endif
    if (inflater_ready)
      inflateEnd(&inflater);
    EVP_MD_free(md5);
    EVP_MD_free(sha256);
    EVP_CIPHER_free(aes_256_cbc);
    EVP_CIPHER_CTX_free(cipher_context);
  }
  Contexts(const Contexts&) = delete;
  Contexts& operator=(const Contexts&) = delete;

  const EVP_MD* digest(KdfDigest which) const { return which == KdfDigest::Sha256 ? sha256 : md5; }
};

bool inflater_available(Inflater inflater) {
  switch (inflater) {
    case Inflater::Zlib:
      return true;
    case Inflater::Libdeflate:
#ifdef PHONESIM_FAST_BACKEND
      return true;
#else
      return false;
#endif
  }
  return false;
}

ProfileDecoder::ProfileDecoder(Inflater inflater)
    : contexts_(std::make_unique<Contexts>()), inflater_(inflater) {}
ProfileDecoder::~ProfileDecoder() = default;

Result<ByteSpan> ProfileDecoder::decode(ByteSpan downloaded, const std::optional<std::string>& key,
                                        KeyDerivation key_derivation, const DecodeLimits& limits) {
  if (downloaded.size() > limits.encoded_bytes_max) {
    return fail(ErrorCode::ProfileTooLarge, "downloaded " + std::to_string(downloaded.size()) +
                                                " bytes, encoded_bytes_max " +
                                                std::to_string(limits.encoded_bytes_max));
  }
  DecodedLayers found;
  found.encoded_bytes = downloaded.size();

  ByteSpan payload = downloaded;
  if (is_salted(downloaded)) {
    if (!key)
      return fail(ErrorCode::KeyRequired, "openssl-enc file and the rule has no --key");
    KdfDigest digest = KdfDigest::Sha256;
    auto decrypted = decrypt(downloaded, *key, key_derivation, digest);
    if (!decrypted)
      return fail(std::move(decrypted).error());
    payload = *decrypted;
    found.encrypted = true;
    found.digest = digest;
  } else if (key) {
    return fail(ErrorCode::NotEncrypted,
                "the rule has a --key but the file has no Salted__ header");
  }

  ByteSpan plain;
  if (is_gzip(payload)) {
    auto inflated = inflate(payload, limits.inflated_bytes_max);
    if (!inflated)
      return fail(std::move(inflated).error());
    plain = *inflated;
    found.compressed = true;
    found.compressed_bytes = payload.size();
  } else if (looks_like_xml(payload)) {
    if (payload.size() > limits.inflated_bytes_max) {
      return fail(ErrorCode::ProfileTooLarge, "XML of " + std::to_string(payload.size()) +
                                                  " bytes, inflated_bytes_max " +
                                                  std::to_string(limits.inflated_bytes_max));
    }
    if (found.encrypted) {
      plain = payload;  // already in decrypted_
    } else {
      // Copied so the result lives in the decoder, as documented, whatever the caller does with
      // its download buffer.
      inflated_.assign(payload.begin(), payload.end());
      plain = inflated_;
    }
  } else if (looks_like_zlib(payload)) {
    return fail(ErrorCode::CorruptFile, "zlib-wrapped stream: a gzip header is required");
  } else {
    return fail(ErrorCode::CorruptFile,
                found.encrypted
                    ? "decrypted data is neither gzip nor XML"
                    : "neither openssl-enc, gzip nor XML (raw deflate is not accepted)");
  }
  found.plain_bytes = plain.size();
  layers_ = found;
  return plain;
}

// Tries each candidate digest; the first with valid padding and a gzip or XML plaintext wins.
// Sets `found` to the winning digest.
Result<ByteSpan> ProfileDecoder::decrypt(ByteSpan downloaded, const std::string& key,
                                         KeyDerivation key_derivation, KdfDigest& found) {
  Contexts& contexts = *contexts_;
  if (downloaded.size() < kSaltedHeaderBytes)
    return fail(ErrorCode::CorruptFile, "openssl-enc header cut before the end of its salt");
  const std::uint8_t* salt = downloaded.data() + kSaltedMagic.size();
  const ByteSpan ciphertext = downloaded.subspan(kSaltedHeaderBytes);
  if (ciphertext.empty() || ciphertext.size() % kAesBlockBytes != 0) {
    return fail(ErrorCode::CorruptFile, "openssl-enc ciphertext of " +
                                            std::to_string(ciphertext.size()) +
                                            " bytes is not a whole number of 16-byte AES blocks");
  }
  if (contexts.cipher_context == nullptr || contexts.aes_256_cbc == nullptr)
    return fail(ErrorCode::DecryptFailed, "OpenSSL has no AES-256-CBC");
  if (ciphertext.size() > static_cast<std::size_t>(INT_MAX - kAesBlockBytes))
    return fail(ErrorCode::ProfileTooLarge, "ciphertext too large for one OpenSSL call");

  const KdfDigest sha256_then_md5[] = {KdfDigest::Sha256, KdfDigest::Md5};
  const KdfDigest md5_only[] = {KdfDigest::Md5};
  const std::span<const KdfDigest> candidates = key_derivation == KeyDerivation::Md5Only
                                                    ? std::span<const KdfDigest>(md5_only)
                                                    : std::span<const KdfDigest>(sha256_then_md5);
  std::string tried;
  for (KdfDigest candidate : candidates) {
    if (!tried.empty())
      tried += ", ";
    tried += digest_name(candidate);
    const EVP_MD* digest = contexts.digest(candidate);
    if (digest == nullptr)
      continue;
    KeyMaterial material;
    if (!derive_key(contexts.aes_256_cbc, digest, salt, key, material))
      continue;
    if (EVP_DecryptInit_ex2(contexts.cipher_context, contexts.aes_256_cbc, material.key,
                            material.iv, nullptr) != 1)
      continue;
    // Within capacity after the first profiles: resize does not allocate.
    decrypted_.resize(ciphertext.size() + kAesBlockBytes);
    int update_bytes = 0;
    int final_bytes = 0;
    if (EVP_DecryptUpdate(contexts.cipher_context, decrypted_.data(), &update_bytes,
                          ciphertext.data(), static_cast<int>(ciphertext.size())) != 1)
      continue;
    if (EVP_DecryptFinal_ex(contexts.cipher_context, decrypted_.data() + update_bytes,
                            &final_bytes) != 1)
      continue;  // bad padding: wrong key or digest
    decrypted_.resize(static_cast<std::size_t>(update_bytes + final_bytes));
    const ByteSpan plaintext(decrypted_);
    if (!is_gzip(plaintext) && !looks_like_xml(plaintext))
      continue;  // padding valid by chance (about 1 in 256): not this candidate
    found = candidate;
    return plaintext;
  }
  decrypted_.clear();
  return fail(ErrorCode::DecryptFailed,
              "no key derivation (" + tried + ") gives valid padding and a gzip or XML plaintext");
}

Result<ByteSpan> ProfileDecoder::inflate(ByteSpan compressed, std::size_t inflated_bytes_max) {
  if (compressed.size() < kGzipHeaderBytesMin)
    return fail(ErrorCode::CorruptFile, "gzip header cut short");
  if (compressed[2] != kGzipMethodDeflate)
    return fail(ErrorCode::CorruptFile, at_byte(2, "gzip compression method is not deflate"));
  if ((compressed[3] & kGzipReservedFlags) != 0)
    return fail(ErrorCode::CorruptFile, at_byte(3, "reserved gzip header flags set"));
  if (compressed.size() > UINT_MAX)
    return fail(ErrorCode::ProfileTooLarge, "gzip stream too large for one zlib call");
  auto inflated = inflater_ == Inflater::Zlib
                      ? inflate_with_zlib(compressed, inflated_bytes_max)
                      : inflate_with_libdeflate(compressed, inflated_bytes_max);
  if (!inflated)
    return fail(std::move(inflated).error());
  return ByteSpan(inflated_).first(*inflated);
}

namespace {

// The first inflate buffer size: the trailer's ISIZE (the length mod 2^32; untrusted, so
// capped by the caller), to inflate usual profiles without regrowing.
std::size_t inflated_size_hint(ByteSpan compressed) {
  std::size_t size_hint = kInflateBufferBytesInitial;
  if (compressed.size() >= kGzipHeaderBytesMin + kGzipTrailerBytes) {
    const std::uint8_t* isize = compressed.data() + compressed.size() - 4;
    size_hint = std::max<std::size_t>(size_hint, static_cast<std::size_t>(isize[0]) |
                                                     static_cast<std::size_t>(isize[1]) << 8 |
                                                     static_cast<std::size_t>(isize[2]) << 16 |
                                                     static_cast<std::size_t>(isize[3]) << 24);
  }
  return size_hint;
}

Failure trailing_bytes(ByteSpan compressed, std::size_t position) {
  const bool member = is_gzip(compressed.subspan(position));
  return fail(ErrorCode::CorruptFile,
              at_byte(position, member ? "a second gzip member (only one is accepted)"
                                       : "trailing bytes after the gzip member"));
}

}  // namespace

Result<std::size_t> ProfileDecoder::inflate_with_zlib(ByteSpan compressed,
                                                      std::size_t inflated_bytes_max) {
  Contexts& contexts = *contexts_;
  if (!contexts.inflater_ready)
    return fail(ErrorCode::ProfileTooLarge, "zlib could not allocate its state");

  z_stream& stream = contexts.inflater;
  if (inflateReset(&stream) != Z_OK)
    return fail(ErrorCode::CorruptFile, "zlib inflateReset failed");
  stream.next_in = const_cast<Bytef*>(compressed.data());  // zlib does not write through it
  stream.avail_in = static_cast<uInt>(compressed.size());

  // Growth is exact (reserve), never past the limit.
  const std::size_t size_hint = std::min(inflated_size_hint(compressed), inflated_bytes_max);
  if (inflated_.size() < size_hint) {
    inflated_.reserve(size_hint);
    inflated_.resize(size_hint);
  }
  // The part of inflated_ this call may fill: a buffer left larger by an earlier profile with a
  // higher limit does not lift this one's.
  std::size_t buffer_bytes = std::min(inflated_.size(), inflated_bytes_max);
  std::size_t produced = 0;
  for (;;) {
    if (produced == buffer_bytes && produced < inflated_bytes_max) {
      buffer_bytes = std::min(inflated_bytes_max, produced * 2);
      if (buffer_bytes > inflated_.size()) {
        inflated_.reserve(buffer_bytes);  // exact: resize alone may over-allocate
        inflated_.resize(buffer_bytes);
      }
    }
    // At the limit, one probe byte tells "ends exactly here" from "too large".
    std::uint8_t probe = 0;
    const bool probing = produced == buffer_bytes;
    stream.next_out = probing ? &probe : inflated_.data() + produced;
    stream.avail_out = probing ? 1u : static_cast<uInt>(buffer_bytes - produced);
    const uInt out_before = stream.avail_out;
    const uInt in_before = stream.avail_in;
    const int status = ::inflate(&stream, Z_NO_FLUSH);
    const std::size_t written = out_before - stream.avail_out;
    if (probing && written > 0) {
      return fail(ErrorCode::ProfileTooLarge, "inflates past inflated_bytes_max " +
                                                  std::to_string(inflated_bytes_max) + " bytes");
    }
    if (!probing)
      produced += written;
    if (status == Z_STREAM_END)
      break;
    const std::size_t position = compressed.size() - stream.avail_in;
    if (status == Z_DATA_ERROR || status == Z_NEED_DICT) {
      std::string what = "gzip: ";
      what += stream.msg != nullptr ? stream.msg : "invalid stream";
      return fail(ErrorCode::CorruptFile, at_byte(position, what));
    }
    if (status == Z_MEM_ERROR) {
      return fail(ErrorCode::ProfileTooLarge, "zlib ran out of memory");
    }
    if (stream.avail_in == 0 && stream.avail_out != 0) {
      return fail(ErrorCode::CorruptFile, at_byte(position, "gzip stream cut short"));
    }
    if (written == 0 && stream.avail_in == in_before) {
      return fail(ErrorCode::CorruptFile, at_byte(position, "gzip stream makes no progress"));
    }
  }
  if (stream.avail_in != 0)
    return trailing_bytes(compressed, compressed.size() - stream.avail_in);
  return produced;
}

namespace {

std::uint32_t read_le32(const std::uint8_t* bytes) {
  return static_cast<std::uint32_t>(bytes[0]) | static_cast<std::uint32_t>(bytes[1]) << 8 |
         static_cast<std::uint32_t>(bytes[2]) << 16 | static_cast<std::uint32_t>(bytes[3]) << 24;
}

// The end of the RFC 1952 header (optional extra field, name, comment and header CRC), or nullopt
// when it is cut short or its CRC does not match (zlib then says which).
std::optional<std::size_t> gzip_header_end(ByteSpan compressed) {
  const std::uint8_t flags = compressed[3];
  std::size_t position = kGzipHeaderBytesMin;
  if ((flags & kGzipFlagExtra) != 0) {
    if (compressed.size() - position < 2)
      return std::nullopt;
    const std::size_t extra_bytes = compressed[position] | compressed[position + 1] << 8;
    position += 2;
    if (compressed.size() - position < extra_bytes)
      return std::nullopt;
    position += extra_bytes;
  }
  for (const std::uint8_t flag : {kGzipFlagName, kGzipFlagComment}) {
    if ((flags & flag) == 0)
      continue;
    const auto* begin = compressed.data() + position;
    const void* nul = std::memchr(begin, 0, compressed.size() - position);
    if (nul == nullptr)
      return std::nullopt;
    position += static_cast<std::size_t>(static_cast<const std::uint8_t*>(nul) - begin) + 1;
  }
  if ((flags & kGzipFlagHeaderCrc) != 0) {
    if (compressed.size() - position < 2)
      return std::nullopt;
    const auto crc = static_cast<std::uint32_t>(
        crc32(0, compressed.data(), static_cast<uInt>(position)) & 0xffffu);
    if (crc != static_cast<std::uint32_t>(compressed[position] | compressed[position + 1] << 8))
      return std::nullopt;
    position += 2;
  }
  return position;
}

}  // namespace

// libdeflate has no streaming inflate: it needs the whole output buffer up front. The buffer is
// sized from the trailer's ISIZE, capped at the limit; if that is too small (ISIZE lies, or the
// stream is past the limit), one retry with the limit itself. Memory stays bounded by
// inflated_bytes_max.
//
// libdeflate only ever decides that a file is good. Every file it does not fully accept (bad
// header, bad or cut stream, past the limit, CRC or length mismatch, trailing bytes) is handed to
// zlib's bounded streaming inflate, which gives the error: so both inflaters reject exactly the
// same files with the same errors (libdeflate reads a cut stream as if zeros followed and would
// report some as too large). Good files never take that path; a gzip bomb costs one libdeflate
// and one zlib pass up to the limit, with memory bounded by it.
Result<std::size_t> ProfileDecoder::inflate_with_libdeflate(ByteSpan compressed,
                                                            std::size_t inflated_bytes_max) {
#ifdef PHONESIM_FAST_BACKEND
  Contexts& contexts = *contexts_;
  auto zlib_decides = [&] { return inflate_with_zlib(compressed, inflated_bytes_max); };
  if (contexts.decompressor == nullptr)
    return zlib_decides();
  const std::optional<std::size_t> header_end = gzip_header_end(compressed);
  if (!header_end)
    return zlib_decides();
  const ByteSpan body = compressed.subspan(*header_end);

  std::size_t capacity = std::min(inflated_size_hint(compressed), inflated_bytes_max);
  std::size_t body_bytes = 0;
  std::size_t produced = 0;
  for (;;) {
    if (inflated_.size() < capacity) {
      inflated_.reserve(capacity);  // exact: resize alone may over-allocate
      inflated_.resize(capacity);
    }
    const libdeflate_result status = libdeflate_deflate_decompress_ex(
        contexts.decompressor, body.data(), body.size(), inflated_.data(),
        std::min(inflated_.size(), inflated_bytes_max), &body_bytes, &produced);
    if (status == LIBDEFLATE_SUCCESS)
      break;
    if (status != LIBDEFLATE_INSUFFICIENT_SPACE || capacity >= inflated_bytes_max ||
        inflated_.size() >= inflated_bytes_max) {
      return zlib_decides();
    }
    capacity = inflated_bytes_max;
  }
  const std::size_t trailer = *header_end + body_bytes;
  if (compressed.size() - trailer != kGzipTrailerBytes ||
      libdeflate_crc32(0, inflated_.data(), produced) != read_le32(compressed.data() + trailer) ||
      static_cast<std::uint32_t>(produced) != read_le32(compressed.data() + trailer + 4)) {
    return zlib_decides();
  }
  return produced;
#else
  (void)compressed;
  (void)inflated_bytes_max;
  return fail(ErrorCode::CorruptFile, "libdeflate is not built in (PHONESIM_FAST_BACKEND)");
#endif
}

namespace {

Result<Bytes> gzip_compress(ByteSpan xml) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kGzipWindowBits, kDeflateMemoryLevel,
                   Z_DEFAULT_STRATEGY) != Z_OK)
    return fail(ErrorCode::ProfileTooLarge, "zlib could not allocate its state");
  gz_header header{};  // no name, no comment, no extra field, mtime 0
  header.os = kGzipOsUnix;
  Bytes out;
  bool ok = deflateSetHeader(&stream, &header) == Z_OK;
  if (ok) {
    out.resize(deflateBound(&stream, static_cast<uLong>(xml.size())));
    stream.next_in = const_cast<Bytef*>(xml.data());  // zlib does not write through it
    stream.avail_in = static_cast<uInt>(xml.size());
    stream.next_out = out.data();
    stream.avail_out = static_cast<uInt>(out.size());
    ok = deflate(&stream, Z_FINISH) == Z_STREAM_END;
    out.resize(stream.total_out);
  }
  deflateEnd(&stream);
  if (!ok)
    return fail(ErrorCode::ProfileTooLarge, "zlib deflate failed");
  return out;
}

Result<Bytes> encrypt(ByteSpan plain, const std::string& phrase, KdfDigest digest,
                      const std::array<std::uint8_t, kSaltBytes>& salt) {
  const EVP_CIPHER* cipher = EVP_aes_256_cbc();
  const EVP_MD* md = digest == KdfDigest::Sha256 ? EVP_sha256() : EVP_md5();
  KeyMaterial material;
  if (md == nullptr || !derive_key(cipher, md, salt.data(), phrase, material))
    return fail(ErrorCode::DecryptFailed, std::string("no ") + digest_name(digest) + " digest");
  EVP_CIPHER_CTX* context = EVP_CIPHER_CTX_new();
  if (context == nullptr)
    return fail(ErrorCode::ProfileTooLarge, "OpenSSL could not allocate a cipher context");
  Bytes out(kSaltedHeaderBytes + plain.size() + kAesBlockBytes);
  std::memcpy(out.data(), kSaltedMagic.data(), kSaltedMagic.size());
  std::memcpy(out.data() + kSaltedMagic.size(), salt.data(), salt.size());
  int update_bytes = 0;
  int final_bytes = 0;
  const bool ok = EVP_EncryptInit_ex2(context, cipher, material.key, material.iv, nullptr) == 1 &&
                  EVP_EncryptUpdate(context, out.data() + kSaltedHeaderBytes, &update_bytes,
                                    plain.data(), static_cast<int>(plain.size())) == 1 &&
                  EVP_EncryptFinal_ex(context, out.data() + kSaltedHeaderBytes + update_bytes,
                                      &final_bytes) == 1;
  EVP_CIPHER_CTX_free(context);
  if (!ok)
    return fail(ErrorCode::DecryptFailed, "AES-256-CBC encryption failed");
  out.resize(kSaltedHeaderBytes + static_cast<std::size_t>(update_bytes + final_bytes));
  return out;
}

}  // namespace

Result<Bytes> encode_profile(ByteSpan xml, const EncodeOptions& options) {
  if (xml.size() > kInflatedProfileBytesMax) {
    return fail(ErrorCode::ProfileTooLarge, "XML of " + std::to_string(xml.size()) +
                                                " bytes, inflated_bytes_max " +
                                                std::to_string(kInflatedProfileBytesMax));
  }
  Bytes layer(xml.begin(), xml.end());
  if (options.gzip) {
    auto compressed = gzip_compress(layer);
    if (!compressed)
      return compressed;
    layer = std::move(*compressed);
  }
  if (options.key) {
    auto encrypted = encrypt(layer, *options.key, options.digest, options.salt);
    if (!encrypted)
      return encrypted;
    layer = std::move(*encrypted);
  }
  if (layer.size() > kEncodedProfileBytesMax) {
    return fail(ErrorCode::ProfileTooLarge, "encoded " + std::to_string(layer.size()) +
                                                " bytes, encoded_bytes_max " +
                                                std::to_string(kEncodedProfileBytesMax));
  }
  return layer;
}

}  // namespace fw
