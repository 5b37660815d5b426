#include "firmware-core/agent/syslog_message.h"

#include <gtest/gtest.h>

namespace fw {
namespace {

TEST(SyslogMessageTest, DestinationDefaultsToPort514) {
  auto destination = parse_syslog_destination("10.74.30.84");
  ASSERT_TRUE(destination);
  EXPECT_EQ(destination->host, "10.74.30.84");
  EXPECT_EQ(destination->port, 514);
}

TEST(SyslogMessageTest, DestinationWithPortAndName) {
  auto destination = parse_syslog_destination(" log.example.com:5140 ");
  ASSERT_TRUE(destination);
  EXPECT_EQ(destination->host, "log.example.com");
  EXPECT_EQ(destination->port, 5140);
}

TEST(SyslogMessageTest, UnusableDestinationsSendNothing) {
  EXPECT_FALSE(parse_syslog_destination(""));
  EXPECT_FALSE(parse_syslog_destination("   "));
  EXPECT_FALSE(parse_syslog_destination("bad host"));
  EXPECT_FALSE(parse_syslog_destination("10.0.0.1:0"));
  EXPECT_FALSE(parse_syslog_destination("10.0.0.1:65536"));
  EXPECT_FALSE(parse_syslog_destination("10.0.0.1:"));
  EXPECT_FALSE(parse_syslog_destination("10.0.0.1:5x"));
  EXPECT_TRUE(parse_syslog_destination("10.0.0.1:65535"));
}

TEST(SyslogMessageTest, Rfc3164Framing) {
  // local0.info = 16 * 8 + 6; day space-padded.
  EXPECT_EQ(rfc3164_datagram(SyslogSeverity::Informational, WallTime{0}, "", "hello"),
            "<134>Jan  1 00:00:00 hello");
  // 2026-11-24 04:13:16 UTC.
  EXPECT_EQ(rfc3164_datagram(SyslogSeverity::Warning, WallTime{1795493596}, "00:0e:08:ab:cd:ef",
                             "CP-78xx-3PCC 00:0e:08:ab:cd:ef -- Resync failed: file not found"),
            "<132>Nov 24 04:13:16 00:0e:08:ab:cd:ef CP-78xx-3PCC 00:0e:08:ab:cd:ef -- Resync "
            "failed: file not found");
  // Leap day and a time before 1970.
  EXPECT_EQ(rfc3164_datagram(SyslogSeverity::Debug, WallTime{951782400}, "", "x"),
            "<135>Feb 29 00:00:00 x");
  EXPECT_EQ(rfc3164_datagram(SyslogSeverity::Error, WallTime{-1}, "", "x"),
            "<131>Dec 31 23:59:59 x");
}

}  // namespace
}  // namespace fw
