#pragma once

// The three reports of a finished run (DESIGN.md "Observability"): JUnit XML for CI, a JSON
// summary for tools and one self-contained HTML file with charts for people. Each writer is a
// pure function of the RunReport: the same report gives the same bytes (no clocks, no locale).
// Only write_reports() touches the filesystem.

#include <filesystem>
#include <optional>
#include <string>

#include "firmware-core/base/result.h"
#include "scenarios/run/run_report.h"

namespace scn {

// JUnit XML: one <testsuite> named after the scenario, one <testcase> per assertion (classname =
// scenario, file/line from `where`), a <failure> with expected, actual and the evidence for each
// assertion that did not hold; properties seed, trace_hash, reproduce and the run's figures.
// Text that XML cannot carry (control characters, invalid UTF-8) becomes U+FFFD.
std::string junit_xml(const RunReport& report);

// The JSON summary: one object with scenario, seed, passed, phones, events, trace_hash,
// reproduce, virtual_duration_s, assertions, servers, errors_by_err, retry_histogram,
// phones_converged (scenarios/README.md "Reports" lists every field). Always valid JSON.
std::string json_summary(const RunReport& report);

// One HTML document with inline CSS and inline SVG charts: no network, no script. All text from
// the scenario is escaped.
std::string html_report(const RunReport& report);

// Where write_reports() puts each report; an absent path skips that report.
struct ReportPaths {
  std::optional<std::filesystem::path> junit_file;
  std::optional<std::filesystem::path> json_file;
  // The HTML report goes to DIRECTORY/index.html; the directory (and its parents) are created.
  std::optional<std::filesystem::path> report_directory;
};

// Writes the reports `paths` asks for, replacing existing files. Call once a run has finished.
// Errors: OutputWriteFailed naming the path and why (directory not creatable, file not
// writable). Reports written before the failing one stay written.
fw::Result<void> write_reports(const RunReport& report, const ReportPaths& paths);

}  // namespace scn
