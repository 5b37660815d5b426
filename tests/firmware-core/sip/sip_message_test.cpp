#include "firmware-core/sip/sip_message.h"

#include <gtest/gtest.h>

#include <string>

namespace fw {
namespace {

const std::string kNotify =
    "NOTIFY sip:phone@127.0.0.1:5060 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1\r\n"
    "Via: SIP/2.0/UDP 10.0.0.9;branch=z9hG4bK0\r\n"
    "Max-Forwards: 70\r\n"
    "From: <sip:prov@10.0.0.1>;tag=a1\r\n"
    "To: <sip:phone@127.0.0.1>\r\n"
    "Call-ID: 42@10.0.0.1\r\n"
    "CSeq: 7 NOTIFY\r\n"
    "Event: check-sync;reboot=false\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

Result<SipRequest> parse(const std::string& text) { return parse_sip_request(as_bytes(text)); }

void expect_syntax_error(const std::string& text, std::string_view detail_part) {
  auto parsed = parse(text);
  ASSERT_FALSE(parsed) << text;
  EXPECT_EQ(parsed.error().code, ErrorCode::SipSyntax);
  EXPECT_NE(parsed.error().detail.find(detail_part), std::string::npos) << parsed.error().detail;
}

std::string replaced(std::string text, std::string_view from, std::string_view to) {
  text.replace(text.find(from), from.size(), to);
  return text;
}

TEST(SipMessageTest, ParsesRequestLineAndHeaders) {
  auto parsed = parse(kNotify);
  ASSERT_TRUE(parsed) << parsed.error().to_string();
  EXPECT_EQ(parsed->method, "NOTIFY");
  EXPECT_EQ(parsed->request_uri, "sip:phone@127.0.0.1:5060");
  EXPECT_EQ(parsed->headers.size(), 9u);
  EXPECT_EQ(parsed->header("call-id"), "42@10.0.0.1");
  EXPECT_EQ(parsed->header("EVENT"), "check-sync;reboot=false");
  EXPECT_EQ(parsed->header("Via"), "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1");
  EXPECT_FALSE(parsed->header("Contact"));
  EXPECT_TRUE(parsed->body.empty());
}

TEST(SipMessageTest, ExpandsCompactHeaderNames) {
  const std::string compact =
      "NOTIFY sip:p@h SIP/2.0\r\nv: SIP/2.0/UDP h\r\nf: <sip:a@h>;tag=1\r\nt: <sip:p@h>\r\n"
      "i: abc\r\nCSeq: 1 NOTIFY\r\no: resync\r\nl: 0\r\n\r\n";
  auto parsed = parse(compact);
  ASSERT_TRUE(parsed) << parsed.error().to_string();
  EXPECT_EQ(parsed->header("Call-ID"), "abc");
  EXPECT_EQ(parsed->header("Event"), "resync");
  EXPECT_EQ(parsed->headers[0].name, "Via");
}

TEST(SipMessageTest, JoinsContinuationLines) {
  auto parsed = parse(replaced(kNotify, "Event: check-sync;reboot=false\r\n",
                               "Event: check-sync\r\n  ;reboot=false\r\n"));
  ASSERT_TRUE(parsed) << parsed.error().to_string();
  EXPECT_EQ(parsed->header("Event"), "check-sync ;reboot=false");
}

TEST(SipMessageTest, TakesBodyByContentLengthAndDropsTheRest) {
  auto parsed = parse(replaced(kNotify, "Content-Length: 0\r\n\r\n", "Content-Length: 3\r\n\r\nabcdef"));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->body, "abc");
  expect_syntax_error(replaced(kNotify, "Content-Length: 0\r\n\r\n", "Content-Length: 9\r\n\r\nabc"),
                      "shorter than Content-Length");
  expect_syntax_error(replaced(kNotify, "Content-Length: 0", "Content-Length: -1"),
                      "bad Content-Length");
}

TEST(SipMessageTest, RejectsBrokenRequestLines) {
  expect_syntax_error(replaced(kNotify, "NOTIFY sip:phone@127.0.0.1:5060 SIP/2.0",
                               "SIP/2.0 200 OK"), "at 0: ");
  expect_syntax_error(replaced(kNotify, "SIP/2.0\r\nVia", "SIP/3.0\r\nVia"), "not SIP/2.0");
  expect_syntax_error(replaced(kNotify, "NOTIFY sip:", "NOTIFY  sip:"), "request line");
  expect_syntax_error(replaced(kNotify, "NOTIFY sip:", "NOT(FY sip:"), "bad method token");
  expect_syntax_error(replaced(kNotify, "sip:phone@127.0.0.1:5060", "phone"), "no scheme");
}

TEST(SipMessageTest, RejectsBrokenHeaders) {
  expect_syntax_error(replaced(kNotify, "Max-Forwards: 70", "Max-Forwards 70"), "without ':'");
  expect_syntax_error(replaced(kNotify, "Max-Forwards: 70", "Max Forwards: 70"), "bad header name");
  expect_syntax_error(replaced(kNotify, "Max-Forwards: 70\r\n", "Max-Forwards: 70\n"), "bare CR or LF");
  expect_syntax_error(replaced(kNotify, "CSeq: 7 NOTIFY", "CSeq: 7 INVITE"), "CSeq");
  expect_syntax_error(replaced(kNotify, "CSeq: 7 NOTIFY", "CSeq: x NOTIFY"), "CSeq");
  expect_syntax_error(replaced(kNotify, "\r\n\r\n", "\r\n"), "no empty line");
  expect_syntax_error(replaced(kNotify, "Max-Forwards", std::string("Max\0Forwards", 12)), "NUL");
}

TEST(SipMessageTest, RequiresEveryMandatoryHeader) {
  for (std::string_view line : {"Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1\r\n"
                                "Via: SIP/2.0/UDP 10.0.0.9;branch=z9hG4bK0\r\n",
                                "From: <sip:prov@10.0.0.1>;tag=a1\r\n",
                                "To: <sip:phone@127.0.0.1>\r\n", "Call-ID: 42@10.0.0.1\r\n",
                                "CSeq: 7 NOTIFY\r\n"}) {
    expect_syntax_error(replaced(kNotify, line, ""), "missing ");
  }
}

TEST(SipMessageTest, EnforcesSizeLimitsAtAndPastTheLimit) {
  std::string at_limit = replaced(kNotify, "Content-Length: 0\r\n\r\n", "\r\n");
  at_limit += std::string(kSipMessageBytesMax - at_limit.size(), 'x');
  ASSERT_EQ(at_limit.size(), kSipMessageBytesMax);
  EXPECT_TRUE(parse(at_limit));
  auto too_large = parse(at_limit + "x");
  ASSERT_FALSE(too_large);
  EXPECT_EQ(too_large.error().code, ErrorCode::SipMessageTooLarge);

  std::string headers;
  for (std::size_t i = 0; i < kSipHeadersMax - 9; ++i) headers += "X-Pad: 1\r\n";
  EXPECT_TRUE(parse(replaced(kNotify, "Content-Length", headers + "Content-Length")));
  auto too_many = parse(replaced(kNotify, "Content-Length", headers + "X-Pad: 1\r\nContent-Length"));
  ASSERT_FALSE(too_many);
  EXPECT_EQ(too_many.error().code, ErrorCode::SipMessageTooLarge);
}

TEST(SipMessageTest, ResponseCopiesMandatoryHeadersAndTagsTo) {
  auto parsed = parse(kNotify);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(sip_response(*parsed, 200, "OK", "t1"),
            "SIP/2.0 200 OK\r\n"
            "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1\r\n"
            "Via: SIP/2.0/UDP 10.0.0.9;branch=z9hG4bK0\r\n"
            "From: <sip:prov@10.0.0.1>;tag=a1\r\n"
            "To: <sip:phone@127.0.0.1>;tag=t1\r\n"
            "Call-ID: 42@10.0.0.1\r\n"
            "CSeq: 7 NOTIFY\r\n"
            "Content-Length: 0\r\n\r\n");
  auto tagged = parse(replaced(kNotify, "To: <sip:phone@127.0.0.1>", "To: <sip:p@h>;tag=x"));
  ASSERT_TRUE(tagged);
  const std::string reply = sip_response(*tagged, 405, "Method Not Allowed", "t1", {"Allow: NOTIFY"});
  EXPECT_NE(reply.find("To: <sip:p@h>;tag=x\r\n"), std::string::npos);
  EXPECT_NE(reply.find("Allow: NOTIFY\r\nContent-Length: 0\r\n\r\n"), std::string::npos);
}

}  // namespace
}  // namespace fw
