#include "load/ramp.h"

#include <gtest/gtest.h>

#include <utility>

namespace load {
namespace {

TEST(RampTest, AllPowersEveryPhoneAtOnce) {
  auto ramp = Ramp::parse("all");
  ASSERT_TRUE(ramp);
  EXPECT_EQ(ramp->power_on_at(999, 1000), fw::Duration{0});
}

TEST(RampTest, OverSpreadsEvenly) {
  auto ramp = Ramp::parse("over:10s");
  ASSERT_TRUE(ramp);
  EXPECT_EQ(ramp->power_on_at(0, 100), fw::Duration{0});
  EXPECT_EQ(ramp->power_on_at(50, 100), fw::seconds(5));
  EXPECT_EQ(ramp->last_power_on(100), fw::milliseconds(9900));
}

TEST(RampTest, RatePerSecondAndPerSpan) {
  auto per_second = Ramp::parse("500/s");
  ASSERT_TRUE(per_second);
  EXPECT_EQ(per_second->power_on_at(500, 2000), fw::seconds(1));
  EXPECT_EQ(per_second->power_on_at(1, 2000), fw::milliseconds(2));
  auto per_ten = Ramp::parse("100/10s");
  ASSERT_TRUE(per_ten);
  EXPECT_EQ(per_ten->power_on_at(250, 1000), fw::seconds(25));
  auto per_minute = Ramp::parse("20/1m");
  ASSERT_TRUE(per_minute);
  EXPECT_EQ(per_minute->power_on_at(20, 100), fw::seconds(60));
}

TEST(RampTest, PrintsExactlyWhatParsesBackToTheSameRamp) {
  for (const auto& [text, printed] : {std::pair{"all", "all"}, std::pair{"over:30s", "over:30000ms"},
                                      std::pair{"500/s", "500/1000ms"}, std::pair{"3/1500us", "3/1500us"},
                                      std::pair{"over:7ns", "over:7ns"}}) {
    auto ramp = Ramp::parse(text);
    ASSERT_TRUE(ramp) << text;
    EXPECT_EQ(ramp->to_string(), printed);
    auto again = Ramp::parse(ramp->to_string());
    ASSERT_TRUE(again) << printed;
    EXPECT_EQ(again->kind, ramp->kind);
    EXPECT_EQ(again->span, ramp->span);
    EXPECT_EQ(again->count, ramp->count);
  }
}

TEST(RampTest, RejectsMalformedSpecsWithTheAcceptedForms) {
  for (const char* text : {"", "some", "over:", "over:0s", "over:-1s", "0/s", "x/s", "10/", "10/0s", "10/fortnight",
                           "-5/s", "all "}) {
    auto ramp = Ramp::parse(text);
    ASSERT_FALSE(ramp) << text;
    EXPECT_NE(ramp.error().detail.find("over:DURATION"), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace load
