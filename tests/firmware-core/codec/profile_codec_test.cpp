#include "firmware-core/codec/profile_codec.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <zlib.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "firmware-core/codec/downloaded_profile.h"
#include "firmware-core/config/profile_apply.h"
#include "tests/support/param_id.h"

namespace fw {
namespace {

using test::id;

// Every test runs once per inflater built in (zlib, and libdeflate with PHONESIM_FAST_BACKEND):
// both must accept and reject the same files with the same errors. The helpers below read the
// current one.
Inflater current_inflater = Inflater::Zlib;

class InflaterTest : public ::testing::TestWithParam<Inflater> {
 protected:
  void SetUp() override { current_inflater = GetParam(); }
};
class ProfileCodecTest : public InflaterTest {};
class ProfileDecoderTest : public InflaterTest {};

std::vector<Inflater> built_in_inflaters() {
  std::vector<Inflater> inflaters;
  for (Inflater inflater : {Inflater::Zlib, Inflater::Libdeflate}) {
    if (inflater_available(inflater))
      inflaters.push_back(inflater);
  }
  return inflaters;
}

std::string inflater_name(const ::testing::TestParamInfo<Inflater>& info) {
  return info.param == Inflater::Zlib ? "zlib" : "libdeflate";
}

INSTANTIATE_TEST_SUITE_P(Inflaters, ProfileCodecTest, ::testing::ValuesIn(built_in_inflaters()),
                         inflater_name);
INSTANTIATE_TEST_SUITE_P(Inflaters, ProfileDecoderTest, ::testing::ValuesIn(built_in_inflaters()),
                         inflater_name);

// The guide's basic.txt (provisioning-methods.de.txt, "Profilverwaltung").
constexpr std::string_view kBasicTxt =
    "<flat-profile>\n  <GPP_A> 12345678\n</GPP_A>\n</flat-profile>\n";
constexpr std::string_view kGuideKey = "MyOwnSecret";
constexpr std::string_view kOtherKey = "Zebra-42";
constexpr std::array<std::uint8_t, 8> kSalt = {1, 2, 3, 4, 5, 6, 7, 8};

Bytes encode(std::string_view xml, bool gzip, std::optional<std::string> key = std::nullopt,
             KdfDigest digest = KdfDigest::Sha256) {
  EncodeOptions options;
  options.gzip = gzip;
  options.key = std::move(key);
  options.digest = digest;
  options.salt = kSalt;
  auto encoded = encode_profile(as_bytes(xml), options);
  EXPECT_TRUE(encoded.has_value()) << encoded.error().to_string();
  return encoded ? std::move(*encoded) : Bytes{};
}

Bytes encrypt_bytes(const Bytes& plain, const std::string& key,
                    KdfDigest digest = KdfDigest::Sha256) {
  EncodeOptions options;
  options.key = key;
  options.digest = digest;
  options.salt = kSalt;
  auto encoded = encode_profile(plain, options);
  EXPECT_TRUE(encoded.has_value()) << encoded.error().to_string();
  return encoded ? std::move(*encoded) : Bytes{};
}

// A zlib stream with the given windowBits (-15 raw deflate, 15 zlib, 31 gzip).
Bytes deflate_with(std::string_view text, int window_bits) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, 6, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
  Bytes out(deflateBound(&stream, text.size()));
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = out.data();
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

// gzip of `zero_bytes` zero bytes, compressed in slices so the test never holds them all.
Bytes gzip_of_zeros(std::size_t zero_bytes) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY), Z_OK);
  const std::vector<std::uint8_t> slice(1024 * 1024, 0);
  Bytes out;
  std::uint8_t chunk[64 * 1024];
  std::size_t left = zero_bytes;
  int status = Z_OK;
  while (status != Z_STREAM_END) {
    const std::size_t take = std::min(left, slice.size());
    stream.next_in = const_cast<Bytef*>(slice.data());
    stream.avail_in = static_cast<uInt>(take);
    left -= take;
    const int flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
    do {
      stream.next_out = chunk;
      stream.avail_out = sizeof chunk;
      status = deflate(&stream, flush);
      out.insert(out.end(), chunk, chunk + (sizeof chunk - stream.avail_out));
    } while (stream.avail_out == 0);
  }
  deflateEnd(&stream);
  return out;
}

std::string as_string(ByteSpan bytes) {
  return std::string(as_text(bytes));
}

// Decodes and expects success; returns the plain text.
std::string decode_ok(ProfileDecoder& decoder, const Bytes& downloaded,
                      std::optional<std::string> key = std::nullopt,
                      KeyDerivation kdf = KeyDerivation::Sha256ThenMd5,
                      const DecodeLimits& limits = {}) {
  auto plain = decoder.decode(downloaded, key, kdf, limits);
  EXPECT_TRUE(plain.has_value()) << plain.error().to_string();
  return plain ? as_string(*plain) : std::string{};
}

// A store with one override, so that "unchanged" means something.
ConfigStore store_with_gpp_a() {
  ConfigStore store;
  EXPECT_TRUE(set_parameter(store, "GPP_A", "before").has_value());
  return store;
}

// Applies `downloaded` through apply_downloaded_profile and expects `code`, the store unchanged
// and no key in the error detail.
void expect_rejected(const Bytes& downloaded, const std::optional<std::string>& key, ErrorCode code,
                     KeyDerivation kdf = KeyDerivation::Sha256ThenMd5,
                     const ProfileLimits& limits = {}) {
  ProfileDecoder decoder(current_inflater);
  ConfigStore store = store_with_gpp_a();
  const ConfigStore before = store;
  auto report = apply_downloaded_profile(store, decoder, downloaded, key, kdf, limits);
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code, code) << report.error().to_string();
  EXPECT_TRUE(store == before);
  if (key && !key->empty()) {
    EXPECT_EQ(report.error().detail.find(*key), std::string::npos) << report.error().detail;
  }
}

// --- Round trips -----------------------------------------------------------------------------

TEST_P(ProfileCodecTest, RoundTripsEveryLayerCombinationAndDigest) {
  ProfileDecoder decoder(current_inflater);
  for (bool gzip : {false, true}) {
    for (bool encrypted : {false, true}) {
      for (KdfDigest digest : {KdfDigest::Sha256, KdfDigest::Md5}) {
        SCOPED_TRACE(::testing::Message() << "gzip " << gzip << " encrypted " << encrypted
                                          << " md5 " << (digest == KdfDigest::Md5));
        std::optional<std::string> key;
        if (encrypted)
          key = std::string(kGuideKey);
        const Bytes encoded = encode(kBasicTxt, gzip, key, digest);
        EXPECT_EQ(decode_ok(decoder, encoded, key), kBasicTxt);
        const DecodedLayers& layers = decoder.layers();
        EXPECT_EQ(layers.encrypted, encrypted);
        EXPECT_EQ(layers.compressed, gzip);
        EXPECT_EQ(layers.encoded_bytes, encoded.size());
        EXPECT_EQ(layers.plain_bytes, kBasicTxt.size());
        if (encrypted) {
          EXPECT_EQ(layers.digest, digest);
        } else {
          EXPECT_FALSE(layers.digest.has_value());
        }
        if (encrypted && digest == KdfDigest::Md5) {
          EXPECT_EQ(decode_ok(decoder, encoded, key, KeyDerivation::Md5Only), kBasicTxt);
        }
      }
    }
  }
}

TEST_P(ProfileCodecTest, EncodesDeterministicGzipHeader) {
  const Bytes first = encode(kBasicTxt, true);
  EXPECT_EQ(first, encode(kBasicTxt, true));
  ASSERT_GE(first.size(), 10u);
  EXPECT_EQ(first[0], 0x1f);
  EXPECT_EQ(first[1], 0x8b);
  EXPECT_EQ(first[2], 8);                                   // deflate
  EXPECT_EQ(first[3], 0);                                   // no name, comment, extra
  EXPECT_EQ(first[4] | first[5] | first[6] | first[7], 0);  // mtime 0
  EXPECT_EQ(first[9], 3);                                   // OS: Unix, on every target
  const Bytes encrypted = encode(kBasicTxt, true, std::string(kGuideKey));
  EXPECT_EQ(as_text(ByteSpan(encrypted).first(8)), "Salted__");
  EXPECT_EQ(ByteSpan(encrypted).subspan(8, 8)[0], kSalt[0]);
}

TEST_P(ProfileCodecTest, EncoderLimitsAtAndPastTheLimit) {
  EncodeOptions options;
  const std::string at_limit = "<" + std::string(kInflatedProfileBytesMax - 1, 'x');
  EXPECT_TRUE(encode_profile(as_bytes(at_limit), options).has_value());
  const std::string past = at_limit + "x";
  auto too_large = encode_profile(as_bytes(past), options);
  ASSERT_FALSE(too_large.has_value());
  EXPECT_EQ(too_large.error().code, ErrorCode::ProfileTooLarge);
  // Encrypting 1 MB of XML adds the header and padding: over encoded_bytes_max.
  options.key = std::string(kOtherKey);
  auto encrypted = encode_profile(as_bytes(at_limit), options);
  ASSERT_FALSE(encrypted.has_value());
  EXPECT_EQ(encrypted.error().code, ErrorCode::ProfileTooLarge);
}

// --- The guide's example ---------------------------------------------------------------------

TEST_P(ProfileDecoderTest, GuideBasicCfgAppliesThroughDownloadedProfile) {
  // gzip basic.txt; openssl enc -aes-256-cbc -k MyOwnSecret -in basic.txt -out basic.cfg;
  // rule [--key MyOwnSecret] tftp://192.168.1.200/basic.cfg
  for (bool gzip : {false, true}) {
    const Bytes basic_cfg = encode(kBasicTxt, gzip, std::string(kGuideKey));
    ProfileDecoder decoder(current_inflater);
    ConfigStore store;
    auto report = apply_downloaded_profile(store, decoder, basic_cfg, std::string(kGuideKey),
                                           KeyDerivation::Sha256ThenMd5);
    ASSERT_TRUE(report.has_value()) << report.error().to_string();
    EXPECT_EQ(store.value(id("GPP_A")), "12345678");
    ASSERT_EQ(report->changes.size(), 1u);
  }
}

TEST_P(ProfileDecoderTest, DownloadedProfileKeepsStoreOnApplyError) {
  const Bytes not_a_profile = encode("<html>no flat profile</html>", true, std::string(kOtherKey));
  expect_rejected(not_a_profile, std::string(kOtherKey), ErrorCode::ParseError);
}

TEST_P(ProfileDecoderTest, AcceptsByteOrderMarkAndWhitespaceBeforeXml) {
  ProfileDecoder decoder(current_inflater);
  const std::string xml = "\xef\xbb\xbf \r\n\t" + std::string(kBasicTxt);
  EXPECT_EQ(decode_ok(decoder, to_bytes(xml)), xml);
  EXPECT_EQ(decode_ok(decoder, encode(xml, false, std::string(kOtherKey)), std::string(kOtherKey)),
            xml);
}

// --- Keys and digests ------------------------------------------------------------------------

TEST_P(ProfileDecoderTest, WrongKeyIsDecryptFailed) {
  const Bytes cfg = encode(kBasicTxt, true, std::string(kGuideKey));
  expect_rejected(cfg, std::string("NotMySecret"), ErrorCode::DecryptFailed);
  const Bytes plain_cfg = encode(kBasicTxt, false, std::string(kGuideKey));
  expect_rejected(plain_cfg, std::string("NotMySecret"), ErrorCode::DecryptFailed);
}

TEST_P(ProfileDecoderTest, ErrorDetailNeverNamesTheKey) {
  const Bytes cfg = encode(kBasicTxt, true, std::string(kGuideKey));
  ProfileDecoder decoder(current_inflater);
  for (const std::string key : {"wrong-key-1", "SHA256", "MD5", "decrypt"}) {
    auto result = decoder.decode(cfg, key);
    ASSERT_FALSE(result.has_value());
    // The detail is a fixed text: it does not depend on the key at all.
    EXPECT_EQ(result.error().detail,
              "no key derivation (SHA256, MD5) gives valid padding and a gzip or XML plaintext");
  }
}

TEST_P(ProfileDecoderTest, Md5OnlyRejectsSha256File) {
  const Bytes cfg = encode(kBasicTxt, true, std::string(kGuideKey), KdfDigest::Sha256);
  expect_rejected(cfg, std::string(kGuideKey), ErrorCode::DecryptFailed, KeyDerivation::Md5Only);
}

TEST_P(ProfileDecoderTest, KeyRequiredForEncryptedFile) {
  expect_rejected(encode(kBasicTxt, true, std::string(kGuideKey)), std::nullopt,
                  ErrorCode::KeyRequired);
}

TEST_P(ProfileDecoderTest, KeyWithPlainFileIsNotEncrypted) {
  expect_rejected(encode(kBasicTxt, false), std::string(kGuideKey), ErrorCode::NotEncrypted);
  expect_rejected(encode(kBasicTxt, true), std::string(kGuideKey), ErrorCode::NotEncrypted);
}

TEST_P(ProfileDecoderTest, BadPaddingIsDecryptFailed) {
  // The right key, but the last plaintext byte (the PKCS#7 pad length) is 0: invalid padding.
  std::string padded_wrong(kBasicTxt);
  padded_wrong.resize((padded_wrong.size() / 16 + 1) * 16, '\0');
  unsigned char key[32];
  unsigned char iv[16];
  ASSERT_GT(EVP_BytesToKey(EVP_aes_256_cbc(), EVP_sha256(), kSalt.data(),
                           reinterpret_cast<const unsigned char*>(kGuideKey.data()),
                           static_cast<int>(kGuideKey.size()), 1, key, iv),
            0);
  EVP_CIPHER_CTX* context = EVP_CIPHER_CTX_new();
  ASSERT_EQ(EVP_EncryptInit_ex2(context, EVP_aes_256_cbc(), key, iv, nullptr), 1);
  EVP_CIPHER_CTX_set_padding(context, 0);
  Bytes cfg = to_bytes("Salted__");
  cfg.insert(cfg.end(), kSalt.begin(), kSalt.end());
  const std::size_t header = cfg.size();
  cfg.resize(header + padded_wrong.size());
  int written = 0;
  ASSERT_EQ(EVP_EncryptUpdate(context, cfg.data() + header, &written,
                              reinterpret_cast<const unsigned char*>(padded_wrong.data()),
                              static_cast<int>(padded_wrong.size())),
            1);
  int final_bytes = 0;
  ASSERT_EQ(EVP_EncryptFinal_ex(context, cfg.data() + header + written, &final_bytes), 1);
  EVP_CIPHER_CTX_free(context);
  EXPECT_EQ(static_cast<std::size_t>(written + final_bytes), padded_wrong.size());
  expect_rejected(cfg, std::string(kGuideKey), ErrorCode::DecryptFailed);
}

TEST_P(ProfileDecoderTest, EncryptedEmptyPlaintextIsDecryptFailed) {
  expect_rejected(encrypt_bytes({}, std::string(kOtherKey)), std::string(kOtherKey),
                  ErrorCode::DecryptFailed);
}

TEST_P(ProfileDecoderTest, CiphertextNotWholeBlocksIsCorruptFile) {
  Bytes cfg = encode(kBasicTxt, true, std::string(kGuideKey));
  cfg.push_back(0);
  expect_rejected(cfg, std::string(kGuideKey), ErrorCode::CorruptFile);
  expect_rejected(to_bytes("Salted__1234"), std::string(kGuideKey), ErrorCode::CorruptFile);
  expect_rejected(to_bytes("Salted__12345678"), std::string(kGuideKey), ErrorCode::CorruptFile);
}

// --- Truncation at every offset --------------------------------------------------------------

TEST_P(ProfileDecoderTest, TruncatedEncryptedFileAtEveryOffset) {
  for (bool gzip : {false, true}) {
    const Bytes cfg = encode(kBasicTxt, gzip, std::string(kGuideKey));
    for (std::size_t cut = 0; cut < cfg.size(); ++cut) {
      SCOPED_TRACE(::testing::Message() << "gzip " << gzip << " cut at " << cut);
      const Bytes prefix(cfg.begin(), cfg.begin() + static_cast<std::ptrdiff_t>(cut));
      ErrorCode expected = ErrorCode::CorruptFile;  // header cut, or not whole AES blocks
      if (cut < 8)
        expected = ErrorCode::NotEncrypted;  // not even "Salted__"
      else if (cut > 16 && (cut - 16) % 16 == 0)
        expected = ErrorCode::DecryptFailed;  // whole blocks: the padding is wrong
      expect_rejected(prefix, std::string(kGuideKey), expected);
    }
  }
}

TEST_P(ProfileDecoderTest, TruncatedGzipAtEveryOffset) {
  const Bytes gz = encode(kBasicTxt, true);
  for (std::size_t cut = 0; cut < gz.size(); ++cut) {
    SCOPED_TRACE(::testing::Message() << "cut at " << cut);
    const Bytes prefix(gz.begin(), gz.begin() + static_cast<std::ptrdiff_t>(cut));
    expect_rejected(prefix, std::nullopt, ErrorCode::CorruptFile);
  }
}

TEST_P(ProfileDecoderTest, CutStreamUnderTheLimitIsCorruptFileNotTooLarge) {
  // Found by profile_codec_fuzz: a gzip stream cut after 89 bytes. zlib runs out of input before
  // 64 KiB of output; libdeflate, which reads a cut stream as if zeros followed, filled its
  // buffer. Both must say the file is cut (CorruptFile), not too large.
  const Bytes cut = {
      0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xed, 0xc1,
      0x01, 0x0d, 0x00, 0x00, 0x00, 0xc2, 0xa0, 0xf7, 0x4f, 0x6d, 0x0f, 0x07,
      0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x5d, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04,
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00, 0x00,
  };
  ProfileDecoder decoder(current_inflater);
  DecodeLimits limits;
  limits.inflated_bytes_max = 64 * 1024;
  auto result = decoder.decode(cut, std::nullopt, KeyDerivation::Sha256ThenMd5, limits);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::CorruptFile) << result.error().to_string();
}

// --- Malformed gzip --------------------------------------------------------------------------

TEST_P(ProfileDecoderTest, BadGzipHeaderIsCorruptFile) {
  Bytes gz = encode(kBasicTxt, true);
  Bytes bad_method = gz;
  bad_method[2] = 7;
  expect_rejected(bad_method, std::nullopt, ErrorCode::CorruptFile);
  Bytes reserved_flag = gz;
  reserved_flag[3] = 0x20;
  expect_rejected(reserved_flag, std::nullopt, ErrorCode::CorruptFile);
  Bytes name_without_end = gz;
  name_without_end[3] = 0x08;  // FNAME: the deflate data is read as a name that never ends
  expect_rejected(name_without_end, std::nullopt, ErrorCode::CorruptFile);
  // The same inside an encrypted file.
  expect_rejected(encrypt_bytes(bad_method, std::string(kOtherKey)), std::string(kOtherKey),
                  ErrorCode::CorruptFile);
}

TEST_P(ProfileDecoderTest, RawDeflateIsCorruptFile) {
  expect_rejected(deflate_with(kBasicTxt, -15), std::nullopt, ErrorCode::CorruptFile);
  // Encrypted raw deflate does not look like gzip or XML after decryption: no candidate fits.
  expect_rejected(encrypt_bytes(deflate_with(kBasicTxt, -15), std::string(kOtherKey)),
                  std::string(kOtherKey), ErrorCode::DecryptFailed);
}

TEST_P(ProfileDecoderTest, ZlibWrappedIsCorruptFile) {
  ProfileDecoder decoder(current_inflater);
  auto result = decoder.decode(deflate_with(kBasicTxt, 15), std::nullopt);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::CorruptFile);
  EXPECT_NE(result.error().detail.find("zlib-wrapped"), std::string::npos);
  expect_rejected(deflate_with(kBasicTxt, 15), std::nullopt, ErrorCode::CorruptFile);
}

TEST_P(ProfileDecoderTest, CrcMismatchIsCorruptFile) {
  Bytes gz = encode(kBasicTxt, true);
  gz[gz.size() - 8] ^= 0x01;
  ProfileDecoder decoder(current_inflater);
  auto result = decoder.decode(gz, std::nullopt);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::CorruptFile);
  EXPECT_NE(result.error().detail.find("incorrect data check"), std::string::npos);
  expect_rejected(gz, std::nullopt, ErrorCode::CorruptFile);
}

TEST_P(ProfileDecoderTest, LengthMismatchIsCorruptFile) {
  Bytes gz = encode(kBasicTxt, true);
  gz[gz.size() - 4] ^= 0x01;
  ProfileDecoder decoder(current_inflater);
  auto result = decoder.decode(gz, std::nullopt);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::CorruptFile);
  EXPECT_NE(result.error().detail.find("incorrect length check"), std::string::npos);
  expect_rejected(gz, std::nullopt, ErrorCode::CorruptFile);
}

TEST_P(ProfileDecoderTest, TrailingGarbageIsCorruptFile) {
  Bytes gz = encode(kBasicTxt, true);
  Bytes garbage = gz;
  garbage.push_back('x');
  expect_rejected(garbage, std::nullopt, ErrorCode::CorruptFile);
  Bytes zero = gz;
  zero.push_back(0);
  expect_rejected(zero, std::nullopt, ErrorCode::CorruptFile);
  expect_rejected(encrypt_bytes(garbage, std::string(kOtherKey)), std::string(kOtherKey),
                  ErrorCode::CorruptFile);
}

TEST_P(ProfileDecoderTest, SecondGzipMemberIsCorruptFile) {
  Bytes two = encode(kBasicTxt, true);
  const Bytes second = encode(kBasicTxt, true);
  two.insert(two.end(), second.begin(), second.end());
  ProfileDecoder decoder(current_inflater);
  auto result = decoder.decode(two, std::nullopt);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::CorruptFile);
  EXPECT_NE(result.error().detail.find("second gzip member"), std::string::npos);
}

TEST_P(ProfileDecoderTest, NotAnyFormatIsCorruptFile) {
  expect_rejected({}, std::nullopt, ErrorCode::CorruptFile);
  expect_rejected(to_bytes("GPP_A=1"), std::nullopt, ErrorCode::CorruptFile);
  expect_rejected(to_bytes("\xef\xbb\xbf"), std::nullopt, ErrorCode::CorruptFile);
  expect_rejected(to_bytes("   \n"), std::nullopt, ErrorCode::CorruptFile);
}

// --- Limits ----------------------------------------------------------------------------------

TEST_P(ProfileDecoderTest, EncodedSizeAtAndPastTheLimit) {
  DecodeLimits limits;
  limits.encoded_bytes_max = 100;
  const std::string at_limit = "<" + std::string(99, 'x');
  ProfileDecoder decoder(current_inflater);
  EXPECT_EQ(
      decode_ok(decoder, to_bytes(at_limit), std::nullopt, KeyDerivation::Sha256ThenMd5, limits),
      at_limit);
  auto past =
      decoder.decode(to_bytes(at_limit + "x"), std::nullopt, KeyDerivation::Sha256ThenMd5, limits);
  ASSERT_FALSE(past.has_value());
  EXPECT_EQ(past.error().code, ErrorCode::ProfileTooLarge);
  // The default limit, through the download path.
  Bytes oversize(kEncodedProfileBytesMax + 1, ' ');
  oversize.back() = '<';
  expect_rejected(oversize, std::nullopt, ErrorCode::ProfileTooLarge);
}

TEST_P(ProfileDecoderTest, InflatedSizeAtAndPastTheLimit) {
  DecodeLimits limits;
  limits.inflated_bytes_max = 4096;
  const std::string at_limit = "<" + std::string(4095, 'x');
  ProfileDecoder decoder(current_inflater);
  for (bool encrypted : {false, true}) {
    std::optional<std::string> key;
    if (encrypted)
      key = std::string(kOtherKey);
    EXPECT_EQ(
        decode_ok(decoder, encode(at_limit, true, key), key, KeyDerivation::Sha256ThenMd5, limits),
        at_limit);
    auto past = decoder.decode(encode(at_limit + "x", true, key), key, KeyDerivation::Sha256ThenMd5,
                               limits);
    ASSERT_FALSE(past.has_value());
    EXPECT_EQ(past.error().code, ErrorCode::ProfileTooLarge);
    // Plain XML counts against the same limit.
    auto plain_past = decoder.decode(encode(at_limit + "x", false, key), key,
                                     KeyDerivation::Sha256ThenMd5, limits);
    ASSERT_FALSE(plain_past.has_value());
    EXPECT_EQ(plain_past.error().code, ErrorCode::ProfileTooLarge);
  }
  EXPECT_LE(decoder.buffer_capacity_bytes(), 2 * 4096 + 64u);
}

TEST_P(ProfileDecoderTest, SmallerLimitAfterALargerProfileStillHolds) {
  // The inflate buffer keeps its size between profiles; the limit of each decode still counts.
  ProfileDecoder decoder(current_inflater);
  const std::string big = "<" + std::string(50'000, 'x');
  EXPECT_EQ(decode_ok(decoder, encode(big, true)), big);
  DecodeLimits limits;
  limits.inflated_bytes_max = 4096;
  const std::string at_limit = "<" + std::string(4095, 'x');
  EXPECT_EQ(decode_ok(decoder, encode(at_limit, true), std::nullopt, KeyDerivation::Sha256ThenMd5,
                      limits),
            at_limit);
  auto past = decoder.decode(encode(at_limit + "x", true), std::nullopt,
                             KeyDerivation::Sha256ThenMd5, limits);
  ASSERT_FALSE(past.has_value());
  EXPECT_EQ(past.error().code, ErrorCode::ProfileTooLarge);
}

TEST_P(ProfileDecoderTest, DownloadedProfileUsesProfileBytesMaxForInflating) {
  ProfileLimits limits;
  limits.profile_bytes_max = 1000;
  const std::string big = "<flat-profile>" + std::string(1000, ' ') + "</flat-profile>";
  expect_rejected(encode(big, true), std::nullopt, ErrorCode::ProfileTooLarge,
                  KeyDerivation::Sha256ThenMd5, limits);
}

TEST_P(ProfileDecoderTest, GzipBombStopsAtLimitWithoutAllocatingIt) {
  constexpr std::size_t kBombBytes = 100u * 1024 * 1024;
  const Bytes bomb = gzip_of_zeros(kBombBytes);
  ASSERT_LT(bomb.size(), 200u * 1024);  // about 100 KB on the wire
  ProfileDecoder decoder(current_inflater);
  auto result = decoder.decode(bomb, std::nullopt);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::ProfileTooLarge);
  EXPECT_LE(decoder.buffer_capacity_bytes(), kInflatedProfileBytesMax);
  // Encrypted, too: ciphertext buffer plus inflate buffer, both bounded.
  const Bytes encrypted_bomb = encrypt_bytes(bomb, std::string(kOtherKey));
  auto encrypted = decoder.decode(encrypted_bomb, std::string(kOtherKey));
  ASSERT_FALSE(encrypted.has_value());
  EXPECT_EQ(encrypted.error().code, ErrorCode::ProfileTooLarge);
  EXPECT_LE(decoder.buffer_capacity_bytes(), kInflatedProfileBytesMax + encrypted_bomb.size());
  expect_rejected(bomb, std::nullopt, ErrorCode::ProfileTooLarge);
}

// --- Reuse -----------------------------------------------------------------------------------

TEST_P(ProfileDecoderTest, ReusesBuffersAcrossManyProfiles) {
  ProfileDecoder decoder(current_inflater);
  std::vector<Bytes> files;
  std::vector<std::string> xmls;
  for (int i = 0; i < 20; ++i) {
    std::string xml = "<flat-profile><GPP_A>" + std::to_string(i) + "</GPP_A>" +
                      std::string(static_cast<std::size_t>(i) * 997 % 20000, ' ') +
                      "</flat-profile>";
    std::optional<std::string> key;
    if (i % 2 == 0)
      key = "key " + std::to_string(i);
    files.push_back(encode(xml, i % 3 != 0, key, i % 4 < 2 ? KdfDigest::Sha256 : KdfDigest::Md5));
    xmls.push_back(std::move(xml));
  }
  auto run_all = [&] {
    for (std::size_t i = 0; i < files.size(); ++i) {
      std::optional<std::string> key;
      if (i % 2 == 0)
        key = "key " + std::to_string(i);
      ASSERT_EQ(decode_ok(decoder, files[i], key), xmls[i]) << i;
    }
  };
  run_all();
  const std::size_t capacity = decoder.buffer_capacity_bytes();
  for (int round = 0; round < 20; ++round)
    run_all();
  EXPECT_EQ(decoder.buffer_capacity_bytes(), capacity);
}

TEST_P(ProfileDecoderTest, FailedDecodeKeepsLastLayers) {
  ProfileDecoder decoder(current_inflater);
  decode_ok(decoder, encode(kBasicTxt, true));
  EXPECT_FALSE(decoder.decode(to_bytes("nope"), std::nullopt).has_value());
  EXPECT_TRUE(decoder.layers().compressed);
}

}  // namespace
}  // namespace fw
