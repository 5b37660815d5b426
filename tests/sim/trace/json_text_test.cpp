#include "sim/trace/json_text.h"

#include <gtest/gtest.h>

namespace sim {
namespace {

TEST(JsonTextTest, QuotesAndEscapes) {
  EXPECT_EQ(json_quote(""), "\"\"");
  EXPECT_EQ(json_quote("GPP_A"), "\"GPP_A\"");
  EXPECT_EQ(json_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(json_quote("l1\nl2\tx\r"), "\"l1\\nl2\\tx\\r\"");
  EXPECT_EQ(json_quote(std::string_view("\x01\x1f\x7f", 3)), "\"\\u0001\\u001f\\u007f\"");
  EXPECT_EQ(json_quote(std::string_view("\0", 1)), "\"\\u0000\"");
}

TEST(JsonTextTest, KeepsUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(json_quote("Grüße €"), "\"Grüße €\"");
  EXPECT_EQ(json_quote("\xff"), "\"\xEF\xBF\xBD\"");
  EXPECT_EQ(json_quote("\xC3"), "\"\xEF\xBF\xBD\"");                  // truncated sequence
  EXPECT_EQ(json_quote("\xC0\xAF"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");  // overlong '/'
  EXPECT_EQ(json_quote("\xED\xA0\x80"),                               // surrogate
            "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

TEST(JsonTextTest, AppendsToWhatIsThere) {
  std::string line = "{\"k\":";
  append_json_string(line, "v\x01");
  EXPECT_EQ(line, "{\"k\":\"v\\u0001\"");
}

}  // namespace
}  // namespace sim
