#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "scenarios/run/report_writers.h"
#include "tests/scenarios/run/sample_run_report.h"

namespace scn {
namespace {

std::size_t occurrences(std::string_view text, std::string_view needle) {
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string_view::npos;
       at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

TEST(HtmlReportTest, HasTheChartsAndTablesAndNothingExternal) {
  const std::string html = html_report(testing::sample_run_report());
  // Requests, concurrency, outcomes, delay histogram, retries, $ERR bars, phone timelines.
  EXPECT_EQ(occurrences(html, "<svg class=\"chart\""), 7u);
  EXPECT_EQ(occurrences(html, "<polyline"), 6u);
  EXPECT_EQ(occurrences(html, "<tr class=\"fail\">"), 1u);
  EXPECT_EQ(occurrences(html, "<tr class=\"pass\">"), 3u);
  EXPECT_NE(html.find("phonesim run scenarios/quickstart.yaml --seed 42"), std::string::npos);
  EXPECT_NE(html.find("9c2f5e0a41d7b3e8"), std::string::npos);
  EXPECT_NE(html.find(">FAILED<"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"number\">16,912</td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"number\">310 ms</td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"number time\">0:00:37.412</td>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
}

TEST(HtmlReportTest, TimeAxisIsLabelledInWholeHours) {
  const std::string html = html_report(testing::sample_run_report());
  for (const std::string_view label : {">0h</text>", ">3h</text>", ">12h</text>", ">24h</text>"}) {
    EXPECT_NE(html.find(label), std::string::npos) << label;
  }
  EXPECT_EQ(html.find(">2h</text>"), std::string::npos);
}

TEST(HtmlReportTest, EscapesScenarioText) {
  RunReport report = testing::sample_run_report();
  report.scenario_name = "<script>alert('x')</script>";
  report.timelines[0].entries[0].event = "<img src=x onerror=alert(1)>";
  report.errors_by_err["<b>bold</b>"] = 1;
  const std::string html = html_report(report);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_NE(html.find("<h1>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</h1>"),
            std::string::npos);
}

TEST(HtmlReportTest, SameReportSameBytes) {
  const RunReport report = testing::sample_run_report();
  const RunReport copy = report;
  EXPECT_EQ(html_report(report), html_report(copy));
  RunReport other_seed = report;
  other_seed.seed = 43;
  EXPECT_NE(html_report(report), html_report(other_seed));
}

TEST(HtmlReportTest, EmptyReportStillRenders) {
  const std::string html = html_report(RunReport{});
  EXPECT_EQ(occurrences(html, "no data in this run"), 6u);
  EXPECT_NE(html.find(">PASSED<"), std::string::npos);
  EXPECT_NE(html.find("This scenario has no assertions."), std::string::npos);
  EXPECT_NE(html.find("</html>\n"), std::string::npos);
}

TEST(HtmlReportTest, ShortRunsAndSingleBucketsRender) {
  RunReport report;
  report.bucket_width = fw::seconds(10);
  report.virtual_duration = fw::seconds(10);
  report.successes.values = {3};
  report.failures.values = {0};
  report.first_resync_delay_s = {-5, 0, 4};
  report.retry_histogram = {{100, 1}};
  report.timelines = {{"p", {}}};
  const std::string html = html_report(report);
  EXPECT_NE(html.find(">0s</text>"), std::string::npos);
  EXPECT_NE(html.find(">10s</text>"), std::string::npos);
  EXPECT_NE(html.find(">-5s</text>"), std::string::npos);  // delay bins start below zero
  EXPECT_NE(html.find(">100</text>"), std::string::npos);  // sparse retry counts: keys only
  EXPECT_NE(html.find("No events."), std::string::npos);
}

TEST(HtmlReportTest, ExtremeDelaysStayBounded) {
  RunReport report;
  report.first_resync_delay_s = {INT64_MIN, 0, INT64_MAX};
  const std::string html = html_report(report);
  // Clamped to about 31 years either side: a few hundred 30-day bins, not billions.
  EXPECT_LT(occurrences(html, "<rect"), 1000u);
  EXPECT_GT(occurrences(html, "<rect"), 100u);
}

}  // namespace
}  // namespace scn
