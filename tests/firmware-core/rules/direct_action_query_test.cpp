#include "firmware-core/rules/direct_action_query.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fw {
namespace {

using ::testing::HasSubstr;

TEST(DirectActionQueryTest, UrlEncodedRuleOptionsFromReference) {
  auto query = rule_from_direct_action_query("%5B--uid+admin+--pwd+555%5Dhttp://host/cfg.xml");
  ASSERT_TRUE(query);
  EXPECT_EQ(query->rule, "[--uid admin --pwd 555]http://host/cfg.xml");
  EXPECT_FALSE(query->xuser);
  EXPECT_FALSE(query->xpassword);
}

TEST(DirectActionQueryTest, PlainRuleFromGuide) {
  auto query = rule_from_direct_action_query("tftp://192.168.1.200/basic.txt");
  ASSERT_TRUE(query);
  EXPECT_EQ(query->rule, "tftp://192.168.1.200/basic.txt");
}

TEST(DirectActionQueryTest, AdminCredentialsAreSplitOff) {
  auto query =
      rule_from_direct_action_query("tftp://pc/my_config.xml&xuser=admin&xpassword=se%26cret");
  ASSERT_TRUE(query);
  EXPECT_EQ(query->rule, "tftp://pc/my_config.xml");
  EXPECT_EQ(query->xuser, "admin");
  EXPECT_EQ(query->xpassword, "se&cret");
}

TEST(DirectActionQueryTest, OtherAmpersandsStayInTheRule) {
  auto query = rule_from_direct_action_query("http://h/p?a=1&b=2%26c&xpassword=x");
  ASSERT_TRUE(query);
  EXPECT_EQ(query->rule, "http://h/p?a=1&b=2&c");
  EXPECT_EQ(query->xpassword, "x");
}

TEST(DirectActionQueryTest, BadPercentEscapeNamesPosition) {
  for (auto [text, position] : {std::pair<std::string_view, std::string_view>{"ab%5", "at 2:"},
                                {"%zz", "at 0:"},
                                {"x%00y", "at 1:"},
                                {"/x&xpassword=%", "at 13:"}}) {
    auto query = rule_from_direct_action_query(text);
    ASSERT_FALSE(query) << text;
    EXPECT_EQ(query.error().code, ErrorCode::RuleSyntax);
    EXPECT_THAT(query.error().detail, HasSubstr(position)) << text;
  }
}

// Found by direct_action_query_fuzz: a raw NUL passed through while %00 was rejected.
TEST(DirectActionQueryTest, RawNulByteIsRejectedLikePercent00) {
  using namespace std::string_view_literals;
  for (auto [text, position] :
       {std::pair{"ht\0p://h/x"sv, "at 2:"sv}, {"/x&xuser=a\0b"sv, "at 10:"sv}}) {
    auto query = rule_from_direct_action_query(text);
    ASSERT_FALSE(query);
    EXPECT_EQ(query.error().code, ErrorCode::RuleSyntax);
    EXPECT_THAT(query.error().detail, HasSubstr(position));
  }
  EXPECT_FALSE(percent_decode_query("a\0"sv));
}

TEST(DirectActionQueryTest, PercentDecodeQuery) {
  EXPECT_EQ(*percent_decode_query("a+b%20c%2b"), "a b c+");
  EXPECT_EQ(*percent_decode_query(""), "");
}

}  // namespace
}  // namespace fw
