#include "sim/cli/firmware_command.h"

#include <memory>
#include <ostream>

#include <CLI/CLI.hpp>

#include "firmware-core/agent/firmware_image.h"
#include "sim/cli/command_status.h"
#include "sim/cli/input_file.h"
#include "sim/hosting/firmware_files.h"

namespace sim::cli {

int run_firmware_build(const FirmwareBuildOptions& options, std::ostream& out, std::ostream& err) {
  const std::string family =
      options.family.empty() ? fw::firmware_family(options.version, options.model) : options.family;
  if (options.version.empty() || options.version.size() > 255) {
    err << "phonesim firmware build: --version must have 1..255 characters\n";
    return kExitInvalidInput;
  }
  if (family.empty() || family.size() > fw::kFirmwareFamilyBytesMax) {
    err << "phonesim firmware build: the family must have 1.." << fw::kFirmwareFamilyBytesMax
        << " characters (give --family, or --model when the version names no MPP model)\n";
    return kExitInvalidInput;
  }
  if (options.body_bytes > fw::kFirmwareBodyBytesMax) {
    err << "phonesim firmware build: --body-bytes is over " << fw::kFirmwareBodyBytesMax << "\n";
    return kExitInvalidInput;
  }
  const fw::Bytes image = sim_firmware_image(family, options.version, options.body_bytes);
  if (std::string error = write_output_file(options.output_path, image); !error.empty()) {
    err << "phonesim firmware build: " << error << "\n";
    return kExitInvalidInput;
  }
  out << options.output_path << ": family " << family << ", version " << options.version << ", "
      << options.body_bytes << " body bytes, " << image.size() << " bytes\n";
  return kExitOk;
}

int run_firmware_inspect(const std::string& path, std::ostream& out, std::ostream& err) {
  const InputFile file = read_input_file(path);
  if (!file.ok()) {
    err << "phonesim firmware inspect: " << file.error << "\n";
    return kExitInvalidInput;
  }
  auto info = fw::inspect_firmware_image(file.bytes);
  if (!info) {
    out << path << ": not a valid image: " << info.error().to_string() << "\n";
    return kExitProblemsFound;
  }
  out << path << ": family " << info->family << ", version " << info->version << ", "
      << info->body_bytes << " body bytes\n";
  return kExitOk;
}

void add_firmware_commands(CLI::App& app, std::function<int()>& selected, std::ostream& out,
                           std::ostream& err) {
  CLI::App* firmware =
      app.add_subcommand("firmware", "Simulated firmware images for Upgrade_Rule downloads");
  firmware->require_subcommand(1);

  auto build_options = std::make_shared<FirmwareBuildOptions>();
  build_options->body_bytes = kSimFirmwareBodyBytes;
  CLI::App* build = firmware->add_subcommand("build", "Write a valid image for a family and version");
  build->add_option("--version", build_options->version, "the version the image carries")
      ->required();
  build->add_option("--family", build_options->family,
                    "the model family it is for (default: from --version and --model)");
  build->add_option("--model", build_options->model,
                    "the phone's product name ($PN), for versions that name no MPP model");
  build->add_option("--body-bytes", build_options->body_bytes, "size of the image body")
      ->capture_default_str();
  build->add_option("-o,--output", build_options->output_path, "the image file to write")
      ->required();
  build->callback([&selected, &out, &err, build_options] {
    selected = [&out, &err, build_options] { return run_firmware_build(*build_options, out, err); };
  });

  auto inspect_path = std::make_shared<std::string>();
  CLI::App* inspect =
      firmware->add_subcommand("inspect", "Check an image as a phone does before installing it");
  inspect->add_option("FILE", *inspect_path, "the image")->required();
  inspect->footer("Exit: 0 valid, 1 corrupt (the reason printed), 2 unreadable file.");
  inspect->callback([&selected, &out, &err, inspect_path] {
    selected = [&out, &err, inspect_path] { return run_firmware_inspect(*inspect_path, out, err); };
  });
}

}  // namespace sim::cli
