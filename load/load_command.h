#pragma once

// `phonesim load` (issue #10): many phones, each the real firmware core on real sockets, against
// a real provisioning server on this machine.
//
//   phonesim load --phones N --profile-rule RULE [--param NAME=VALUE]... [--scenario FILE]
//                 [--ramp SPEC] [--duration S] [--time-scale X] [--bind ADDR-RANGE]
//                 [--client-certs DIR | --mint-ca F] [--ca FILE] [--seed N] [--until-converged]
//                 [--back-to-back]
//                 [--report DIR] [--junit FILE] [--json FILE] [--prometheus ADDR:PORT]
//                 [--max-p99 MS] [--max-error-share F] [--min-converged SHARE]
//                 [--allow-remote-target]
//
// Exit: 0 every threshold held, 1 a threshold failed, 2 invalid input (command line, scenario,
// a target outside loopback, too few file descriptors, a port or file that cannot be used).

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace load {

struct LoadArguments {
  std::optional<std::uint64_t> phones;
  std::string profile_rule;
  std::vector<std::string> parameters;
  std::string scenario;
  std::string ramp = "all";
  std::string duration = "60s";
  std::string time_scale = "1";
  std::string bind;
  std::string client_certs;
  std::string mint_ca;
  std::string ca;
  std::uint64_t seed = 1;
  bool until_converged = false;
  bool back_to_back = false;
  std::string report_directory;
  std::string junit_file;
  std::string json_file;
  std::string prometheus;
  std::optional<std::uint64_t> max_p99_ms;
  std::string max_error_share;
  std::string min_converged;
  bool allow_remote_target = false;
  std::uint64_t connect_timeout_ms = 10'000;
  bool progress = false;  // draw the live line (set when stderr is a terminal)
};

int run_load_command(const LoadArguments& arguments, std::ostream& out, std::ostream& err);

// Registers `load` on `app`; `selected` is set to the command to execute after parsing.
void add_load_command(CLI::App& app, std::function<int()>& selected, std::ostream& out, std::ostream& err);

}  // namespace load
