#include "scenarios/cli/run_command.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>

#include "scenarios/run/quickstart.h"
#include "scenarios/format/scenario_loader.h"
#include "scenarios/run/report_writers.h"
#include "scenarios/run/scenario_runner.h"

namespace scn::cli {
namespace {

constexpr int kExitPassed = 0;
constexpr int kExitAssertionFailed = 1;
constexpr int kExitInvalid = 2;

std::string hours_minutes(fw::Duration span) {
  std::int64_t seconds = span.count() / 1'000'000'000;
  char text[32];
  std::snprintf(text, sizeof text, "%lldh%02lldm", static_cast<long long>(seconds / 3600),
                static_cast<long long>(seconds % 3600 / 60));
  return text;
}

std::string reproduce_command(const RunArguments& arguments, std::uint64_t seed) {
  std::string command = "phonesim run";
  if (!arguments.scenario.empty()) command += " " + arguments.scenario;
  command += " --seed " + std::to_string(seed);
  if (arguments.phones) command += " --phones " + std::to_string(*arguments.phones);
  return command;
}

void print_summary(const RunReport& report, std::ostream& out) {
  out << "\n" << report.scenario_name << ": " << report.phones << " phones, "
      << hours_minutes(report.virtual_duration) << " virtual, " << report.events << " events in ";
  char wall[32];
  std::snprintf(wall, sizeof wall, "%.1f s", report.wall_seconds);
  out << wall << "\n\n";
  out << "  server        kind    requests  failures  peak/s  peak open\n";
  for (const ServerSummary& server : report.servers) {
    char line[160];
    std::snprintf(line, sizeof line, "  %-12s  %-6s  %8llu  %8llu  %6llu  %9llu\n", server.name.c_str(),
                  server.kind.c_str(), static_cast<unsigned long long>(server.requests),
                  static_cast<unsigned long long>(server.failures),
                  static_cast<unsigned long long>(server.peak_per_second),
                  static_cast<unsigned long long>(server.peak_concurrency));
    out << line;
  }
  if (!report.errors_by_err.empty()) {
    out << "\n  failed resyncs by $ERR:";
    for (const auto& [err, count] : report.errors_by_err) out << "  " << err << " " << count;
    out << "\n";
  }
  out << "\n  converged at the end: " << report.phones_converged << " of " << report.phones << "\n\n";
  std::size_t passed = 0;
  for (const AssertionResult& result : report.assertions) {
    passed += result.passed ? 1 : 0;
    out << "  " << (result.passed ? "PASS" : "FAIL") << "  " << result.name << "\n";
    if (!result.passed) {
      out << "        expected " << result.expected << "\n        got      " << result.actual << "  ("
          << result.where << ")\n";
      for (const std::string& line : result.evidence) out << "        - " << line << "\n";
    }
  }
  out << "\n  " << passed << " of " << report.assertions.size() << " assertions held; trace hash "
      << report.trace_hash << "; seed " << report.seed << "\n  reproduce: " << report.reproduce_command
      << "\n";
}

}  // namespace

int run_scenario_command(const RunArguments& arguments, std::ostream& out, std::ostream& err) {
  if (arguments.print_quickstart) {
    out << scn::kQuickstartScenario;
    return kExitPassed;
  }
  LoadResult loaded = arguments.scenario.empty()
                          ? load_scenario_text(scn::kQuickstartScenario, "quickstart (built in)", ".")
                          : load_scenario_file(arguments.scenario);
  if (!loaded.scenario) {
    for (const Diagnostic& diagnostic : loaded.errors) err << diagnostic.to_string() << "\n";
    err << "phonesim run: the scenario is invalid (" << loaded.errors.size() << " error"
        << (loaded.errors.size() == 1 ? "" : "s") << ")\n";
    return kExitInvalid;
  }
  if (arguments.phones && *arguments.phones == 0) {
    err << "phonesim run: --phones must be at least 1\n";
    return kExitInvalid;
  }
  const Scenario& scenario = *loaded.scenario;
  RunOptions options;
  options.seed = arguments.seed;
  options.phones = arguments.phones;
  const std::uint64_t seed = arguments.seed.value_or(scenario.seed);
  options.command_line = reproduce_command(arguments, seed);

  std::ofstream trace_stream;
  std::ofstream pcap_stream;
  if (!arguments.trace_file.empty()) {
    trace_stream.open(arguments.trace_file, std::ios::binary | std::ios::trunc);
    if (!trace_stream) {
      err << "phonesim run: --trace: cannot write '" << arguments.trace_file << "'\n";
      return kExitInvalid;
    }
    options.trace_out = &trace_stream;
  }
  if (!arguments.pcap_file.empty()) {
    pcap_stream.open(arguments.pcap_file, std::ios::binary | std::ios::trunc);
    if (!pcap_stream) {
      err << "phonesim run: --pcap: cannot write '" << arguments.pcap_file << "'\n";
      return kExitInvalid;
    }
    options.pcap_out = &pcap_stream;
  }

  out << "phonesim run: " << (scenario.name.empty() ? scenario.file : scenario.name) << ", seed " << seed
      << ", " << (arguments.phones ? *arguments.phones : scenario.phone_count()) << " phones, "
      << hours_minutes(scenario.duration) << " of virtual time\n";

  options.announce = [&out](const std::string& line) { out << "  fault plan: " << line << "\n"; };
  const auto started = std::chrono::steady_clock::now();
  if (arguments.progress) {
    options.progress = [&err, &scenario, started](fw::Duration now, std::uint64_t converged) {
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      const int percent = static_cast<int>(now.count() * 100 / std::max<std::int64_t>(1, scenario.duration.count()));
      const int filled = percent * 30 / 100;
      char line[160];
      std::snprintf(line, sizeof line, "\r  [%-30.*s] %3d%%  virtual %s  converged %llu  %.1f s ",
                    filled, "==============================", percent, hours_minutes(now).c_str(),
                    static_cast<unsigned long long>(converged), elapsed);
      err << line << std::flush;
    };
  }
  auto report = run_scenario(scenario, options);
  if (arguments.progress) err << "\r" << std::string(100, ' ') << "\r" << std::flush;
  if (!report) {
    err << "phonesim run: " << report.error().to_string() << "\n";
    return kExitInvalid;
  }
  report->wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  print_summary(*report, out);

  ReportPaths paths;
  if (!arguments.report_directory.empty()) paths.report_directory = arguments.report_directory;
  if (!arguments.junit_file.empty()) paths.junit_file = arguments.junit_file;
  if (!arguments.json_file.empty()) paths.json_file = arguments.json_file;
  if (auto written = write_reports(*report, paths); !written) {
    err << "phonesim run: " << written.error().to_string() << "\n";
    return kExitInvalid;
  }
  if (paths.report_directory) out << "  report: " << (*paths.report_directory / "index.html").string() << "\n";
  if (paths.junit_file) out << "  junit: " << paths.junit_file->string() << "\n";
  if (paths.json_file) out << "  json: " << paths.json_file->string() << "\n";
  return report->passed() ? kExitPassed : kExitAssertionFailed;
}

void add_run_command(CLI::App& app, std::function<int()>& selected, std::ostream& out, std::ostream& err) {
  auto arguments = std::make_shared<RunArguments>();
  CLI::App* run = app.add_subcommand("run", "Run a scenario (default: the built-in quickstart) and report");
  run->add_option("SCENARIO", arguments->scenario, "scenario YAML file (scenarios/README.md)");
  run->add_option("--seed", arguments->seed, "seed for every random draw (default: the scenario's)");
  run->add_option("--phones", arguments->phones, "scale the fleet to this many phones");
  run->add_option("--report", arguments->report_directory, "write the HTML report to DIR/index.html");
  run->add_option("--junit", arguments->junit_file, "write JUnit XML (one testcase per assertion)");
  run->add_option("--json", arguments->json_file, "write a JSON summary");
  run->add_option("--trace", arguments->trace_file, "write the structured trace as JSON lines");
  run->add_option("--pcap", arguments->pcap_file, "write the simulated traffic as pcap (tshark, Wireshark)");
  run->add_flag("--print-quickstart", arguments->print_quickstart, "print the built-in quickstart scenario");
  run->footer("Exit: 0 every assertion held, 1 an assertion failed, 2 invalid scenario or command line.");
  run->callback([&selected, &out, &err, arguments] {
    arguments->progress = ::isatty(STDERR_FILENO) != 0;
    selected = [&out, &err, arguments] { return run_scenario_command(*arguments, out, err); };
  });
}

}  // namespace scn::cli
