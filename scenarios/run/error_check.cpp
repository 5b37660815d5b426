#include "scenarios/run/error_check.h"

#include <utility>

namespace scn {

ErrorCheck::ErrorCheck(std::vector<std::string> expected, std::string where)
    : expected_(expected.begin(), expected.end()), where_(std::move(where)) {}

void ErrorCheck::note(const sim::TraceEvent& event) {
  if (event.severity != fw::Severity::Error) return;
  if (expected_.contains(event.event)) {
    ++expected_count_;
    return;
  }
  ++unexpected_count_;
  ++unexpected_by_name_[std::string(event.component) + "/" + std::string(event.event)];
  if (evidence_.size() < kEvidenceLinesMax) {
    const std::int64_t ms = event.t.since_epoch().count() / 1'000'000;
    std::string line = "t=" + std::to_string(ms / 1000) + "." + std::to_string(1000 + ms % 1000).substr(1) +
                       "s " + (event.phone.empty() ? std::string("-") : std::string(event.phone)) + " " +
                       std::string(event.component) + "/" + std::string(event.event);
    for (const fw::TraceField& field : event.fields) {
      line += " " + std::string(field.key) + "=" + std::string(field.value);
    }
    evidence_.push_back(std::move(line));
  }
}

AssertionResult ErrorCheck::result() const {
  AssertionResult result;
  result.name = "no unexpected errors";
  result.kind = "errors_expected";
  result.where = where_;
  result.passed = unexpected_count_ == 0;
  result.expected = "no error-severity trace events";
  if (!expected_.empty()) {
    result.expected += " except";
    for (const std::string& name : expected_) result.expected += " " + name;
  }
  if (unexpected_count_ == 0) {
    result.actual = "none unexpected (" + std::to_string(expected_count_) + " expected)";
  } else {
    result.actual = std::to_string(unexpected_count_) + " unexpected:";
    for (const auto& [name, count] : unexpected_by_name_) result.actual += " " + name + " x" + std::to_string(count);
  }
  result.evidence = evidence_;
  return result;
}

}  // namespace scn
