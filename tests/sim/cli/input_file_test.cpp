#include "sim/cli/input_file.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/sim/cli/command_run.h"

namespace sim::cli {
namespace {

using ::testing::HasSubstr;

TEST(InputFileTest, ReadsBytesExactly) {
  const std::string content("a\0b\r\n\xff", 6);
  const InputFile file = read_input_file(testing::write_temp_file("exact.bin", content));
  ASSERT_TRUE(file.ok()) << file.error;
  EXPECT_EQ(fw::as_text(file.bytes), content);
}

TEST(InputFileTest, ReadsAnEmptyFile) {
  const InputFile file = read_input_file(testing::write_temp_file("empty.bin", ""));
  ASSERT_TRUE(file.ok()) << file.error;
  EXPECT_TRUE(file.bytes.empty());
}

TEST(InputFileTest, MissingFileAndDirectoryAreErrors) {
  EXPECT_THAT(read_input_file("/nonexistent/x").error, HasSubstr("/nonexistent/x: cannot read"));
  EXPECT_THAT(read_input_file(::testing::TempDir()).error, HasSubstr("not a regular file"));
}

TEST(InputFileTest, WritesBytesExactlyAndReplacesTheFile) {
  const std::string path = testing::write_temp_file("written.bin", "old content, longer");
  const std::string content("\x1f\x8b\0\xff", 4);
  EXPECT_EQ(write_output_file(path, fw::as_bytes(content)), "");
  EXPECT_EQ(fw::as_text(read_input_file(path).bytes), content);
}

TEST(InputFileTest, UnwritablePathIsAnError) {
  EXPECT_THAT(write_output_file("/nonexistent/dir/out.cfg", {}),
              HasSubstr("/nonexistent/dir/out.cfg: cannot write"));
}

TEST(InputFileTest, LocatedMessageUsesCompilerStyle) {
  EXPECT_EQ(located_message("p.xml", fw::Error{fw::ErrorCode::ParseError, "line 7: mismatched"}),
            "p.xml:7: parse error: mismatched");
  EXPECT_EQ(located_message("p.xml", fw::Error{fw::ErrorCode::ParseError, "no <flat-profile>"}),
            "p.xml: parse error: no <flat-profile>");
  EXPECT_EQ(located_message("p.xml", fw::Error{fw::ErrorCode::ParseError, "line x: odd"}),
            "p.xml: parse error: line x: odd");
  EXPECT_EQ(located_message("p.xml", fw::Error{fw::ErrorCode::ParseError, ""}),
            "p.xml: parse error");
}

}  // namespace
}  // namespace sim::cli
