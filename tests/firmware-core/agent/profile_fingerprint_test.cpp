#include "firmware-core/agent/profile_fingerprint.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fw {
namespace {

Bytes sample_bytes(std::size_t size) {
  Bytes bytes(size);
  std::uint32_t state = 12345;
  for (auto& byte : bytes) {
    state = state * 1103515245u + 12345u;
    byte = static_cast<std::uint8_t>(state >> 24);
  }
  return bytes;
}

TEST(ProfileFingerprintTest, SameBytesAndKeyGiveTheSameFingerprint) {
  const Bytes bytes = sample_bytes(5000);
  EXPECT_EQ(profile_fingerprint(bytes, std::string("MyOwnSecret")),
            profile_fingerprint(Bytes(bytes), std::string("MyOwnSecret")));
  EXPECT_EQ(profile_fingerprint(bytes, std::nullopt), profile_fingerprint(bytes, std::nullopt));
}

// Every byte counts, at either end and in the middle of inputs shorter and longer than XXH3's
// internal blocks (16, 128, 240 bytes, 1 KB stripes), not only a prefix or a sample.
TEST(ProfileFingerprintTest, OneFlippedBitAnywhereChangesIt) {
  for (std::size_t size : {1u, 17u, 129u, 241u, 5119u, 100'000u}) {
    const Bytes bytes = sample_bytes(size);
    const ProfileFingerprint original = profile_fingerprint(bytes, std::nullopt);
    for (std::size_t at : {std::size_t{0}, size / 2, size - 1}) {
      Bytes changed = bytes;
      changed[at] ^= 0x01;
      EXPECT_NE(profile_fingerprint(changed, std::nullopt), original) << size << " bytes, at " << at;
    }
    Bytes longer = bytes;
    longer.push_back(0);
    EXPECT_NE(profile_fingerprint(longer, std::nullopt), original) << size << " bytes + 1";
  }
}

TEST(ProfileFingerprintTest, TheKeyIsPartOfIt) {
  const Bytes bytes = to_bytes("<flat-profile/>");
  const ProfileFingerprint none = profile_fingerprint(bytes, std::nullopt);
  const ProfileFingerprint empty = profile_fingerprint(bytes, std::string());
  const ProfileFingerprint key = profile_fingerprint(bytes, std::string("MyOwnSecret"));
  EXPECT_NE(none, empty);
  EXPECT_NE(none, key);
  EXPECT_NE(empty, key);
  EXPECT_NE(key, profile_fingerprint(bytes, std::string("MyOwnSecreT")));
  // The key's length is part of it: its last byte moved into the download is another input.
  EXPECT_NE(profile_fingerprint(to_bytes("c"), std::string("ab")),
            profile_fingerprint(to_bytes("bc"), std::string("a")));
}

// XXH3 is specified byte for byte: the value is the same on x86-64, aarch64 and armhf (this test
// runs in all three builds) and in every build type.
TEST(ProfileFingerprintTest, IsTheSameOnEveryCpu) {
  const ProfileFingerprint value = profile_fingerprint(sample_bytes(5119), std::string("MyOwnSecret"));
  EXPECT_EQ(value, (ProfileFingerprint{0xfa531af70ce72c3dull, 0xebb4124007a10ac1ull}));
}

}  // namespace
}  // namespace fw
