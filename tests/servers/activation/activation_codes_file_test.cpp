// provserver's activation codes file (servers/activation/activation_codes_file.cpp).

#include "servers/activation/activation_codes_file.h"

#include <string>

#include <gtest/gtest.h>

namespace srv {
namespace {

constexpr fw::WallTime kLoaded{1'795'478'400};

TEST(ActivationCodesFileTest, ParsesCodesExpiriesMacsAndRulesWithSpaces) {
  auto codes = parse_activation_codes(
      "# code expires rule\n"
      "\n"
      "1234-5678-9012-3456  never  http://127.0.0.1:8080/$MA.xml\n"
      "9876543210987654\t86400 mac=0011AABBCCDD  [--key abc] https://prov.example.com/p.xml  \r\n"
      "1111111111111111 0 tftp://s/p.xml",
      kLoaded);
  ASSERT_TRUE(codes) << codes.error().to_string();
  ASSERT_EQ(codes->size(), 3u);
  EXPECT_EQ((*codes)[0].code, "1234-5678-9012-3456");
  EXPECT_FALSE((*codes)[0].expires);
  EXPECT_EQ((*codes)[0].profile_rule, "http://127.0.0.1:8080/$MA.xml");
  EXPECT_EQ((*codes)[1].expires->unix_seconds, kLoaded.unix_seconds + 86400);
  EXPECT_EQ((*codes)[1].mac, "0011AABBCCDD");
  EXPECT_EQ((*codes)[1].profile_rule, "[--key abc] https://prov.example.com/p.xml");
  EXPECT_EQ((*codes)[2].expires->unix_seconds, kLoaded.unix_seconds);
}

TEST(ActivationCodesFileTest, ErrorsNameTheLineNotTheCode) {
  struct Case {
    std::string text;
    std::string detail;
  };
  const Case cases[] = {
      {"# ok\n12345 never tftp://s/p.xml", "line 2: the code is not 16 digits"},
      {"5555555555555555", "line 1: expected EXPIRES and RULE"},
      {"5555555555555555 soon tftp://s/p.xml", "line 1: EXPIRES is 'never'"},
      {"5555555555555555 -5 tftp://s/p.xml", "line 1: EXPIRES is 'never'"},
      {"5555555555555555 never", "line 1: no RULE"},
      {"5555555555555555 never mac=001122334455", "line 1: no RULE"},
      {"5555555555555555 never " + std::string(kActivationCodesLineBytesMax, 'x'), "line 1: longer than"},
  };
  for (const Case& c : cases) {
    auto codes = parse_activation_codes(c.text, kLoaded);
    ASSERT_FALSE(codes) << c.text.substr(0, 80);
    EXPECT_NE(codes.error().detail.find(c.detail), std::string::npos) << codes.error().detail;
    EXPECT_EQ(codes.error().detail.find("5555555555555555"), std::string::npos);
  }
}

TEST(ActivationCodesFileTest, FileSizeLimit) {
  const std::string big(kActivationCodesFileBytesMax + 1, '#');
  EXPECT_FALSE(parse_activation_codes(big, kLoaded));
}

}  // namespace
}  // namespace srv
