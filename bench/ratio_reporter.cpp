#include "bench/ratio_reporter.h"

#include <algorithm>
#include <cstdio>
#include <ostream>

#include <unistd.h>

#include "bench/registration.h"

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

std::string peer_label(const std::vector<std::string>& peers) {
  std::string label(kPeerLabelPrefix);
  for (std::size_t i = 0; i < peers.size(); ++i) {
    if (i != 0)
      label += kPeerListSeparator;
    label += peers[i];
  }
  return label;
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
    if (run.report_label.starts_with(kPeerLabelPrefix)) {
      samples.peers.clear();
      std::string_view rest = std::string_view(run.report_label).substr(kPeerLabelPrefix.size());
      while (!rest.empty()) {
        const std::size_t end = std::min(rest.find(kPeerListSeparator), rest.size());
        samples.peers.emplace_back(rest.substr(0, end));
        rest.remove_prefix(std::min(end + kPeerListSeparator.size(), rest.size()));
      }
    }
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

double RatioReporter::real_median_ns(const Samples& samples) {
  return samples.real_median_ns >= 0 ? samples.real_median_ns : median(samples.real_times_ns);
}

double RatioReporter::cpu_median_ns(const Samples& samples) {
  return samples.cpu_median_ns >= 0 ? samples.cpu_median_ns : median(samples.cpu_times_ns);
}

void RatioReporter::Finalize() {
  std::ostream& out = GetOutputStream();
  out << "\nRatios ours / peer (medians, this process):\n";
  char line[400];
  std::snprintf(line, sizeof line, "%-36s %12s %12s %6s %6s  %s\n", "benchmark", "ours real ns",
                "peer real ns", "real", "cpu", "peer");
  out << line;
  // Registration order; runs registered otherwise follow in the order they reported.
  std::map<std::string_view, std::size_t> registered;
  for (const std::string& name : registration_order())
    registered.try_emplace(name, registered.size());
  std::vector<std::string> order = order_;
  std::stable_sort(order.begin(), order.end(), [&](const std::string& a, const std::string& b) {
    auto rank = [&](const std::string& name) {
      auto it = registered.find(name);
      return it != registered.end() ? it->second : registered.size();
    };
    return rank(a) < rank(b);
  });
  for (const std::string& name : order) {
    const Samples& ours = samples_.at(name);
    for (const std::string& peer : ours.peers)
      print_ratio(out, name, ours, peer);
  }
  ConsoleReporter::Finalize();
}

void RatioReporter::print_ratio(std::ostream& out, const std::string& name, const Samples& ours,
                                const std::string& peer) const {
  // A chained peer costs the sum of its steps; a step that did not run drops the row.
  double peer_real = 0;
  double peer_cpu = 0;
  for (std::string_view rest = peer; !rest.empty();) {
    const std::size_t end = std::min(rest.find(kPeerSeparator), rest.size());
    auto step = samples_.find(std::string(rest.substr(0, end)));
    rest.remove_prefix(std::min(end + 1, rest.size()));
    if (step == samples_.end() || real_median_ns(step->second) <= 0 ||
        cpu_median_ns(step->second) <= 0)
      return;
    peer_real += real_median_ns(step->second);
    peer_cpu += cpu_median_ns(step->second);
  }
  const double ours_real = real_median_ns(ours);
  const double ours_cpu = cpu_median_ns(ours);
  if (ours_real < 0 || ours_cpu < 0)
    return;
  char line[400];
  std::snprintf(line, sizeof line, "%-36s %12.1f %12.1f %6.2f %6.2f  %s\n", name.c_str(), ours_real,
                peer_real, ours_real / peer_real, ours_cpu / peer_cpu, peer.c_str());
  out << line;
}

}  // namespace bench
