#pragma once

// `phonesim profile ...`: look at flat-profile files the way a phone would read them.
//
//   phonesim profile inspect IN [--json] [--export]
//   phonesim profile diff A B
//
// Each run_* function is the whole command minus argument parsing, so tests call it directly.
// Exit statuses: command_status.h.

#include <functional>
#include <iosfwd>
#include <string>

namespace CLI {
class App;
}

namespace sim::cli {

struct InspectOptions {
  std::string path;
  bool json = false;                  // the same report as JSON
  bool export_configuration = false;  // also print the resulting configuration for people
};

// Applies the profile at `options.path` to a factory-default phone and reports what happened:
// size, parameter elements, parameters changed, unknown elements, invalid values (secrets
// masked) and the value each named parameter ends up with. Returns kExitOk when every element
// applied, kExitProblemsFound when some were unknown or invalid, kExitInvalidInput when the file
// cannot be read, is compressed or encrypted, or is not a well-formed flat profile.
int run_profile_inspect(const InspectOptions& options, std::ostream& out, std::ostream& err);

struct DiffOptions {
  std::string before_path;
  std::string after_path;
};

// Applies each profile to its own factory-default phone and prints the parameters that differ,
// in registry order (`Name: 'a' -> 'b'`, access changes, secrets masked). Returns kExitOk when
// the resulting configurations are identical, kExitProblemsFound when they differ,
// kExitInvalidInput when either file cannot be read or parsed.
int run_profile_diff(const DiffOptions& options, std::ostream& out, std::ostream& err);

// Adds the `profile` command group to `app`. When one of its commands is parsed, `selected` is
// set to run it (main runs it after parsing, outside CLI11's exception handling).
void add_profile_commands(CLI::App& app, std::function<int()>& selected, std::ostream& out,
                          std::ostream& err);

}  // namespace sim::cli
