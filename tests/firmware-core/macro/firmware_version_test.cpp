#include "firmware-core/macro/firmware_version.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace fw {
namespace {

std::vector<std::uint32_t> numbers_of(const FirmwareVersion& version) {
  auto numbers = version.version_numbers();
  return {numbers.begin(), numbers.end()};
}

FirmwareVersion parsed(std::string_view text) {
  auto version = parse_firmware_version(text);
  EXPECT_TRUE(version) << text << ": " << version.error().to_string();
  return version ? *version : FirmwareVersion{};
}

// -1, 0 or 1 for left <, ==, > right; 99 if the comparison failed.
int order_of(std::string_view left, std::string_view right) {
  auto order = compare_firmware_versions(left, right);
  if (!order) {
    ADD_FAILURE() << left << " vs " << right << ": " << order.error().to_string();
    return 99;
  }
  return *order < 0 ? -1 : (*order > 0 ? 1 : 0);
}

TEST(FirmwareVersionTest, ParsesSpaWithLetterSuffix) {
  FirmwareVersion version = parsed("1.0.31(b)");
  EXPECT_EQ(version.format, VersionFormat::Spa);
  EXPECT_EQ(numbers_of(version), (std::vector<std::uint32_t>{1, 0, 31}));
  EXPECT_EQ(version.tag, "");
  EXPECT_EQ(version.build, "b");
}

TEST(FirmwareVersionTest, ParsesSpaWithDateSuffix) {
  FirmwareVersion version = parsed("2.0.3(0412s)");
  EXPECT_EQ(numbers_of(version), (std::vector<std::uint32_t>{2, 0, 3}));
  EXPECT_EQ(version.build, "0412s");
}

TEST(FirmwareVersionTest, ParsesPlainSpa) {
  EXPECT_EQ(numbers_of(parsed("7.6.2")), (std::vector<std::uint32_t>{7, 6, 2}));
  EXPECT_EQ(numbers_of(parsed("7.4.8")), (std::vector<std::uint32_t>{7, 4, 8}));
  EXPECT_EQ(numbers_of(parsed("1.0")), (std::vector<std::uint32_t>{1, 0}));
}

TEST(FirmwareVersionTest, ParsesSpaLetterTag) {
  FirmwareVersion version = parsed("7.4.9c");
  EXPECT_EQ(numbers_of(version), (std::vector<std::uint32_t>{7, 4, 9}));
  EXPECT_EQ(version.tag, "c");
}

TEST(FirmwareVersionTest, ParsesMppBeforeEleven32) {
  FirmwareVersion version = parsed("sip7832.11-0-1MPP-312");
  EXPECT_EQ(version.format, VersionFormat::Mpp);
  EXPECT_EQ(version.model, "7832");
  EXPECT_EQ(numbers_of(version), (std::vector<std::uint32_t>{11, 0, 1}));
  EXPECT_EQ(version.tag, "MPP");
  EXPECT_EQ(version.build, "312");
}

TEST(FirmwareVersionTest, ParsesMppPlaceholderBuild) {
  FirmwareVersion version = parsed("sip88xx.11-0-0MPP-BN");
  EXPECT_EQ(numbers_of(version), (std::vector<std::uint32_t>{11, 0, 0}));
  EXPECT_EQ(version.build, "BN");
}

TEST(FirmwareVersionTest, ParsesMppFromEleven32) {
  FirmwareVersion version = parsed("sipyyyy.11-3-2MPP0001-609");
  EXPECT_EQ(numbers_of(version), (std::vector<std::uint32_t>{11, 3, 2}));
  EXPECT_EQ(version.tag, "MPP0001");
  EXPECT_EQ(version.build, "609");
}

TEST(FirmwareVersionTest, ParsesMesLoad) {
  FirmwareVersion version = parsed("sip78xx.11-2-1MES-3");
  EXPECT_EQ(numbers_of(version), (std::vector<std::uint32_t>{11, 2, 1}));
  EXPECT_EQ(version.tag, "MES");
  EXPECT_EQ(version.build, "3");
}

TEST(FirmwareVersionTest, StripsLoadsSuffix) {
  FirmwareVersion version = parsed("sip88xx.11-1-1MSR-1dev.loads");
  EXPECT_EQ(numbers_of(version), (std::vector<std::uint32_t>{11, 1, 1}));
  EXPECT_EQ(version.tag, "MSR");
  EXPECT_EQ(version.build, "1dev");
  EXPECT_EQ(order_of("sip78xx.11-2-1MES-3.loads", "sip78xx.11-2-1MES-3"), 0);
}

TEST(FirmwareVersionTest, ParsesFourNumberMpp) {
  FirmwareVersion version = parsed("sip88xx.9-3-1-7MPP-BN");
  EXPECT_EQ(numbers_of(version), (std::vector<std::uint32_t>{9, 3, 1, 7}));
  EXPECT_EQ(version.tag, "MPP");
}

TEST(FirmwareVersionTest, MppWithoutTagTakesLastFieldAsBuild) {
  FirmwareVersion version = parsed("sip8845_65.14-2-1-0001-105");
  EXPECT_EQ(numbers_of(version), (std::vector<std::uint32_t>{14, 2, 1, 1}));
  EXPECT_EQ(version.build, "105");
}

TEST(FirmwareVersionTest, MppWithoutBuild) {
  FirmwareVersion version = parsed("sip88xx.11-0-0MPP");
  EXPECT_EQ(numbers_of(version), (std::vector<std::uint32_t>{11, 0, 0}));
  EXPECT_EQ(version.build, "");
  EXPECT_EQ(order_of("sip88xx.11-0-0MPP", "sip88xx.11-0-0MPP-1"), -1);
}

TEST(FirmwareVersionTest, MppPrefixIsCaseInsensitive) {
  EXPECT_EQ(parsed("SIP88XX.11-0-0MPP-1").format, VersionFormat::Mpp);
}

TEST(FirmwareVersionTest, FactsExampleElevenAboveNine) {
  EXPECT_EQ(order_of("sip88xx.11-0-0MPP-BN", "sip88xx.9-3-1-7MPP-BN"), 1);
  EXPECT_EQ(order_of("sip88xx.9-3-1-7MPP-BN", "sip88xx.11-0-0MPP-BN"), -1);
}

TEST(FirmwareVersionTest, FactsExampleMppSequenceNumber) {
  EXPECT_EQ(order_of("sipyyyy.11-3-2MPP0002-256", "sipyyyy.11-3-2MPP0001-609"), 1);
}

TEST(FirmwareVersionTest, FactsExampleUpgradeRuleVersions) {
  EXPECT_EQ(order_of("sip78xx.11-2-1MES-3", "sip78xx.11-0-0MPP-7"), 1);
  EXPECT_EQ(order_of("sip78xx.11-0-0MPP-7", "sip78xx.11-0-0MPP-7"), 0);
}

// Guide, activation-code onboarding: needs firmware 11-2-3MSR1; the upgrade rule example loads
// sip88xx.11-2-3MSR1-1.loads.
TEST(FirmwareVersionTest, GuideActivationCodeFirmwareLoad) {
  FirmwareVersion version = parsed("sip88xx.11-2-3MSR1-1.loads");
  EXPECT_EQ(version.format, VersionFormat::Mpp);
  EXPECT_EQ(numbers_of(version), (std::vector<std::uint32_t>{11, 2, 3}));
  EXPECT_EQ(version.tag, "MSR1");
  EXPECT_EQ(version.build, "1");
  EXPECT_EQ(order_of("sip88xx.11-2-1MPP-300", "sip88xx.11-2-3MSR1-1.loads"), -1);
  EXPECT_EQ(order_of("sip88xx.11-2-3MSR1-1", "sip88xx.11-2-3MSR1-1.loads"), 0);
  EXPECT_EQ(order_of("sip88xx.11-3-1MPP-477", "sip88xx.11-2-3MSR1-1.loads"), 1);
}

TEST(FirmwareVersionTest, ModelPrefixIsIgnored) {
  EXPECT_EQ(order_of("sip78xx.11-0-1MPP-312", "sip7832.11-0-1MPP-312"), 0);
}

TEST(FirmwareVersionTest, NumbersCompareNumerically) {
  EXPECT_EQ(order_of("7.10.0", "7.9.9"), 1);
  EXPECT_EQ(order_of("sip88xx.10-0-0MPP-1", "sip88xx.9-9-9MPP-1"), 1);
}

TEST(FirmwareVersionTest, LeadingZerosDoNotMatter) {
  EXPECT_EQ(order_of("7.06.2", "7.6.2"), 0);
  EXPECT_EQ(order_of("sipyyyy.11-3-2MPP01-609", "sipyyyy.11-3-2MPP0001-609"), 0);
}

TEST(FirmwareVersionTest, ShorterPrefixIsLower) {
  EXPECT_EQ(order_of("1.0", "1.0.33"), -1);
  EXPECT_EQ(order_of("1.0.33", "1.0"), 1);
}

TEST(FirmwareVersionTest, DigitsBeforeLetters) {
  // Digits decide first: 2MPP is above 1MSR although MPP sorts below MSR.
  EXPECT_EQ(order_of("sip88xx.11-1-2MPP-1", "sip88xx.11-1-1MSR-1"), 1);
  // Then letters: a number with a tag is above the bare number.
  EXPECT_EQ(order_of("sip88xx.11-1-1MSR-5", "sip88xx.11-1-1-5"), 1);
}

TEST(FirmwareVersionTest, TagsCompareAlphabetically) {
  EXPECT_EQ(order_of("sip78xx.11-2-1MES-3", "sip78xx.11-2-1MPP-3"), -1);
  EXPECT_EQ(order_of("sip78xx.11-2-1MPP-3", "sip78xx.11-2-1MSR-3"), -1);
  EXPECT_EQ(order_of("sip88xx.11-2-3MSR10-1", "sip88xx.11-2-3MSR9-1"), 1);
}

TEST(FirmwareVersionTest, BuildNumbersCompareNumerically) {
  EXPECT_EQ(order_of("sip7832.11-0-1MPP-312", "sip7832.11-0-1MPP-99"), 1);
}

TEST(FirmwareVersionTest, NonNumericBuildIsAboveNumericBuild) {
  EXPECT_EQ(order_of("sip88xx.11-0-0MPP-BN", "sip88xx.11-0-0MPP-9999"), 1);
  EXPECT_EQ(order_of("sip88xx.11-0-0MPP-BN", "sip88xx.11-0-0MPP-BN"), 0);
  EXPECT_EQ(order_of("sip88xx.11-1-1MSR-1dev", "sip88xx.11-1-1MSR-1"), 1);
}

TEST(FirmwareVersionTest, SpaSuffixOrdersAfterNumbers) {
  EXPECT_EQ(order_of("1.0.31", "1.0.31(b)"), -1);
  EXPECT_EQ(order_of("1.0.31(b)", "1.0.31(c)"), -1);
  EXPECT_EQ(order_of("1.0.32", "1.0.31(z)"), 1);
  EXPECT_EQ(order_of("2.0.3(0412s)", "2.0.3(0501a)"), -1);
}

TEST(FirmwareVersionTest, MixedFormatsAreVersionSyntax) {
  auto order = compare_firmware_versions("11.0.0", "sip88xx.11-0-0MPP-BN");
  ASSERT_FALSE(order);
  EXPECT_EQ(order.error().code, ErrorCode::VersionSyntax);
  EXPECT_FALSE(compare_firmware_versions("sip88xx.11-0-0MPP-BN", "7.6.2"));
}

TEST(FirmwareVersionTest, MalformedVersionsAreVersionSyntax) {
  for (std::string_view text : {"",
                                "7..2",
                                "7.6.",
                                ".7",
                                "7.6.2(",
                                "7.6.2()",
                                "7.6.2(b",
                                "7.6.2(b)x",
                                "7.6.2(b-c)",
                                "7a.6",
                                "7.6.2 ",
                                " 7.6.2",
                                "abc",
                                "-1",
                                "sip",
                                "sip88xx",
                                "sip88xx.",
                                "sip88xx.11--0",
                                "sip88xx.11-0-0MPP-1-2",
                                "sip8x-x.11-0-0MPP-1",
                                "sip88xx.MPP-1",
                                "sip88xx.11-0-0MPP-",
                                "sip88xx.11-0-0MPP-B.N",
                                "sip88xx.11-0-0MPP-1.bin"}) {
    auto version = parse_firmware_version(text);
    ASSERT_FALSE(version) << text;
    EXPECT_EQ(version.error().code, ErrorCode::VersionSyntax) << text;
  }
}

TEST(FirmwareVersionTest, NumberDigitsAtAndPastLimit) {
  std::string at_limit(kVersionNumberDigitsMax, '9');
  EXPECT_TRUE(parse_firmware_version(at_limit + ".0"));
  EXPECT_FALSE(parse_firmware_version(at_limit + "9.0"));
}

TEST(FirmwareVersionTest, NumberCountAtAndPastLimit) {
  std::string text = "1";
  for (std::size_t i = 1; i < kVersionNumbersMax; ++i) {
    text += ".1";
  }
  EXPECT_TRUE(parse_firmware_version(text));
  EXPECT_FALSE(parse_firmware_version(text + ".1"));
}

TEST(FirmwareVersionTest, LengthAtAndPastLimit) {
  std::string at_limit = "1.0(" + std::string(kVersionBytesMax - 5, 'a') + ")";
  ASSERT_EQ(at_limit.size(), kVersionBytesMax);
  EXPECT_TRUE(parse_firmware_version(at_limit));
  std::string past_limit = "1.0(" + std::string(kVersionBytesMax - 4, 'a') + ")";
  EXPECT_FALSE(parse_firmware_version(past_limit));
}

}  // namespace
}  // namespace fw
