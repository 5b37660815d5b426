#pragma once

// `phonesim run [SCENARIO] [--seed N] [--phones N] [--report DIR] [--junit FILE] [--json FILE]
// [--trace FILE] [--pcap FILE]` (decisions.md): runs a scenario (or the built-in quickstart),
// shows progress on a terminal, prints a summary table and writes the reports.
// Exit: 0 every assertion held, 1 an assertion failed, 2 the scenario or command line is invalid.

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>

namespace scn::cli {

struct RunArguments {
  std::string scenario;  // empty: the built-in quickstart
  std::optional<std::uint64_t> seed;
  std::optional<std::uint64_t> phones;
  std::string report_directory;
  std::string junit_file;
  std::string json_file;
  std::string trace_file;
  std::string pcap_file;
  bool print_quickstart = false;
  bool progress = false;  // draw a progress line (set when stderr is a terminal)
};

int run_scenario_command(const RunArguments& arguments, std::ostream& out, std::ostream& err);

// Registers `run` on `app`; `selected` is set to the command to execute after parsing.
void add_run_command(CLI::App& app, std::function<int()>& selected, std::ostream& out, std::ostream& err);

}  // namespace scn::cli
