// The activation code and the activation service's wire format (activation_protocol.cpp).

#include <string>

#include <gtest/gtest.h>

#include "firmware-core/agent/activation_protocol.h"

namespace fw {
namespace {

Result<ActivationReply> reply_of(std::string_view xml) { return parse_activation_reply(as_bytes(xml)); }
Result<ActivationRequest> request_of(std::string_view xml) {
  return parse_activation_request(as_bytes(xml));
}

TEST(ActivationProtocolTest, NormalizesTypedCodes) {
  EXPECT_EQ(normalize_activation_code("1234567890123456"), "1234567890123456");
  EXPECT_EQ(normalize_activation_code("1234-5678-9012-3456"), "1234567890123456");
  EXPECT_EQ(normalize_activation_code("1234 5678 9012 3456"), "1234567890123456");
  EXPECT_FALSE(normalize_activation_code("123456789012345"));    // 15 digits
  EXPECT_FALSE(normalize_activation_code("12345678901234567"));  // 17 digits
  EXPECT_FALSE(normalize_activation_code("1234567890123456\n"));
  EXPECT_FALSE(normalize_activation_code("1234.5678.9012.3456"));
  EXPECT_FALSE(normalize_activation_code(""));
  // At and past the typed length limit.
  std::string padded = "1234567890123456" + std::string(kActivationCodeTypedBytesMax - 16, ' ');
  EXPECT_TRUE(normalize_activation_code(padded));
  EXPECT_FALSE(normalize_activation_code(padded + " "));
}

TEST(ActivationProtocolTest, FirmwareSupportStartsAt11_2_3MSR1) {
  EXPECT_TRUE(firmware_supports_activation("sip88xx.11-2-3MSR1-1"));
  EXPECT_TRUE(firmware_supports_activation("sip88xx.11-3-2MPP0001-609"));
  EXPECT_TRUE(firmware_supports_activation("sip78xx.12-0-2MPP0001-1"));
  EXPECT_FALSE(firmware_supports_activation("sip88xx.11-2-1MPP-1"));
  EXPECT_FALSE(firmware_supports_activation("sip88xx.11-0-0MPP-BN"));
  EXPECT_FALSE(firmware_supports_activation("7.6.2"));  // SPA: no activation codes
  EXPECT_FALSE(firmware_supports_activation("garbage"));
}

TEST(ActivationProtocolTest, RequestRoundTripsWithEscapedFields) {
  ActivationRequest request{"1234567890123456", "0011aabbccdd", "CP-8841-3PCC", "SN<&>",
                            "sip88xx.11-3-2MPP0001-609"};
  auto parsed = parse_activation_request(format_activation_request(request));
  ASSERT_TRUE(parsed) << parsed.error().to_string();
  EXPECT_EQ(parsed->code, request.code);
  EXPECT_EQ(parsed->mac, request.mac);
  EXPECT_EQ(parsed->model, request.model);
  EXPECT_EQ(parsed->serial, "SN<&>");
  EXPECT_EQ(parsed->firmware, request.firmware);
}

TEST(ActivationProtocolTest, RequestErrorsNameTheProblemButNeverTheCode) {
  struct Case {
    std::string xml;
    std::string detail;
  };
  const Case cases[] = {
      {"not xml", "not well-formed XML"},
      {"<other/>", "root element is not <activation-request>"},
      {"<activation-request><mac>x</mac></activation-request>", "no <code>"},
      {"<activation-request><code>5555555555555555</code><code>5555555555555555</code>"
       "</activation-request>",
       "appears twice"},
      {"<activation-request><code><b>5555555555555555</b></code></activation-request>",
       "has child elements"},
      {"<activation-request><code>5555555555555555</code><mac>" + std::string(300, 'a') +
           "</mac></activation-request>",
       "longer than 256 bytes"},
  };
  for (const Case& c : cases) {
    auto parsed = request_of(c.xml);
    ASSERT_FALSE(parsed) << c.xml;
    EXPECT_EQ(parsed.error().code, ErrorCode::ActivationMessageInvalid);
    EXPECT_NE(parsed.error().detail.find(c.detail), std::string::npos) << parsed.error().detail;
    EXPECT_EQ(parsed.error().detail.find("5555555555555555"), std::string::npos);
  }
  // Unknown fields are a newer phone's: ignored.
  EXPECT_TRUE(request_of("<activation-request><code>1</code><extra>x</extra></activation-request>"));
}

TEST(ActivationProtocolTest, MessageSizeLimitAndNulBytes) {
  std::string at_limit = "<activation-request><code>1</code>";
  at_limit += std::string(kActivationMessageBytesMax - at_limit.size() - 21, ' ');
  at_limit += "</activation-request>";
  ASSERT_EQ(at_limit.size(), kActivationMessageBytesMax);
  EXPECT_TRUE(request_of(at_limit));
  auto past = request_of(at_limit + " ");
  ASSERT_FALSE(past);
  EXPECT_NE(past.error().detail.find("activation_message_bytes_max"), std::string::npos);
  const std::string with_nul("<activation-reply result=\"accepted\"/>\0junk", 42);
  auto nul = reply_of(with_nul);
  ASSERT_FALSE(nul);
  EXPECT_NE(nul.error().detail.find("NUL"), std::string::npos);
}

TEST(ActivationProtocolTest, ReplyRoundTripsForEveryResult) {
  ActivationReply accepted;
  accepted.parameters = {{"Profile_Rule", "http://s/$MA.xml?a=1&b=<2>"}, {"GPP_A", ""}};
  auto parsed = parse_activation_reply(as_bytes(format_activation_reply(accepted)));
  ASSERT_TRUE(parsed) << parsed.error().to_string();
  EXPECT_EQ(parsed->result, ActivationResult::Accepted);
  EXPECT_EQ(parsed->parameters, accepted.parameters);

  ActivationReply limited;
  limited.result = ActivationResult::RateLimited;
  limited.retry_after_s = 42;
  parsed = parse_activation_reply(as_bytes(format_activation_reply(limited)));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->result, ActivationResult::RateLimited);
  EXPECT_EQ(parsed->retry_after_s, 42);

  ActivationReply refused;
  refused.result = ActivationResult::Rejected;
  refused.reason = "expired";
  parsed = parse_activation_reply(as_bytes(format_activation_reply(refused)));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->result, ActivationResult::Rejected);
  EXPECT_EQ(parsed->reason, "expired");
}

TEST(ActivationProtocolTest, ReplyErrors) {
  for (std::string_view xml :
       {"<activation-reply/>", "<activation-reply result=\"maybe\"/>", "<flat-profile/>",
        "<activation-reply result=\"rate-limited\" retry-after-s=\"-1\"/>",
        "<activation-reply result=\"rate-limited\" retry-after-s=\"1x\"/>",
        "<activation-reply result=\"accepted\"><Profile_Rule><a/></Profile_Rule></activation-reply>",
        "<activation-reply result=\"accepted\">"}) {
    auto parsed = reply_of(xml);
    ASSERT_FALSE(parsed) << xml;
    EXPECT_EQ(parsed.error().code, ErrorCode::ActivationMessageInvalid);
  }
}

TEST(ActivationProtocolTest, ReplyParameterLimit) {
  std::string xml = "<activation-reply result=\"accepted\">";
  for (std::size_t index = 0; index < kActivationReplyParametersMax; ++index) xml += "<GPP_A>a</GPP_A>";
  EXPECT_TRUE(reply_of(xml + "</activation-reply>"));
  auto past = reply_of(xml + "<GPP_A>a</GPP_A></activation-reply>");
  ASSERT_FALSE(past);
  EXPECT_NE(past.error().detail.find("more than 64 parameters"), std::string::npos);
}

}  // namespace
}  // namespace fw
