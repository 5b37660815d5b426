#include "sim/cli/rule_command.h"

#include <string>
#include <vector>

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

ExplainOptions explain_options(std::string rule) {
  ExplainOptions options;
  options.rule = std::move(rule);
  return options;
}

testing::CommandRun explain(const ExplainOptions& options) {
  return run_command(run_rule_explain, options);
}

testing::CommandRun explain(std::string rule) {
  return explain(explain_options(std::move(rule)));
}

TEST(RuleExplainTest, ExpandsTheMacAddressInTheGuidesRule) {
  const auto run = explain("tftp://192.168.1.200/CP-6841-3PCC$MA.cfg");
  EXPECT_EQ(run.status, kExitOk) << run.err;
  EXPECT_THAT(
      run.out,
      AllOf(HasSubstr("Rule       tftp://192.168.1.200/CP-6841-3PCC$MA.cfg  (profile rule, from "
                      "the command line)\n"),
            HasSubstr("Expanded   tftp://192.168.1.200/CP-6841-3PCC000e08abcdef.cfg\n"),
            HasSubstr("Alt 1      no condition -> chosen\n"),
            HasSubstr("URL        tftp://192.168.1.200:69/CP-6841-3PCC000e08abcdef.cfg  (server "
                      "written in the rule)\n"),
            HasSubstr("$SCHEME=tftp  $SERV=192.168.1.200  $PORT=69  "
                      "$PATH=/CP-6841-3PCC000e08abcdef.cfg\n"),
            HasSubstr("Syslog     CP-8841-3PCC 00:0e:08:ab:cd:ef -- Requesting resync "
                      "tftp://192.168.1.200:69/CP-6841-3PCC000e08abcdef.cfg  (Log_Request_Msg)")));
}

TEST(RuleExplainTest, ExpandsGeneralPurposeParameters) {
  ExplainOptions options = explain_options("tftp://prov.telco.com/cisco/$B/$MA.cfg");
  options.phone.parameters = {"GPP_B=Dj6Lmp23Q"};
  const auto run = explain(options);
  EXPECT_EQ(run.status, kExitOk) << run.err;
  EXPECT_THAT(run.out,
              AllOf(HasSubstr("Expanded   tftp://prov.telco.com/cisco/Dj6Lmp23Q/000e08abcdef.cfg"),
                    // No DNS in this tool: a name has no address to show.
                    HasSubstr("Requesting resync tftp://<unresolved>:69/cisco/")));
}

TEST(RuleExplainTest, MasksTheKeyEverywhere) {
  const auto run = explain("[--key MyOwnSecret] tftp://192.168.1.200/basic.cfg");
  EXPECT_EQ(run.status, kExitOk) << run.err;
  EXPECT_THAT(run.out, AllOf(HasSubstr("Rule       [--key *****] tftp://192.168.1.200/basic.cfg"),
                             HasSubstr("Options    --key *****\n"),
                             HasSubstr("tftp://192.168.1.200:69/basic.cfg")));
  EXPECT_THAT(run.all(), Not(HasSubstr("MyOwnSecret")));
}

TEST(RuleExplainTest, NeverPrintsSecretParametersOrPasswords) {
  ExplainOptions options = explain_options(
      "( GPP_SB = \"Assigned-Secret\"; b = \"visible\"; )! "
      "[--uid admin --pwd \"pass word\" --key $SA] https://10.1.2.3/$MA.xml");
  options.phone.parameters = {"GPP_SA=TopSecret1"};
  const auto run = explain(options);
  EXPECT_EQ(run.status, kExitOk) << run.err;
  EXPECT_THAT(run.all(), AllOf(Not(HasSubstr("TopSecret1")), Not(HasSubstr("Assigned-Secret")),
                               Not(HasSubstr("pass word"))));
  EXPECT_THAT(run.out, AllOf(HasSubstr("Assigns    GPP_SB = \"*****\"\n"),
                             HasSubstr("Assigns    GPP_B = \"visible\"\n"),
                             HasSubstr("Options    --key ***** --uid admin --pwd *****\n"),
                             HasSubstr("Requesting resync https://10.1.2.3:443/000e08abcdef.xml")));
}

TEST(RuleExplainTest, DefaultRuleTakesItsServerFromDhcp) {
  ExplainOptions options = explain_options("-");
  options.phone.dhcp_options = {"150=10.9.9.9", "66=192.168.1.200"};
  const auto run = explain(options);
  EXPECT_EQ(run.status, kExitOk) << run.err;
  EXPECT_THAT(run.out,
              AllOf(HasSubstr("Rule       /$PSN.xml  (profile rule, the phone's Profile_Rule)"),
                    HasSubstr("Expanded   /8841.xml\n"),
                    HasSubstr("tftp://192.168.1.200:69/8841.xml  (server from DHCP option 66)")));
}

TEST(RuleExplainTest, DhcpOrderComesFromThePhonesParameter) {
  ExplainOptions options = explain_options("Profile_Rule");
  options.phone.dhcp_options = {"150=10.9.9.9", "66=192.168.1.200"};
  options.phone.parameters = {"DHCP_Option_To_Use=150,66"};
  const auto run = explain(options);
  EXPECT_EQ(run.status, kExitOk) << run.err;
  EXPECT_THAT(run.out, HasSubstr("tftp://10.9.9.9:69/8841.xml  (server from DHCP option 150)"));
}

TEST(RuleExplainTest, NoServerIsAProblemFound) {
  const auto run = explain("/$PSN.xml");
  EXPECT_EQ(run.status, kExitProblemsFound);
  EXPECT_THAT(run.out, HasSubstr("Result     nothing fetched: no server"));
}

TEST(RuleExplainTest, UpgradeRuleFallsBackToTheLastResyncHost) {
  ExplainOptions options = explain_options("Upgrade_Rule");
  options.phone.parameters = {"Upgrade_Rule=/sip88xx.12-0-1MPP-1.loads"};
  options.phone.last_resync_host = "10.0.0.5";
  const auto run = explain(options);
  EXPECT_EQ(run.status, kExitOk) << run.err;
  EXPECT_THAT(run.out, AllOf(HasSubstr("(upgrade rule, the phone's Upgrade_Rule)"),
                             HasSubstr("(server of the last successful resync)"),
                             HasSubstr("Requesting upgrade tftp://10.0.0.5:69/sip88xx.12-0-1MPP-1"
                                       ".loads  (Log_Upgrade_Request_Msg)")));
}

TEST(RuleExplainTest, StoredRuleFromAGuideProfile) {
  ExplainOptions options = explain_options("Profile_Rule_B");
  options.phone.profile_paths = {guide_file("profile-rule-b.txt")};
  const auto run = explain(options);
  EXPECT_EQ(run.status, kExitOk) << run.err;
  EXPECT_THAT(run.out, HasSubstr("URL        tftp://192.168.1.200:69/basic2.txt"));
}

TEST(RuleExplainTest, ShowsEachAlternativeAndWhetherItHeld) {
  ExplainOptions options = explain_options(
      "( $SWVER ge sip88xx.12-0-0MPP-1 )? http://h/new.xml | (\"$PN\" eq \"CP-8841-3PCC\")? "
      "( a = \"seen\"; )! http://h/$PSN.xml | http://h/fallback.xml");
  const auto run = explain(options);
  EXPECT_EQ(run.status, kExitOk) << run.err;
  EXPECT_THAT(
      run.out,
      AllOf(HasSubstr("Alt 1      (sip88xx.11-3-2MPP0001-609 ge sip88xx.12-0-0MPP-1)? false\n"),
            HasSubstr("Alt 2      (\"CP-8841-3PCC\" eq \"CP-8841-3PCC\")? true -> chosen\n"),
            HasSubstr("Alt 3      no condition -> not reached\n"),
            HasSubstr("Assigns    GPP_A = \"seen\"\n"),
            HasSubstr("URL        http://h:80/8841.xml")));
}

TEST(RuleExplainTest, SkippedWhenNoConditionHolds) {
  const auto run = explain("( 1 eq 2 )? /a.xml | ( 2 eq 3 )? /b.xml");
  EXPECT_EQ(run.status, kExitOk) << run.err;
  EXPECT_THAT(run.out,
              HasSubstr("Result     skipped: every alternative has a condition and none holds"));
}

TEST(RuleExplainTest, AssignmentsOnly) {
  const auto run = explain("( c = \"x\"; )!");
  EXPECT_EQ(run.status, kExitOk) << run.err;
  EXPECT_THAT(run.out, HasSubstr("Result     assignments only; nothing is fetched"));
}

TEST(RuleExplainTest, SyntaxErrorMarksThePosition) {
  const auto run = explain("[--key \"My Secret\" --bogus] /x.cfg");
  EXPECT_EQ(run.status, kExitInvalidInput);
  EXPECT_THAT(run.err, AllOf(HasSubstr("rule: bad rule: at 19: unknown option"),
                             HasSubstr("  Expanded   [--key ***** --bogus] /x.cfg\n"
                                       "                          ^\n")));
  EXPECT_THAT(run.all(), Not(HasSubstr("My Secret")));
}

TEST(RuleExplainTest, UrlErrorMarksThePosition) {
  const auto run = explain("tftp://192.168.1.200:99999/x.cfg");
  EXPECT_EQ(run.status, kExitInvalidInput);
  EXPECT_THAT(run.err, AllOf(HasSubstr("rule: bad url: at 21:"),
                             HasSubstr("\n                                  ^\n")));
}

TEST(RuleExplainTest, ConditionErrorMarksThePosition) {
  const auto run = explain("( 1 eq )? /a | /b");
  EXPECT_EQ(run.status, kExitInvalidInput);
  EXPECT_THAT(run.err, AllOf(HasSubstr("rule: alternative 1: bad condition: position 4"),
                             HasSubstr("  Expanded   ( 1 eq )? /a | /b\n"
                                       "                   ^\n")));
}

TEST(RuleExplainTest, BadPhoneOptionsAreInvalidInput) {
  std::vector<PhoneOptions> broken(5);
  broken[0].mac = "00:0e:08";
  broken[1].parameters = {"No_Such_Parameter=1"};
  broken[2].parameters = {"Provision_Enable=Vielleicht"};
  broken[3].dhcp_options = {"0=host"};
  broken[4].profile_paths = {"/nonexistent/phonesim/p.xml"};
  for (const PhoneOptions& phone : broken) {
    ExplainOptions options = explain_options("tftp://h/x");
    options.phone = phone;
    const auto run = explain(options);
    EXPECT_EQ(run.status, kExitInvalidInput) << run.all();
    EXPECT_NE(run.err, "");
  }
}

TEST(RuleExplainTest, ReportRuleHasNoStoredParameter) {
  ExplainOptions options = explain_options("-");
  options.kind = fw::RuleKind::Report;
  EXPECT_EQ(explain(options).status, kExitInvalidInput);
}

TEST(MaskRuleSecretsTest, MasksKeyAndPasswordArgumentsOnly) {
  EXPECT_EQ(mask_rule_secrets("[--key K1 --uid u --pwd \"p w\"] /x"),
            "[--key ***** --uid u --pwd *****] /x");
  EXPECT_EQ(mask_rule_secrets("(a eq b)? [--key K]/x | [ --pwd P ] /y"),
            "(a eq b)? [--key *****]/x | [ --pwd ***** ] /y");
  EXPECT_EQ(mask_rule_secrets("--key outside/brackets"), "--key outside/brackets");
  EXPECT_EQ(mask_rule_secrets("[--key"), "[--key");
}

testing::CommandRun check_trigger(std::string expression, std::optional<std::int64_t> prvtmr,
                                  std::optional<std::int64_t> upgtmr) {
  TriggerOptions options;
  options.expression = std::move(expression);
  options.resync_age_s = prvtmr;
  options.upgrade_age_s = upgtmr;
  return run_command(run_rule_check_trigger, options);
}

constexpr const char* kGuideTrigger = "$UPGTMR gt 300 und $PRVTMR ge 600";

TEST(RuleCheckTriggerTest, TrueWhenBothTimersArePast) {
  const auto run = check_trigger(kGuideTrigger, 700, 900);
  EXPECT_EQ(run.status, kExitOk) << run.err;
  EXPECT_THAT(run.out, AllOf(HasSubstr("Expanded   900 gt 300 und 700 ge 600\n"),
                             HasSubstr("Result     true")));
}

TEST(RuleCheckTriggerTest, FalseExitsOne) {
  const auto run = check_trigger(kGuideTrigger, 599, 900);
  EXPECT_EQ(run.status, kExitProblemsFound) << run.err;
  EXPECT_THAT(run.out, HasSubstr("Result     false"));
}

TEST(RuleCheckTriggerTest, UnsetTimerIsAnErrorWithPositionAndHint) {
  const auto run = check_trigger(kGuideTrigger, std::nullopt, 900);
  EXPECT_EQ(run.status, kExitInvalidInput);
  EXPECT_THAT(run.err, AllOf(HasSubstr("position 15"),
                             HasSubstr("  Expanded   900 gt 300 und $PRVTMR ge 600\n"
                                       "                            ^\n"),
                             HasSubstr("$PRVTMR has no value"), HasSubstr("--prvtmr")));
}

TEST(RuleCheckTriggerTest, EmptyTriggerTakesNoPart) {
  const auto run = check_trigger("  ", std::nullopt, std::nullopt);
  EXPECT_EQ(run.status, kExitOk);
  EXPECT_THAT(run.out, HasSubstr("Result     empty"));
}

TEST(RuleCheckTriggerTest, ComparesFirmwareVersions) {
  const auto run = check_trigger("$SWVER lt sip88xx.12-0-1MPP-1", std::nullopt, std::nullopt);
  EXPECT_EQ(run.status, kExitOk) << run.err;
}

}  // namespace
}  // namespace sim::cli
