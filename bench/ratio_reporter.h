#pragma once

// The console reporter plus a closing table of ratios "ours / peer", computed from the runs of
// this process (the house rule: performance is a ratio against the raw library measured in the
// same run).
//
// A benchmark names its peer in its label: "vs raw/tinyxml2_parse_walk/large". With
// repetitions, each side's median is used (the "median" aggregate, or the median of the
// repetitions when only those are reported). Real time is the house measure; the CPU-time ratio
// is printed next to it because on a loaded 2-core VM preemption inflates real time.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>

namespace bench {

// Label prefix that names a benchmark's peer.
inline constexpr std::string_view kPeerLabelPrefix = "vs ";

class RatioReporter final : public benchmark::ConsoleReporter {
 public:
  explicit RatioReporter(OutputOptions options) : ConsoleReporter(options) {}

  void ReportRuns(const std::vector<Run>& runs) override;
  void Finalize() override;

 private:
  struct Samples {
    std::vector<double> real_times_ns;  // per repetition
    std::vector<double> cpu_times_ns;
    double real_median_ns = -1;  // from a "median" aggregate, when reported
    double cpu_median_ns = -1;
    std::string peer;
  };
  std::map<std::string, Samples> samples_;  // by run name ("ours/apply_flat_profile/large")
  std::vector<std::string> order_;          // first-report order, for the table
};

}  // namespace bench
