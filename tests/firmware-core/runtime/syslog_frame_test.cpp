#include "firmware-core/runtime/syslog_frame.h"

#include <gtest/gtest.h>

namespace fw {
namespace {

constexpr WallTime kGuideMorning{1795514400};  // 2026-11-24T10:00:00Z

TEST(SyslogFrameTest, CivilTimeOfKnownInstants) {
  EXPECT_EQ(format_iso8601(WallTime{0}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_iso8601(kGuideMorning), "2026-11-24T10:00:00Z");
  EXPECT_EQ(format_iso8601(WallTime{951782400}), "2000-02-29T00:00:00Z");  // leap day
  EXPECT_EQ(format_iso8601(WallTime{-1}), "1969-12-31T23:59:59Z");
  EXPECT_EQ(format_iso8601(WallTime{4102444799}), "2099-12-31T23:59:59Z");
}

TEST(SyslogFrameTest, GuideRequestMessage) {
  Bytes frame = format_syslog_frame(
      SyslogSeverity::Informational, kGuideMorning, "",
      "CP-6841-3PCC 00:0e:08:ab:cd:ef -- Requesting resync tftp://192.168.1.200:69/basic.txt");
  EXPECT_EQ(as_text(frame),
            "<134>Nov 24 10:00:00 CP-6841-3PCC 00:0e:08:ab:cd:ef -- Requesting resync "
            "tftp://192.168.1.200:69/basic.txt");
}

TEST(SyslogFrameTest, IdentifierFollowsTheTimestampAndDaysArePadded) {
  Bytes frame = format_syslog_frame(SyslogSeverity::Error, WallTime{1767312000}, "000e08abcdef",
                                    "Resync failed: file not found");
  EXPECT_EQ(as_text(frame), "<131>Jan  2 00:00:00 000e08abcdef Resync failed: file not found");
}

TEST(SyslogFrameTest, IdentifierInColonFormAndTimesBefore1970) {
  EXPECT_EQ(as_text(format_syslog_frame(SyslogSeverity::Warning, WallTime{1795493596}, "00:0e:08:ab:cd:ef",
                                        "CP-78xx-3PCC 00:0e:08:ab:cd:ef -- Resync failed: file not found")),
            "<132>Nov 24 04:13:16 00:0e:08:ab:cd:ef CP-78xx-3PCC 00:0e:08:ab:cd:ef -- Resync "
            "failed: file not found");
  EXPECT_EQ(as_text(format_syslog_frame(SyslogSeverity::Debug, WallTime{951782400}, "", "x")),
            "<135>Feb 29 00:00:00 x");
  EXPECT_EQ(as_text(format_syslog_frame(SyslogSeverity::Error, WallTime{-1}, "", "x")),
            "<131>Dec 31 23:59:59 x");
}

TEST(SyslogFrameTest, ControlCharactersCannotSplitTheMessage) {
  Bytes frame = format_syslog_frame(SyslogSeverity::Notice, WallTime{0}, "", "a\nb\rc\td\x7f");
  EXPECT_EQ(as_text(frame), "<133>Jan  1 00:00:00 a b c d ");
}

TEST(SyslogFrameTest, LongMessagesAreCutAtTheLimitOnACharacterBoundary) {
  std::string message(kSyslogFrameBytesMax, 'x');
  EXPECT_EQ(format_syslog_frame(SyslogSeverity::Debug, WallTime{0}, "", message).size(),
            kSyslogFrameBytesMax);
  std::string umlauts;
  while (umlauts.size() < 2 * kSyslogFrameBytesMax) umlauts += "\xc3\xbc";  // ü
  Bytes frame = format_syslog_frame(SyslogSeverity::Debug, WallTime{0}, "", umlauts);
  ASSERT_LE(frame.size(), kSyslogFrameBytesMax);
  EXPECT_NE(frame.back(), 0xC3);  // no dangling lead byte
  std::size_t header = std::string_view("<135>Jan  1 00:00:00 ").size();
  EXPECT_EQ((frame.size() - header) % 2, 0u);
}

}  // namespace
}  // namespace fw
