#include "sim/cli/firmware_command.h"

#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "sim/cli/command_status.h"
#include "tests/sim/cli/command_run.h"

namespace sim::cli {
namespace {

using testing::run_command;

std::string read_all(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

TEST(FirmwareCommandTest, BuildsAnImageThatInspectAccepts) {
  FirmwareBuildOptions options;
  options.version = "sip88xx.12-0-2MPP0001-1";
  options.body_bytes = 1000;
  options.output_path = ::testing::TempDir() + "phonesim_cli_fw.loads";
  const auto built = run_command(run_firmware_build, options);
  ASSERT_EQ(built.status, kExitOk) << built.all();
  EXPECT_NE(built.out.find("family sip88xx, version sip88xx.12-0-2MPP0001-1, 1000 body bytes"),
            std::string::npos)
      << built.out;

  const auto inspected = run_command(run_firmware_inspect, options.output_path);
  EXPECT_EQ(inspected.status, kExitOk) << inspected.all();
  EXPECT_NE(inspected.out.find("family sip88xx, version sip88xx.12-0-2MPP0001-1, 1000 body bytes"),
            std::string::npos)
      << inspected.out;
}

TEST(FirmwareCommandTest, SpaVersionsTakeTheFamilyFromTheModel) {
  FirmwareBuildOptions options;
  options.version = "7.6.2";
  options.model = "SPA504G";
  options.output_path = ::testing::TempDir() + "phonesim_cli_spa.loads";
  const auto built = run_command(run_firmware_build, options);
  ASSERT_EQ(built.status, kExitOk) << built.all();
  EXPECT_NE(built.out.find("family SPA504G"), std::string::npos) << built.out;

  options.model.clear();
  const auto without = run_command(run_firmware_build, options);
  EXPECT_EQ(without.status, kExitInvalidInput);
  EXPECT_NE(without.err.find("give --family"), std::string::npos) << without.err;
}

TEST(FirmwareCommandTest, InspectFindsAFlippedByteAndReportsUnreadableFiles) {
  FirmwareBuildOptions options;
  options.version = "sip68xx.12-0-1MPP0001-1";
  options.body_bytes = 64;
  options.output_path = ::testing::TempDir() + "phonesim_cli_flip.loads";
  ASSERT_EQ(run_command(run_firmware_build, options).status, kExitOk);
  std::string image = read_all(options.output_path);
  image.back() = static_cast<char>(image.back() ^ 0x01);
  const std::string corrupt = testing::write_temp_file("corrupt.loads", image);
  const auto inspected = run_command(run_firmware_inspect, corrupt);
  EXPECT_EQ(inspected.status, kExitProblemsFound);
  EXPECT_NE(inspected.out.find("not a valid image: corrupt file"), std::string::npos) << inspected.out;

  const auto missing = run_command(run_firmware_inspect, std::string("/no/such/image.loads"));
  EXPECT_EQ(missing.status, kExitInvalidInput);
}

}  // namespace
}  // namespace sim::cli
