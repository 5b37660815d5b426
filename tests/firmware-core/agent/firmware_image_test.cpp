#include "firmware-core/agent/firmware_image.h"

#include <gtest/gtest.h>

namespace fw {
namespace {

TEST(FirmwareImageTest, RoundTripsFamilyVersionAndBody) {
  const Bytes image = build_firmware_image("sip68xx", "sip68xx.12-0-2MPP0001-3", to_bytes("body"));
  auto info = inspect_firmware_image(image);
  ASSERT_TRUE(info) << info.error().to_string();
  EXPECT_EQ(info->family, "sip68xx");
  EXPECT_EQ(info->version, "sip68xx.12-0-2MPP0001-3");
  EXPECT_EQ(info->body_bytes, 4u);
}

TEST(FirmwareImageTest, EveryFlippedByteIsCorrupt) {
  const Bytes image = build_firmware_image("sip68xx", "sip68xx.12-0-2", to_bytes("0123456789"));
  for (std::size_t at = 0; at < image.size(); ++at) {
    Bytes damaged = image;
    damaged[at] ^= 0x01;
    auto info = inspect_firmware_image(damaged);
    ASSERT_FALSE(info) << "byte " << at;
    EXPECT_EQ(info.error().code, ErrorCode::CorruptFile) << "byte " << at;
  }
}

TEST(FirmwareImageTest, EveryTruncationAndTrailingBytesAreCorrupt) {
  const Bytes image = build_firmware_image("sip68xx", "sip68xx.12-0-2", to_bytes("0123456789"));
  for (std::size_t size = 0; size < image.size(); ++size) {
    auto info = inspect_firmware_image(ByteSpan(image).first(size));
    ASSERT_FALSE(info) << "size " << size;
    EXPECT_EQ(info.error().code, ErrorCode::CorruptFile);
  }
  Bytes longer = image;
  longer.push_back(0);
  EXPECT_EQ(inspect_firmware_image(longer).error().code, ErrorCode::CorruptFile);
}

TEST(FirmwareImageTest, BodyOverTheLimitIsTooLarge) {
  Bytes image = build_firmware_image("sip68xx", "sip68xx.12-0-2", to_bytes("x"));
  // The body length field sits just before the 32-byte digest and the 1-byte body.
  const std::size_t length_at = image.size() - 1 - 32 - 4;
  const std::uint32_t too_large = static_cast<std::uint32_t>(kFirmwareBodyBytesMax) + 1;
  for (int index = 0; index < 4; ++index) {
    image[length_at + static_cast<std::size_t>(index)] =
        static_cast<std::uint8_t>(too_large >> (24 - 8 * index));
  }
  EXPECT_EQ(inspect_firmware_image(image).error().code, ErrorCode::ProfileTooLarge);
}

TEST(FirmwareImageTest, FamilyComesFromTheMppModelOrTheProductName) {
  EXPECT_EQ(firmware_family("sip68xx.12-0-1MPP0001-1", "CP-6841-3PCC"), "sip68xx");
  EXPECT_EQ(firmware_family("sip7832.11-0-1MPP-312", "CP-7832-3PCC"), "sip7832");
  EXPECT_EQ(firmware_family("7.6.2", "SPA504G"), "SPA504G");
}

TEST(FirmwareImageTest, Sha256MatchesTheKnownVector) {
  const Bytes abc = to_bytes("abc");
  const ByteSpan parts[] = {ByteSpan(abc).first(1), ByteSpan(abc).subspan(1)};
  const Sha256Digest digest = sha256(parts);
  EXPECT_EQ(digest[0], 0xba);
  EXPECT_EQ(digest[1], 0x78);
  EXPECT_EQ(digest[31], 0xad);
}

}  // namespace
}  // namespace fw
