// The activation-code service (servers/activation/activation_service.cpp).

#include "servers/activation/activation_service.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "firmware-core/agent/activation_protocol.h"

namespace srv {
namespace {

constexpr fw::WallTime kNow{1'795'478'400};  // 2026-11-24T00:00:00Z
const fw::Endpoint kPhone{*fw::Ipv4Address::parse("10.0.0.21"), 40000};
const fw::Endpoint kOtherPhone{*fw::Ipv4Address::parse("10.0.0.22"), 40000};

struct Exchange {
  HttpReply reply;
  fw::Result<fw::ActivationReply> parsed = fw::fail(fw::ErrorCode::ActivationMessageInvalid);
};

class ActivationServiceTest : public ::testing::Test {
 protected:
  Exchange post(std::string_view code, std::string_view mac = "0011aabbccdd",
                fw::Endpoint client = kPhone, fw::WallTime wall = kNow) {
    fw::ActivationRequest request{std::string(code), std::string(mac), "CP-8841-3PCC", "SN1",
                                  "sip88xx.11-3-2MPP0001-609"};
    return post_body(fw::format_activation_request(request), client, wall);
  }
  Exchange post_body(const fw::Bytes& body, fw::Endpoint client = kPhone, fw::WallTime wall = kNow) {
    HttpRequestInfo info;
    info.now = now_;
    info.client = client;
    info.method = "POST";
    info.target = "/activate";
    info.body = body;
    auto reply = service_.handle(info, wall);
    EXPECT_TRUE(reply);
    Exchange exchange;
    exchange.reply = reply.value_or(HttpReply{});
    exchange.parsed = fw::parse_activation_reply(exchange.reply.body);
    return exchange;
  }
  std::string add(std::string code, std::optional<fw::WallTime> expires = std::nullopt,
                  std::string mac = "") {
    ActivationCodeSpec spec;
    spec.code = std::move(code);
    spec.profile_rule = "http://prov.example.com/$MA.xml";
    spec.parameters = {{"Resync_Periodic", "7200"}};
    spec.expires = expires;
    spec.mac = std::move(mac);
    auto added = service_.add_code(std::move(spec));
    EXPECT_TRUE(added) << added.error().to_string();
    return added.value_or("");
  }

  ActivationService service_;
  fw::Instant now_ = fw::Instant::from_seconds(100);
};

TEST_F(ActivationServiceTest, ValidCodeIsAcceptedOnceWithItsRule) {
  add("1234-5678-9012-3456");
  Exchange first = post("1234567890123456");
  EXPECT_EQ(first.reply.status, 200u);
  ASSERT_TRUE(first.parsed);
  EXPECT_EQ(first.parsed->result, fw::ActivationResult::Accepted);
  ASSERT_EQ(first.parsed->parameters.size(), 2u);
  EXPECT_EQ(first.parsed->parameters[0],
            (std::pair<std::string, std::string>{"Profile_Rule", "http://prov.example.com/$MA.xml"}));
  EXPECT_EQ(first.parsed->parameters[1].first, "Resync_Periodic");
  EXPECT_TRUE(service_.used(0));
  // Reused, even by the same phone.
  Exchange again = post("1234567890123456");
  EXPECT_EQ(again.reply.status, 403u);
  ASSERT_TRUE(again.parsed);
  EXPECT_EQ(again.parsed->result, fw::ActivationResult::Rejected);
  EXPECT_EQ(again.parsed->reason, "used");
  EXPECT_EQ(service_.count(ActivationOutcome::Accepted), 1u);
  EXPECT_EQ(service_.count(ActivationOutcome::Used), 1u);
}

TEST_F(ActivationServiceTest, UnknownExpiredAndWrongDeviceAreRefusedDistinctly) {
  add("1111111111111111", fw::WallTime{kNow.unix_seconds + 60});
  add("2222222222222222", std::nullopt, "00AABBCCDDEE");
  EXPECT_EQ(post("9999999999999999").parsed->reason, "unknown");
  EXPECT_EQ(post("1111111111111111", "0011aabbccdd", kPhone, fw::WallTime{kNow.unix_seconds + 60})
                .parsed->reason,
            "expired");
  EXPECT_EQ(post("2222222222222222", "0011aabbccdd", kOtherPhone).parsed->reason, "device");
  EXPECT_EQ(post("2222222222222222", "00aabbccddee", kOtherPhone).reply.status, 200u);
  // One second before its expiry the first code still works.
  EXPECT_EQ(post("1111111111111111", "0011aabbccdd", kOtherPhone, fw::WallTime{kNow.unix_seconds + 59})
                .reply.status,
            200u);
  EXPECT_EQ(service_.count(ActivationOutcome::Unknown), 1u);
  EXPECT_EQ(service_.count(ActivationOutcome::Expired), 1u);
  EXPECT_EQ(service_.count(ActivationOutcome::WrongDevice), 1u);
}

TEST_F(ActivationServiceTest, GuessingIsRateLimitedPerSourceWithRetryAfter) {
  add("1234567890123456");
  for (int guess = 0; guess < 5; ++guess) {
    EXPECT_EQ(post("000000000000000" + std::to_string(guess)).reply.status, 403u);
    now_ += fw::seconds(10);
  }
  // The sixth try, even with the valid code, is refused until the first failure is 600 s old.
  Exchange limited = post("1234567890123456");
  EXPECT_EQ(limited.reply.status, 429u);
  ASSERT_TRUE(limited.parsed);
  EXPECT_EQ(limited.parsed->result, fw::ActivationResult::RateLimited);
  EXPECT_EQ(limited.parsed->retry_after_s, 550);
  bool has_header = false;
  for (const HttpHeader& header : limited.reply.headers) {
    if (header.name == "Retry-After") has_header = header.value == "550";
  }
  EXPECT_TRUE(has_header);
  EXPECT_FALSE(service_.used(0));
  // Another source is not affected.
  EXPECT_EQ(post("0000000000000009", "0011aabbccdd", kOtherPhone).reply.status, 403u);
  // Once the oldest failure leaves the window, one more try is allowed.
  now_ += fw::seconds(550);
  EXPECT_EQ(post("1234567890123456").reply.status, 200u);
  EXPECT_EQ(service_.count(ActivationOutcome::RateLimited), 1u);
}

TEST_F(ActivationServiceTest, MalformedRequestsAreBadRequestsAndCountAsFailures) {
  add("1234567890123456");
  for (int attempt = 0; attempt < 5; ++attempt) {
    Exchange bad = post_body(fw::to_bytes("<nonsense/>"));
    EXPECT_EQ(bad.reply.status, 400u);
    ASSERT_TRUE(bad.parsed);
    EXPECT_EQ(bad.parsed->result, fw::ActivationResult::BadRequest);
  }
  EXPECT_EQ(post("1234567890123456").reply.status, 429u);
  EXPECT_EQ(service_.count(ActivationOutcome::Malformed), 5u);
}

TEST_F(ActivationServiceTest, OtherPathsPassAndOtherMethodsAre405) {
  HttpRequestInfo info;
  info.method = "GET";
  info.target = "/profile.xml";
  EXPECT_FALSE(service_.handle(info, kNow));
  info.target = "/activate?x=1";
  auto reply = service_.handle(info, kNow);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 405u);
}

TEST_F(ActivationServiceTest, GeneratedCodesAreSixteenDigitsDistinctAndSeeded) {
  ActivationService first({}, 7);
  ActivationService second({}, 7);
  std::set<std::string> seen;
  for (int index = 0; index < 50; ++index) {
    ActivationCodeSpec spec;
    spec.profile_rule = "tftp://s/p.xml";
    auto a = first.add_code(spec);
    auto b = second.add_code(spec);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(*a, *b);
    EXPECT_TRUE(fw::normalize_activation_code(*a));
    EXPECT_EQ(a->size(), 16u);
    seen.insert(*a);
  }
  EXPECT_EQ(seen.size(), 50u);
}

TEST_F(ActivationServiceTest, BadCodesAreRefusedWithoutEchoingThem) {
  ActivationCodeSpec spec;
  spec.profile_rule = "tftp://s/p.xml";
  spec.code = "12345";
  auto short_code = service_.add_code(spec);
  ASSERT_FALSE(short_code);
  EXPECT_EQ(short_code.error().detail.find("12345"), std::string::npos);
  spec.code = "1234567890123456";
  EXPECT_TRUE(service_.add_code(spec));
  auto twice = service_.add_code(spec);
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().detail.find("twice"), std::string::npos);
  spec.code = "";
  spec.profile_rule = "gds://";
  EXPECT_FALSE(service_.add_code(spec));
  spec.profile_rule = "tftp://s/p.xml";
  spec.mac = "xyz";
  EXPECT_FALSE(service_.add_code(spec));
}

TEST_F(ActivationServiceTest, RecordsNeverHoldTheCode) {
  add("1234567890123456");
  post("1234567890123456");
  post("0000000000000000");
  auto accepted = service_.poll_record();
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->outcome, ActivationOutcome::Accepted);
  EXPECT_EQ(accepted->code_index, 0u);
  EXPECT_EQ(accepted->mac, "0011aabbccdd");
  auto unknown = service_.poll_record();
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->outcome, ActivationOutcome::Unknown);
  EXPECT_FALSE(unknown->code_index);
  EXPECT_FALSE(service_.poll_record());
}

TEST_F(ActivationServiceTest, TrackedSourcesAreBoundedAndFailClosed) {
  ActivationServiceSettings settings;
  settings.sources_tracked_max = 2;
  settings.failures_max = 1;
  ActivationService small(settings);
  HttpRequestInfo info;
  info.method = "POST";
  info.target = "/activate";
  const fw::Bytes body = fw::format_activation_request({"0000000000000000", "", "", "", ""});
  info.body = body;
  info.now = now_;
  for (std::uint32_t host = 1; host <= 2; ++host) {
    info.client = {fw::Ipv4Address{host}, 1};
    EXPECT_EQ(small.handle(info, kNow)->status, 403u);
  }
  info.client = {fw::Ipv4Address{3}, 1};
  EXPECT_EQ(small.handle(info, kNow)->status, 429u);  // full, and both still in their window
  info.now = now_ + fw::seconds(600);
  EXPECT_EQ(small.handle(info, kNow)->status, 403u);  // the old ones are forgotten
}

TEST(ActivationOutcomeTest, NamesRoundTrip) {
  for (std::size_t index = 0; index < kActivationOutcomeCount; ++index) {
    const auto outcome = static_cast<ActivationOutcome>(index);
    EXPECT_EQ(activation_outcome_named(to_string(outcome)), outcome);
  }
  EXPECT_FALSE(activation_outcome_named("maybe"));
}

}  // namespace
}  // namespace srv
