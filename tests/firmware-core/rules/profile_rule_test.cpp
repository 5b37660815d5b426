#include "firmware-core/rules/profile_rule.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fw {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

ProfileRule parse_ok(std::string_view text, RuleKind kind = RuleKind::Profile) {
  auto rule = parse_rule(text, kind);
  EXPECT_TRUE(rule) << text << " -> " << (rule ? "" : rule.error().to_string());
  return rule ? *rule : ProfileRule{};
}

Error parse_error(std::string_view text, RuleKind kind = RuleKind::Profile) {
  auto rule = parse_rule(text, kind);
  EXPECT_FALSE(rule) << text;
  return rule ? Error{ErrorCode::ParseError, "unexpected success"} : rule.error();
}

const RuleAlternative& only_alternative(const ProfileRule& rule) {
  static const RuleAlternative kNone;
  EXPECT_EQ(rule.alternatives.size(), 1u);
  return rule.alternatives.empty() ? kNone : rule.alternatives.front();
}

// --- Empty, commented out, plain URLs ---------------------------------------------------------

TEST(ProfileRuleTest, EmptyRuleHasNoAlternatives) {
  EXPECT_TRUE(parse_ok("").alternatives.empty());
  ProfileRule blank = parse_ok("  \n\t ");
  EXPECT_TRUE(blank.alternatives.empty());
  EXPECT_FALSE(blank.commented_out);
}

TEST(ProfileRuleTest, CommentedOutRuleIsSkipped) {
  ProfileRule rule = parse_ok("#tftp://192.168.1.200/basic.txt");
  EXPECT_TRUE(rule.commented_out);
  EXPECT_TRUE(rule.alternatives.empty());
  // Leading space does not hide the '#', and what follows need not parse.
  EXPECT_TRUE(parse_ok("   # [--broken ( stuff").commented_out);
}

TEST(ProfileRuleTest, PlainTftpUrlFromGuide) {
  ProfileRule rule = parse_ok("tftp://192.168.1.200/basic.txt");
  const RuleAlternative& alternative = only_alternative(rule);
  EXPECT_EQ(alternative.url, "tftp://192.168.1.200/basic.txt");
  EXPECT_FALSE(alternative.condition);
  EXPECT_TRUE(alternative.assignments.empty());
  EXPECT_EQ(alternative.options, RuleOptions{});
}

TEST(ProfileRuleTest, XmlValueWithLineBreaksFromGuide) {
  // <Profile_Rule>\ntftp://prov.telco.com:6900/cisco/config/$PN.cfg\n</Profile_Rule>
  ProfileRule rule = parse_ok("\ntftp://prov.telco.com:6900/cisco/config/$PN.cfg\n");
  EXPECT_EQ(only_alternative(rule).url, "tftp://prov.telco.com:6900/cisco/config/$PN.cfg");
  EXPECT_EQ(only_alternative(rule).url_position, 1u);
}

TEST(ProfileRuleTest, MppDefaultRuleWithoutServer) {
  EXPECT_EQ(only_alternative(parse_ok("/$PSN.xml")).url, "/$PSN.xml");
}

TEST(ProfileRuleTest, ActivationCodeRule) {
  EXPECT_EQ(only_alternative(parse_ok("gds://")).url, "gds://");
}

TEST(ProfileRuleTest, UrlEndsAtWhitespace) {
  ProfileRule rule = parse_ok("  https://prov.server.com/cgi-bin/reflect.pl?  ");
  EXPECT_EQ(only_alternative(rule).url, "https://prov.server.com/cgi-bin/reflect.pl?");
}

// --- Options ----------------------------------------------------------------------------------

TEST(ProfileRuleTest, KeyOptionFromGuide) {
  ProfileRule rule = parse_ok("[--key MyOwnSecret] tftp://192.168.1.200/basic.cfg");
  const RuleAlternative& alternative = only_alternative(rule);
  EXPECT_EQ(alternative.options.key, "MyOwnSecret");
  EXPECT_EQ(alternative.url, "tftp://192.168.1.200/basic.cfg");
  EXPECT_EQ(alternative.url_position, 20u);
}

TEST(ProfileRuleTest, CombinedAliasKeyPostOptions) {
  ProfileRule rule = parse_ok("[--alias a --key abracadabra321 --post c] /profile.cfg");
  const RuleOptions& options = only_alternative(rule).options;
  EXPECT_EQ(options.alias, 'A');
  EXPECT_EQ(options.key, "abracadabra321");
  EXPECT_EQ(options.post, 'C');
}

TEST(ProfileRuleTest, QuotedKeyKeepsSecretReferenceForLater) {
  ProfileRule rule = parse_ok("[--key \"$SB\" --post g] http://p.tel.com/cfg");
  const RuleOptions& options = only_alternative(rule).options;
  EXPECT_EQ(options.key, "$SB");
  EXPECT_EQ(options.post, 'G');
}

TEST(ProfileRuleTest, QuotedPhraseMayHoldSpaces) {
  ProfileRule rule = parse_ok("[--key \"open sesame now\"] /x.cfg");
  EXPECT_EQ(only_alternative(rule).options.key, "open sesame now");
}

TEST(ProfileRuleTest, OptionsWithoutSpaceBeforeUrl) {
  ProfileRule rule = parse_ok(
      "[--uid TEST --pwd TestAbC123]tftp://10.1.1.1/sip88xx.11-2-3MSR1-1.loads", RuleKind::Upgrade);
  const RuleAlternative& alternative = only_alternative(rule);
  EXPECT_EQ(alternative.options.uid, "TEST");
  EXPECT_EQ(alternative.options.pwd, "TestAbC123");
  EXPECT_EQ(alternative.url, "tftp://10.1.1.1/sip88xx.11-2-3MSR1-1.loads");
}

TEST(ProfileRuleTest, UidAndPwdOnProfileRule) {
  ProfileRule rule = parse_ok("[--uid admin --pwd 555]http://host/cfg.xml");
  EXPECT_EQ(only_alternative(rule).options.uid, "admin");
  EXPECT_EQ(only_alternative(rule).options.pwd, "555");
}

TEST(ProfileRuleTest, OctalEscapeInBareArgumentIsDecoded) {
  ProfileRule rule =
      parse_ok("[--uid TEST --pwd Test\\043AbC123]tftp://10.1.1.1/a.loads", RuleKind::Upgrade);
  EXPECT_EQ(only_alternative(rule).options.pwd, "Test#AbC123");
}

TEST(ProfileRuleTest, OctalEscapesInQuotedArgumentAreDecoded) {
  ProfileRule rule = parse_ok("[--key \"a\\133b\\135 \\042c\\042\"] /x.cfg");
  EXPECT_EQ(only_alternative(rule).options.key, "a[b] \"c\"");
}

TEST(ProfileRuleTest, IncompleteOctalEscapeStaysLiteral) {
  ProfileRule rule = parse_ok("[--key a\\04 --uid b\\8] /x.cfg");
  EXPECT_EQ(only_alternative(rule).options.key, "a\\04");
  EXPECT_EQ(only_alternative(rule).options.uid, "b\\8");
}

TEST(ProfileRuleTest, OctalEscapeOutOfRangeIsAnError) {
  Error nul = parse_error("[--key ab\\000] /x.cfg");
  EXPECT_EQ(nul.code, ErrorCode::RuleSyntax);
  EXPECT_THAT(nul.detail, HasSubstr("at 9:"));
  EXPECT_THAT(parse_error("[--key \"\\400\"] /x.cfg").detail, HasSubstr("at 8:"));
}

TEST(ProfileRuleTest, ReportRuleDeltaAndStatus) {
  EXPECT_TRUE(
      only_alternative(parse_ok("[--delta]http://s/d.xml", RuleKind::Report)).options.delta);
  EXPECT_TRUE(
      only_alternative(parse_ok("[--status]http://s/s.xml", RuleKind::Report)).options.status);
  ProfileRule keyed = parse_ok("[--key K --delta --post f]http://s/d.xml", RuleKind::Report);
  EXPECT_EQ(only_alternative(keyed).options.key, "K");
  EXPECT_EQ(only_alternative(keyed).options.post, 'F');
}

TEST(ProfileRuleTest, UpgradeRuleRejectsKeyWithClearError) {
  Error error = parse_error("[--key abc]http://h/sip88xx.11-2-3MSR1-1.loads", RuleKind::Upgrade);
  EXPECT_EQ(error.code, ErrorCode::RuleSyntax);
  EXPECT_THAT(error.detail, HasSubstr("at 1:"));
  EXPECT_THAT(error.detail, HasSubstr("--key is not supported on Upgrade_Rule"));
  EXPECT_THAT(error.detail, HasSubstr("--uid --pwd"));
}

TEST(ProfileRuleTest, OptionsOutsideTheRuleKindAreRejected) {
  EXPECT_THAT(parse_error("[--post a]http://h/x.loads", RuleKind::Upgrade).detail,
              HasSubstr("--post is not supported"));
  EXPECT_THAT(parse_error("[--delta]http://h/x.xml", RuleKind::Profile).detail,
              HasSubstr("--delta is not supported"));
  EXPECT_THAT(parse_error("[--uid u]http://h/x.xml", RuleKind::Report).detail,
              HasSubstr("--uid is not supported"));
  EXPECT_THAT(parse_error("[--alias b]http://h/x.xml", RuleKind::Report).detail,
              HasSubstr("--alias is not supported"));
}

TEST(ProfileRuleTest, UnknownOptionNamesThePosition) {
  Error error = parse_error("[--key k --proxy p] /x.cfg");
  EXPECT_THAT(error.detail, HasSubstr("at 9: unknown option"));
}

TEST(ProfileRuleTest, WordWhereAnOptionBelongsIsAnError) {
  EXPECT_THAT(parse_error("[--key two words] /x.cfg").detail,
              HasSubstr("at 11: expected an option"));
}

TEST(ProfileRuleTest, DuplicateOptionIsAnError) {
  EXPECT_THAT(parse_error("[--key a --key b] /x.cfg").detail,
              HasSubstr("at 9: expected --key only once"));
}

TEST(ProfileRuleTest, OptionWithoutArgumentIsAnError) {
  EXPECT_THAT(parse_error("[--key] /x.cfg").detail,
              HasSubstr("at 6: expected an argument after --key"));
  EXPECT_THAT(parse_error("[--uid --pwd p] /x.cfg").detail,
              HasSubstr("at 7: expected an argument after --uid"));
  EXPECT_THAT(parse_error("[--key \"\"] /x.cfg").detail, HasSubstr("at 8: expected a non-empty"));
}

TEST(ProfileRuleTest, PostAndAliasNeedAGppLetter) {
  EXPECT_THAT(parse_error("[--post q] /x.cfg").detail,
              HasSubstr("at 1: expected a GPP letter a..p after --post"));
  EXPECT_THAT(parse_error("[--alias ab] /x.cfg").detail,
              HasSubstr("at 1: expected a GPP letter a..p after --alias"));
  EXPECT_EQ(only_alternative(parse_ok("[--post P] /x.cfg")).options.post, 'P');
}

TEST(ProfileRuleTest, OptionsNeedAUrl) {
  EXPECT_THAT(parse_error("[--key k]").detail, HasSubstr("at 9: expected a URL after the options"));
  EXPECT_THAT(parse_error("($A eq 1)? [--key k] | /x.cfg").detail,
              HasSubstr("at 21: expected a URL after the options"));
}

TEST(ProfileRuleTest, UnclosedBracketIsAnError) {
  EXPECT_THAT(parse_error("[--key k /x.cfg").detail, HasSubstr("at 0: expected ']'"));
}

TEST(ProfileRuleTest, BracketInsideQuotedArgumentIsRejected) {
  Error error = parse_error("[--pwd \"a]b\"] /x.cfg");
  EXPECT_THAT(error.detail, HasSubstr("at 9:"));
  EXPECT_THAT(error.detail, HasSubstr("\\135"));
  EXPECT_THAT(parse_error("[--key a [b] /x.cfg").detail,
              HasSubstr("at 9: expected ']' before another '['"));
}

TEST(ProfileRuleTest, UnterminatedQuoteInOptionsIsAnError) {
  EXPECT_THAT(parse_error("[--key \"abc] /x.cfg").detail, HasSubstr("at 11: '[' and ']' cannot"));
  EXPECT_THAT(parse_error("[--uid a\"b --pwd \"] /x.cfg").detail,
              HasSubstr("at 17: expected '\"' to close the quote"));
  EXPECT_THAT(parse_error("[--key \"ab\"cd] /x.cfg").detail,
              HasSubstr("at 11: expected a space after the quoted argument"));
}

// --- Conditions and alternatives --------------------------------------------------------------

TEST(ProfileRuleTest, ProvisionedStateAlternativesFromReference) {
  ProfileRule rule = parse_ok(
      "(\"$A\" ne \"Provisioned\")? (Line_Enable_1_ = \"No\";)! https://p.tel.com/init-prov | "
      "https://p.tel.com/configs");
  ASSERT_EQ(rule.alternatives.size(), 2u);
  const RuleAlternative& first = rule.alternatives[0];
  EXPECT_EQ(first.condition, "\"$A\" ne \"Provisioned\"");
  EXPECT_EQ(first.condition_position, 1u);
  ASSERT_EQ(first.assignments.size(), 1u);
  EXPECT_EQ(first.assignments[0], (RuleAssignment{"Line_Enable_1_", "No"}));
  EXPECT_EQ(first.url, "https://p.tel.com/init-prov");
  const RuleAlternative& second = rule.alternatives[1];
  EXPECT_FALSE(second.condition);
  EXPECT_EQ(second.url, "https://p.tel.com/configs");
  EXPECT_EQ(second.position, 81u);
}

TEST(ProfileRuleTest, RegistrationTimerAlternativesFromReference) {
  ProfileRule rule = parse_ok(
      "($REGTMR1 eq 0)? http://p.tel.com/has-reg.cfg | [--post a] http://p.tel.com/lost-reg?");
  ASSERT_EQ(rule.alternatives.size(), 2u);
  EXPECT_EQ(rule.alternatives[0].condition, "$REGTMR1 eq 0");
  EXPECT_EQ(rule.alternatives[0].url, "http://p.tel.com/has-reg.cfg");
  EXPECT_EQ(rule.alternatives[1].options.post, 'A');
  EXPECT_EQ(rule.alternatives[1].url, "http://p.tel.com/lost-reg?");
}

TEST(ProfileRuleTest, SpacesAroundQuestionMarkFromFieldProfile) {
  ProfileRule rule = parse_ok("( $SWVER != 7.6.2 ) ? tftp://10.0.0.5/spa504g-7-6-2.bin");
  const RuleAlternative& alternative = only_alternative(rule);
  EXPECT_EQ(alternative.condition, "$SWVER != 7.6.2");
  EXPECT_EQ(alternative.condition_position, 2u);
  EXPECT_EQ(alternative.url, "tftp://10.0.0.5/spa504g-7-6-2.bin");
}

TEST(ProfileRuleTest, SpaVersionWithParenthesesStaysInCondition) {
  ProfileRule rule = parse_ok("($SWVER lt 1.0.31(b))? /new.cfg | /old.cfg");
  ASSERT_EQ(rule.alternatives.size(), 2u);
  EXPECT_EQ(rule.alternatives[0].condition, "$SWVER lt 1.0.31(b)");
}

// Reference §3, the Sipura legacy form: `(<1.0)?/pre-rel.cfg | /curr.cfg` (the left operand is
// the running version; evaluate_condition with LegacySpaSyntax decides it).
TEST(ProfileRuleTest, ReferenceSipuraLegacyConditionRule) {
  ProfileRule rule = parse_ok("(<1.0)?/pre-rel.cfg | /curr.cfg");
  ASSERT_EQ(rule.alternatives.size(), 2u);
  EXPECT_EQ(rule.alternatives[0].condition, "<1.0");
  EXPECT_EQ(rule.alternatives[0].url, "/pre-rel.cfg");
  EXPECT_FALSE(rule.alternatives[1].condition);
  EXPECT_EQ(rule.alternatives[1].url, "/curr.cfg");
}

TEST(ProfileRuleTest, QuotedParenthesisDoesNotCloseCondition) {
  ProfileRule rule = parse_ok("(\"$A\" eq \")\")? /a.cfg | /b.cfg");
  EXPECT_EQ(rule.alternatives[0].condition, "\"$A\" eq \")\"");
}

TEST(ProfileRuleTest, SpacesAroundBangAndPipe) {
  ProfileRule rule = parse_ok("( $A eq 1 )  ?  ( B = \"x\" ; )  !  |  ( C = \"y\"; ) !");
  ASSERT_EQ(rule.alternatives.size(), 2u);
  EXPECT_EQ(rule.alternatives[0].assignments[0], (RuleAssignment{"B", "x"}));
  EXPECT_TRUE(rule.alternatives[0].url.empty());
  EXPECT_EQ(rule.alternatives[1].assignments[0], (RuleAssignment{"C", "y"}));
}

TEST(ProfileRuleTest, AssignmentsOnlyRule) {
  ProfileRule rule = parse_ok("(GPP_A = \"Provisioned\"; Resync_Periodic = \"86400\";)!");
  const RuleAlternative& alternative = only_alternative(rule);
  ASSERT_EQ(alternative.assignments.size(), 2u);
  EXPECT_EQ(alternative.assignments[0], (RuleAssignment{"GPP_A", "Provisioned"}));
  EXPECT_EQ(alternative.assignments[1], (RuleAssignment{"Resync_Periodic", "86400"}));
  EXPECT_TRUE(alternative.url.empty());
}

TEST(ProfileRuleTest, LowerCaseLetterAssignsGpp) {
  ProfileRule rule = parse_ok("(a = \"1\"; p = \"2\"; q = \"3\"; A = \"4\";)! /x.cfg");
  const auto& assignments = only_alternative(rule).assignments;
  ASSERT_EQ(assignments.size(), 4u);
  EXPECT_EQ(assignments[0].name, "GPP_A");
  EXPECT_EQ(assignments[1].name, "GPP_P");
  EXPECT_EQ(assignments[2].name, "q");
  EXPECT_EQ(assignments[3].name, "A");
}

TEST(ProfileRuleTest, AssignmentValueMayHoldRuleCharacters) {
  ProfileRule rule = parse_ok("(GPP_B = \"x|y) [z]!?\";)! /x.cfg");
  EXPECT_EQ(only_alternative(rule).assignments[0].value, "x|y) [z]!?");
}

TEST(ProfileRuleTest, EmptyAssignmentValueIsAllowed) {
  EXPECT_EQ(only_alternative(parse_ok("(GPP_C = \"\";)!")).assignments[0].value, "");
}

TEST(ProfileRuleTest, ConditionOnlyAlternativeDoesNothing) {
  ProfileRule rule = parse_ok("($PRVTMR lt 60)? | /x.cfg");
  ASSERT_EQ(rule.alternatives.size(), 2u);
  EXPECT_TRUE(rule.alternatives[0].url.empty());
  EXPECT_TRUE(rule.alternatives[0].assignments.empty());
}

TEST(ProfileRuleTest, ConditionAndAssignmentsWithOptionsAndUrl) {
  ProfileRule rule =
      parse_ok("($A eq 1)? (b = \"2\";)! [--key k1 --uid u] https://h/x | [--pwd p] /y");
  ASSERT_EQ(rule.alternatives.size(), 2u);
  EXPECT_EQ(rule.alternatives[0].options.key, "k1");
  EXPECT_EQ(rule.alternatives[0].options.uid, "u");
  EXPECT_EQ(rule.alternatives[0].assignments[0].name, "GPP_B");
  EXPECT_EQ(rule.alternatives[1].options.pwd, "p");
}

// --- Alternative and assignment errors --------------------------------------------------------

TEST(ProfileRuleTest, OnlyTheLastAlternativeMayLackACondition) {
  Error error = parse_error("tftp://a/b.cfg | tftp://c/d.cfg");
  EXPECT_EQ(error.code, ErrorCode::RuleSyntax);
  EXPECT_THAT(error.detail, HasSubstr("at 0: expected a condition"));
  EXPECT_THAT(parse_error("($A eq 1)? /a | /b | /c").detail,
              HasSubstr("at 16: expected a condition"));
}

TEST(ProfileRuleTest, ParenthesisWithoutMarkerIsAnError) {
  EXPECT_THAT(parse_error("($A eq 1) tftp://a/b").detail,
              HasSubstr("at 10: expected '?' (condition) or '!' (assignments)"));
  EXPECT_THAT(parse_error("($A eq 1)").detail, HasSubstr("at 9: expected '?'"));
}

TEST(ProfileRuleTest, UnclosedParenthesisIsAnError) {
  EXPECT_THAT(parse_error("($A eq 1 ? tftp://a/b").detail,
              HasSubstr("at 0: expected ')' to close '('"));
}

TEST(ProfileRuleTest, UnterminatedQuoteInConditionIsAnError) {
  EXPECT_THAT(parse_error("(\"$A eq 1)? /x").detail,
              HasSubstr("at 1: expected '\"' to close the quote"));
}

TEST(ProfileRuleTest, EmptyConditionIsAnError) {
  EXPECT_THAT(parse_error("(  )? /x.cfg").detail, HasSubstr("at 1: expected a condition inside"));
}

TEST(ProfileRuleTest, SecondConditionOrConditionAfterAssignmentsIsAnError) {
  EXPECT_THAT(parse_error("($A eq 1)? ($B eq 2)? /x").detail,
              HasSubstr("at 11: expected at most one condition"));
  EXPECT_THAT(parse_error("(a = \"1\";)! ($B eq 2)? /x").detail,
              HasSubstr("at 12: expected at most one condition"));
  EXPECT_THAT(parse_error("(a = \"1\";)! (b = \"2\";)! /x").detail,
              HasSubstr("at 12: expected at most one assignment block"));
}

TEST(ProfileRuleTest, AssignmentErrorsNameThePosition) {
  EXPECT_THAT(parse_error("(A = \"1\")! /x").detail, HasSubstr("at 8: expected ';'"));
  EXPECT_THAT(parse_error("(A \"1\";)! /x").detail, HasSubstr("at 3: expected '='"));
  EXPECT_THAT(parse_error("(A = 1;)! /x").detail, HasSubstr("at 5: expected '\"'"));
  EXPECT_THAT(parse_error("(= \"1\";)! /x").detail, HasSubstr("at 1: expected a parameter name"));
  EXPECT_THAT(parse_error("( )! /x").detail, HasSubstr("at 1: expected at least one assignment"));
}

TEST(ProfileRuleTest, PipeNeedsAnAlternativeAfterIt) {
  EXPECT_THAT(parse_error("($A eq 1)? /x.cfg |  ").detail,
              HasSubstr("at 21: expected an alternative after '|'"));
  EXPECT_THAT(parse_error("($A eq 1)? /x.cfg || /y.cfg").detail,
              HasSubstr("at 19: expected a condition, assignments or a URL"));
}

TEST(ProfileRuleTest, TextAfterUrlIsAnError) {
  EXPECT_THAT(parse_error("/a.cfg /b.cfg").detail,
              HasSubstr("at 7: expected '|' or the end of the rule"));
}

// --- Limits -----------------------------------------------------------------------------------

TEST(ProfileRuleTest, RuleAtByteLimitIsAccepted) {
  std::string rule = "/" + std::string(kRuleBytesMax - 1, 'x');
  EXPECT_TRUE(parse_rule(rule, RuleKind::Profile));
  rule += 'x';
  Error error = parse_error(rule);
  EXPECT_THAT(error.detail, HasSubstr("rule longer than 4096 bytes"));
}

std::string alternatives(std::size_t count) {
  std::string rule;
  for (std::size_t i = 0; i + 1 < count; ++i) {
    rule += "($A eq " + std::to_string(i) + ")? /x.cfg | ";
  }
  return rule + "/last.cfg";
}

TEST(ProfileRuleTest, AlternativesAtLimitAreAccepted) {
  EXPECT_EQ(parse_ok(alternatives(kAlternativesMax)).alternatives.size(), kAlternativesMax);
  EXPECT_THAT(parse_error(alternatives(kAlternativesMax + 1)).detail,
              HasSubstr("more than 16 alternatives"));
}

std::string assignments(std::size_t count) {
  std::string rule = "(";
  for (std::size_t i = 0; i < count; ++i) {
    rule += "P" + std::to_string(i) + " = \"v\"; ";
  }
  return rule + ")!";
}

TEST(ProfileRuleTest, AssignmentsAtLimitAreAccepted) {
  EXPECT_EQ(only_alternative(parse_ok(assignments(kAssignmentsMax))).assignments.size(),
            kAssignmentsMax);
  EXPECT_THAT(parse_error(assignments(kAssignmentsMax + 1)).detail,
              HasSubstr("more than 64 assignments"));
}

// --- Secrets ----------------------------------------------------------------------------------

TEST(ProfileRuleTest, ErrorDetailsNeverContainOptionArguments) {
  const char* rules[] = {
      "[--key Sup3rS3cret --key Sup3rS3cret] /x",
      "[--key Sup3rS3cret extra] /x",
      "[--key Sup3rS3cret]",
      "[--pwd \"Sup3rS3cret]\"] /x",
      "[--pwd Sup3rS3cret\\000] /x",
      "[--key Sup3rS3cret --Sup3rS3cret] /x",
      "[--key Sup3rS3cret] /x /Sup3rS3cret",
      "(GPP_SA = \"Sup3rS3cret\")! /x",
  };
  for (const char* rule : rules) {
    Error error = parse_error(rule);
    EXPECT_THAT(error.detail, Not(HasSubstr("Sup3rS3cret"))) << rule;
  }
  EXPECT_THAT(parse_error("[--key Sup3rS3cret]http://h/x", RuleKind::Upgrade).detail,
              Not(HasSubstr("Sup3rS3cret")));
}

TEST(ProfileRuleTest, AssignmentParameterName) {
  EXPECT_EQ(assignment_parameter_name("a"), "GPP_A");
  EXPECT_EQ(assignment_parameter_name("p"), "GPP_P");
  EXPECT_EQ(assignment_parameter_name("q"), "q");
  EXPECT_EQ(assignment_parameter_name("GPP_SA"), "GPP_SA");
}

}  // namespace
}  // namespace fw

namespace fw {
namespace {

TEST(ProfileRuleTest, ConsecutiveOptionGroupsAreOneSetOfOptions) {
  auto rule = parse_rule("[--key K] [--uid U --pwd P] http://prov.example.com/cfg.xml",
                         RuleKind::Profile);
  ASSERT_TRUE(rule) << rule.error().to_string();
  ASSERT_EQ(rule->alternatives.size(), 1u);
  const RuleOptions& options = rule->alternatives[0].options;
  EXPECT_EQ(options.key, "K");
  EXPECT_EQ(options.uid, "U");
  EXPECT_EQ(options.pwd, "P");
  EXPECT_EQ(rule->alternatives[0].url, "http://prov.example.com/cfg.xml");
}

TEST(ProfileRuleTest, OptionRepeatedInAnotherGroupIsAnError) {
  auto rule = parse_rule("[--key A] [--key B] http://h/x", RuleKind::Profile);
  ASSERT_FALSE(rule);
  EXPECT_EQ(rule.error().code, ErrorCode::RuleSyntax);
  EXPECT_NE(rule.error().detail.find("only once"), std::string::npos);
  EXPECT_EQ(rule.error().detail.find('B'), std::string::npos) << "arguments never in errors";
}

// Reference §5: "[--delta]http://s/d.xml [--status]http://s/s.xml".
TEST(ProfileRuleTest, ReportRuleWithTwoRequests) {
  auto requests = parse_report_rule("[--delta]http://s/d.xml [--status]http://s/s.xml");
  ASSERT_TRUE(requests) << requests.error().to_string();
  ASSERT_EQ(requests->size(), 2u);
  EXPECT_TRUE((*requests)[0].alternatives[0].options.delta);
  EXPECT_EQ((*requests)[0].alternatives[0].url, "http://s/d.xml");
  EXPECT_TRUE((*requests)[1].alternatives[0].options.status);
  EXPECT_EQ((*requests)[1].alternatives[0].url, "http://s/s.xml");
}

TEST(ProfileRuleTest, ReportRuleSplitsOnlyAfterAUrl) {
  EXPECT_EQ(split_report_requests("[--key K] [--delta] http://s/d.xml").size(), 1u);
  EXPECT_EQ(split_report_requests("(\"$A\" eq \"x [y]\")? [--delta] http://s/d.xml").size(), 1u);
  EXPECT_EQ(split_report_requests("http://s/full.xml [--delta]http://s/d.xml").size(), 2u);
  EXPECT_EQ(split_report_requests("").size(), 1u);
}

TEST(ProfileRuleTest, ReportRuleErrorNamesTheRequest) {
  auto requests = parse_report_rule("[--delta]http://s/d.xml [--uid x]http://s/s.xml");
  ASSERT_FALSE(requests);
  EXPECT_EQ(requests.error().code, ErrorCode::RuleSyntax);
  EXPECT_NE(requests.error().detail.find("request at 24"), std::string::npos)
      << requests.error().detail;
}

TEST(ProfileRuleTest, ReportRuleSingleRequestAndComment) {
  auto single = parse_report_rule("[--key Secret]tftp://s/report.xml");
  ASSERT_TRUE(single);
  ASSERT_EQ(single->size(), 1u);
  auto commented = parse_report_rule("#[--delta]http://s/d.xml");
  ASSERT_TRUE(commented);
  EXPECT_TRUE(commented->empty());
}

}  // namespace
}  // namespace fw
