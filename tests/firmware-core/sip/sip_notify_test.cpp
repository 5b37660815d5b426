#include "firmware-core/sip/sip_notify.h"

#include <gtest/gtest.h>

#include <string>

namespace fw {
namespace {

SipNotifyAnswer answer(const std::string& text) { return answer_sip_datagram(as_bytes(text)); }

std::string notify(std::string_view event) {
  return sip_notify_request(event, "127.0.0.1:5060", "127.0.0.1:40000", "c1");
}

TEST(SipNotifyTest, AcceptsEveryKnownEventWith200) {
  for (std::string_view event : {"resync", "check-sync", "reboot_now", "restart_now", "report"}) {
    SipNotifyAnswer answered = answer(notify(event));
    EXPECT_EQ(answered.event, std::string(event));
    EXPECT_TRUE(answered.reply.starts_with("SIP/2.0 200 OK\r\n")) << answered.reply;
    EXPECT_NE(answered.reply.find("Call-ID: c1\r\n"), std::string::npos);
    EXPECT_NE(answered.reply.find("CSeq: 1 NOTIFY\r\n"), std::string::npos);
    EXPECT_FALSE(answered.error);
  }
}

TEST(SipNotifyTest, EventPackageIsCaseInsensitiveAndDropsParameters) {
  EXPECT_EQ(answer(notify("Check-Sync;reboot=true")).event, "check-sync");
  EXPECT_EQ(answer(notify("RESYNC ;x=1")).event, "resync");
}

TEST(SipNotifyTest, UnknownOrMissingEventIsBadEvent) {
  SipNotifyAnswer unknown = answer(notify("dialog"));
  EXPECT_FALSE(unknown.event);
  EXPECT_TRUE(unknown.reply.starts_with("SIP/2.0 489 Bad Event\r\n")) << unknown.reply;
  EXPECT_NE(unknown.reply.find("Allow-Events: resync"), std::string::npos);
  std::string without = notify("resync");
  without.erase(without.find("Event: resync\r\n"), 15);
  SipNotifyAnswer missing = answer(without);
  EXPECT_FALSE(missing.event);
  EXPECT_TRUE(missing.reply.starts_with("SIP/2.0 489 "));
  ASSERT_TRUE(missing.error);
  EXPECT_NE(missing.error->detail.find("without Event"), std::string::npos);
}

TEST(SipNotifyTest, OtherMethodsGet405AndAckNothing) {
  std::string options = notify("resync");
  options.replace(0, 6, "OPTIONS");
  options.replace(options.find("1 NOTIFY"), 8, "1 OPTIONS");
  SipNotifyAnswer refused = answer(options);
  EXPECT_FALSE(refused.event);
  EXPECT_TRUE(refused.reply.starts_with("SIP/2.0 405 Method Not Allowed\r\n")) << refused.reply;
  EXPECT_NE(refused.reply.find("Allow: NOTIFY\r\n"), std::string::npos);

  std::string ack = notify("resync");
  ack.replace(0, 6, "ACK");
  ack.replace(ack.find("1 NOTIFY"), 8, "1 ACK");
  SipNotifyAnswer acked = answer(ack);
  EXPECT_TRUE(acked.reply.empty());
  EXPECT_FALSE(acked.event);
}

TEST(SipNotifyTest, MalformedDatagramGetsNoReply) {
  SipNotifyAnswer garbage = answer("hello\r\n\r\n");
  EXPECT_TRUE(garbage.reply.empty());
  EXPECT_FALSE(garbage.event);
  ASSERT_TRUE(garbage.error);
  EXPECT_EQ(garbage.error->code, ErrorCode::SipSyntax);
}

TEST(SipNotifyTest, RetransmissionGetsTheSameReply) {
  EXPECT_EQ(answer(notify("resync")).reply, answer(notify("resync")).reply);
}

}  // namespace
}  // namespace fw
