#include "sim/cli/profile_file.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/sim/cli/command_run.h"

namespace sim::cli {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::string_view kXml = "<flat-profile><GPP_A>1</GPP_A></flat-profile>\n";

std::string packed_file(std::string_view name, const fw::EncodeOptions& options) {
  auto encoded = fw::encode_profile(fw::as_bytes(kXml), options);
  EXPECT_TRUE(encoded.has_value());
  return testing::write_temp_file(name, encoded ? fw::as_text(*encoded) : "");
}

fw::EncodeOptions encrypted(bool gzip, fw::KdfDigest digest) {
  fw::EncodeOptions options;
  options.gzip = gzip;
  options.key = "Profile-File-Key";
  options.digest = digest;
  options.salt = {1, 2, 3, 4, 5, 6, 7, 8};
  return options;
}

TEST(ProfileFileTest, DecodesEncryptedGzipAndReportsTheLayers) {
  const std::string path =
      packed_file("profile_file.cfg", encrypted(/*gzip=*/true, fw::KdfDigest::Sha256));
  const ProfileFile file = read_profile_file(path, ProfileKey{"Profile-File-Key"});
  ASSERT_TRUE(file.ok()) << file.error;
  EXPECT_EQ(fw::as_text(file.xml), kXml);
  EXPECT_EQ(file.note, "");
  EXPECT_TRUE(file.layers.encrypted);
  EXPECT_EQ(file.layers.digest, fw::KdfDigest::Sha256);
  EXPECT_TRUE(file.layers.compressed);
  EXPECT_THAT(describe_layers(file.layers),
              AllOf(HasSubstr("openssl enc AES-256-CBC -md sha256, "), HasSubstr(" bytes > gzip, "),
                    HasSubstr(" bytes > XML, 46 bytes")));
}

TEST(ProfileFileTest, PlainXmlKeepsTheShortDescription) {
  const ProfileFile file = read_profile_file(testing::write_temp_file("plain.xml", kXml), {});
  ASSERT_TRUE(file.ok()) << file.error;
  EXPECT_EQ(describe_layers(file.layers), "plain XML, 46 bytes");
}

TEST(ProfileFileTest, Md5OnlyRejectsASha256File) {
  const std::string path = packed_file("sha256.cfg", encrypted(false, fw::KdfDigest::Sha256));
  const ProfileFile file =
      read_profile_file(path, ProfileKey{"Profile-File-Key", fw::KeyDerivation::Md5Only});
  EXPECT_THAT(file.error, HasSubstr(path + ": decrypt failed: "));
  const ProfileFile md5 =
      read_profile_file(packed_file("md5.cfg", encrypted(false, fw::KdfDigest::Md5)),
                        ProfileKey{"Profile-File-Key", fw::KeyDerivation::Md5Only});
  ASSERT_TRUE(md5.ok()) << md5.error;
  EXPECT_EQ(md5.layers.digest, fw::KdfDigest::Md5);
  EXPECT_EQ(describe_layers(md5.layers).substr(0, 31), "openssl enc AES-256-CBC -md md5");
}

TEST(ProfileFileTest, KeyOnAPlainFileIsANoteNotAnError) {
  const std::string path = testing::write_temp_file("plain_with_key.xml", kXml);
  const ProfileFile file = read_profile_file(path, ProfileKey{"Profile-File-Key"});
  ASSERT_TRUE(file.ok()) << file.error;
  EXPECT_THAT(file.note, AllOf(HasSubstr(path + ": not encrypted"),
                               HasSubstr("profile not encrypted"), Not(HasSubstr("Profile-File"))));
}

TEST(ProfileFileTest, ErrorsNameTheFileAndTheErrText) {
  const std::string path = packed_file("needs_key.cfg", encrypted(true, fw::KdfDigest::Sha256));
  EXPECT_THAT(read_profile_file(path, {}).error, HasSubstr(path + ": key required: "));
  const ProfileFile wrong = read_profile_file(path, ProfileKey{"Wrong-Key-Given"});
  EXPECT_THAT(wrong.error,
              AllOf(HasSubstr(path + ": decrypt failed: "), Not(HasSubstr("Wrong-Key-Given"))));
  EXPECT_THAT(read_profile_file("/nonexistent/p.cfg", {}).error,
              HasSubstr("/nonexistent/p.cfg: cannot read"));
}

}  // namespace
}  // namespace sim::cli
