#include "firmware-core/agent/phone_macros.h"

#include <string>

#include <gtest/gtest.h>

#include "firmware-core/config/profile_apply.h"
#include "firmware-core/macro/condition.h"
#include "firmware-core/rules/rule_resolver.h"

namespace fw {
namespace {

class PhoneMacrosTest : public ::testing::Test {
 protected:
  PhoneMacrosTest() {
    identity_.mac = {0x00, 0x0e, 0x08, 0xab, 0xcd, 0xef};
    identity_.serial_number = "88012BA01234";
    identity_.product_name = "CP-78xx-3PCC";
    identity_.product_series = "7861";
    identity_.software_version = "sip78xx.11-3-2MPP0001-609";
  }

  void set(std::string_view name, std::string_view value) {
    ASSERT_TRUE(set_parameter(store_, name, value)) << name;
  }

  std::string expand(std::string_view text, SecretPolicy secrets = SecretPolicy::Keep) {
    return expand_macros(text, macros_, secrets);
  }

  ResolvedRule resolve(std::string_view rule, DhcpOptions dhcp = {}) {
    ServerSources sources;
    sources.dhcp_options = std::move(dhcp);
    sources.dhcp_option_order = *parse_dhcp_option_order(kDefaultDhcpOptionOrder);
    auto resolved = resolve_rule(RuleKind::Profile, rule, macros_, sources);
    EXPECT_TRUE(resolved) << (resolved ? "" : resolved.error().to_string());
    return resolved ? *resolved : ResolvedRule{};
  }

  PhoneIdentity identity_;
  ConfigStore store_;
  ProvisioningMacroState state_;
  PhoneMacros macros_{identity_, store_, state_};
};

TEST_F(PhoneMacrosTest, MacForms) {
  EXPECT_EQ(expand("$MA $MAU $MAC"), "000e08abcdef 000E08ABCDEF 00:0e:08:ab:cd:ef");
}

// Guide, "Bereitstellung eines bestimmten IP-Telefonprofils": CP-6841-3PCC$MA.cfg.
TEST_F(PhoneMacrosTest, GuidePerPhoneProfileName) {
  identity_.mac = {0x00, 0x0e, 0x08, 0xaa, 0xbb, 0xcc};
  ResolvedRule rule = resolve("tftp://192.168.1.200/CP-6841-3PCC$MA.cfg");
  ASSERT_EQ(rule.outcome, RuleOutcome::Fetch);
  EXPECT_EQ(rule.url->to_string(), "tftp://192.168.1.200:69/CP-6841-3PCC000e08aabbcc.cfg");
}

// Guide, "URL-Auflösung mit Makroerweiterung": GPP_B = Dj6Lmp23Q, MAC 000e08012345.
TEST_F(PhoneMacrosTest, GuideGppInRulePath) {
  identity_.mac = {0x00, 0x0e, 0x08, 0x01, 0x23, 0x45};
  set("GPP_B", "Dj6Lmp23Q");
  ResolvedRule rule = resolve("tftp://prov.telco.com/cisco/$B/$MA.cfg");
  ASSERT_EQ(rule.outcome, RuleOutcome::Fetch);
  EXPECT_EQ(rule.url->host, "prov.telco.com");
  EXPECT_EQ(rule.url->path, "/cisco/Dj6Lmp23Q/000e08012345.cfg");
}

// The factory default Profile_Rule /$PSN.xml takes its server from DHCP option 66.
TEST_F(PhoneMacrosTest, DefaultProfileRuleUsesDhcpServer) {
  auto id = store_.registry().find("Profile_Rule");
  ASSERT_TRUE(id);
  DhcpOptions dhcp;
  std::string server = "192.168.1.200";
  dhcp[66] = Bytes(server.begin(), server.end());
  ResolvedRule rule = resolve(store_.value(*id), dhcp);
  ASSERT_EQ(rule.outcome, RuleOutcome::Fetch);
  EXPECT_EQ(rule.url->to_string(), "tftp://192.168.1.200:69/7861.xml");
}

TEST_F(PhoneMacrosTest, SecretsOnlyInsideKey) {
  set("GPP_SB", "s3cr3t");
  EXPECT_EQ(expand("/$SB.cfg"), "/$SB.cfg");
  ResolvedRule rule = resolve("[--key \"$SB\"] tftp://192.168.1.200/$SB/basic.cfg");
  ASSERT_EQ(rule.outcome, RuleOutcome::Fetch);
  ASSERT_TRUE(rule.options.key);
  EXPECT_EQ(*rule.options.key, "s3cr3t");
  EXPECT_EQ(rule.url->path.find("s3cr3t"), std::string::npos);
}

// Guide, "Nachrichten an den Syslog-Server senden": the request and success messages.
TEST_F(PhoneMacrosTest, GuideSyslogMessages) {
  state_.url = *parse_provisioning_url("tftp://192.168.1.200/basic.txt");
  state_.server_ip = "192.168.1.200";
  auto request = store_.registry().find("Log_Request_Msg");
  auto success = store_.registry().find("Log_Success_Msg");
  ASSERT_TRUE(request && success);
  EXPECT_EQ(expand(store_.value(*request)),
            "CP-78xx-3PCC 00:0e:08:ab:cd:ef -- Requesting resync tftp://192.168.1.200:69/basic.txt");
  EXPECT_EQ(expand(store_.value(*success)),
            "CP-78xx-3PCC 00:0e:08:ab:cd:ef -- Successful resync tftp://192.168.1.200:69/basic.txt");
  state_.result = "file not found";
  auto failure = store_.registry().find("Log_Failure_Msg");
  ASSERT_TRUE(failure);
  EXPECT_EQ(expand(store_.value(*failure)),
            "CP-78xx-3PCC 00:0e:08:ab:cd:ef -- Resync failed: file not found");
}

// Guide, Resync_Trigger_1 example (German translation writes "und").
TEST_F(PhoneMacrosTest, GuideTriggerExpression) {
  state_.upgrade_age_s = 301;
  state_.resync_age_s = 600;
  auto result = evaluate_condition(expand("$UPGTMR gt 300 und $PRVTMR ge 600"));
  ASSERT_TRUE(result);
  EXPECT_TRUE(*result);
  state_.resync_age_s = 599;
  result = evaluate_condition(expand("$UPGTMR gt 300 and $PRVTMR ge 600"));
  ASSERT_TRUE(result);
  EXPECT_FALSE(*result);
}

// Guide, "Systemprotokoll-Parameter": each Syslog_Identifier choice is a macro naming the phone
// (c4:b9:cd:81:1e:29 in the guide).
TEST_F(PhoneMacrosTest, GuideSyslogIdentifierExamples) {
  identity_.mac = {0xc4, 0xb9, 0xcd, 0x81, 0x1e, 0x29};
  const std::pair<std::string_view, std::string_view> examples[] = {
      {"$MA", "c4b9cd811e29"},
      {"$MAU", "C4B9CD811E29"},
      {"$MAC", "c4:b9:cd:81:1e:29"},
      {"$SN", "88012BA01234"},
  };
  auto identifier = store_.registry().find("Syslog_Identifier");
  ASSERT_TRUE(identifier);
  for (const auto& [choice, expected] : examples) {
    set("Syslog_Identifier", choice);
    EXPECT_EQ(expand(store_.value(*identifier)), expected) << choice;
  }
}

// Reference §6: the upgrade templates; after a successful upgrade $ERR holds the new load.
TEST_F(PhoneMacrosTest, ReferenceUpgradeLogMessages) {
  state_.url = *parse_provisioning_url("http://192.168.1.5/image/sip88xx.11-2-3MSR1-1.loads");
  state_.server_ip = "192.168.1.5";
  auto request = store_.registry().find("Log_Upgrade_Request_Msg");
  auto success = store_.registry().find("Log_Upgrade_Success_Msg");
  auto failure = store_.registry().find("Log_Upgrade_Failure_Msg");
  ASSERT_TRUE(request && success && failure);
  EXPECT_EQ(expand(store_.value(*request)),
            "CP-78xx-3PCC 00:0e:08:ab:cd:ef -- Requesting upgrade "
            "http://192.168.1.5:80/image/sip88xx.11-2-3MSR1-1.loads");
  state_.result = "sip88xx.11-2-3MSR1-1";
  EXPECT_EQ(expand(store_.value(*success)),
            "CP-78xx-3PCC 00:0e:08:ab:cd:ef -- Successful upgrade "
            "http://192.168.1.5:80/image/sip88xx.11-2-3MSR1-1.loads -- sip88xx.11-2-3MSR1-1");
  state_.result = "http_get failed";
  EXPECT_EQ(expand(store_.value(*failure)),
            "CP-78xx-3PCC 00:0e:08:ab:cd:ef -- Upgrade failed: http_get failed");
}

// Reference §6: the SPA ATA guides' success template ends in " -- $ERR"; a profile may set it.
TEST_F(PhoneMacrosTest, ReferenceSpaSuccessTemplateWithErr) {
  state_.url = *parse_provisioning_url("tftp://192.168.1.200/basic.txt");
  state_.server_ip = "192.168.1.200";
  state_.result = "";
  EXPECT_EQ(expand("$PN $MAC -- Successful resync $SCHEME://$SERVIP:$PORT$PATH -- $ERR"),
            "CP-78xx-3PCC 00:0e:08:ab:cd:ef -- Successful resync "
            "tftp://192.168.1.200:69/basic.txt -- ");
}

// Reference §2 table: the agent-state and URL macros.
TEST_F(PhoneMacrosTest, ReferenceAgentStateMacros) {
  identity_.hardware_version = "1.0.0";
  identity_.ip_address = "192.168.1.100";
  state_.resync_reason = -1;
  state_.upgrade_attempt = 2;
  state_.upgrade_error = "http_get failed";
  state_.line2_unregistered_s = 45;
  state_.url = *parse_provisioning_url("https://my.server.com/basic.txt");
  EXPECT_EQ(expand("$PRVST|$UPGST|$UPGERR|$REGTMR2|$HWVER|$IP"),
            "-1|2|http_get failed|45|1.0.0|192.168.1.100");
  EXPECT_EQ(expand("$SCHEME|$METH|$SERV|$PORT|$PATH"), "https|https|my.server.com|443|/basic.txt");
  // Unresolved and not yet running: left as written so that a log line shows what is missing.
  EXPECT_EQ(expand("$SERVIP $REGTMR1"), "$SERVIP $REGTMR1");
}

// Reference §3: quoted string conditions on $CCERT and $EXTIP, unquoted timer condition.
TEST_F(PhoneMacrosTest, ReferenceCertificateExternalIpAndTimerConditions) {
  auto holds = [this](std::string_view condition) {
    auto result = evaluate_condition(expand(condition));
    EXPECT_TRUE(result) << condition << ": " << (result ? "" : result.error().to_string());
    return result && *result;
  };
  state_.resync_age_s = 1200;
  EXPECT_FALSE(holds("\"$CCERT\" eq \"Installed\""));
  EXPECT_FALSE(holds("\"$EXTIP\" ne \"\""));
  EXPECT_FALSE(holds("$PRVTMR gt 1200"));
  identity_.client_certificate_installed = true;
  identity_.external_ip_address = "203.0.113.7";
  state_.resync_age_s = 1201;
  EXPECT_TRUE(holds("\"$CCERT\" eq \"Installed\""));
  EXPECT_TRUE(holds("\"$EXTIP\" ne \"\""));
  EXPECT_TRUE(holds("$PRVTMR gt 1200"));
}

// Reference §1: `($REGTMR1 eq 0)? http://p.tel.com/has-reg.cfg | [--post a] ...lost-reg?`.
TEST_F(PhoneMacrosTest, ReferenceRegistrationTimerRule) {
  constexpr std::string_view kRule =
      "($REGTMR1 eq 0)? http://p.tel.com/has-reg.cfg | [--post a] http://p.tel.com/lost-reg?";
  state_.line1_unregistered_s = 0;
  ResolvedRule registered = resolve(kRule);
  ASSERT_EQ(registered.outcome, RuleOutcome::Fetch);
  EXPECT_EQ(registered.url->to_string(), "http://p.tel.com:80/has-reg.cfg");
  state_.line1_unregistered_s = 90;
  ResolvedRule lost = resolve(kRule);
  ASSERT_EQ(lost.outcome, RuleOutcome::Fetch);
  EXPECT_EQ(lost.alternative_index, 1u);
  EXPECT_EQ(lost.options.post, 'A');
  EXPECT_EQ(lost.url->to_string(), "http://p.tel.com:80/lost-reg?");
}

// Reference §3: `($SWVER ge sip78xx.11-0-0MPP-7)? ...11-2-1MES-3.loads | ...11-0-0MPP-7.loads`
// against the running firmware.
TEST_F(PhoneMacrosTest, ReferenceUpgradeRuleByRunningVersion) {
  constexpr std::string_view kRule =
      "($SWVER ge sip78xx.11-0-0MPP-7)? http://S/sip78xx.11-2-1MES-3.loads | "
      "http://S/sip78xx.11-0-0MPP-7.loads";
  ServerSources sources;
  auto current = resolve_rule(RuleKind::Upgrade, kRule, macros_, sources);
  ASSERT_TRUE(current) << current.error().to_string();
  EXPECT_EQ(current->url->path, "/sip78xx.11-2-1MES-3.loads");
  identity_.software_version = "sip78xx.10-4-1MPP-220";
  auto old = resolve_rule(RuleKind::Upgrade, kRule, macros_, sources);
  ASSERT_TRUE(old) << old.error().to_string();
  EXPECT_EQ(old->url->path, "/sip78xx.11-0-0MPP-7.loads");
}

TEST_F(PhoneMacrosTest, TimerThatIsNotRunningStaysLiteralAndFailsLoudly) {
  EXPECT_EQ(expand("$PRVTMR"), "$PRVTMR");
  EXPECT_FALSE(evaluate_condition(expand("$PRVTMR gt 1200")));
}

TEST_F(PhoneMacrosTest, LineMacrosReadLineParameters) {
  set("User_ID_1_", "4711");
  set("Display_Name_2_", "Reception");
  // Line variables stop at line 10, so "$UID11" is $UID1 followed by "1".
  EXPECT_EQ(expand("$UID1/$DISPLAYNAME2/$UID3/$UID11"), "4711/Reception//47111");
}

TEST_F(PhoneMacrosTest, VersionConditionOnRunningFirmware) {
  auto result = evaluate_condition(expand("$SWVER ge sip78xx.11-3-2MPP0001-600"));
  ASSERT_TRUE(result) << result.error().to_string();
  EXPECT_TRUE(*result);
  result = evaluate_condition(expand("\"$SWVER\" eq \"sip78xx.11-3-2MPP0001-609\""));
  ASSERT_TRUE(result);
  EXPECT_TRUE(*result);
}

TEST_F(PhoneMacrosTest, IdentityMacros) {
  identity_.client_certificate_installed = true;
  EXPECT_EQ(expand("$PN $PSN $SN $SERIAL_NUMBER $CCERT $ISCUST $UPGCOND"),
            "CP-78xx-3PCC 7861 88012BA01234 88012BA01234 Installed 0 true");
}

TEST_F(PhoneMacrosTest, AlternativeChosenByProvisioningState) {
  set("GPP_A", "Provisioned");
  ResolvedRule rule = resolve(
      "(\"$A\" ne \"Provisioned\")? (Line_Enable_1_ = \"No\";)! https://p.tel.com/init-prov | "
      "https://p.tel.com/configs");
  ASSERT_EQ(rule.outcome, RuleOutcome::Fetch);
  EXPECT_EQ(rule.alternative_index, 1u);
  EXPECT_EQ(rule.url->to_string(), "https://p.tel.com:443/configs");
}

}  // namespace
}  // namespace fw
