#include "sim/cli/profile_command.h"

#include <openssl/evp.h>
#include <zlib.h>

#include <string>
#include <tuple>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sim/cli/command_status.h"
#include "sim/cli/input_file.h"
#include "tests/sim/cli/command_run.h"

namespace sim::cli {
namespace {

using ::testing::AllOf;
using testing::guide_file;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::run_command;
using testing::write_temp_file;

// A key that must never appear in any output.
constexpr std::string_view kSecretKey = "Xyzzy-Secret-42";

testing::CommandRun inspect(const std::string& path, bool json = false, bool with_export = false,
                            std::optional<std::string> key = std::nullopt) {
  InspectOptions options;
  options.path = path;
  options.key.key = std::move(key);
  options.json = json;
  options.export_configuration = with_export;
  return run_command(run_profile_inspect, options);
}

testing::CommandRun diff(const std::string& before, const std::string& after,
                         std::optional<std::string> key = std::nullopt) {
  return run_command(run_profile_diff, DiffOptions{before, after, ProfileKey{std::move(key)}});
}

testing::CommandRun pack(const std::string& in, const std::string& out, bool gzip,
                         std::optional<std::string> key = std::nullopt,
                         std::optional<fw::KdfDigest> digest = std::nullopt,
                         std::optional<std::string> salt_hex = std::nullopt) {
  PackOptions options;
  options.input_path = in;
  options.output_path = out;
  options.gzip = gzip;
  options.key = std::move(key);
  options.digest = digest;
  options.salt_hex = std::move(salt_hex);
  return run_command(run_profile_pack, options);
}

testing::CommandRun unpack(const std::string& in, const std::string& out,
                           std::optional<std::string> key = std::nullopt,
                           fw::KeyDerivation key_derivation = fw::KeyDerivation::Sha256ThenMd5) {
  UnpackOptions options;
  options.input_path = in;
  options.output_path = out;
  options.key = ProfileKey{std::move(key), key_derivation};
  return run_command(run_profile_unpack, options);
}

std::string temp_path(std::string_view name) {
  return ::testing::TempDir() + "phonesim_cli_" + std::string(name);
}

std::string file_text(const std::string& path) {
  const InputFile file = read_input_file(path);
  EXPECT_TRUE(file.ok()) << file.error;
  return std::string(fw::as_text(file.bytes));
}

// The guide's basic.txt packed with `--gzip --key kSecretKey` (salt from the content).
std::string packed_basic(std::string_view name) {
  const std::string path = temp_path(name);
  const auto run = pack(guide_file("basic.txt"), path, true, std::string(kSecretKey));
  EXPECT_EQ(run.status, kExitOk) << run.err;
  return path;
}

// A gzip member (as `gzip -n` writes) of `bytes`, made with zlib directly so that it can be
// larger than anything encode_profile accepts.
std::string gzip_of(std::string_view bytes) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY),
            Z_OK);
  std::string out(deflateBound(&stream, static_cast<uLong>(bytes.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

TEST(ProfileInspectTest, ReportsTheGuidesBasicProfile) {
  const auto run = inspect(guide_file("basic.txt"));
  EXPECT_EQ(run.status, kExitOk) << run.err;
  EXPECT_THAT(run.out, AllOf(HasSubstr("basic.txt: flat profile, plain XML, 59 bytes"),
                             HasSubstr("parameter elements  1"), HasSubstr("parameters changed  1"),
                             HasSubstr("unknown elements    0"), HasSubstr("invalid values      0"),
                             HasSubstr("GPP_A = '12345678'  ua=na\n")));
  EXPECT_EQ(run.err, "");
}

TEST(ProfileInspectTest, ShowsGermanBooleansAsStored) {
  const auto run = inspect(guide_file("parameter-examples.txt"));
  EXPECT_EQ(run.status, kExitOk) << run.err;
  EXPECT_THAT(run.out,
              AllOf(HasSubstr("Provision_Enable = 'Yes'  ua=na  (written 'Ja')  (factory default)"),
                    HasSubstr("MIC_Cert_Refresh_Enable = 'No'  ua=na  (written 'Nein')"),
                    HasSubstr("Resync_Trigger_1 = '$UPGTMR gt 300 und $PRVTMR ge 600'  ua=na\n"),
                    HasSubstr("Syslog_Server = '10.74.30.84'")));
}

TEST(ProfileInspectTest, PrintsJson) {
  const auto run = inspect(guide_file("basic2.txt"), /*json=*/true);
  EXPECT_EQ(run.status, kExitOk) << run.err;
  EXPECT_THAT(run.out,
              AllOf(HasSubstr("\"layers\": \"plain XML, 81 bytes\""),
                    HasSubstr("\"parameter_elements\": 2"), HasSubstr("\"parameters_changed\": 2"),
                    HasSubstr("\"unknown_elements\": []"),
                    HasSubstr("{\"name\": \"GPP_B\", \"value\": \"ABCD\", \"ua\": \"na\", "
                              "\"factory_default\": false}")));
  EXPECT_THAT(run.out, Not(HasSubstr("\"export\"")));
}

TEST(ProfileInspectTest, ExportsTheResultingConfiguration) {
  const auto run = inspect(guide_file("syslog.txt"), false, /*with_export=*/true);
  EXPECT_EQ(run.status, kExitOk) << run.err;
  EXPECT_THAT(run.out, AllOf(HasSubstr("<flat-profile>"),
                             HasSubstr("<Syslog_Server ua=\"na\">192.168.1.210</Syslog_Server>"),
                             HasSubstr("<Profile_Rule ua=\"na\">/$PSN.xml</Profile_Rule>")));
}

TEST(ProfileInspectTest, MalformedXmlNamesFileAndLine) {
  const std::string path = write_temp_file(
      "malformed.xml", "<flat-profile>\n  <GPP_A>1</GPP_A>\n  <GPP_B>2</GPP_C>\n</flat-profile>\n");
  const auto run = inspect(path);
  EXPECT_EQ(run.status, kExitInvalidInput);
  EXPECT_THAT(run.err, HasSubstr(path + ":3: parse error"));
  EXPECT_EQ(run.out, "");
}

TEST(ProfileInspectTest, MissingFlatProfileElementIsInvalidInput) {
  const std::string path = write_temp_file("html.xml", "<html><body/></html>");
  const auto run = inspect(path);
  EXPECT_EQ(run.status, kExitInvalidInput);
  EXPECT_THAT(run.err, HasSubstr(path + ": parse error: no <flat-profile> element"));
}

TEST(ProfileInspectTest, ReportsUnknownElementWithLine) {
  const std::string path =
      write_temp_file("unknown.xml",
                      "<flat-profile>\n  <GPP_A>1</GPP_A>\n  <No_Such_Thing>x</No_Such_Thing>\n"
                      "</flat-profile>\n");
  const auto run = inspect(path);
  EXPECT_EQ(run.status, kExitProblemsFound);
  EXPECT_THAT(run.out, AllOf(HasSubstr("unknown elements    1"),
                             HasSubstr(path + ":3: <No_Such_Thing>"), HasSubstr("GPP_A = '1'")));
  const auto json = inspect(path, /*json=*/true);
  EXPECT_EQ(json.status, kExitProblemsFound);
  EXPECT_THAT(json.out,
              HasSubstr("\"unknown_elements\": [{\"name\": \"No_Such_Thing\", \"line\": 3}]"));
}

TEST(ProfileInspectTest, ReportsInvalidValueWithLineAndReason) {
  const std::string path =
      write_temp_file("invalid.xml",
                      "<flat-profile>\n  <Provision_Enable>Vielleicht</Provision_Enable>\n"
                      "  <Resync_Periodic>soon</Resync_Periodic>\n</flat-profile>\n");
  const auto run = inspect(path);
  EXPECT_EQ(run.status, kExitProblemsFound);
  EXPECT_THAT(run.out,
              AllOf(HasSubstr("invalid values      2"),
                    HasSubstr(path + ":2: Provision_Enable: 'Vielleicht' is not a boolean"),
                    HasSubstr(path + ":3: Resync_Periodic: 'soon'"),
                    HasSubstr("Provision_Enable = 'Yes'  ua=na  (factory default)")));
}

TEST(ProfileInspectTest, NeverPrintsASecret) {
  const std::string too_long(200, 'k');
  const std::string path = write_temp_file(
      "secret.xml", "<flat-profile>\n  <GPP_SA>TopSecret1</GPP_SA>\n  <Admin_Passwd>hunter2" +
                        too_long +
                        "</Admin_Passwd>\n  <User_Password>Sommer2024</User_Password>\n"
                        "</flat-profile>\n");
  for (bool json : {false, true}) {
    const auto run = inspect(path, json, /*with_export=*/true);
    EXPECT_EQ(run.status, kExitProblemsFound) << run.err;
    EXPECT_THAT(run.all(), AllOf(Not(HasSubstr("TopSecret1")), Not(HasSubstr("hunter2")),
                                 Not(HasSubstr("Sommer2024")), HasSubstr("*****")));
    EXPECT_THAT(run.out, HasSubstr("Admin_Passwd"));
  }
}

TEST(ProfileInspectTest, DecodesAnEncryptedGzipProfileWithTheKey) {
  const std::string path = packed_basic("inspect_basic.cfg");
  const auto run = inspect(path, false, false, std::string(kSecretKey));
  EXPECT_EQ(run.status, kExitOk) << run.err;
  EXPECT_THAT(run.out,
              AllOf(HasSubstr(path + ": flat profile, openssl enc AES-256-CBC -md sha256, "),
                    HasSubstr(" bytes > gzip, "), HasSubstr(" bytes > XML, 59 bytes\n"),
                    HasSubstr("GPP_A = '12345678'  ua=na\n")));
  EXPECT_EQ(run.err, "");
  const auto json = inspect(path, /*json=*/true, false, std::string(kSecretKey));
  EXPECT_EQ(json.status, kExitOk) << json.err;
  EXPECT_THAT(json.out, AllOf(HasSubstr("\"encrypted\": true, \"digest\": \"sha256\", "
                                        "\"compressed\": true, \"encoded_bytes\": "),
                              HasSubstr("\"bytes\": 59")));
  EXPECT_THAT(run.all() + json.all(), Not(HasSubstr(kSecretKey)));
}

TEST(ProfileInspectTest, PlainProfileReportsNoLayersInJson) {
  const auto json = inspect(guide_file("basic.txt"), /*json=*/true);
  EXPECT_THAT(json.out, HasSubstr("\"layers\": \"plain XML, 59 bytes\", \"encrypted\": false, "
                                  "\"digest\": null, \"compressed\": false"));
}

TEST(ProfileInspectTest, WrongKeyIsInvalidInputAndTheKeyIsNeverPrinted) {
  const std::string path = packed_basic("inspect_wrong_key.cfg");
  const auto run = inspect(path, false, false, "Not-The-Key-9");
  EXPECT_EQ(run.status, kExitInvalidInput);
  EXPECT_THAT(run.err, HasSubstr(path + ": decrypt failed: no key derivation (SHA256, MD5)"));
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  EXPECT_EQ(run.out, "");
  EXPECT_THAT(run.all(), AllOf(Not(HasSubstr("Not-The-Key-9")), Not(HasSubstr(kSecretKey))));
}

TEST(ProfileInspectTest, EncryptedWithoutKeyNeedsAKey) {
  const std::string path = packed_basic("inspect_no_key.cfg");
  const auto run = inspect(path);
  EXPECT_EQ(run.status, kExitInvalidInput);
  EXPECT_THAT(run.err, HasSubstr(path + ": key required: "));
}

TEST(ProfileInspectTest, CorruptGzipIsInvalidInput) {
  const std::string gzip = gzip_of(file_text(guide_file("basic.txt")));
  const std::string path = write_temp_file("cut.txt.gz", gzip.substr(0, gzip.size() - 5));
  const auto run = inspect(path);
  EXPECT_EQ(run.status, kExitInvalidInput);
  EXPECT_THAT(run.err, HasSubstr(path + ": corrupt file: "));
}

TEST(ProfileInspectTest, GzipBombStopsAtTheLimit) {
  const std::string at_limit =
      "<flat-profile>" + std::string(fw::kInflatedProfileBytesMax - 29, ' ') + "</flat-profile>";
  ASSERT_EQ(at_limit.size(), fw::kInflatedProfileBytesMax);
  const auto fits = inspect(write_temp_file("at_limit.gz", gzip_of(at_limit)));
  EXPECT_EQ(fits.status, kExitOk) << fits.err;
  const std::string path =
      write_temp_file("bomb.gz", gzip_of(std::string(fw::kInflatedProfileBytesMax + 1, ' ')));
  const auto run = inspect(path);
  EXPECT_EQ(run.status, kExitInvalidInput);
  EXPECT_THAT(run.err, HasSubstr(path + ": profile too large: "));
}

TEST(ProfileInspectTest, MissingFileIsInvalidInput) {
  const auto run = inspect("/nonexistent/phonesim/basic.txt");
  EXPECT_EQ(run.status, kExitInvalidInput);
  EXPECT_THAT(run.err, HasSubstr("/nonexistent/phonesim/basic.txt: cannot read"));
}

TEST(ProfileDiffTest, ListsTheGuidesPartitionedProfileDifference) {
  const auto run = diff(guide_file("basic.txt"), guide_file("basic2.txt"));
  EXPECT_EQ(run.status, kExitProblemsFound) << run.err;
  EXPECT_THAT(run.out,
              AllOf(HasSubstr(": 1 parameter differs\n"), HasSubstr("  GPP_B: '' -> 'ABCD'\n")));
}

TEST(ProfileDiffTest, IdenticalProfilesExitZero) {
  const auto run = diff(guide_file("basic.txt"), guide_file("basic.txt"));
  EXPECT_EQ(run.status, kExitOk) << run.err;
  EXPECT_THAT(run.out, HasSubstr("identical configurations"));
}

TEST(ProfileDiffTest, ShowsAccessChangesInRegistryOrderAndMasksSecrets) {
  const std::string before =
      write_temp_file("diff_a.xml",
                      "<flat-profile><GPP_B>x</GPP_B><GPP_SA>OldSecret</GPP_SA>"
                      "<Profile_Rule>/a.cfg</Profile_Rule></flat-profile>");
  const std::string after =
      write_temp_file("diff_b.xml",
                      "<flat-profile><GPP_SA>NewSecret</GPP_SA><GPP_B>x</GPP_B>"
                      "<Profile_Rule ua=\"rw\">/a.cfg</Profile_Rule></flat-profile>");
  const auto run = diff(before, after);
  EXPECT_EQ(run.status, kExitProblemsFound) << run.err;
  EXPECT_THAT(run.out, HasSubstr("2 parameters differ\n  Profile_Rule: ua na -> rw\n"
                                 "  GPP_SA: '*****' -> '*****'\n"));
  EXPECT_THAT(run.all(), AllOf(Not(HasSubstr("OldSecret")), Not(HasSubstr("NewSecret"))));
}

TEST(ProfileDiffTest, UnreadableSideIsInvalidInput) {
  const auto run = diff(guide_file("basic.txt"), "/nonexistent/phonesim/b.txt");
  EXPECT_EQ(run.status, kExitInvalidInput);
  EXPECT_THAT(run.err, HasSubstr("/nonexistent/phonesim/b.txt: cannot read"));
}

TEST(ProfileDiffTest, ComparesAnEncryptedProfileWithAPlainOne) {
  const std::string path = packed_basic("diff_basic.cfg");
  const auto run = diff(path, guide_file("basic2.txt"), std::string(kSecretKey));
  EXPECT_EQ(run.status, kExitProblemsFound) << run.err;
  EXPECT_THAT(run.out, AllOf(HasSubstr(path + ": openssl enc AES-256-CBC -md sha256, "),
                             HasSubstr(": 1 parameter differs\n  GPP_B: '' -> 'ABCD'\n")));
  EXPECT_THAT(run.err, HasSubstr("basic2.txt: not encrypted, decoded without the key"));
  const auto same = diff(path, guide_file("basic.txt"), std::string(kSecretKey));
  EXPECT_EQ(same.status, kExitOk) << same.err;
  EXPECT_THAT(same.out, HasSubstr("identical configurations"));
  EXPECT_THAT(run.all() + same.all(), Not(HasSubstr(kSecretKey)));
}

TEST(ProfileDiffTest, WrongKeyIsInvalidInput) {
  const std::string path = packed_basic("diff_wrong.cfg");
  const auto run = diff(guide_file("basic.txt"), path, "Not-The-Key-9");
  EXPECT_EQ(run.status, kExitInvalidInput);
  EXPECT_THAT(run.err, HasSubstr(path + ": decrypt failed: "));
  EXPECT_THAT(run.all(), Not(HasSubstr("Not-The-Key-9")));
}

TEST(ProfileDiffTest, SkippedElementsAreNotedOnStderr) {
  const std::string path = write_temp_file(
      "diff_unknown.xml", "<flat-profile>\n<GPP_A>12345678</GPP_A>\n<Bogus/>\n</flat-profile>");
  const auto run = diff(guide_file("basic.txt"), path);
  EXPECT_EQ(run.status, kExitOk);
  EXPECT_THAT(run.err, HasSubstr("note: " + path + ":3: unknown parameter"));
}

// Every layer combination and both digests: pack, then unpack, gives the input byte for byte.
class ProfilePackRoundTripTest
    : public ::testing::TestWithParam<std::tuple<bool, bool, fw::KdfDigest>> {};

TEST_P(ProfilePackRoundTripTest, UnpackGivesTheInputBack) {
  const auto [gzip, encrypt, digest] = GetParam();
  const std::string name = std::string(gzip ? "gz" : "plain") + (encrypt ? "_enc" : "") +
                           (digest == fw::KdfDigest::Md5 ? "_md5" : "_sha256");
  const std::string packed = temp_path("roundtrip_" + name + ".cfg");
  const std::string unpacked = temp_path("roundtrip_" + name + ".xml");
  const std::optional<std::string> key =
      encrypt ? std::optional<std::string>(kSecretKey) : std::nullopt;
  const std::optional<fw::KdfDigest> md = encrypt ? std::optional(digest) : std::nullopt;
  for (const char* profile : {"basic.txt", "parameter-examples.txt"}) {
    const auto packing = pack(guide_file(profile), packed, gzip, key, md);
    ASSERT_EQ(packing.status, kExitOk) << packing.err;
    EXPECT_THAT(packing.err, HasSubstr("wrote " + packed + " ("));
    const auto run = unpack(packed, unpacked, key);
    ASSERT_EQ(run.status, kExitOk) << run.err;
    EXPECT_EQ(file_text(unpacked), file_text(guide_file(profile)));
    EXPECT_THAT(run.err, HasSubstr("; wrote " + unpacked));
    EXPECT_EQ(run.err.find("openssl enc AES-256-CBC " +
                           std::string(digest == fw::KdfDigest::Md5 ? "-md md5" : "-md sha256")) !=
                  std::string::npos,
              encrypt);
    EXPECT_EQ(run.err.find("gzip, ") != std::string::npos, gzip);
    EXPECT_THAT(packing.all() + run.all(), Not(HasSubstr(kSecretKey)));
  }
}

INSTANTIATE_TEST_SUITE_P(Layers, ProfilePackRoundTripTest,
                         ::testing::Values(std::tuple{false, false, fw::KdfDigest::Sha256},
                                           std::tuple{true, false, fw::KdfDigest::Sha256},
                                           std::tuple{false, true, fw::KdfDigest::Sha256},
                                           std::tuple{true, true, fw::KdfDigest::Sha256},
                                           std::tuple{false, true, fw::KdfDigest::Md5},
                                           std::tuple{true, true, fw::KdfDigest::Md5}));

TEST(ProfilePackTest, DefaultSaltIsSha256OfKeyAndContent) {
  // SHA-256("abc") = ba7816bf 8f01cfea ...
  const auto salt = default_pack_salt("a", fw::as_bytes("bc"));
  EXPECT_EQ(salt, (std::array<std::uint8_t, 8>{0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea}));
  const std::string first = temp_path("salt_first.cfg");
  const std::string second = temp_path("salt_second.cfg");
  const std::string other_key = temp_path("salt_other_key.cfg");
  ASSERT_EQ(pack(guide_file("basic.txt"), first, true, "K1").status, kExitOk);
  ASSERT_EQ(pack(guide_file("basic.txt"), second, true, "K1").status, kExitOk);
  ASSERT_EQ(pack(guide_file("basic.txt"), other_key, true, "K2").status, kExitOk);
  EXPECT_EQ(file_text(first), file_text(second));  // reproducible: equal files look equal
  EXPECT_NE(file_text(first).substr(8, 8), file_text(other_key).substr(8, 8));
  const std::string basic = file_text(guide_file("basic.txt"));
  const auto expected = default_pack_salt("K1", fw::as_bytes(basic));
  EXPECT_EQ(file_text(first).substr(8, 8),
            std::string(reinterpret_cast<const char*>(expected.data()), expected.size()));
}

TEST(ProfilePackTest, ExplicitSaltIsWrittenAfterTheMagic) {
  const std::string path = temp_path("explicit_salt.cfg");
  const auto run =
      pack(guide_file("basic.txt"), path, false, "K", fw::KdfDigest::Md5, "00112233445566Ff");
  ASSERT_EQ(run.status, kExitOk) << run.err;
  EXPECT_EQ(file_text(path).substr(0, 16),
            std::string("Salted__\x00\x11\x22\x33\x44\x55\x66\xff", 16));
}

TEST(ProfilePackTest, RejectsBadOptionsWithoutWriting) {
  const std::string path = temp_path("never_written.cfg");
  for (const auto& run :
       {pack(guide_file("basic.txt"), path, true, std::nullopt, fw::KdfDigest::Md5),
        pack(guide_file("basic.txt"), path, true, std::nullopt, std::nullopt, "0011223344556677"),
        pack(guide_file("basic.txt"), path, true, "K", std::nullopt, "00112233"),
        pack(guide_file("basic.txt"), path, true, "K", std::nullopt, "0011223344556677aa"),
        pack(guide_file("basic.txt"), path, true, "K", std::nullopt, "00112233445566zz"),
        pack("/nonexistent/in.xml", path, true, "K")}) {
    EXPECT_EQ(run.status, kExitInvalidInput) << run.err;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  }
  EXPECT_FALSE(read_input_file(path).ok());
  const auto unwritable = pack(guide_file("basic.txt"), "/nonexistent/dir/out.cfg", false);
  EXPECT_EQ(unwritable.status, kExitInvalidInput);
  EXPECT_THAT(unwritable.err, HasSubstr("/nonexistent/dir/out.cfg: cannot write"));
}

TEST(ProfilePackTest, PacksWhatIsNotAProfileWithAWarning) {
  const std::string in = write_temp_file("not_a_profile.txt", "hello\n");
  const std::string out = temp_path("not_a_profile.gz");
  const auto run = pack(in, out, true);
  EXPECT_EQ(run.status, kExitOk) << run.err;
  EXPECT_THAT(run.err,
              AllOf(HasSubstr("warning: " + in + ":1: parse error"), HasSubstr("packed as given")));
  const auto profile = pack(guide_file("basic.txt"), out, true);
  EXPECT_THAT(profile.err, Not(HasSubstr("warning")));
}

TEST(ProfilePackTest, InputSizeLimit) {
  const std::string at_limit(fw::kInflatedProfileBytesMax, ' ');
  const std::string out = temp_path("limit.xml");
  EXPECT_EQ(pack(write_temp_file("at_limit.xml", at_limit), out, false).status, kExitOk);
  const std::string past = write_temp_file("past_limit.xml", at_limit + " ");
  const auto run = pack(past, out, true);
  EXPECT_EQ(run.status, kExitInvalidInput);
  EXPECT_THAT(run.err, HasSubstr(past + ": profile too large: "));
}

TEST(ProfileUnpackTest, Md5OnlyReproducesOlderPhones) {
  const std::string sha256 = packed_basic("md5_only.cfg");
  const std::string out = temp_path("md5_only.xml");
  const auto rejected = unpack(sha256, out, std::string(kSecretKey), fw::KeyDerivation::Md5Only);
  EXPECT_EQ(rejected.status, kExitInvalidInput);
  EXPECT_THAT(rejected.err, HasSubstr(sha256 + ": decrypt failed: no key derivation (MD5)"));
  const std::string md5 = temp_path("md5_only_md5.cfg");
  ASSERT_EQ(pack(guide_file("basic.txt"), md5, false, "K", fw::KdfDigest::Md5).status, kExitOk);
  EXPECT_EQ(unpack(md5, out, "K", fw::KeyDerivation::Md5Only).status, kExitOk);
}

TEST(ProfileUnpackTest, ErrorsAreOneLineAndNeverShowTheKey) {
  const std::string path = packed_basic("unpack_errors.cfg");
  const std::string out = temp_path("unpack_errors.xml");
  const auto wrong = unpack(path, out, "Not-The-Key-9");
  const auto missing = unpack(path, out);
  EXPECT_EQ(wrong.status, kExitInvalidInput);
  EXPECT_EQ(missing.status, kExitInvalidInput);
  EXPECT_THAT(wrong.err, HasSubstr(path + ": decrypt failed: "));
  EXPECT_THAT(missing.err, HasSubstr(path + ": key required: "));
  EXPECT_THAT(wrong.all() + missing.all(),
              AllOf(Not(HasSubstr("Not-The-Key-9")), Not(HasSubstr(kSecretKey))));
  EXPECT_FALSE(read_input_file(out).ok());  // nothing written
}

}  // namespace
}  // namespace sim::cli
