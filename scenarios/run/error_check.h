#pragma once

// The rule that error-severity trace events fail a run unless the scenario expects them
// (DESIGN.md "Observability"). The runner feeds every trace event to note(); result() then
// gives the implicit assertion "no unexpected errors" that the report lists with the scenario's
// own assertions.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "scenarios/run/run_report.h"
#include "sim/trace/trace_log.h"

namespace scn {

class ErrorCheck {
 public:
  // Lines of evidence a failed check shows (the first unexpected events).
  static constexpr std::size_t kEvidenceLinesMax = 5;

  // `expected`: the trace event names (`event` of an error-severity event, e.g.
  // "config_commit_failed") the scenario declares with `expect_errors:`.
  // `where`: the scenario file, for the report.
  ErrorCheck(std::vector<std::string> expected, std::string where);

  // Call for every trace event of the run; only error-severity ones count.
  void note(const sim::TraceEvent& event);

  // Error-severity events whose name was not expected.
  std::uint64_t unexpected_count() const { return unexpected_count_; }

  // The implicit assertion: passed when no unexpected error event happened. Its actual value
  // counts the events per name; its evidence shows the first few (time, phone, event).
  AssertionResult result() const;

 private:
  std::set<std::string, std::less<>> expected_;
  std::string where_;
  std::uint64_t unexpected_count_ = 0;
  std::uint64_t expected_count_ = 0;
  std::map<std::string, std::uint64_t> unexpected_by_name_;
  std::vector<std::string> evidence_;
};

}  // namespace scn
