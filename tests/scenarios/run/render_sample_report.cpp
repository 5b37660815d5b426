// Writes the sample run's reports into a directory (index.html, junit.xml, summary.json), for
// the headless-browser screenshot check (screenshot_report.sh) and for looking at by hand:
//   build/bin/render_sample_report /tmp/report && xdg-open /tmp/report/index.html

#include <iostream>

#include "scenarios/run/report_writers.h"
#include "tests/scenarios/run/sample_run_report.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: render_sample_report DIRECTORY\n";
    return 2;
  }
  const std::filesystem::path directory = argv[1];
  scn::ReportPaths paths;
  paths.report_directory = directory;
  paths.junit_file = directory / "junit.xml";
  paths.json_file = directory / "summary.json";
  // The directory first, so that the files beside index.html have somewhere to go.
  std::filesystem::create_directories(directory);
  if (auto written = scn::write_reports(scn::testing::sample_run_report(), paths); !written) {
    std::cerr << "render_sample_report: " << written.error().to_string() << '\n';
    return 1;
  }
  return 0;
}
