#include "bench/ratio_reporter.h"

#include <algorithm>
#include <cstdio>
#include <ostream>

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

}  // namespace

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
  char line[200];
  std::snprintf(line, sizeof line, "%-34s %12s  %-32s %12s %6s %6s\n", "benchmark", "ours real ns",
                "peer", "peer real ns", "real", "cpu");
  out << line;
  for (const std::string& name : order_) {
    const Samples& ours = samples_.at(name);
    auto peer = samples_.find(ours.peer);
    if (ours.peer.empty() || peer == samples_.end())
      continue;
    const double ours_real = real_ns(ours);
    const double peer_real = real_ns(peer->second);
    const double ours_cpu = cpu_ns(ours);
    const double peer_cpu = cpu_ns(peer->second);
    if (ours_real < 0 || peer_real <= 0 || ours_cpu < 0 || peer_cpu <= 0)
      continue;
    std::snprintf(line, sizeof line, "%-34s %12.1f  %-32s %12.1f %6.2f %6.2f\n", name.c_str(),
                  ours_real, ours.peer.c_str(), peer_real, ours_real / peer_real,
                  ours_cpu / peer_cpu);
    out << line;
  }
  ConsoleReporter::Finalize();
}

}  // namespace bench
