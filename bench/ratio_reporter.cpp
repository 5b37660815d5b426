#include "bench/ratio_reporter.h"

#include <algorithm>
#include <cstdio>
#include <ostream>

#include <unistd.h>

namespace bench {
namespace {

// -1 for no samples.
double median(std::vector<double> values) {
  if (values.empty())
    return -1;
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

double to_ns(double time, benchmark::TimeUnit unit) {
  return time / benchmark::GetTimeUnitMultiplier(unit) * 1e9;
}

// The value of `--flag=value` in argv, or `otherwise`.
std::string_view flag_value(int argc, char** argv, std::string_view flag,
                            std::string_view otherwise) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with(flag) && arg.size() > flag.size() && arg[flag.size()] == '=')
      return arg.substr(flag.size() + 1);
  }
  return otherwise;
}

}  // namespace

std::string peer_label(std::string_view peer) {
  return std::string(kPeerLabelPrefix) + std::string(peer);
}

Display display_from_flags(int argc, char** argv) {
  const std::string_view color = flag_value(argc, argv, "--benchmark_color", "auto");
  const bool colored = color == "auto" ? isatty(STDOUT_FILENO) != 0
                                       : (color == "true" || color == "yes" || color == "1");
  return {.console = flag_value(argc, argv, "--benchmark_format", "console") == "console",
          .options = colored ? benchmark::ConsoleReporter::OO_ColorTabular
                             : benchmark::ConsoleReporter::OO_Tabular};
}

void run_benchmarks(const Display& display) {
  if (display.console) {
    RatioReporter reporter(display.options);
    benchmark::RunSpecifiedBenchmarks(&reporter);
  } else {
    benchmark::RunSpecifiedBenchmarks();
  }
}

void RatioReporter::ReportRuns(const std::vector<Run>& runs) {
  ConsoleReporter::ReportRuns(runs);
  for (const Run& run : runs) {
    if (run.error_occurred)
      continue;
    const std::string name = run.run_name.str();
    auto [it, inserted] = samples_.try_emplace(name);
    if (inserted)
      order_.push_back(name);
    Samples& samples = it->second;
    if (run.report_label.starts_with(kPeerLabelPrefix))
      samples.peer = run.report_label.substr(kPeerLabelPrefix.size());
    const double real_ns = to_ns(run.GetAdjustedRealTime(), run.time_unit);
    const double cpu_ns = to_ns(run.GetAdjustedCPUTime(), run.time_unit);
    if (run.run_type == Run::RT_Iteration) {
      samples.real_times_ns.push_back(real_ns);
      samples.cpu_times_ns.push_back(cpu_ns);
    } else if (run.aggregate_name == "median") {
      samples.real_median_ns = real_ns;
      samples.cpu_median_ns = cpu_ns;
    }
  }
}

void RatioReporter::Finalize() {
  auto real_ns = [](const Samples& s) {
    return s.real_median_ns >= 0 ? s.real_median_ns : median(s.real_times_ns);
  };
  auto cpu_ns = [](const Samples& s) {
    return s.cpu_median_ns >= 0 ? s.cpu_median_ns : median(s.cpu_times_ns);
  };
  std::ostream& out = GetOutputStream();
  out << "\nRatios ours / peer (medians, this process):\n";
  char line[400];
  std::snprintf(line, sizeof line, "%-36s %12s %12s %6s %6s  %s\n", "benchmark", "ours real ns",
                "peer real ns", "real", "cpu", "peer");
  out << line;
  for (const std::string& name : order_) {
    const Samples& ours = samples_.at(name);
    if (ours.peer.empty())
      continue;
    // A chained peer costs the sum of its steps; a step that did not run drops the row.
    double peer_real = 0;
    double peer_cpu = 0;
    bool complete = true;
    for (std::string_view rest = ours.peer; complete && !rest.empty();) {
      const std::size_t end = std::min(rest.find(kPeerSeparator), rest.size());
      auto step = samples_.find(std::string(rest.substr(0, end)));
      rest.remove_prefix(std::min(end + 1, rest.size()));
      complete = step != samples_.end() && real_ns(step->second) > 0 && cpu_ns(step->second) > 0;
      if (complete) {
        peer_real += real_ns(step->second);
        peer_cpu += cpu_ns(step->second);
      }
    }
    const double ours_real = real_ns(ours);
    const double ours_cpu = cpu_ns(ours);
    if (!complete || ours_real < 0 || ours_cpu < 0)
      continue;
    std::snprintf(line, sizeof line, "%-36s %12.1f %12.1f %6.2f %6.2f  %s\n", name.c_str(),
                  ours_real, peer_real, ours_real / peer_real, ours_cpu / peer_cpu,
                  ours.peer.c_str());
    out << line;
  }
  ConsoleReporter::Finalize();
}

}  // namespace bench
