#include "scenarios/run/quickstart.h"

#include <gtest/gtest.h>

#include "scenarios/format/scenario_loader.h"
#include "scenarios/run/scenario_runner.h"

namespace scn {
namespace {

TEST(QuickstartTest, LoadsAndAScaledDownRunKeepsItsPromises) {
  LoadResult loaded = load_scenario_text(kQuickstartScenario, "quickstart", ".");
  ASSERT_TRUE(loaded.scenario) << (loaded.errors.empty() ? "" : loaded.errors[0].to_string());
  EXPECT_EQ(loaded.scenario->phone_count(), 1000u);
  RunOptions options;
  options.phones = 50;
  auto report = run_scenario(*loaded.scenario, options);
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_EQ(report->phones, 50u);
  for (const AssertionResult& result : report->assertions) {
    if (result.kind == "syslog") continue;  // its count is sized for the full fleet
    EXPECT_TRUE(result.passed) << result.where << " " << result.name << ": expected " << result.expected
                               << ", got " << result.actual;
  }
  EXPECT_EQ(report->phones_converged, 50u);
  EXPECT_EQ(report->trace_errors, 0u);
}

}  // namespace
}  // namespace scn
