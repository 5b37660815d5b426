#include "firmware-core/config/profile_apply.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/param_id.h"

namespace fw {
namespace {

using test::id;

// Every test runs once per XML parser built in (tinyxml2, and pugixml with PHONESIM_FAST_BACKEND):
// both must give the same results. apply() uses the current one.
XmlParser current_parser = XmlParser::Tinyxml2;

class ProfileApplyTest : public ::testing::TestWithParam<XmlParser> {
 protected:
  void SetUp() override { current_parser = GetParam(); }
};

std::vector<XmlParser> built_in_parsers() {
  std::vector<XmlParser> parsers;
  for (XmlParser parser : {XmlParser::Tinyxml2, XmlParser::Pugixml}) {
    if (xml_parser_available(parser))
      parsers.push_back(parser);
  }
  return parsers;
}

INSTANTIATE_TEST_SUITE_P(Parsers, ProfileApplyTest, ::testing::ValuesIn(built_in_parsers()),
                         [](const ::testing::TestParamInfo<XmlParser>& parser) {
                           return parser.param == XmlParser::Tinyxml2 ? "tinyxml2" : "pugixml";
                         });

Result<ApplyReport> apply(ConfigStore& store, std::string_view xml, ProfileLimits limits = {}) {
  limits.xml_parser = current_parser;
  return apply_flat_profile(store, as_bytes(xml), limits);
}

ApplyReport apply_xml(ConfigStore& store, std::string_view xml, const ProfileLimits& limits = {}) {
  auto report = apply(store, xml, limits);
  EXPECT_TRUE(report.has_value()) << report.error().to_string();
  return report ? std::move(*report) : ApplyReport{};
}

std::string value(const ConfigStore& store, std::string_view name) {
  return std::string(store.value(id(name)));
}

// --- Examples from provisioning-methods.de.txt
// ----------------------------------------------------

TEST_P(ProfileApplyTest, GuideBasicTxtSetsGppA) {
  ConfigStore store;
  ApplyReport report =
      apply_xml(store, "<flat-profile>\n  <GPP_A> 12345678\n</GPP_A>\n</flat-profile>\n");
  EXPECT_EQ(value(store, "GPP_A"), "12345678");
  ASSERT_EQ(report.changes.size(), 1u);
  EXPECT_EQ(report.changes[0].id, id("GPP_A"));
  EXPECT_EQ(report.changes[0].old_value, "");
  EXPECT_EQ(report.changes[0].new_value, "12345678");
}

TEST_P(ProfileApplyTest, GuideBasic2TxtSetsGppBAndKeepsGppA) {
  ConfigStore store;
  apply_xml(store, "<flat-profile>\n  <GPP_A> 12345678\n</GPP_A>\n</flat-profile>\n");
  apply_xml(store, "<flat-profile>\n<GPP_B>ABCD</GPP_B>\n</flat-profile>");
  EXPECT_EQ(value(store, "GPP_A"), "12345678");
  EXPECT_EQ(value(store, "GPP_B"), "ABCD");
}

TEST_P(ProfileApplyTest, GuideSyslogServer) {
  ConfigStore store;
  apply_xml(store, "<flat-profile><Syslog_Server>192.168.1.210</Syslog_Server></flat-profile>");
  EXPECT_EQ(value(store, "Syslog_Server"), "192.168.1.210");
  apply_xml(store,
            "<flat-profile><Syslog_Server ua=\"na\">10.74.30.84</Syslog_Server></flat-profile>");
  EXPECT_EQ(value(store, "Syslog_Server"), "10.74.30.84");
}

TEST_P(ProfileApplyTest, GuideDebugServerAndLevel) {
  ConfigStore store;
  apply_xml(store,
            "<flat-profile><Debug_Server>192.168.1.210</Debug_Server>  \n"
            "<Debug_Level>3</Debug_Level></flat-profile>");
  EXPECT_EQ(value(store, "Debug_Server"), "192.168.1.210");
  EXPECT_EQ(store.integer(id("Debug_Level")), 3);
}

TEST_P(ProfileApplyTest, GuideSyslogIdentifierAndLogMessages) {
  ConfigStore store;
  ApplyReport report = apply_xml(
      store,
      "<flat-profile>\n"
      "<Syslog_Identifier ua=\"na\">$MAC</Syslog_Identifier>\n"
      "<Log_Request_Msg ua=\"na\">$PN $MAC -- Requesting resync $SCHEME://$SERVIP:$PORT$PATH"
      "</Log_Request_Msg>\n"
      "<Log_Success_Msg ua=\"na\">$PN $MAC -- Successful resync $SCHEME://$SERVIP:$PORT$PATH"
      "</Log_Success_Msg>\n"
      "<Log_Failure_Msg ua=\"na\">$PN $MAC -- Resync failed: $ERR</Log_Failure_Msg>\n"
      "</flat-profile>");
  EXPECT_EQ(value(store, "Syslog_Identifier"), "$MAC");
  // The log templates equal their defaults, so only the identifier is an override.
  ASSERT_EQ(report.changes.size(), 1u);
  EXPECT_EQ(store.override_count(), 1u);
}

TEST_P(ProfileApplyTest, GuideEmptyLogMessageDisablesIt) {
  ConfigStore store;
  apply_xml(store, "<flat-profile><Log_Request_Msg/></flat-profile>");
  EXPECT_EQ(value(store, "Log_Request_Msg"), "");
}

TEST_P(ProfileApplyTest, GuideProvisionEnableJaWithNoAccess) {
  ConfigStore store;
  apply_xml(store, "<flat-profile><Provision_Enable>Nein</Provision_Enable></flat-profile>");
  EXPECT_FALSE(store.boolean(id("Provision_Enable")));
  apply_xml(store,
            "<flat-profile><Provision_Enable ua=\"na\">Ja</Provision_Enable></flat-profile>");
  EXPECT_EQ(value(store, "Provision_Enable"), "Yes");
  EXPECT_EQ(store.access(id("Provision_Enable")), Access::NoAccess);
}

TEST_P(ProfileApplyTest, GuideGermanBooleansOfTheResyncTable) {
  ConfigStore store;
  apply_xml(store,
            "<flat-profile>\n"
            "<Resync_On_Reset ua=\"na\">Ja</Resync_On_Reset>\n"
            "<Resync_From_SIP ua=\"na\">Ja</Resync_From_SIP>\n"
            "<Resync_After_Upgrade_Attempt ua=\"na\">Ja</Resync_After_Upgrade_Attempt>\n"
            "<User_Configurable_Resync ua=\"na\">Ja</User_Configurable_Resync>\n"
            "<Resync_Fails_On_FNF ua=\"na\">Ja</Resync_Fails_On_FNF>\n"
            "<MIC_Cert_Refresh_Enable ua=\"na\">Ja</MIC_Cert_Refresh_Enable>\n"
            "</flat-profile>");
  for (std::string_view name :
       {"Resync_On_Reset", "Resync_From_SIP", "Resync_After_Upgrade_Attempt",
        "User_Configurable_Resync", "Resync_Fails_On_FNF", "MIC_Cert_Refresh_Enable"}) {
    EXPECT_EQ(value(store, name), "Yes") << name;
  }
  apply_xml(store, "<flat-profile><Resync_Fails_On_FNF>Nein</Resync_Fails_On_FNF></flat-profile>");
  EXPECT_FALSE(store.boolean(id("Resync_Fails_On_FNF")));
}

TEST_P(ProfileApplyTest, GuideResyncOnResetYes) {
  ConfigStore store;
  apply_xml(store, "<flat-profile><Resync_On_Reset>No</Resync_On_Reset></flat-profile>");
  apply_xml(store, "<flat-profile><Resync_On_Reset>Yes</Resync_On_Reset></flat-profile>");
  EXPECT_TRUE(store.boolean(id("Resync_On_Reset")));
}

TEST_P(ProfileApplyTest, GuideResyncNumbers) {
  ConfigStore store;
  apply_xml(store,
            "<flat-profile>\n"
            "<Resync_Random_Delay ua=\"na\">2</Resync_Random_Delay>\n"
            "<Resync_At__HHmm_ ua=\"na\">0959</Resync_At__HHmm_>\n"
            "<Resync_At_Random_Delay ua=\"na\">600</Resync_At_Random_Delay>\n"
            "<Forced_Resync_Delay ua=\"na\">14400</Forced_Resync_Delay>\n"
            "</flat-profile>");
  EXPECT_EQ(store.integer(id("Resync_Random_Delay")), 2);
  ASSERT_TRUE(store.hhmm(id("Resync_At__HHmm_")).has_value());
  EXPECT_EQ(*store.hhmm(id("Resync_At__HHmm_")), (Hhmm{9, 59}));
  EXPECT_EQ(store.integer(id("Resync_At_Random_Delay")), 600);
  EXPECT_EQ(store.integer(id("Forced_Resync_Delay")), 14400);
}

// Guide: Resync_At_Random_Delay is "valid from 600", yet a smaller value means a 0..600 s window
// (decisions.md), so it must be stored, not rejected.
TEST_P(ProfileApplyTest, GuideResyncAtRandomDelayBelowSixHundred) {
  ConfigStore store;
  ApplyReport report = apply_xml(
      store, "<flat-profile><Resync_At_Random_Delay>300</Resync_At_Random_Delay></flat-profile>");
  EXPECT_TRUE(report.invalid_values.empty());
  EXPECT_EQ(store.integer(id("Resync_At_Random_Delay")), 300);
}

TEST_P(ProfileApplyTest, GuideResyncPeriodicForms) {
  ConfigStore store;
  const std::pair<std::string_view, std::string_view> forms[] = {
      {"30", "30"},
      {"3000", "3000"},
      {"600 , 1200 , 300", "600,1200,300"},
      {"2400 + 30", "2400+30"},
      {"3600", "3600"},
      {"0", "0"}};
  for (const auto& [raw, normalized] : forms) {
    apply_xml(store, "<flat-profile><Resync_Periodic ua=\"na\">" + std::string(raw) +
                         "</Resync_Periodic></flat-profile>");
    EXPECT_EQ(value(store, "Resync_Periodic"), normalized) << raw;
  }
  EXPECT_TRUE(store.schedule(id("Resync_Periodic")).disabled());
}

TEST_P(ProfileApplyTest, GuideResyncErrorRetryDelay) {
  ConfigStore store;
  apply_xml(store,
            "<flat-profile><Resync_Error_Retry_Delay>30</Resync_Error_Retry_Delay>"
            "</flat-profile>");
  EXPECT_EQ(value(store, "Resync_Error_Retry_Delay"), "30");
  apply_xml(store,
            "<flat-profile><Resync_Error_Retry_Delay>600 , 1200 , 300"
            "</Resync_Error_Retry_Delay></flat-profile>");
  EXPECT_EQ(store.schedule(id("Resync_Error_Retry_Delay")).entries().size(), 3u);
}

TEST_P(ProfileApplyTest, GuideDefaultErrorRetryListRestoresTheDefault) {
  ConfigStore store;
  apply_xml(store,
            "<flat-profile><Resync_Error_Retry_Delay>300</Resync_Error_Retry_Delay>"
            "</flat-profile>");
  apply_xml(store,
            "<flat-profile><Resync_Error_Retry_Delay ua=\"na\">60,120,240,480,960,1920,3840,7680,"
            "15360,30720,61440,86400</Resync_Error_Retry_Delay></flat-profile>");
  EXPECT_TRUE(store.is_default(id("Resync_Error_Retry_Delay")));
  EXPECT_EQ(store.schedule(id("Resync_Error_Retry_Delay")).at_attempt(99)->delay_s, 86400u);
}

TEST_P(ProfileApplyTest, GuideResyncTriggers) {
  ConfigStore store;
  apply_xml(store,
            "<flat-profile>\n"
            "<Resync_Trigger_1 ua=\"na\">$UPGTMR gt 300 und $PRVTMR ge 600</Resync_Trigger_1>\n"
            "<Resync_Trigger_2 ua=\"na\"/>\n"
            "</flat-profile>");
  EXPECT_EQ(value(store, "Resync_Trigger_1"), "$UPGTMR gt 300 und $PRVTMR ge 600");
  EXPECT_EQ(value(store, "Resync_Trigger_2"), "");
}

TEST_P(ProfileApplyTest, GuideProfileAuthenticationTypeInGerman) {
  ConfigStore store;
  apply_xml(store,
            "<flat-profile><Profile_Authentication_Type>Deaktiviert"
            "</Profile_Authentication_Type></flat-profile>");
  EXPECT_EQ(value(store, "Profile_Authentication_Type"), "Disabled");
  apply_xml(
      store,
      "<flat-profile>\n<Profile_Authentication_Type ua=\"na\">Grundlegende\n"
      "                    HTTP-Authentifizierung</Profile_Authentication_Type>\n</flat-profile>");
  EXPECT_EQ(value(store, "Profile_Authentication_Type"), "Basic Http Authentication");
  EXPECT_TRUE(store.is_default(id("Profile_Authentication_Type")));
}

TEST_P(ProfileApplyTest, GuideProfileRulesWithAccessOnlyElements) {
  ConfigStore store;
  apply_xml(store,
            "<flat-profile><Profile_Rule_B>tftp://192.168.1.200/basic2.txt</Profile_Rule_B>"
            "</flat-profile>");
  apply_xml(store,
            "<flat-profile>\n"
            "<Profile_Rule ua=\"na\">/$PSN.xml</Profile_Rule>\n"
            "<Profile_Rule_B ua=\"na\"/>\n"
            "<Profile_Rule_C ua=\"na\"/>\n"
            "<Profile_Rule_D ua=\"na\"/>\n"
            "</flat-profile>");
  EXPECT_EQ(value(store, "Profile_Rule"), "/$PSN.xml");
  // decisions.md: an empty element carrying only `ua` leaves the value.
  EXPECT_EQ(value(store, "Profile_Rule_B"), "tftp://192.168.1.200/basic2.txt");
  EXPECT_EQ(store.access(id("Profile_Rule_B")), Access::NoAccess);
}

TEST_P(ProfileApplyTest, GuideProfileRuleSpreadOverLines) {
  ConfigStore store;
  apply_xml(store,
            "<flat-profile>\n<Profile_Rule>\n  tftp://192.168.1.200/CP-6841-3PCC$MA.cfg\n"
            "</Profile_Rule>\n<Profile_Rule_B>tftp://192.168.1.200/basic2.txt\n"
            "</Profile_Rule_B>\n</flat-profile>");
  EXPECT_EQ(value(store, "Profile_Rule"), "tftp://192.168.1.200/CP-6841-3PCC$MA.cfg");
  EXPECT_EQ(value(store, "Profile_Rule_B"), "tftp://192.168.1.200/basic2.txt");
}

TEST_P(ProfileApplyTest, GuideProfileRuleForms) {
  ConfigStore store;
  for (std::string_view rule :
       {"tftp://192.168.1.200/basic.txt.gz", "[--key MyOwnSecret] tftp://192.168.1.200/basic.cfg",
        "http://192.168.1.200/basic.txt", "tftp://prov.telco.com:6900/cisco/config/$PN.cfg",
        "tftp://prov.telco.com/cisco/$B/$MA.cfg", "https://my.server.com/basic.txt",
        "https://prov.server.com/cgi-bin/reflect.pl?", "gds://"}) {
    apply_xml(store, "<flat-profile><Profile_Rule>\n" + std::string(rule) +
                         "\n</Profile_Rule></flat-profile>");
    EXPECT_EQ(value(store, "Profile_Rule"), rule);
  }
}

TEST_P(ProfileApplyTest, GuideGppBMacroValue) {
  ConfigStore store;
  apply_xml(store, "<flat-profile><GPP_B>Dj6Lmp23Q</GPP_B></flat-profile>");
  EXPECT_EQ(value(store, "GPP_B"), "Dj6Lmp23Q");
}

TEST_P(ProfileApplyTest, GuideReflectorScriptOutputInGppD) {
  ConfigStore store;
  apply_xml(store,
            "<flat-profile><GPP_D>OU=CP-8841-3PCC, \nL=88012BA01234, \nS=000e08abcdef \n"
            "</GPP_D></flat-profile>");
  EXPECT_EQ(value(store, "GPP_D"), "OU=CP-8841-3PCC,  L=88012BA01234,  S=000e08abcdef");
}

TEST_P(ProfileApplyTest, GuideDhcpOptionDefaults) {
  ConfigStore store;
  apply_xml(store,
            "<flat-profile><DHCP_Option_To_Use>66,160,159,150,60,43,125</DHCP_Option_To_Use>"
            "<DHCPv6_Option_To_Use>17.160.159</DHCPv6_Option_To_Use></flat-profile>");
  EXPECT_EQ(store.override_count(), 0u);
  EXPECT_EQ(store.integer_list(id("DHCPv6_Option_To_Use")),
            (std::vector<std::uint32_t>{17, 160, 159}));
}

TEST_P(ProfileApplyTest, GuideUpgradeRule) {
  ConfigStore store;
  apply_xml(store,
            "<flat-profile><Upgrade_Rule ua=\"na\">http://&lt;server ip address&gt;/"
            "sip88xx.11-2-3MSR1-1.loads</Upgrade_Rule></flat-profile>");
  EXPECT_EQ(value(store, "Upgrade_Rule"), "http://<server ip address>/sip88xx.11-2-3MSR1-1.loads");
  apply_xml(store,
            "<flat-profile><Upgrade_Rule>tftp://192.168.1.5/image/sip88xx.11-2-3MSR1-1.loads"
            "</Upgrade_Rule></flat-profile>");
  EXPECT_EQ(value(store, "Upgrade_Rule"), "tftp://192.168.1.5/image/sip88xx.11-2-3MSR1-1.loads");
}

TEST_P(ProfileApplyTest, GuidePrivacyHeaderGermanValues) {
  ConfigStore store;
  apply_xml(store,
            "<flat-profile>\n"
            "<Privacy_Header_1_ ua=\"na\">Deaktiviert</Privacy_Header_1_>\n"
            "<Privacy_Header_2_ ua=\"na\">Keine</Privacy_Header_2_>\n"
            "<Privacy_Header_3_ ua=\"na\">Kopfzeile</Privacy_Header_3_>\n"
            "<Privacy_Header_4_ ua=\"na\">Sitzung</Privacy_Header_4_>\n"
            "<Privacy_Header_5_ ua=\"na\">Benutzer</Privacy_Header_5_>\n"
            "<Privacy_Header_10_ ua=\"na\">ID</Privacy_Header_10_>\n"
            "</flat-profile>");
  EXPECT_EQ(value(store, "Privacy_Header_1_"), "Disabled");
  EXPECT_EQ(value(store, "Privacy_Header_2_"), "none");
  EXPECT_EQ(value(store, "Privacy_Header_3_"), "header");
  EXPECT_EQ(value(store, "Privacy_Header_4_"), "session");
  EXPECT_EQ(value(store, "Privacy_Header_5_"), "user");
  EXPECT_EQ(value(store, "Privacy_Header_10_"), "id");
}

TEST_P(ProfileApplyTest, GuideMicCertRefresh) {
  ConfigStore store;
  apply_xml(store,
            "<flat-profile>\n"
            "<MIC_Cert_Refresh_Enable ua=\"na\">Yes</MIC_Cert_Refresh_Enable>\n"
            "<MIC_Cert_Refresh_Rule ua=\"na\">http://sudirenewal.cisco.com/"
            "</MIC_Cert_Refresh_Rule>\n</flat-profile>");
  EXPECT_TRUE(store.boolean(id("MIC_Cert_Refresh_Enable")));
  EXPECT_EQ(value(store, "MIC_Cert_Refresh_Rule"), "http://sudirenewal.cisco.com/");
}

TEST_P(ProfileApplyTest, GuideCiscoHeadsetUpgradeRuleWithUaOnNextLine) {
  ConfigStore store;
  apply_xml(store,
            "<flat-profile>\n<Cisco_Headset_Upgrade_Rule\nua=\"rw\">"
            "tftp://10.74.51.81/prov/headset/1-6-0-162/ciscoheadsetfirmware.xml"
            "</Cisco_Headset_Upgrade_Rule>\n</flat-profile>");
  EXPECT_EQ(value(store, "Cisco_Headset_Upgrade_Rule"),
            "tftp://10.74.51.81/prov/headset/1-6-0-162/ciscoheadsetfirmware.xml");
  EXPECT_EQ(store.access(id("Cisco_Headset_Upgrade_Rule")), Access::ReadWrite);
}

// --- Transaction behaviour
// ------------------------------------------------------------------------

TEST_P(ProfileApplyTest, InvalidValueKeepsOldValueAndTheRestApplies) {
  ConfigStore store;
  apply_xml(store, "<flat-profile><Resync_Periodic>600</Resync_Periodic></flat-profile>");
  ApplyReport report = apply_xml(store,
                                 "<flat-profile>\n<GPP_A>1</GPP_A>\n"
                                 "<Resync_Periodic ua=\"rw\">soon</Resync_Periodic>\n"
                                 "<GPP_B>2</GPP_B>\n</flat-profile>");
  EXPECT_EQ(value(store, "Resync_Periodic"), "600");
  EXPECT_EQ(store.access(id("Resync_Periodic")), Access::NoAccess);  // skipped whole
  EXPECT_EQ(value(store, "GPP_A"), "1");
  EXPECT_EQ(value(store, "GPP_B"), "2");
  ASSERT_EQ(report.invalid_values.count, 1u);
  EXPECT_EQ(report.invalid_values.listed[0].name, "Resync_Periodic");
  EXPECT_EQ(report.invalid_values.listed[0].line, 3);
  EXPECT_EQ(report.invalid_values.listed[0].error.code, ErrorCode::InvalidValue);
  EXPECT_EQ(report.invalid_values.listed[0].error.detail,
            "line 3: Resync_Periodic: 'soon' is not a schedule (e.g. 3600, 600,1200,300 or "
            "2400+30)");
  EXPECT_EQ(report.changes.size(), 2u);
}

TEST_P(ProfileApplyTest, ParseErrorChangesNothing) {
  ConfigStore store;
  apply_xml(store, "<flat-profile><GPP_A>keep</GPP_A></flat-profile>");
  const ConfigStore before = [&] {
    ConfigDraft copy{store};
    return copy.build();
  }();
  auto result = apply(
      store, "<flat-profile><GPP_A>new</GPP_A><GPP_B>x</GPP_B><GPP_C></flat-profile>");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::ParseError);
  EXPECT_EQ(store, before);
}

TEST_P(ProfileApplyTest, LimitErrorsChangeNothing) {
  const std::string good = "<flat-profile><GPP_A>new</GPP_A><GPP_B>abcdefgh</GPP_B></flat-profile>";
  struct Case {
    ProfileLimits limits;
    ErrorCode code;
  };
  ProfileLimits bytes;
  bytes.profile_bytes_max = good.size() - 1;
  ProfileLimits depth;
  depth.xml_depth_max = 1;
  ProfileLimits elements;
  elements.xml_elements_max = 2;
  ProfileLimits value_bytes;
  value_bytes.value_bytes_max = 7;
  for (const Case& each :
       {Case{bytes, ErrorCode::ProfileTooLarge}, Case{depth, ErrorCode::ProfileTooDeep},
        Case{elements, ErrorCode::ProfileTooManyElements},
        Case{value_bytes, ErrorCode::ValueTooLong}}) {
    ConfigStore store;
    auto result = apply(store, good, each.limits);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code, each.code);
    EXPECT_EQ(store, ConfigStore{});
  }
}

TEST_P(ProfileApplyTest, DuplicatesLastWins) {
  ConfigStore store;
  ApplyReport report = apply_xml(store,
                                 "<flat-profile><GPP_A>1</GPP_A><GPP_A ua=\"rw\">2</GPP_A>"
                                 "<GPP_A>3</GPP_A><GPP_A ua=\"ro\"/></flat-profile>");
  EXPECT_EQ(value(store, "GPP_A"), "3");
  EXPECT_EQ(store.access(id("GPP_A")), Access::ReadOnly);
  ASSERT_EQ(report.changes.size(), 1u);
  EXPECT_EQ(report.changes[0].new_value, "3");
}

TEST_P(ProfileApplyTest, LaterProfileOverridesEarlier) {
  ConfigStore store;
  apply_xml(store, "<flat-profile><GPP_A>first</GPP_A><GPP_B>b</GPP_B></flat-profile>");
  apply_xml(store, "<flat-profile><GPP_A>second</GPP_A></flat-profile>");
  EXPECT_EQ(value(store, "GPP_A"), "second");
  EXPECT_EQ(value(store, "GPP_B"), "b");  // unspecified parameters stay
}

TEST_P(ProfileApplyTest, MissingUaKeepsCurrentAccess) {
  ConfigStore store;
  apply_xml(store, "<flat-profile><GPP_A ua=\"rw\">1</GPP_A></flat-profile>");
  apply_xml(store, "<flat-profile><GPP_A>2</GPP_A></flat-profile>");
  EXPECT_EQ(store.access(id("GPP_A")), Access::ReadWrite);
}

TEST_P(ProfileApplyTest, EmptyElementSetsEmptyValue) {
  ConfigStore store;
  apply_xml(store, "<flat-profile><GPP_A>1</GPP_A><GPP_B>2</GPP_B></flat-profile>");
  apply_xml(store, "<flat-profile><GPP_A/><GPP_B></GPP_B><Profile_Rule/></flat-profile>");
  EXPECT_EQ(value(store, "GPP_A"), "");
  EXPECT_EQ(value(store, "GPP_B"), "");
  EXPECT_EQ(value(store, "Profile_Rule"), "");
  EXPECT_TRUE(store.value_overridden(id("Profile_Rule")));
}

TEST_P(ProfileApplyTest, EmptyElementForATypeThatNeedsAValueIsInvalid) {
  ConfigStore store;
  ApplyReport report = apply_xml(store, "<flat-profile><Provision_Enable/></flat-profile>");
  EXPECT_EQ(value(store, "Provision_Enable"), "Yes");
  ASSERT_EQ(report.invalid_values.count, 1u);
}

TEST_P(ProfileApplyTest, UnknownElementsAreReportedAndIgnored) {
  ConfigStore store;
  ApplyReport report = apply_xml(store,
                                 "<flat-profile>\n<Dial_Plan_1_>(x.)</Dial_Plan_1_>\n"
                                 "<GPP_A>1</GPP_A></flat-profile>");
  EXPECT_EQ(value(store, "GPP_A"), "1");
  ASSERT_EQ(report.unknown_elements.count, 1u);
  EXPECT_EQ(report.unknown_elements.listed[0].name, "Dial_Plan_1_");
  EXPECT_EQ(report.unknown_elements.listed[0].line, 2);
}

TEST_P(ProfileApplyTest, CountsEveryIssueAndListsTheFirstFew) {
  std::string xml = "<flat-profile>\n";
  for (std::size_t i = 0; i < kIssuesListedMax + 2; ++i)
    xml += "<Unknown_" + std::to_string(i) + "/>\n<Resync_Periodic>x</Resync_Periodic>\n";
  xml += "<GPP_A>1</GPP_A></flat-profile>";

  ConfigStore store;
  ApplyReport report = apply_xml(store, xml);
  EXPECT_EQ(value(store, "GPP_A"), "1");
  EXPECT_EQ(report.unknown_elements.count, kIssuesListedMax + 2);
  EXPECT_EQ(report.invalid_values.count, kIssuesListedMax + 2);
  ASSERT_EQ(report.unknown_elements.listed.size(), kIssuesListedMax);
  ASSERT_EQ(report.invalid_values.listed.size(), kIssuesListedMax);
  EXPECT_EQ(report.unknown_elements.listed.back().name,
            "Unknown_" + std::to_string(kIssuesListedMax - 1));
  EXPECT_EQ(report.unknown_elements.listed.back().line, 2 * static_cast<int>(kIssuesListedMax));
  EXPECT_EQ(report.invalid_values.listed.back().line, 2 * static_cast<int>(kIssuesListedMax) + 1);
  const std::string text = report.to_string(store.registry());
  EXPECT_NE(text.find("skipped 2 more unknown elements\n"), std::string::npos) << text;
  EXPECT_NE(text.find("skipped 2 more invalid values\n"), std::string::npos) << text;

  ProfileLimits limits;
  limits.issues_listed_max = kIssuesListedAll;
  ConfigStore every;
  ApplyReport full = apply_xml(every, xml, limits);
  EXPECT_EQ(full.unknown_elements.listed.size(), kIssuesListedMax + 2);
  EXPECT_EQ(full.invalid_values.listed.size(), kIssuesListedMax + 2);
  EXPECT_EQ(full.invalid_values.listed.back().line, 2 * static_cast<int>(kIssuesListedMax) + 5);
  EXPECT_TRUE(every == store);
}

TEST_P(ProfileApplyTest, ReportListsChangesInRegistryOrder) {
  ConfigStore store;
  ApplyReport report = apply_xml(store,
                                 "<flat-profile><GPP_B>2</GPP_B><Provision_Enable>No"
                                 "</Provision_Enable><GPP_A ua=\"rw\"/></flat-profile>");
  ASSERT_EQ(report.changes.size(), 3u);
  EXPECT_EQ(report.changes[0].id, id("Provision_Enable"));
  EXPECT_EQ(report.changes[1].id, id("GPP_A"));
  EXPECT_FALSE(report.changes[1].value_changed);
  EXPECT_TRUE(report.changes[1].access_changed);
  EXPECT_EQ(report.changes[2].id, id("GPP_B"));
  EXPECT_EQ(report.to_string(store.registry()),
            "changed Provision_Enable: 'Yes' -> 'No'\n"
            "changed GPP_A: ua na -> rw\n"
            "changed GPP_B: '' -> '2'\n");
}

TEST_P(ProfileApplyTest, SameValueAgainIsNoChange) {
  ConfigStore store;
  apply_xml(store, "<flat-profile><GPP_A>1</GPP_A></flat-profile>");
  ApplyReport report = apply_xml(store, "<flat-profile><GPP_A>1</GPP_A></flat-profile>");
  EXPECT_FALSE(report.changed());
}

TEST_P(ProfileApplyTest, SecretsNeverAppearInReports) {
  ConfigStore store;
  ApplyReport report = apply_xml(
      store,
      "<flat-profile>\n<GPP_SA>topsecret1</GPP_SA>\n<Password_1_>hunter2</Password_1_>\n"
      "<Admin_Passwd>bad\x01secret</Admin_Passwd>\n"
      "<User_Password>" +
          std::string(kNameBytesMax + 1, 'p') +
          "</User_Password>\n"
          "<IKM_HTTP_Encrypt_Content>ikmvalue</IKM_HTTP_Encrypt_Content>\n</flat-profile>");
  EXPECT_EQ(value(store, "GPP_SA"), "topsecret1");
  EXPECT_EQ(value(store, "Password_1_"), "hunter2");
  ASSERT_EQ(report.changes.size(), 3u);
  for (const ParameterChange& change : report.changes) {
    EXPECT_TRUE(change.value_changed);
    EXPECT_EQ(change.old_value, "*****");
    EXPECT_EQ(change.new_value, "*****");
  }
  ASSERT_EQ(report.invalid_values.count, 2u);
  EXPECT_EQ(report.invalid_values.listed[1].error.code, ErrorCode::ValueTooLong);
  const std::string text = report.to_string(store.registry());
  for (std::string_view secret : {"topsecret1", "hunter2", "secret", "ppp", "ikmvalue"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in\n" << text;
  }
  EXPECT_NE(text.find("Admin_Passwd: '*****' contains control characters"), std::string::npos)
      << text;
}

TEST_P(ProfileApplyTest, InvalidUaSkipsTheElement) {
  ConfigStore store;
  ApplyReport report =
      apply_xml(store, "<flat-profile><GPP_A ua=\"admin\">1</GPP_A></flat-profile>");
  EXPECT_TRUE(store.is_default(id("GPP_A")));
  ASSERT_EQ(report.invalid_values.count, 1u);
}

TEST_P(ProfileApplyTest, InvalidIssuesAreInDocumentOrder) {
  ConfigStore store;
  ApplyReport report = apply_xml(store,
                                 "<flat-profile>\n<Debug_Level>9</Debug_Level>\n"
                                 "<GPP_A ua=\"zz\">1</GPP_A>\n<Debug_Level>8</Debug_Level>\n"
                                 "</flat-profile>");
  ASSERT_EQ(report.invalid_values.count, 3u);
  EXPECT_EQ(report.invalid_values.listed[0].line, 2);
  EXPECT_EQ(report.invalid_values.listed[1].line, 3);
  EXPECT_EQ(report.invalid_values.listed[2].line, 4);
}

TEST_P(ProfileApplyTest, SetParameterValidatesLikeAProfile) {
  ConfigStore store;
  auto change = set_parameter(store, "Resync_Periodic", "600 , 1200", Access::ReadWrite);
  ASSERT_TRUE(change.has_value()) << change.error().to_string();
  EXPECT_TRUE(change->value_changed);
  EXPECT_TRUE(change->access_changed);
  EXPECT_EQ(change->old_value, "3600");
  EXPECT_EQ(change->new_value, "600,1200");
  EXPECT_EQ(value(store, "Resync_Periodic"), "600,1200");
  EXPECT_EQ(store.access(id("Resync_Periodic")), Access::ReadWrite);
}

TEST_P(ProfileApplyTest, SetParameterKeepsOldValueOnInvalidInput) {
  ConfigStore store;
  ASSERT_TRUE(set_parameter(store, "Debug_Level", "2").has_value());
  auto bad = set_parameter(store, "Debug_Level", "7", Access::ReadWrite);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::InvalidValue);
  EXPECT_EQ(bad.error().detail, "Debug_Level: '7' is out of range (0..3)");
  EXPECT_EQ(value(store, "Debug_Level"), "2");
  EXPECT_EQ(store.access(id("Debug_Level")), Access::NoAccess);
}

TEST_P(ProfileApplyTest, SetParameterRejectsUnknownNames) {
  ConfigStore store;
  auto bad = set_parameter(store, "gpp_a", "1");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::UnknownParameter);
  EXPECT_EQ(store, ConfigStore{});
}

TEST_P(ProfileApplyTest, SetParameterMasksSecrets) {
  ConfigStore store;
  auto change = set_parameter(store, "GPP_SB", "s3cr3t");
  ASSERT_TRUE(change.has_value());
  EXPECT_EQ(change->to_string(store.registry()), "GPP_SB: '*****' -> '*****'");
  EXPECT_EQ(value(store, "GPP_SB"), "s3cr3t");
}

TEST_P(ProfileApplyTest, DiffStoresFindsRemovedOverrides) {
  ConfigStore before;
  apply_xml(before, "<flat-profile><GPP_A>1</GPP_A><GPP_C>3</GPP_C></flat-profile>");
  ConfigStore after;
  apply_xml(after, "<flat-profile><GPP_B>2</GPP_B><GPP_C>3</GPP_C></flat-profile>");
  const auto changes = diff_stores(before, after);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].id, id("GPP_A"));
  EXPECT_EQ(changes[0].new_value, "");
  EXPECT_EQ(changes[1].id, id("GPP_B"));
}

}  // namespace
}  // namespace fw
