// The headset XML file, versions and series of firmware-core/agent/headset_firmware.h.

#include "firmware-core/agent/headset_firmware.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace fw {
namespace {

HeadsetRelease release(HeadsetSeries series, std::string version, std::string image,
                       std::string_view content) {
  HeadsetRelease entry;
  entry.series = series;
  entry.version = std::move(version);
  entry.image = std::move(image);
  entry.bytes = content.size();
  const ByteSpan parts[] = {as_bytes(content)};
  entry.sha256 = sha256(parts);
  return entry;
}

std::string one_entry(std::string_view attributes) {
  return "<headsetFirmware><headset " + std::string(attributes) + "/></headsetFirmware>";
}

constexpr std::string_view kDigest =
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

Result<std::vector<HeadsetRelease>> parse(std::string_view text) {
  return parse_headset_file(as_bytes(text));
}

TEST(HeadsetFirmwareTest, VersionsCompareNumberByNumber) {
  EXPECT_EQ(*compare_headset_versions("1-6-0-162", "1-5-9-999"), std::strong_ordering::greater);
  EXPECT_EQ(*compare_headset_versions("1-5-9-999", "1-6-0-162"), std::strong_ordering::less);
  EXPECT_EQ(*compare_headset_versions("1-6-0-162", "1.6.0.162"), std::strong_ordering::equal);
  EXPECT_EQ(*compare_headset_versions("1-6", "1-6-0-0"), std::strong_ordering::equal);
  EXPECT_EQ(*compare_headset_versions("1-10-0", "1-9-0"), std::strong_ordering::greater);
  EXPECT_EQ(*compare_headset_versions("2-0", "1-99-99-99"), std::strong_ordering::greater);
}

TEST(HeadsetFirmwareTest, MalformedVersionsAreVersionSyntax) {
  for (std::string_view bad : {"", "1--2", "1-a-3", "-1", "1-", "1-6-0-162a", "1 6"}) {
    auto order = compare_headset_versions(bad, "1-0");
    ASSERT_FALSE(order) << bad;
    EXPECT_EQ(order.error().code, ErrorCode::VersionSyntax) << bad;
  }
  // Limits: nine digits per number and eight numbers pass, one more fails.
  EXPECT_TRUE(compare_headset_versions("999999999-1", "1"));
  EXPECT_FALSE(compare_headset_versions("1000000000-1", "1"));
  EXPECT_TRUE(compare_headset_versions("1-2-3-4-5-6-7-8", "1"));
  EXPECT_FALSE(compare_headset_versions("1-2-3-4-5-6-7-8-9", "1"));
}

TEST(HeadsetFirmwareTest, FormattedFileParsesBack) {
  const std::vector<HeadsetRelease> releases = {
      release(HeadsetSeries::S520, "2-3-0-21", "hs520-2-3-0-21.bin", "five-twenty"),
      release(HeadsetSeries::S560, "1-6-0-162", "hs560.bin", "five-sixty"),
      release(HeadsetSeries::S700, "1-2-0-7", "/images/hs700.bin", "seven hundred")};
  auto parsed = parse(format_headset_file(releases));
  ASSERT_TRUE(parsed) << parsed.error().to_string();
  ASSERT_EQ(parsed->size(), 3u);
  for (std::size_t index = 0; index < releases.size(); ++index) {
    EXPECT_EQ((*parsed)[index].series, releases[index].series);
    EXPECT_EQ((*parsed)[index].version, releases[index].version);
    EXPECT_EQ((*parsed)[index].image, releases[index].image);
    EXPECT_EQ((*parsed)[index].bytes, releases[index].bytes);
    EXPECT_EQ((*parsed)[index].sha256, releases[index].sha256);
  }
  EXPECT_EQ(find_headset_release(*parsed, HeadsetSeries::S560)->version, "1-6-0-162");
}

TEST(HeadsetFirmwareTest, OtherElementsAreIgnoredAndAnEmptyFileListsNothing) {
  auto parsed = parse("<headsetFirmware><note>x</note></headsetFirmware>");
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->empty());
  EXPECT_EQ(find_headset_release(*parsed, HeadsetSeries::S520), nullptr);
}

TEST(HeadsetFirmwareTest, BrokenFilesNameTheEntryAndWhy) {
  const std::string digest(kDigest);
  struct Case {
    std::string text;
    std::string detail;
  };
  const std::vector<Case> cases = {
      {"<headsetFirmware>", "line"},
      {"<firmware/>", "root element"},
      {one_entry("version='1-0' image='a' bytes='1' sha256='" + digest + "'"),
       "headset entry 1 (line 1): no series"},
      {one_entry("series='530' version='1-0' image='a' bytes='1' sha256='" + digest + "'"),
       "series must be"},
      {one_entry("series='520' version='1-x' image='a' bytes='1' sha256='" + digest + "'"),
       "version:"},
      {one_entry("series='520' version='1-0' image='http://h/a' bytes='1' sha256='" + digest +
                 "'"),
       "same server"},
      {one_entry("series='520' version='1-0' image='../a' bytes='1' sha256='" + digest + "'"),
       "same server"},
      {one_entry("series='520' version='1-0' image='a' bytes='0' sha256='" + digest + "'"),
       "bytes must be"},
      {one_entry("series='520' version='1-0' image='a' bytes='16777217' sha256='" + digest + "'"),
       "bytes must be"},
      {one_entry("series='520' version='1-0' image='a' bytes='1' sha256='abc'"), "sha256 must"},
      {"<headsetFirmware><headset series='520' version='1-0' image='a' bytes='1' sha256='" +
           digest + "'/><headset series='520' version='1-1' image='b' bytes='1' sha256='" +
           digest + "'/></headsetFirmware>",
       "headset entry 2 (line 1): series 520 listed twice"},
  };
  for (const Case& test : cases) {
    auto parsed = parse(test.text);
    ASSERT_FALSE(parsed) << test.text;
    EXPECT_EQ(parsed.error().code, ErrorCode::HeadsetFileSyntax) << test.text;
    EXPECT_NE(parsed.error().detail.find(test.detail), std::string::npos)
        << parsed.error().detail;
  }
}

TEST(HeadsetFirmwareTest, LimitsOnBytesAndEntries) {
  std::string at_limit = "<headsetFirmware>";
  at_limit += std::string(kHeadsetFileBytesMax - at_limit.size() - 18, ' ');
  at_limit += "</headsetFirmware>";
  ASSERT_EQ(at_limit.size(), kHeadsetFileBytesMax);
  EXPECT_TRUE(parse(at_limit));
  auto too_large = parse(at_limit + " ");
  ASSERT_FALSE(too_large);
  EXPECT_EQ(too_large.error().code, ErrorCode::HeadsetFileTooLarge);

  // Sixteen <headset> entries are read (and fail on their attributes); seventeen are refused
  // before any is read.
  std::string entries = "<headsetFirmware>";
  for (std::size_t index = 0; index < kHeadsetEntriesMax; ++index) entries += "<headset/>";
  auto sixteen = parse(entries + "</headsetFirmware>");
  ASSERT_FALSE(sixteen);
  EXPECT_EQ(sixteen.error().code, ErrorCode::HeadsetFileSyntax);
  auto seventeen = parse(entries + "<headset/></headsetFirmware>");
  ASSERT_FALSE(seventeen);
  EXPECT_EQ(seventeen.error().code, ErrorCode::HeadsetFileTooLarge);
}

TEST(HeadsetFirmwareTest, ImagePathIsRelativeToTheFilesDirectory) {
  EXPECT_EQ(headset_image_path("/prov/headset/1-6-0-162/ciscoheadsetfirmware.xml", "hs560.bin"),
            "/prov/headset/1-6-0-162/hs560.bin");
  EXPECT_EQ(headset_image_path("/prov/headset.xml?mac=1/2", "hs.bin"), "/prov/hs.bin");
  EXPECT_EQ(headset_image_path("/h.xml", "img/hs.bin"), "/img/hs.bin");
  EXPECT_EQ(headset_image_path("/prov/h.xml", "/other/hs.bin"), "/other/hs.bin");
}

TEST(HeadsetFirmwareTest, UpgradeConnectionsAreTheGuides) {
  EXPECT_TRUE(headset_upgrade_supported(HeadsetSeries::S520, HeadsetConnection::Usb));
  EXPECT_FALSE(headset_upgrade_supported(HeadsetSeries::S520, HeadsetConnection::YCable));
  EXPECT_TRUE(headset_upgrade_supported(HeadsetSeries::S560, HeadsetConnection::Usb));
  EXPECT_TRUE(headset_upgrade_supported(HeadsetSeries::S560, HeadsetConnection::YCable));
  EXPECT_TRUE(headset_upgrade_supported(HeadsetSeries::S700, HeadsetConnection::Usb));
  EXPECT_FALSE(headset_upgrade_supported(HeadsetSeries::S700, HeadsetConnection::YCable));
  EXPECT_EQ(parse_headset_series("560"), HeadsetSeries::S560);
  EXPECT_FALSE(parse_headset_series("530"));
  EXPECT_EQ(parse_headset_connection("y-cable"), HeadsetConnection::YCable);
  EXPECT_FALSE(parse_headset_connection("bluetooth"));
}

}  // namespace
}  // namespace fw
