// phonesim: the simulator's command-line tool. Each command group lives in its own file (profile
// and rule in sim/cli/, run here, above the scenario runner, load in load/ on top of it); this
// only wires them into one CLI11 app and turns parse errors into exit status 2.

#include <exception>
#include <functional>
#include <iostream>

#include <CLI/CLI.hpp>

#include "load/load_command.h"
#include "scenarios/cli/run_command.h"
#include "sim/cli/command_status.h"
#include "sim/cli/firmware_command.h"
#include "sim/cli/profile_command.h"
#include "sim/cli/rule_command.h"

int main(int argc, char** argv) {
  // Reports go to stdout and problems to stderr; unbuffered stdout keeps them in order when both
  // are piped into one log (scripts/run). The outputs are small.
  std::cout.setf(std::ios::unitbuf);
  try {
    CLI::App app{"phonesim: IP-phone provisioning simulator tools"};
    app.require_subcommand(1);
    app.footer(
        "Exit: 0 ok, 1 the input has the problems the command looks for, 2 invalid "
        "command line or input.\nRun 'phonesim GROUP COMMAND --help' for details.");
    std::function<int()> selected;
    sim::cli::add_profile_commands(app, selected, std::cout, std::cerr);
    sim::cli::add_rule_commands(app, selected, std::cout, std::cerr);
    sim::cli::add_firmware_commands(app, selected, std::cout, std::cerr);
    scn::cli::add_run_command(app, selected, std::cout, std::cerr);
    load::add_load_command(app, selected, std::cout, std::cerr);
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
      // app.exit() prints help (status 0) or the error with a usage hint.
      const int status = app.exit(error);
      return status == 0 ? sim::cli::kExitOk : sim::cli::kExitInvalidInput;
    }
    return selected ? selected() : sim::cli::kExitInvalidInput;
  } catch (const std::exception& error) {
    std::cerr << "phonesim: internal error: " << error.what() << "\n";
    return sim::cli::kExitInvalidInput;
  }
}
