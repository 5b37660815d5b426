#include "sim/pki/seeded_crypto.h"

#include <gtest/gtest.h>
#include <openssl/rand.h>

#include "sim/pki/certificate_authority.h"

namespace sim {
namespace {

fw::Bytes random_bytes(const fw::CryptoLibrary& library, bool private_generator) {
  fw::Bytes bytes(48);
  const int made = private_generator ? RAND_priv_bytes_ex(library.get(), bytes.data(), bytes.size(), 0)
                                     : RAND_bytes_ex(library.get(), bytes.data(), bytes.size(), 0);
  EXPECT_EQ(made, 1);
  return bytes;
}

TEST(SeededCryptoTest, SameSeedSameBytesOtherSeedOtherBytes) {
  auto first = make_seeded_crypto_library(42);
  auto again = make_seeded_crypto_library(42);
  auto other = make_seeded_crypto_library(43);
  ASSERT_TRUE(first && again && other);
  const fw::Bytes public_bytes = random_bytes(*first, false);
  EXPECT_EQ(public_bytes, random_bytes(*again, false));
  EXPECT_NE(public_bytes, random_bytes(*other, false));
  // The private generator is a stream of its own, not a copy of the public one.
  EXPECT_NE(random_bytes(*first, true), random_bytes(*first, false));
}

TEST(SeededCryptoTest, CertificatesMintedInTheLibraryReplay) {
  const Validity validity{fw::WallTime{1'700'000'000}, fw::WallTime{1'900'000'000}};
  auto mint = [&](std::uint64_t seed) {
    auto root = CertificateAuthority::create_root("replay root", validity, *make_seeded_crypto_library(seed));
    EXPECT_TRUE(root);
    auto server = root->issue_server({"prov.example.com"}, {}, validity);
    EXPECT_TRUE(server);
    return server->certificate_pem() + server->key_pem();
  };
  EXPECT_EQ(mint(7), mint(7));
  EXPECT_NE(mint(7), mint(8));
}

}  // namespace
}  // namespace sim
