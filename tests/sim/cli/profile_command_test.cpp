#include "sim/cli/profile_command.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sim/cli/command_status.h"
#include "tests/sim/cli/command_run.h"

namespace sim::cli {
namespace {

using ::testing::AllOf;
using testing::guide_file;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::run_command;
using testing::write_temp_file;

testing::CommandRun inspect(const std::string& path, bool json = false, bool with_export = false) {
  InspectOptions options;
  options.path = path;
  options.json = json;
  options.export_configuration = with_export;
  return run_command(run_profile_inspect, options);
}

testing::CommandRun diff(const std::string& before, const std::string& after) {
  return run_command(run_profile_diff, DiffOptions{before, after});
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
              AllOf(HasSubstr("\"layer\": \"plain XML\""), HasSubstr("\"parameter_elements\": 2"),
                    HasSubstr("\"parameters_changed\": 2"), HasSubstr("\"unknown_elements\": []"),
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

TEST(ProfileInspectTest, DetectsGzipAndSaysTheCodecDecodesIt) {
  const std::string path =
      write_temp_file("basic.txt.gz", std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00", 8));
  const auto run = inspect(path);
  EXPECT_EQ(run.status, kExitInvalidInput);
  EXPECT_THAT(run.err, AllOf(HasSubstr(path + ": the profile is gzip-compressed"),
                             HasSubstr("profile codec"), HasSubstr("plain XML")));
}

TEST(ProfileInspectTest, DetectsOpensslEncryption) {
  const std::string path = write_temp_file("basic.cfg", "Salted__\x01\x02\x03\x04\x05\x06\x07\x08");
  const auto run = inspect(path);
  EXPECT_EQ(run.status, kExitInvalidInput);
  EXPECT_THAT(run.err, HasSubstr("the profile is AES-256-CBC encrypted (openssl enc)"));
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

TEST(ProfileDiffTest, SkippedElementsAreNotedOnStderr) {
  const std::string path = write_temp_file(
      "diff_unknown.xml", "<flat-profile>\n<GPP_A>12345678</GPP_A>\n<Bogus/>\n</flat-profile>");
  const auto run = diff(guide_file("basic.txt"), path);
  EXPECT_EQ(run.status, kExitOk);
  EXPECT_THAT(run.err, HasSubstr("note: " + path + ":3: unknown parameter"));
}

}  // namespace
}  // namespace sim::cli
