#pragma once

// Helpers for the CLI tests: run a command function with captured output, write input files,
// find the guide's example files.

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "tests/support/source_dir.h"

namespace sim::cli::testing {

struct CommandRun {
  int status = -1;
  std::string out;
  std::string err;
  std::string all() const { return out + err; }
};

// Runs `command(options, out, err)` and captures both streams.
template <class Options, class Command>
CommandRun run_command(Command command, const Options& options) {
  std::ostringstream out;
  std::ostringstream err;
  CommandRun run;
  run.status = command(options, out, err);
  run.out = out.str();
  run.err = err.str();
  return run;
}

// A file under the test's temporary directory holding exactly `content`; returns its path.
inline std::string write_temp_file(std::string_view name, std::string_view content) {
  const std::string path = ::testing::TempDir() + "phonesim_cli_" + std::string(name);
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(content.data(), static_cast<std::streamsize>(content.size()));
  EXPECT_TRUE(file.good()) << path;
  return path;
}

// scenarios/guide/NAME in the source tree.
inline std::string guide_file(std::string_view name) {
  return test_support::guide_path(name);
}

}  // namespace sim::cli::testing
