#include "servers/syslog/syslog_message.h"

#include <gtest/gtest.h>

#include "firmware-core/runtime/syslog_frame.h"

namespace srv {
namespace {

SyslogMessage parse(std::string_view text) { return parse_syslog_message(fw::as_bytes(text)); }

TEST(SyslogMessageTest, ParsesThePhonesOwnFrames) {
  fw::Bytes frame = fw::format_syslog_frame(
      fw::SyslogSeverity::Informational, fw::WallTime{1795514400}, "",
      "CP-6841-3PCC 00:0e:08:ab:cd:ef -- Requesting resync tftp://192.168.1.200:69/basic.txt");
  SyslogMessage message = parse_syslog_message(frame);
  EXPECT_EQ(message.format, SyslogFormat::Rfc3164);
  EXPECT_EQ(message.facility, 16);
  EXPECT_EQ(message.severity, 6);
  EXPECT_EQ(message.timestamp, "Nov 24 10:00:00");
  EXPECT_EQ(message.hostname, "CP-6841-3PCC");
  EXPECT_EQ(message.content,
            "CP-6841-3PCC 00:0e:08:ab:cd:ef -- Requesting resync tftp://192.168.1.200:69/basic.txt");
}

TEST(SyslogMessageTest, ParsesRfc5424WithStructuredData) {
  SyslogMessage message = parse(
      "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
      "[exampleSDID@32473 iut=\"3\" eventSource=\"Appli\\]cation\"][b@1 x=\"y\"] \xEF\xBB\xBF" "An "
      "application event");
  EXPECT_EQ(message.format, SyslogFormat::Rfc5424);
  EXPECT_EQ(message.facility, 20);
  EXPECT_EQ(message.severity, 5);
  EXPECT_EQ(message.timestamp, "2003-10-11T22:14:15.003Z");
  EXPECT_EQ(message.hostname, "mymachine.example.com");
  EXPECT_EQ(message.app_name, "evntslog");
  EXPECT_EQ(message.process_id, "");
  EXPECT_EQ(message.message_id, "ID47");
  EXPECT_EQ(message.structured_data,
            "[exampleSDID@32473 iut=\"3\" eventSource=\"Appli\\]cation\"][b@1 x=\"y\"]");
  EXPECT_EQ(message.message, "An application event");
}

TEST(SyslogMessageTest, Rfc5424WithNilFieldsAndNoMessage) {
  SyslogMessage message = parse("<34>1 - - - - - -");
  EXPECT_EQ(message.format, SyslogFormat::Rfc5424);
  EXPECT_EQ(message.hostname, "");
  EXPECT_EQ(message.message, "");
}

TEST(SyslogMessageTest, WhatLoggerSendsIsRfc3164) {
  // util-linux `logger --udp --rfc3164 -t test hello` (the hostname is the sender's).
  SyslogMessage message = parse("<13>Nov  4 09:05:01 buildhost test: hello\n");
  EXPECT_EQ(message.format, SyslogFormat::Rfc3164);
  EXPECT_EQ(message.timestamp, "Nov  4 09:05:01");
  EXPECT_EQ(message.hostname, "buildhost");
  EXPECT_EQ(message.message, "test: hello");
}

TEST(SyslogMessageTest, BrokenPriorityIsKeptAsUserNoticeText) {
  for (const char* text : {"no priority at all", "<192>too big", "<01>leading zero", "<>empty",
                           "<1234>too long", "<12"}) {
    SyslogMessage message = parse(text);
    EXPECT_FALSE(message.has_priority) << text;
    EXPECT_EQ(message.format, SyslogFormat::Unstructured) << text;
    EXPECT_EQ(message.facility, 1) << text;
    EXPECT_EQ(message.severity, 5) << text;
    EXPECT_EQ(message.content, text);
  }
}

TEST(SyslogMessageTest, PriorityWithoutAKnownHeaderKeepsTheRest) {
  SyslogMessage message = parse("<0>Foo 12 12:00:00 not a month");
  EXPECT_TRUE(message.has_priority);
  EXPECT_EQ(message.format, SyslogFormat::Unstructured);
  EXPECT_EQ(message.content, "Foo 12 12:00:00 not a month");
  SyslogMessage unterminated = parse("<1>1 2003-10-11T22:14:15Z host app - - [open");
  EXPECT_EQ(unterminated.format, SyslogFormat::Unstructured);
}

TEST(SyslogMessageTest, OversizedDatagramsAreCutAndFlagged) {
  std::string text = "<14>" + std::string(kSyslogMessageBytesMax + 100, 'x');
  SyslogMessage message = parse(text);
  EXPECT_TRUE(message.truncated);
  EXPECT_EQ(message.content.size(), kSyslogMessageBytesMax - 4);
  EXPECT_FALSE(parse("<14>short").truncated);
}

TEST(SyslogMessageTest, EveryPrefixOfAFrameParsesWithoutHarm) {
  std::string frame = "<165>1 2003-10-11T22:14:15.003Z host app 12 ID [a b=\"c\\\"]\"] msg";
  for (std::size_t size = 0; size <= frame.size(); ++size) {
    SyslogMessage message = parse(std::string_view(frame).substr(0, size));
    EXPECT_LE(message.content.size(), size);
  }
}

}  // namespace
}  // namespace srv
