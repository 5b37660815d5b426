#include "servers/syslog/syslog_server.h"

#include <gtest/gtest.h>

#include <regex>
#include <vector>

namespace srv {
namespace {

const fw::Endpoint kPhoneA{*fw::Ipv4Address::parse("10.0.0.5"), 514};
const fw::Endpoint kPhoneB{*fw::Ipv4Address::parse("10.0.0.6"), 514};

void deliver(SyslogServer& server, fw::Endpoint from, std::string_view text, std::int64_t second = 0) {
  server.handle_datagram(fw::Instant::from_seconds(second), fw::WallTime{1795514400 + second}, from,
                         fw::as_bytes(text));
}

TEST(SyslogServerTest, StoresMessagesWithSenderAndTime) {
  SyslogServer server;
  deliver(server, kPhoneA, "<134>Nov 24 10:00:00 CP-6841-3PCC 00:0e:08:ab:cd:ef -- Requesting resync", 3);
  ASSERT_EQ(server.messages().size(), 1u);
  const ReceivedSyslog& received = server.messages().front();
  EXPECT_EQ(received.sender, kPhoneA);
  EXPECT_EQ(received.received_at, fw::Instant::from_seconds(3));
  EXPECT_EQ(format_log_line(received),
            "2026-11-24T10:00:03Z 10.0.0.5:514 local0.info rfc3164 CP-6841-3PCC "
            "00:0e:08:ab:cd:ef -- Requesting resync");
}

TEST(SyslogServerTest, CountsByPatternAndSender) {
  SyslogServer server;
  deliver(server, kPhoneA, "<134>Nov 24 10:00:00 CP-6841-3PCC a -- Requesting resync tftp://x");
  deliver(server, kPhoneA, "<134>Nov 24 10:00:01 CP-6841-3PCC a -- Successful resync tftp://x");
  deliver(server, kPhoneB, "<131>Nov 24 10:00:02 CP-6841-3PCC b -- Resync failed: file not found");
  EXPECT_EQ(server.count_matching("Requesting resync"), 1u);
  EXPECT_EQ(server.count_matching("resync"), 2u);  // case-sensitive, searched anywhere
  EXPECT_EQ(server.count_matching("^CP-6841-3PCC [ab] --"), 3u);
  EXPECT_EQ(server.count_from(kPhoneA.address), 2u);
  EXPECT_THROW(server.count_matching("(unclosed"), std::regex_error);
}

TEST(SyslogServerTest, KeepsOnlyTheNewestMessagesWithinItsLimit) {
  SyslogServer server(2);
  std::vector<std::string> seen;
  server.on_message([&](const ReceivedSyslog& received) { seen.push_back(received.message.content); });
  for (int index = 0; index < 5; ++index) deliver(server, kPhoneA, "m" + std::to_string(index));
  ASSERT_EQ(server.messages().size(), 2u);
  EXPECT_EQ(server.messages().front().message.content, "m3");
  EXPECT_EQ(server.received_count(), 5u);
  EXPECT_EQ(server.dropped_count(), 3u);
  EXPECT_EQ(seen.size(), 5u);  // the observer sees every message, stored or not
}

}  // namespace
}  // namespace srv
