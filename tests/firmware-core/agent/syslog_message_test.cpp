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


}  // namespace
}  // namespace fw
