#pragma once

// The console reporter plus a closing table of ratios "ours / peer", computed from the runs of
// this process (the house rule: performance is a ratio against the raw library measured in the
// same run).
//
// A benchmark names its peer in its label: "vs raw/tinyxml2_parse_walk/large", or a chain of
// raw steps joined by '+' ("vs raw/aes_decrypt/large+raw/inflate/large"), whose peer time is the
// sum of the steps' medians. A label may name several peers, joined by " | ": the table then
// has a row for each. With repetitions, each side's median is used (the "median" aggregate,
// or the median of the repetitions when only those are reported). Real time is the house measure;
// the CPU-time ratio is printed next to it because on a loaded 2-core VM preemption inflates real
// time.

#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>

namespace bench {

// Label prefix that names a benchmark's peer.
inline constexpr std::string_view kPeerLabelPrefix = "vs ";
// Joins the steps of a chained peer.
inline constexpr char kPeerSeparator = '+';
// Joins the peers of a benchmark compared with more than one.
inline constexpr std::string_view kPeerListSeparator = " | ";

// The label naming `peer` (one run name, or several joined by kPeerSeparator).
std::string peer_label(std::string_view peer);
// The label naming each of `peers`, one table row each.
std::string peer_label(const std::vector<std::string>& peers);

// How a bench program displays its results, from its command line.
struct Display {
  bool console = true;  // --benchmark_format=console (the default): the ratio table is printed
  benchmark::ConsoleReporter::OutputOptions options = benchmark::ConsoleReporter::OO_Tabular;
};

// Call before benchmark::Initialize(), which removes the flags it knows from argv. The library
// keeps its flags private, and a display reporter passed in replaces the one it would build
// from them, so --benchmark_format and --benchmark_color are read here.
Display display_from_flags(int argc, char** argv);

// Runs the registered benchmarks; on the console, with the closing ratio table (JSON and CSV
// users compute ratios from their output themselves).
void run_benchmarks(const Display& display);

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
    std::vector<std::string> peers;  // from the label, in its order
  };
  // Each side's median: of the "median" aggregate when reported, else of the repetitions; -1
  // for no samples.
  static double real_median_ns(const Samples& samples);
  static double cpu_median_ns(const Samples& samples);
  // One row of the table: `ours` (run `name`) against `peer` (a run name or a chain); nothing
  // when a side did not run.
  void print_ratio(std::ostream& out, const std::string& name, const Samples& ours,
                   const std::string& peer) const;

  std::map<std::string, Samples> samples_;  // by run name ("ours/apply_flat_profile/large")
  // First-report order (the table sorts it by registration).
  std::vector<std::string> order_;
};

}  // namespace bench
