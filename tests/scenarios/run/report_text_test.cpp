#include "scenarios/run/report_text.h"

#include <gtest/gtest.h>

namespace scn {
namespace {

TEST(ReportTextTest, PrintableTextReplacesWhatXmlCannotCarry) {
  EXPECT_EQ(printable_text("plain \xE2\x82\xAC \xF0\x9F\x93\x9E\t\n\r"),
            "plain \xE2\x82\xAC \xF0\x9F\x93\x9E\t\n\r");
  EXPECT_EQ(printable_text(std::string_view("a\0b", 3)),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(printable_text("\x1B\x7F"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(printable_text("\xC3"), "\xEF\xBF\xBD");                  // truncated sequence
  EXPECT_EQ(printable_text("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
  EXPECT_EQ(printable_text("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(printable_text("\xEF\xBF\xBF"), "\xEF\xBF\xBD");                          // U+FFFF
}

TEST(ReportTextTest, JsonStringAndHtmlEscape) {
  EXPECT_EQ(json_string("a\"b\\c\nd\te\x01"), "\"a\\\"b\\\\c\\nd\\te\xEF\xBF\xBD\"");
  EXPECT_EQ(html_escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

TEST(ReportTextTest, SecondsNumberIsExact) {
  EXPECT_EQ(seconds_number(fw::seconds(86400)), "86400");
  EXPECT_EQ(seconds_number(fw::milliseconds(1500)), "1.5");
  EXPECT_EQ(seconds_number(fw::Duration(1)), "0.000000001");
  EXPECT_EQ(seconds_number(fw::milliseconds(-250)), "-0.25");
  EXPECT_EQ(seconds_number(fw::Duration(0)), "0");
}

TEST(ReportTextTest, DurationTextForPeople) {
  EXPECT_EQ(duration_text(fw::Duration(0)), "0s");
  EXPECT_EQ(duration_text(fw::Duration(250)), "250ns");
  EXPECT_EQ(duration_text(fw::milliseconds(90)), "90ms");
  EXPECT_EQ(duration_text(fw::seconds(45)), "45s");
  EXPECT_EQ(duration_text(fw::seconds(150)), "2m30s");
  EXPECT_EQ(duration_text(fw::seconds(7200)), "2h");
  EXPECT_EQ(duration_text(fw::seconds(86400 + 2 * 3600 + 30 * 60)), "1d2h30m");
  EXPECT_EQ(duration_text(fw::seconds(-60)), "-1m");
}

TEST(ReportTextTest, ClockAndCountText) {
  EXPECT_EQ(clock_text(fw::milliseconds(7250)), "0:00:07.250");
  EXPECT_EQ(clock_text(fw::seconds(26 * 3600 + 180)), "26:03:00.000");
  EXPECT_EQ(count_text(0), "0");
  EXPECT_EQ(count_text(999), "999");
  EXPECT_EQ(count_text(1000), "1,000");
  EXPECT_EQ(count_text(1234567), "1,234,567");
  EXPECT_EQ(count_text(UINT64_MAX), "18,446,744,073,709,551,615");
}

}  // namespace
}  // namespace scn
