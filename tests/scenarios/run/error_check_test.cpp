#include "scenarios/run/error_check.h"

#include <gtest/gtest.h>

namespace scn {
namespace {

sim::TraceEvent event(fw::Severity severity, std::string_view name,
                      std::span<const fw::TraceField> fields = {}) {
  return sim::TraceEvent{fw::Instant::from_seconds(12), "lobby[3]", severity, "runtime", name, fields};
}

TEST(ErrorCheckTest, UnexpectedErrorEventFailsWithEvidence) {
  ErrorCheck check({}, "test.yaml");
  const fw::TraceField fields[] = {{"error", "flash write failed"}};
  check.note(event(fw::Severity::Info, "resync_done"));
  check.note(event(fw::Severity::Warning, "retry"));
  check.note(event(fw::Severity::Error, "config_commit_failed", fields));
  AssertionResult result = check.result();
  EXPECT_FALSE(result.passed);
  EXPECT_EQ(check.unexpected_count(), 1u);
  EXPECT_EQ(result.name, "no unexpected errors");
  EXPECT_EQ(result.where, "test.yaml");
  EXPECT_EQ(result.actual, "1 unexpected: runtime/config_commit_failed x1");
  ASSERT_EQ(result.evidence.size(), 1u);
  EXPECT_EQ(result.evidence[0], "t=12.000s lobby[3] runtime/config_commit_failed error=flash write failed");
}

TEST(ErrorCheckTest, ExpectedErrorEventsPass) {
  ErrorCheck check({"config_commit_failed"}, "test.yaml");
  check.note(event(fw::Severity::Error, "config_commit_failed"));
  check.note(event(fw::Severity::Error, "config_commit_failed"));
  AssertionResult result = check.result();
  EXPECT_TRUE(result.passed);
  EXPECT_EQ(result.expected, "no error-severity trace events except config_commit_failed");
  EXPECT_EQ(result.actual, "none unexpected (2 expected)");
  // An expectation covers only the events it names.
  check.note(event(fw::Severity::Error, "something_else"));
  EXPECT_FALSE(check.result().passed);
}

TEST(ErrorCheckTest, EvidenceIsBounded) {
  ErrorCheck check({}, "test.yaml");
  for (int index = 0; index < 20; ++index) check.note(event(fw::Severity::Error, "broken"));
  EXPECT_EQ(check.unexpected_count(), 20u);
  EXPECT_EQ(check.result().evidence.size(), ErrorCheck::kEvidenceLinesMax);
  EXPECT_EQ(check.result().actual, "20 unexpected: runtime/broken x20");
}

}  // namespace
}  // namespace scn
