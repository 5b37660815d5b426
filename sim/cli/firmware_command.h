#pragma once

// `phonesim firmware ...`: the simulated firmware images an Upgrade_Rule downloads
// (firmware-core/agent/firmware_image.h), for operators who serve them to phoned or to phones in
// a scenario.
//
//   phonesim firmware build --version VER [--family F | --model PN] [--body-bytes N] -o FILE
//   phonesim firmware inspect FILE
//
// Exit statuses: command_status.h.

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <string>

namespace CLI {
class App;
}

namespace sim::cli {

struct FirmwareBuildOptions {
  std::string version;      // "sip88xx.12-0-2MPP0001-1"
  std::string family;       // empty: the family a phone with `model` and `version` accepts
  std::string model;        // $PN, used only when the version names no MPP model
  std::size_t body_bytes = 0;
  std::string output_path;
};

// Writes a valid image whose body depends only on the version and size (the simulator's
// sim_firmware_image). Prints the family, version and size. kExitInvalidInput for an empty or
// over-long family or version, a body over fw::kFirmwareBodyBytesMax, or an unwritable output.
int run_firmware_build(const FirmwareBuildOptions& options, std::ostream& out, std::ostream& err);

// Checks an image as a phone does before installing it and prints family, version and body
// size. kExitOk for a valid image, kExitProblemsFound for a corrupt one (the reason printed),
// kExitInvalidInput for an unreadable file.
int run_firmware_inspect(const std::string& path, std::ostream& out, std::ostream& err);

// Adds the `firmware` command group to `app`; see add_profile_commands() for `selected`.
void add_firmware_commands(CLI::App& app, std::function<int()>& selected, std::ostream& out,
                           std::ostream& err);

}  // namespace sim::cli
