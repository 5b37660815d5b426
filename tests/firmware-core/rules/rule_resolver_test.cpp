#include "firmware-core/rules/rule_resolver.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "firmware-core/macro/macro_table.h"
#include "firmware-core/rules/direct_action_query.h"

namespace fw {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

MacroTable phone_macros() {
  MacroTable macros{{"PN", "CP-8841-3PCC"},
                    {"PSN", "8841"},
                    {"SN", "88012BA01234"},
                    {"SWVER", "7.6.2"},
                    {"B", "Dj6Lmp23Q"},
                    {"D", "tenant7"},
                    {"E", "desk42"},
                    {"SA", "s3cr3t-user"},
                    {"SB", "s3cr3t-key"},
                    {"REGTMR1", "0"},
                    {"A", ""}};
  set_mac_macros(macros, MacAddress{0x00, 0x0e, 0x08, 0x01, 0x23, 0x45});
  return macros;
}

ServerSources no_dhcp() {
  return ServerSources{{}, *parse_dhcp_option_order(kDefaultDhcpOptionOrder), {}};
}

ResolvedRule resolve_ok(std::string_view rule, const MacroSource& macros,
                        const ServerSources& servers = no_dhcp(),
                        RuleKind kind = RuleKind::Profile) {
  auto resolved = resolve_rule(kind, rule, macros, servers);
  EXPECT_TRUE(resolved) << rule << " -> " << (resolved ? "" : resolved.error().to_string());
  return resolved ? *resolved : ResolvedRule{};
}

std::string fetched(std::string_view rule, const MacroSource& macros,
                    const ServerSources& servers = no_dhcp(), RuleKind kind = RuleKind::Profile) {
  ResolvedRule resolved = resolve_ok(rule, macros, servers, kind);
  EXPECT_EQ(resolved.outcome, RuleOutcome::Fetch) << rule;
  return resolved.url ? resolved.url->to_string() : "";
}

Error resolve_error(std::string_view rule, const MacroSource& macros,
                    RuleKind kind = RuleKind::Profile, const ServerSources& servers = no_dhcp()) {
  auto resolved = resolve_rule(kind, rule, macros, servers);
  EXPECT_FALSE(resolved) << rule;
  return resolved ? Error{ErrorCode::ParseError, "unexpected success"} : resolved.error();
}

// --- Guide and reference URLs with macros -----------------------------------------------------

TEST(RuleResolverTest, GuideGppAndMacInPath) {
  EXPECT_EQ(fetched("tftp://prov.telco.com/cisco/$B/$MA.cfg", phone_macros()),
            "tftp://prov.telco.com:69/cisco/Dj6Lmp23Q/000e08012345.cfg");
}

TEST(RuleResolverTest, GuideProductNameAndMacFileName) {
  EXPECT_EQ(fetched("tftp://192.168.1.200/CP-6841-3PCC$MA.cfg", phone_macros()),
            "tftp://192.168.1.200:69/CP-6841-3PCC000e08012345.cfg");
}

TEST(RuleResolverTest, GuideNonDefaultTftpPort) {
  EXPECT_EQ(fetched("tftp://prov.telco.com:6900/cisco/config/$PN.cfg", phone_macros()),
            "tftp://prov.telco.com:6900/cisco/config/CP-8841-3PCC.cfg");
}

TEST(RuleResolverTest, GuideEncryptedProfileKey) {
  ResolvedRule resolved =
      resolve_ok("[--key MyOwnSecret] tftp://192.168.1.200/basic.cfg", phone_macros());
  EXPECT_EQ(resolved.outcome, RuleOutcome::Fetch);
  EXPECT_EQ(resolved.options.key, "MyOwnSecret");
  EXPECT_EQ(resolved.url->to_string(), "tftp://192.168.1.200:69/basic.cfg");
}

TEST(RuleResolverTest, GuideDefaultRuleTakesServerFromDhcp) {
  ServerSources servers = no_dhcp();
  servers.dhcp_options[66] = to_bytes("192.168.1.200");
  EXPECT_EQ(fetched("/$PSN.xml", phone_macros(), servers), "tftp://192.168.1.200:69/8841.xml");
}

TEST(RuleResolverTest, GuideDhcpv6OptionOrder) {
  ServerSources servers{
      {{17, to_bytes("prov6.example.com")}}, *parse_dhcp_option_order("17.160.159"), {}};
  EXPECT_EQ(fetched("/$PSN.xml", phone_macros(), servers), "tftp://prov6.example.com:69/8841.xml");
}

TEST(RuleResolverTest, GuideActivationCode) {
  ResolvedRule resolved = resolve_ok("gds://", phone_macros());
  EXPECT_EQ(resolved.outcome, RuleOutcome::Fetch);
  EXPECT_EQ(resolved.url->scheme, UrlScheme::Gds);
}

TEST(RuleResolverTest, GuideUpgradeRule) {
  EXPECT_EQ(fetched("http://192.0.2.10/sip88xx.11-2-3MSR1-1.loads", phone_macros(), no_dhcp(),
                    RuleKind::Upgrade),
            "http://192.0.2.10:80/sip88xx.11-2-3MSR1-1.loads");
}

// Guide, "Aktivierungscode Bereitstellungsparameter": the cfg.xml example keeps the placeholder
// `<server ip address>`; stored as is, it is an error, not a fetch. The URL ends at the first
// space, so the rule parser reports the words after it.
TEST(RuleResolverTest, GuideUpgradeRulePlaceholderServerIsAnError) {
  Error error = resolve_error("http://<server ip address>/sip88xx.11-2-3MSR1-1.loads",
                              phone_macros(), RuleKind::Upgrade);
  EXPECT_EQ(error.code, ErrorCode::RuleSyntax);
  EXPECT_THAT(error.detail, HasSubstr("at 15:"));
}

// Reference §3, the MPP upgrade rule chosen by the running version.
TEST(RuleResolverTest, ReferenceMppUpgradeRuleByVersion) {
  constexpr std::string_view kRule =
      "($SWVER ge sip78xx.11-0-0MPP-7)? http://S/sip78xx.11-2-1MES-3.loads | "
      "http://S/sip78xx.11-0-0MPP-7.loads";
  MacroTable macros = phone_macros();
  macros.set("SWVER", "sip78xx.11-0-0MPP-7");
  EXPECT_EQ(fetched(kRule, macros, no_dhcp(), RuleKind::Upgrade),
            "http://S:80/sip78xx.11-2-1MES-3.loads");
  macros.set("SWVER", "sip78xx.10-4-1MPP-220");
  EXPECT_EQ(fetched(kRule, macros, no_dhcp(), RuleKind::Upgrade),
            "http://S:80/sip78xx.11-0-0MPP-7.loads");
  // An SPA-format running version cannot be compared with an MPP one: an error, not a guess.
  macros.set("SWVER", "7.6.2");
  EXPECT_EQ(resolve_error(kRule, macros, RuleKind::Upgrade).code, ErrorCode::VersionSyntax);
}

TEST(RuleResolverTest, ReferenceGppSubdirectories) {
  EXPECT_EQ(fetched("http://neptune.speak.net:8080/prov/$D/$E.cfg", phone_macros()),
            "http://neptune.speak.net:8080/prov/tenant7/desk42.cfg");
}

TEST(RuleResolverTest, ReferenceMacSuffix) {
  EXPECT_EQ(fetched("tftp://prov.call.com/cpe/cisco$MA.cfg", phone_macros()),
            "tftp://prov.call.com:69/cpe/cisco000e08012345.cfg");
}

TEST(RuleResolverTest, ReferenceUnknownMacroStaysLiteral) {
  ServerSources servers = no_dhcp();
  servers.dhcp_options[66] = to_bytes("10.0.0.1");
  EXPECT_EQ(fetched("/spa$STRANGE$MAU.cfg", phone_macros(), servers),
            "tftp://10.0.0.1:69/spa$STRANGE000E08012345.cfg");
}

// --- Alternatives -----------------------------------------------------------------------------

constexpr std::string_view kProvisionedRule =
    "(\"$A\" ne \"Provisioned\")? (Line_Enable_1_ = \"No\";)! https://p.tel.com/init-prov | "
    "https://p.tel.com/configs";

TEST(RuleResolverTest, UnprovisionedPhoneTakesFirstAlternative) {
  ResolvedRule resolved = resolve_ok(kProvisionedRule, phone_macros());
  EXPECT_EQ(resolved.outcome, RuleOutcome::Fetch);
  EXPECT_EQ(resolved.alternative_index, 0u);
  ASSERT_EQ(resolved.assignments.size(), 1u);
  EXPECT_EQ(resolved.assignments[0], (RuleAssignment{"Line_Enable_1_", "No"}));
  EXPECT_EQ(resolved.url->to_string(), "https://p.tel.com:443/init-prov");
}

TEST(RuleResolverTest, ProvisionedPhoneTakesSecondAlternative) {
  MacroTable macros = phone_macros();
  macros.set("A", "Provisioned");
  ResolvedRule resolved = resolve_ok(kProvisionedRule, macros);
  EXPECT_EQ(resolved.alternative_index, 1u);
  EXPECT_TRUE(resolved.assignments.empty());
  EXPECT_EQ(resolved.url->to_string(), "https://p.tel.com:443/configs");
}

constexpr std::string_view kRegistrationRule =
    "($REGTMR1 eq 0)? http://p.tel.com/has-reg.cfg | [--post a] http://p.tel.com/lost-reg?";

TEST(RuleResolverTest, RegisteredPhoneFetchesHasReg) {
  ResolvedRule resolved = resolve_ok(kRegistrationRule, phone_macros());
  EXPECT_EQ(resolved.alternative_index, 0u);
  EXPECT_EQ(resolved.url->path, "/has-reg.cfg");
  EXPECT_FALSE(resolved.options.post);
}

TEST(RuleResolverTest, UnregisteredPhonePostsToLostReg) {
  MacroTable macros = phone_macros();
  macros.set("REGTMR1", "120");
  ResolvedRule resolved = resolve_ok(kRegistrationRule, macros);
  EXPECT_EQ(resolved.alternative_index, 1u);
  EXPECT_EQ(resolved.options.post, 'A');
  EXPECT_EQ(resolved.url->path, "/lost-reg?");
}

TEST(RuleResolverTest, NoTrueConditionSkipsTheRule) {
  MacroTable macros = phone_macros();
  macros.set("REGTMR1", "5");
  ResolvedRule resolved = resolve_ok("($REGTMR1 eq 0)? http://p.tel.com/has-reg.cfg", macros);
  EXPECT_EQ(resolved.outcome, RuleOutcome::Skipped);
  EXPECT_EQ(resolved.skip_reason, RuleSkipReason::NoConditionTrue);
  EXPECT_FALSE(resolved.url);
}

TEST(RuleResolverTest, FieldUpgradeRuleWithSpacesAroundQuestionMark) {
  constexpr std::string_view kRule = "( $SWVER != 7.6.2 ) ? tftp://10.0.0.5/spa504g-7-6-2.bin";
  EXPECT_EQ(resolve_ok(kRule, phone_macros(), no_dhcp(), RuleKind::Upgrade).skip_reason,
            RuleSkipReason::NoConditionTrue);
  MacroTable old_firmware = phone_macros();
  old_firmware.set("SWVER", "7.5.5");
  EXPECT_EQ(fetched(kRule, old_firmware, no_dhcp(), RuleKind::Upgrade),
            "tftp://10.0.0.5:69/spa504g-7-6-2.bin");
}

TEST(RuleResolverTest, AssignmentsOnlyRule) {
  ResolvedRule resolved = resolve_ok("(GPP_A = \"Provisioned $SN\";)!", phone_macros());
  EXPECT_EQ(resolved.outcome, RuleOutcome::AssignmentsOnly);
  EXPECT_FALSE(resolved.url);
  ASSERT_EQ(resolved.assignments.size(), 1u);
  EXPECT_EQ(resolved.assignments[0].value, "Provisioned 88012BA01234");
}

TEST(RuleResolverTest, ConditionErrorIsAnError) {
  Error error = resolve_error("($REGTMR1 eq)? /a.cfg | /b.cfg", phone_macros());
  EXPECT_EQ(error.code, ErrorCode::ConditionSyntax);
  EXPECT_THAT(error.detail, HasSubstr("alternative 1 condition at 1"));
}

TEST(RuleResolverTest, LaterConditionsAreNotEvaluatedOnceOneHolds) {
  ResolvedRule resolved =
      resolve_ok("($REGTMR1 eq 0)? /a.cfg | (broken)? /b.cfg | /c.cfg", phone_macros(),
                 ServerSources{{{66, to_bytes("h.example")}}, {66}, {}});
  EXPECT_EQ(resolved.url->path, "/a.cfg");
}

// --- Skips ------------------------------------------------------------------------------------

TEST(RuleResolverTest, CommentedOutRuleIsSkipped) {
  ResolvedRule resolved = resolve_ok("#[--key $SB] tftp://h/x.cfg", phone_macros());
  EXPECT_EQ(resolved.outcome, RuleOutcome::Skipped);
  EXPECT_EQ(resolved.skip_reason, RuleSkipReason::CommentedOut);
}

TEST(RuleResolverTest, EmptyRuleIsSkipped) {
  EXPECT_EQ(resolve_ok("", phone_macros()).skip_reason, RuleSkipReason::Empty);
  // A rule that expands to nothing is empty too.
  EXPECT_EQ(resolve_ok(" $A ", phone_macros()).skip_reason, RuleSkipReason::Empty);
}

// --- Secrets ----------------------------------------------------------------------------------

TEST(RuleResolverTest, SecretExpandedOnlyInKey) {
  ResolvedRule resolved =
      resolve_ok("[--key \"$SB\" --post g] http://p.tel.com/$SB/$B.cfg", phone_macros());
  EXPECT_EQ(resolved.options.key, "s3cr3t-key");
  EXPECT_EQ(resolved.options.post, 'G');
  EXPECT_EQ(resolved.url->path, "/$SB/Dj6Lmp23Q.cfg");
}

TEST(RuleResolverTest, SecretsExpandedInUidAndPwd) {
  ResolvedRule resolved = resolve_ok("[--uid $SA --pwd $(SB:0:6)\\043]http://h/fw.loads",
                                     phone_macros(), no_dhcp(), RuleKind::Upgrade);
  EXPECT_EQ(resolved.options.uid, "s3cr3t-user");
  EXPECT_EQ(resolved.options.pwd, "s3cr3t#");
}

TEST(RuleResolverTest, SecretsNotExpandedInAssignmentsOrConditions) {
  ResolvedRule resolved = resolve_ok("(\"$SA\" eq \"$SA\")? (GPP_C = \"$SA\";)!", phone_macros());
  EXPECT_EQ(resolved.outcome, RuleOutcome::AssignmentsOnly);
  EXPECT_EQ(resolved.assignments[0].value, "$SA");
}

TEST(RuleResolverTest, ErrorsDoNotRevealSecrets) {
  MacroTable macros = phone_macros();
  Error option_error = resolve_error("[--key $SB extra] http://h/x", macros);
  EXPECT_THAT(option_error.detail, Not(HasSubstr("s3cr3t")));
  Error upgrade_error = resolve_error("[--key $SB]http://h/x", macros, RuleKind::Upgrade);
  EXPECT_THAT(upgrade_error.detail, Not(HasSubstr("s3cr3t")));
  Error url_error = resolve_error("[--pwd $SB]http://h:0/x", macros);
  EXPECT_THAT(url_error.detail, Not(HasSubstr("s3cr3t")));
}

TEST(RuleResolverTest, UpgradeRuleRejectsKey) {
  Error error = resolve_error("[--key abc]http://h/sip88xx.11-2-3MSR1-1.loads", phone_macros(),
                              RuleKind::Upgrade);
  EXPECT_EQ(error.code, ErrorCode::RuleSyntax);
  EXPECT_THAT(error.detail, HasSubstr("--key is not supported on Upgrade_Rule"));
}

// --- URLs and servers -------------------------------------------------------------------------

TEST(RuleResolverTest, UrlErrorPositionIsInTheRule) {
  Error error = resolve_error("[--uid u] http://h:0/x", phone_macros());
  EXPECT_EQ(error.code, ErrorCode::UrlSyntax);
  EXPECT_THAT(error.detail, HasSubstr("at 19: port out of range"));
}

TEST(RuleResolverTest, UnchosenAlternativeUrlIsNotParsed) {
  EXPECT_EQ(fetched("($REGTMR1 eq 0)? http://h/ok | ftp://bad", phone_macros()), "http://h:80/ok");
}

TEST(RuleResolverTest, NoServerAnywhereIsAnError) {
  Error error = resolve_error("/$PSN.xml", phone_macros());
  EXPECT_EQ(error.code, ErrorCode::NoProvisioningServer);
}

TEST(RuleResolverTest, UpgradeRuleFallsBackToLastResyncHost) {
  ServerSources servers = no_dhcp();
  servers.last_resync_host = "prov.example.com";
  EXPECT_EQ(fetched("/sip88xx.11-2-3MSR1-1.loads", phone_macros(), servers, RuleKind::Upgrade),
            "tftp://prov.example.com:69/sip88xx.11-2-3MSR1-1.loads");
  EXPECT_EQ(resolve_error("/x.xml", phone_macros(), RuleKind::Profile, servers).code,
            ErrorCode::NoProvisioningServer);
}

TEST(RuleResolverTest, ExpandedRuleOverLimitIsAnError) {
  MacroTable macros = phone_macros();
  macros.set("C", std::string(kRuleBytesMax, 'x'));
  Error error = resolve_error("/$C.cfg", macros);
  EXPECT_EQ(error.code, ErrorCode::RuleSyntax);
  EXPECT_THAT(error.detail, HasSubstr("rule longer than"));
}

TEST(RuleResolverTest, RawRuleOverLimitIsNotExpanded) {
  std::string rule = "(GPP_A = \"" + std::string(kRuleBytesMax - 14, 'x') + "\";)!";
  ASSERT_EQ(rule.size(), kRuleBytesMax);
  EXPECT_EQ(resolve_ok(rule, phone_macros()).outcome, RuleOutcome::AssignmentsOnly);
  Error error = resolve_error(rule + " ", phone_macros());
  EXPECT_THAT(error.detail, HasSubstr("at 4096: rule longer than 4096 bytes"));
}

TEST(RuleResolverTest, AdminResyncUrlEncodedRule) {
  auto query = rule_from_direct_action_query("%5B--uid+admin+--pwd+555%5Dhttp://host/$PSN.xml");
  ASSERT_TRUE(query);
  ResolvedRule resolved = resolve_ok(query->rule, phone_macros());
  EXPECT_EQ(resolved.options.uid, "admin");
  EXPECT_EQ(resolved.options.pwd, "555");
  EXPECT_EQ(resolved.url->to_string(), "http://host:80/8841.xml");
}

TEST(RuleResolverTest, ReportRuleOptions) {
  ResolvedRule resolved = resolve_ok("[--delta --key $SB]http://s.example/$MA-d.xml",
                                     phone_macros(), no_dhcp(), RuleKind::Report);
  EXPECT_TRUE(resolved.options.delta);
  EXPECT_EQ(resolved.options.key, "s3cr3t-key");
  EXPECT_EQ(resolved.url->path, "/000e08012345-d.xml");
}

}  // namespace
}  // namespace fw
