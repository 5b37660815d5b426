#include "firmware-core/agent/provisioning_agent.h"

#include <algorithm>
#include <array>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "firmware-core/agent/resync_schedule.h"
#include "tests/firmware-core/agent/agent_test_driver.h"

namespace fw {
namespace {

using agent_test::AgentDriver;
using agent_test::kWallDayStart;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::string_view kBasic = "<GPP_A>12345678</GPP_A>";
const std::string kBasicUrl = "tftp://192.168.1.200:69/basic.txt";

// --- One test per procedure of the guide chapter (provisioning-methods.de.txt) ---------------

// "TFTP-Resynchronisierung": /admin/resync?tftp://192.168.1.200/basic.txt sets GPP_A.
TEST(ProvisioningAgentGuideTest, TftpResyncFromAdminUrl) {
  AgentDriver phone;
  phone.set("Resync_On_Reset", "No");
  phone.serve_xml(kBasicUrl, kBasic);
  phone.power_on();
  EXPECT_EQ(phone.value("GPP_A"), "");
  phone.send(AdminResync{"tftp://192.168.1.200/basic.txt"});
  ASSERT_EQ(phone.fetches().size(), 1u);
  EXPECT_EQ(phone.fetches()[0].url, kBasicUrl);
  EXPECT_EQ(phone.fetches()[0].prvst, -1);
  EXPECT_EQ(phone.value("GPP_A"), "12345678");
  EXPECT_EQ(phone.config_changes(), 1u);
  // The one-shot rule is not stored.
  EXPECT_EQ(phone.value("Profile_Rule"), "/$PSN.xml");
}

// "Syslog zum Protokollieren von Nachrichten verwenden" and "Nachrichten an den Syslog-Server
// senden": two messages per resync, with the default templates.
TEST(ProvisioningAgentGuideTest, SyslogRequestAndSuccessMessages) {
  AgentDriver phone;
  phone.set("Resync_On_Reset", "No");
  phone.set("Syslog_Server", "192.168.1.210");
  phone.serve_xml(kBasicUrl, kBasic);
  phone.power_on();
  phone.send(AdminResync{"tftp://192.168.1.200/basic.txt"});
  EXPECT_THAT(phone.syslog_messages(),
              ElementsAre("CP-78xx-3PCC 00:0e:08:ab:cd:ef -- Requesting resync "
                          "tftp://192.168.1.200:69/basic.txt",
                          "CP-78xx-3PCC 00:0e:08:ab:cd:ef -- Successful resync "
                          "tftp://192.168.1.200:69/basic.txt"));
  ASSERT_EQ(phone.syslog().size(), 2u);
  EXPECT_EQ(phone.syslog()[0].action.destination, (SyslogDestination{"192.168.1.210", 514}));
  EXPECT_EQ(phone.syslog()[0].action.identifier, "");  // Syslog_Identifier None
}

// Debug_Server receives the same messages; Syslog_Identifier goes into the identifier field.
TEST(ProvisioningAgentGuideTest, DebugServerAndIdentifier) {
  AgentDriver phone;
  phone.set("Resync_On_Reset", "No");
  phone.set("Syslog_Server", "192.168.1.210");
  phone.set("Debug_Server", "192.168.1.211:5140");
  phone.set("Debug_Level", "3");
  phone.set("Syslog_Identifier", "$MAC");
  phone.serve_xml(kBasicUrl, kBasic);
  phone.power_on();
  phone.send(AdminResync{"tftp://192.168.1.200/basic.txt"});
  ASSERT_EQ(phone.syslog().size(), 4u);
  EXPECT_EQ(phone.syslog()[1].action.destination, (SyslogDestination{"192.168.1.211", 5140}));
  EXPECT_EQ(phone.syslog()[1].action.identifier, "00:0e:08:ab:cd:ef");
  EXPECT_EQ(phone.syslog()[0].action.message, phone.syslog()[1].action.message);
}

// The message parameters: an empty template sends nothing; the failure message carries $ERR.
TEST(ProvisioningAgentGuideTest, EmptyTemplateSendsNoMessageAndFailureCarriesErr) {
  AgentDriver phone;
  phone.set("Resync_On_Reset", "No");
  phone.set("Syslog_Server", "192.168.1.210");
  phone.set("Log_Request_Msg", "");
  phone.power_on();
  phone.send(AdminResync{"tftp://192.168.1.200/missing.txt"});
  EXPECT_THAT(phone.syslog_messages(),
              ElementsAre("CP-78xx-3PCC 00:0e:08:ab:cd:ef -- Resync failed: file not found"));
  EXPECT_EQ(phone.syslog()[0].action.severity, SyslogSeverity::Warning);
  EXPECT_EQ(phone.agent().macro_state().result, "file not found");
}

// "Bereitstellung eines bestimmten IP-Telefonprofils auf einem TFTP-Server": $MA in the rule.
TEST(ProvisioningAgentGuideTest, PhoneSpecificProfileByMac) {
  AgentDriver phone;
  phone.set("Profile_Rule", "tftp://192.168.1.200/CP-6841-3PCC$MA.cfg");
  phone.serve_xml("tftp://192.168.1.200:69/CP-6841-3PCC000e08abcdef.cfg", kBasic);
  phone.power_on();
  ASSERT_EQ(phone.fetches().size(), 1u);
  EXPECT_EQ(phone.fetches()[0].prvst, 0);
  EXPECT_EQ(phone.value("GPP_A"), "12345678");
}

// "Erneute Synchronisierung mit HTTP GET": the rule points at the HTTP server; periodic
// resyncs then fetch from it.
TEST(ProvisioningAgentGuideTest, HttpGetResync) {
  AgentDriver phone;
  phone.set("Profile_Rule", "http://192.168.1.200/basic.txt");
  phone.set("Resync_Periodic", "30");
  phone.serve_xml("http://192.168.1.200:80/basic.txt", kBasic);
  phone.power_on();
  phone.run_until(60);
  EXPECT_THAT(phone.fetch_times(), ElementsAre(0, 30, 60));
  EXPECT_EQ(phone.fetches()[1].url, "http://192.168.1.200:80/basic.txt");
  EXPECT_EQ(phone.fetches()[1].prvst, 1);
}

// "Bereitstellung über Cisco XML": an ExecuteItem Resync:[profile-rule] is an explicit resync
// with a one-shot rule, macros expanded.
TEST(ProvisioningAgentGuideTest, CiscoXmlExecuteResync) {
  AgentDriver phone;
  phone.set("Resync_On_Reset", "No");
  phone.set("Resync_Trigger_1", "1 eq 2");  // explicit requests ignore triggers
  phone.serve_xml("http://prov.example.com:80/000e08abcdef.xml", kBasic);
  phone.power_on();
  phone.send(AdminResync{"http://prov.example.com/$MA.xml"});
  ASSERT_EQ(phone.fetches().size(), 1u);
  EXPECT_EQ(phone.value("GPP_A"), "12345678");
}

// "URL-Auflösung mit Makroerweiterung": port 6900 and GPP_B in the path.
TEST(ProvisioningAgentGuideTest, UrlResolutionWithMacroExpansion) {
  AgentDriver phone;
  phone.set("GPP_B", "Dj6Lmp23Q");
  phone.set("Profile_Rule", "tftp://prov.telco.com:6900/cisco/$B/$MA.cfg");
  phone.set("Syslog_Server", "192.168.1.210");
  phone.power_on();
  ASSERT_EQ(phone.fetches().size(), 1u);
  EXPECT_EQ(phone.fetches()[0].url, "tftp://prov.telco.com:6900/cisco/Dj6Lmp23Q/000e08abcdef.cfg");
  // $SERVIP is the host as written until the transport reports the address.
  EXPECT_EQ(phone.syslog_messages()[0],
            "CP-78xx-3PCC 00:0e:08:ab:cd:ef -- Requesting resync "
            "tftp://prov.telco.com:6900/cisco/Dj6Lmp23Q/000e08abcdef.cfg");
}

// "Ein Gerät automatisch resynchronisieren": Resync_Periodic 30 gives two resyncs a minute;
// with the server down the phone retries after Resync_Error_Retry_Delay (30).
TEST(ProvisioningAgentGuideTest, AutomaticResyncAndRetryWhenServerDown) {
  AgentDriver phone;
  phone.set("Profile_Rule", "tftp://192.168.1.200/basic.txt");
  phone.set("Resync_Periodic", "30");
  phone.set("Resync_Error_Retry_Delay", "30");
  phone.serve_xml(kBasicUrl, kBasic);
  phone.power_on();
  phone.run_until(60);
  EXPECT_THAT(phone.fetch_times(), ElementsAre(0, 30, 60));
  // Step 9: disable the TFTP server.
  phone.serve(kBasicUrl, ErrorCode::TftpTimeout);
  phone.run_until(150);
  EXPECT_THAT(phone.fetch_times(), ElementsAre(0, 30, 60, 90, 120, 150));
  EXPECT_EQ(phone.fetches()[4].prvst, 2);
  EXPECT_EQ(phone.status().consecutive_failures, 3u);
  ASSERT_TRUE(phone.status().next);
  EXPECT_EQ(phone.status().next->kind, ScheduleKind::Retry);
}

// "Grundlegende HTTPS-Resynchronisierung": Profile_Rule https://my.server.com/basic.txt; the
// syslog shows the HTTPS fetch, $SERVIP the address the transport reached.
TEST(ProvisioningAgentGuideTest, BasicHttpsResync) {
  AgentDriver phone;
  phone.set("Profile_Rule", "https://my.server.com/basic.txt");
  phone.set("Syslog_Server", "192.168.1.210");
  phone.serve_xml("https://my.server.com:443/basic.txt", kBasic);
  phone.answer_from_address("https://my.server.com:443/basic.txt", "192.168.1.201");
  phone.power_on();
  ASSERT_EQ(phone.fetches().size(), 1u);
  EXPECT_EQ(phone.value("GPP_A"), "12345678");
  EXPECT_THAT(phone.syslog_messages(),
              ElementsAre("CP-78xx-3PCC 00:0e:08:ab:cd:ef -- Requesting resync "
                          "https://my.server.com:443/basic.txt",
                          "CP-78xx-3PCC 00:0e:08:ab:cd:ef -- Successful resync "
                          "https://192.168.1.201:443/basic.txt"));
}

// "HTTPS mit Client-Zertifikat authentifizieren": a server that refuses the phone (or whose
// certificate the phone rejects) is a failed resync with backoff, $ERR from the error table.
TEST(ProvisioningAgentGuideTest, HttpsCertificateProblemsFailWithBackoff) {
  for (ErrorCode code : {ErrorCode::CertificateRejected, ErrorCode::TlsHandshakeFailed}) {
    AgentDriver phone;
    phone.set("Profile_Rule", "https://my.server.com/basic.txt");
    phone.serve("https://my.server.com:443/basic.txt", code);
    phone.power_on();
    EXPECT_EQ(phone.agent().macro_state().result, err_text(code));
    ASSERT_TRUE(phone.status().next);
    EXPECT_EQ(phone.status().next->kind, ScheduleKind::Retry);
  }
}

// "HTTPS-Server für Clientfilterung und dynamischen Inhalt konfigurieren": the reflector script's
// URL ends in '?', and its answer puts the client certificate's fields into GPP_D.
TEST(ProvisioningAgentGuideTest, ReflectorScriptFillsGppD) {
  AgentDriver phone;
  phone.set("Profile_Rule", "https://prov.server.com/cgi-bin/reflect.pl?");
  phone.serve("https://prov.server.com:443/cgi-bin/reflect.pl?",
              to_bytes("<flat-profile><GPP_D>OU=CP-78xx-3PCC, \nL=88012BA01234, \nS=000e08abcdef \n"
                       "</GPP_D></flat-profile>"));
  phone.power_on();
  ASSERT_EQ(phone.fetches().size(), 1u);
  EXPECT_THAT(phone.value("GPP_D"), HasSubstr("OU=CP-78xx-3PCC"));
  EXPECT_THAT(phone.value("GPP_D"), HasSubstr("S=000e08abcdef"));
}

// --- Power-up ---------------------------------------------------------------------------------

TEST(ProvisioningAgentTest, PowerUpWaitsRandomDelayInTwentySecondUnits) {
  std::int64_t largest = 0;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    AgentDriver phone(seed);
    phone.set("Profile_Rule", "tftp://192.168.1.200/basic.txt");
    phone.set("Resync_Random_Delay", "2");
    phone.serve_xml(kBasicUrl, kBasic);
    phone.power_on();
    phone.run_until(100);
    ASSERT_EQ(phone.fetches().size(), 1u);
    ASSERT_LE(phone.fetches()[0].at_s, 40);
    largest = std::max(largest, phone.fetches()[0].at_s);
  }
  EXPECT_EQ(largest, 40);
}

TEST(ProvisioningAgentTest, NoPowerUpResyncWithoutResyncOnReset) {
  AgentDriver phone;
  phone.set("Resync_On_Reset", "No");
  phone.power_on();
  phone.run_until(100'000);
  EXPECT_TRUE(phone.fetches().empty());
  EXPECT_FALSE(phone.status().next);
}

TEST(ProvisioningAgentTest, ServerlessRuleUsesDhcpServer) {
  AgentDriver phone;
  phone.serve_xml("tftp://10.1.1.1:69/7861.xml", kBasic);  // default rule /$PSN.xml
  phone.power_on(DhcpOptions{{66, to_bytes("10.1.1.1")}});
  ASSERT_EQ(phone.fetches().size(), 1u);
  EXPECT_EQ(phone.fetches()[0].url, "tftp://10.1.1.1:69/7861.xml");
  EXPECT_EQ(phone.value("GPP_A"), "12345678");
}

TEST(ProvisioningAgentTest, DhcpRenewalChangesTheServerOfLaterResyncs) {
  AgentDriver phone;
  phone.set("Resync_Periodic", "100");
  phone.serve_xml("tftp://10.1.1.1:69/7861.xml", kBasic);
  phone.serve_xml("tftp://10.2.2.2:69/7861.xml", kBasic);
  phone.power_on(DhcpOptions{{66, to_bytes("10.1.1.1")}});
  phone.send(DhcpRenewed{DhcpOptions{{150, Bytes{10, 2, 2, 2}}}});
  phone.run_until(100);
  ASSERT_EQ(phone.fetches().size(), 2u);
  EXPECT_EQ(phone.fetches()[1].url, "tftp://10.2.2.2:69/7861.xml");
}

TEST(ProvisioningAgentTest, ServerlessRuleWithoutDhcpServerFailsWithRetry) {
  AgentDriver phone;
  phone.set("Syslog_Server", "192.168.1.210");
  phone.power_on();
  EXPECT_TRUE(phone.fetches().empty());
  EXPECT_THAT(phone.syslog_messages(),
              ElementsAre("CP-78xx-3PCC 00:0e:08:ab:cd:ef -- Resync failed: no server"));
  ASSERT_TRUE(phone.status().next);
  EXPECT_EQ(phone.status().next->kind, ScheduleKind::Retry);
  EXPECT_EQ(phone.status().next->at, Instant::from_seconds(60));
}

// --- Failures and retries ---------------------------------------------------------------------

TEST(ProvisioningAgentTest, RetryListAdvancesPerFailureAndLastRepeats) {
  AgentDriver phone;
  phone.set("Profile_Rule", "tftp://192.168.1.200/basic.txt");
  phone.set("Resync_Error_Retry_Delay", "60,120,240");
  phone.serve(kBasicUrl, ErrorCode::TftpTimeout);
  phone.power_on();
  phone.run_until(1000);
  EXPECT_THAT(phone.fetch_times(), ElementsAre(0, 60, 180, 420, 660, 900));
}

TEST(ProvisioningAgentTest, RetryListResetsOnSuccess) {
  AgentDriver phone;
  phone.set("Profile_Rule", "tftp://192.168.1.200/basic.txt");
  phone.set("Resync_Error_Retry_Delay", "60,120,240");
  phone.set("Resync_Periodic", "1000");
  phone.serve(kBasicUrl, ErrorCode::ConnectFailed);
  phone.power_on();
  phone.run_until(180);  // failures at 0, 60, 180
  phone.serve_xml(kBasicUrl, kBasic);
  phone.run_until(420);  // success at 420
  EXPECT_EQ(phone.status().consecutive_failures, 0u);
  phone.serve(kBasicUrl, ErrorCode::HttpGetFailed);
  phone.run_until(1500);  // periodic at 1420 fails, retry after 60 again
  EXPECT_THAT(phone.fetch_times(), ElementsAre(0, 60, 180, 420, 1420, 1480));
}

TEST(ProvisioningAgentTest, RetryDelayZeroNeverRetries) {
  AgentDriver phone;
  phone.set("Profile_Rule", "tftp://192.168.1.200/basic.txt");
  phone.set("Resync_Error_Retry_Delay", "0");
  phone.serve(kBasicUrl, ErrorCode::TftpTimeout);
  phone.power_on();
  phone.run_until(1'000'000);
  EXPECT_THAT(phone.fetch_times(), ElementsAre(0));
  // Periodic is not armed either: no resync has succeeded.
  EXPECT_FALSE(phone.status().next);
}

TEST(ProvisioningAgentTest, RetryRangeDrawsInsideRange) {
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    AgentDriver phone(seed);
    phone.set("Profile_Rule", "tftp://192.168.1.200/basic.txt");
    phone.set("Resync_Error_Retry_Delay", "2400+30");
    phone.serve(kBasicUrl, ErrorCode::TftpTimeout);
    phone.power_on();
    phone.run_until(2430);
    ASSERT_EQ(phone.fetches().size(), 2u) << seed;
    ASSERT_GE(phone.fetches()[1].at_s, 2400);
    ASSERT_LE(phone.fetches()[1].at_s, 2430);
  }
}

TEST(ProvisioningAgentTest, EveryFailureClassRetries) {
  const std::vector<std::pair<std::string, Result<Bytes>>> cases = {
      {"file not found", fail(ErrorCode::FileNotFound)},
      {"corrupt file", to_bytes(std::string("\x1f\x8b\x08garbage", 10))},
      {"parse error", to_bytes("<flat-profile><GPP_A>x</GPP_B></flat-profile>")},
      {"connect failed", fail(ErrorCode::ConnectFailed)},
      {"http_get failed", fail(ErrorCode::HttpGetFailed)},
      {"dns failed", fail(ErrorCode::DnsFailed)},
  };
  for (const auto& [err, body] : cases) {
    AgentDriver phone;
    phone.set("Profile_Rule", "tftp://192.168.1.200/basic.txt");
    if (body) {
      phone.serve(kBasicUrl, *body);
    } else {
      phone.serve(kBasicUrl, body.error().code);
    }
    phone.power_on();
    EXPECT_EQ(phone.agent().macro_state().result, err);
    ASSERT_TRUE(phone.status().next) << err;
    EXPECT_EQ(phone.status().next->kind, ScheduleKind::Retry) << err;
    EXPECT_EQ(phone.status().next->at, Instant::from_seconds(60)) << err;
  }
}

TEST(ProvisioningAgentTest, WrongKeyIsDecryptFailedAndRetried) {
  EncodeOptions options;
  options.key = "right";
  const Bytes xml = agent_test::profile_xml(kBasic);
  auto encrypted = encode_profile(xml, options);
  ASSERT_TRUE(encrypted);
  AgentDriver phone;
  phone.set("Profile_Rule", "[--key wrong]tftp://192.168.1.200/basic.txt");
  phone.serve(kBasicUrl, *encrypted);
  phone.power_on();
  EXPECT_EQ(phone.agent().macro_state().result, "decrypt failed");
  EXPECT_EQ(phone.value("GPP_A"), "");
  ASSERT_TRUE(phone.status().next);
  EXPECT_EQ(phone.status().next->kind, ScheduleKind::Retry);
}

TEST(ProvisioningAgentTest, FileNotFoundFailsByDefault) {
  AgentDriver phone;
  phone.set("Profile_Rule", "tftp://192.168.1.200/missing.txt");
  phone.power_on();
  EXPECT_EQ(phone.status().recent.front().success, false);
  EXPECT_EQ(phone.status().recent.front().error, "file not found");
  EXPECT_FALSE(phone.status().succeeded_once);
}

TEST(ProvisioningAgentTest, FileNotFoundCountsAsSuccessWithFailsOnFnfNo) {
  AgentDriver phone;
  phone.set("Profile_Rule", "tftp://192.168.1.200/missing.txt");
  phone.set("Resync_Fails_On_FNF", "No");
  phone.set("Resync_Periodic", "500");
  phone.set("Syslog_Server", "192.168.1.210");
  phone.power_on();
  EXPECT_TRUE(phone.status().recent.front().success);
  EXPECT_TRUE(phone.status().succeeded_once);
  EXPECT_EQ(phone.config_changes(), 0u);
  EXPECT_THAT(phone.syslog_messages()[1], HasSubstr("Successful resync"));
  phone.run_until(500);
  EXPECT_THAT(phone.fetch_times(), ElementsAre(0, 500));
}

// --- Profile_Rule, _B, _C, _D ---------------------------------------------------------------

TEST(ProvisioningAgentTest, RulesRunInOrderSkippingEmptyOnes) {
  AgentDriver phone;
  phone.set("Profile_Rule", "tftp://s/a.xml");
  phone.set("Profile_Rule_B", "tftp://s/b.xml");
  phone.set("Profile_Rule_D", "tftp://s/d.xml");
  phone.serve_xml("tftp://s:69/a.xml", "<GPP_A>a</GPP_A><GPP_B>a</GPP_B>");
  phone.serve_xml("tftp://s:69/b.xml", "<GPP_B>b</GPP_B>");
  phone.serve_xml("tftp://s:69/d.xml", "<GPP_D>d</GPP_D>");
  phone.power_on();
  ASSERT_EQ(phone.fetches().size(), 3u);
  EXPECT_EQ(phone.fetches()[0].url, "tftp://s:69/a.xml");
  EXPECT_EQ(phone.fetches()[1].url, "tftp://s:69/b.xml");
  EXPECT_EQ(phone.fetches()[2].url, "tftp://s:69/d.xml");
  EXPECT_EQ(phone.value("GPP_A"), "a");
  EXPECT_EQ(phone.value("GPP_B"), "b");  // later profiles override earlier ones
  EXPECT_EQ(phone.value("GPP_D"), "d");
  EXPECT_TRUE(phone.status().rules[0].last_success);
  EXPECT_TRUE(phone.status().rules[3].last_success);
  EXPECT_FALSE(phone.status().rules[2].last_time);
}

TEST(ProvisioningAgentTest, FirstFailureAbortsAndRetryRestartsFromProfileRule) {
  AgentDriver phone;
  phone.set("Profile_Rule", "tftp://s/a.xml");
  phone.set("Profile_Rule_B", "tftp://s/b.xml");
  phone.set("Profile_Rule_C", "tftp://s/c.xml");
  phone.serve_xml("tftp://s:69/a.xml", "<GPP_A>a</GPP_A>");
  phone.serve_xml("tftp://s:69/c.xml", "<GPP_C>c</GPP_C>");
  phone.power_on();
  ASSERT_EQ(phone.fetches().size(), 2u);
  EXPECT_EQ(phone.value("GPP_A"), "a");  // applied before the failure: stays
  EXPECT_EQ(phone.value("GPP_C"), "");   // never fetched
  EXPECT_EQ(phone.status().rules[1].last_error, "file not found");
  phone.serve_xml("tftp://s:69/b.xml", "<GPP_B>b</GPP_B>");
  phone.run_until(60);
  ASSERT_EQ(phone.fetches().size(), 5u);
  EXPECT_EQ(phone.fetches()[2].url, "tftp://s:69/a.xml");
  EXPECT_EQ(phone.fetches()[2].at_s, 60);
  EXPECT_EQ(phone.fetches()[4].url, "tftp://s:69/c.xml");
  EXPECT_EQ(phone.value("GPP_C"), "c");
}

TEST(ProvisioningAgentTest, RuleAlternativesAndAssignments) {
  AgentDriver phone;
  phone.set("GPP_E", "2");
  phone.set("Profile_Rule",
            "( $E eq 1 )? tftp://s/one.xml | ( c = \"from-rule\"; )! tftp://s/two.xml");
  phone.serve_xml("tftp://s:69/two.xml", "<GPP_A>two</GPP_A>");
  phone.power_on();
  ASSERT_EQ(phone.fetches().size(), 1u);
  EXPECT_EQ(phone.fetches()[0].url, "tftp://s:69/two.xml");
  EXPECT_EQ(phone.value("GPP_C"), "from-rule");
  EXPECT_EQ(phone.value("GPP_A"), "two");
}

TEST(ProvisioningAgentTest, EncryptedProfileWithKeyAndNoSecretsInOutputs) {
  EncodeOptions options;
  options.gzip = true;
  options.key = "topsecretkey";
  const Bytes xml = agent_test::profile_xml(kBasic);
  auto encrypted = encode_profile(xml, options);
  ASSERT_TRUE(encrypted);
  AgentDriver phone;
  phone.set("GPP_SA", "topsecretkey");
  phone.set("Profile_Rule", "[--key $SA --uid admin --pwd hunter2secret]https://s/a.xml");
  phone.set("Syslog_Server", "192.168.1.210");
  phone.set("Log_Request_Msg", "$PN asks with $SA and $ERR");
  phone.serve("https://s:443/a.xml", *encrypted);
  phone.power_on();
  ASSERT_EQ(phone.fetches().size(), 1u);
  EXPECT_EQ(phone.value("GPP_A"), "12345678");
  EXPECT_EQ(phone.fetches()[0].user, "admin");
  EXPECT_EQ(phone.fetches()[0].password, "hunter2secret");
  EXPECT_EQ(phone.syslog_messages()[0], "CP-78xx-3PCC asks with $SA and ");
  for (const auto& trace : phone.traces()) {
    for (const auto& [key, value] : trace.fields) {
      EXPECT_THAT(value, Not(HasSubstr("topsecretkey"))) << trace.event << " " << key;
      EXPECT_THAT(value, Not(HasSubstr("hunter2secret"))) << trace.event << " " << key;
    }
  }
  for (const auto& message : phone.syslog_messages()) {
    EXPECT_THAT(message, Not(HasSubstr("topsecretkey")));
    EXPECT_THAT(message, Not(HasSubstr("hunter2secret")));
  }
  for (const auto& rule : phone.status().rules) {
    EXPECT_THAT(rule.last_url, Not(HasSubstr("topsecretkey")));
  }
  const auto fetch = std::find_if(phone.traces().begin(), phone.traces().end(),
                                  [](const TraceAction& t) { return t.event == "fetch"; });
  ASSERT_NE(fetch, phone.traces().end());
  EXPECT_THAT(fetch->fields, ::testing::Contains(std::pair<std::string, std::string>(
                                 "key", std::string(kSecretMask))));
  EXPECT_THAT(fetch->fields, ::testing::Contains(std::pair<std::string, std::string>(
                                 "pwd", std::string(kSecretMask))));
}

TEST(ProvisioningAgentTest, ProfileTurningProvisioningOffStopsTheSequence) {
  AgentDriver phone;
  phone.set("Profile_Rule", "tftp://s/a.xml");
  phone.set("Profile_Rule_B", "tftp://s/b.xml");
  phone.serve_xml("tftp://s:69/a.xml", "<Provision_Enable>No</Provision_Enable>");
  phone.serve_xml("tftp://s:69/b.xml", "<GPP_B>b</GPP_B>");
  phone.power_on();
  EXPECT_THAT(phone.fetch_times(), ElementsAre(0));
  EXPECT_EQ(phone.value("GPP_B"), "");
  EXPECT_TRUE(phone.status().recent.front().success);
  EXPECT_EQ(phone.trace_count("resync_stopped"), 1u);
  phone.run_until(100'000);  // periodic resyncs come due and are skipped
  EXPECT_THAT(phone.fetch_times(), ElementsAre(0));
}

TEST(ProvisioningAgentTest, ConfigEditedReplansTheRegularSchedule) {
  AgentDriver phone;
  phone.set("Profile_Rule", "tftp://192.168.1.200/basic.txt");
  phone.set("Resync_On_Reset", "No");
  phone.serve_xml(kBasicUrl, kBasic);
  phone.power_on();
  EXPECT_FALSE(phone.status().next);
  phone.set("Resync_At__HHmm_", "0100");
  phone.send(ConfigEdited{});
  ASSERT_TRUE(phone.status().next);
  EXPECT_EQ(phone.status().next->kind, ScheduleKind::Daily);
  phone.run_until(86'400);
  ASSERT_EQ(phone.fetches().size(), 1u);
  EXPECT_GE(phone.fetches()[0].at_s, 3600);
  EXPECT_LE(phone.fetches()[0].at_s, 4200);
}

// --- Periodic and daily -----------------------------------------------------------------------

TEST(ProvisioningAgentTest, PeriodicArmedOnlyAfterFirstSuccess) {
  AgentDriver phone;
  phone.set("Profile_Rule", "tftp://192.168.1.200/basic.txt");
  phone.set("Resync_Periodic", "100");
  phone.set("Resync_Error_Retry_Delay", "0");
  phone.serve(kBasicUrl, ErrorCode::TftpTimeout);
  phone.power_on();
  phone.run_until(10'000);
  EXPECT_THAT(phone.fetch_times(), ElementsAre(0));
  phone.serve_xml(kBasicUrl, kBasic);
  phone.send(AdminResync{});
  phone.run_until(10'250);
  EXPECT_THAT(phone.fetch_times(), ElementsAre(0, 10'000, 10'100, 10'200));
}

TEST(ProvisioningAgentTest, PeriodicListUsesEntriesInTurn) {
  AgentDriver phone;
  phone.set("Profile_Rule", "tftp://192.168.1.200/basic.txt");
  phone.set("Resync_Periodic", "600 , 1200 , 300");
  phone.serve_xml(kBasicUrl, kBasic);
  phone.power_on();
  phone.run_until(3000);
  EXPECT_THAT(phone.fetch_times(), ElementsAre(0, 600, 1800, 2100, 2400, 2700, 3000));
}

TEST(ProvisioningAgentTest, PeriodicRangeWindows) {
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    AgentDriver phone(seed);
    phone.set("Profile_Rule", "tftp://192.168.1.200/basic.txt");
    phone.set("Resync_Periodic", "2400+30");
    phone.serve_xml(kBasicUrl, kBasic);
    phone.power_on();
    phone.run_until(3 * 2430);
    ASSERT_GE(phone.fetches().size(), 4u);
    for (std::size_t i = 1; i < 4; ++i) {
      const std::int64_t gap = phone.fetches()[i].at_s - phone.fetches()[i - 1].at_s;
      ASSERT_GE(gap, 2400);
      ASSERT_LE(gap, 2430);
    }
  }
}

TEST(ProvisioningAgentTest, PeriodicZeroDisables) {
  AgentDriver phone;
  phone.set("Profile_Rule", "tftp://192.168.1.200/basic.txt");
  phone.set("Resync_Periodic", "0");
  phone.serve_xml(kBasicUrl, kBasic);
  phone.power_on();
  phone.run_until(1'000'000);
  EXPECT_THAT(phone.fetch_times(), ElementsAre(0));
}

TEST(ProvisioningAgentTest, ProfileChangingPeriodicTakesEffectForNextDecision) {
  AgentDriver phone;
  phone.set("Profile_Rule", "tftp://192.168.1.200/basic.txt");
  phone.set("Resync_Periodic", "100");
  phone.serve_xml(kBasicUrl, "<Resync_Periodic>700</Resync_Periodic>");
  phone.power_on();
  phone.run_until(1500);
  EXPECT_THAT(phone.fetch_times(), ElementsAre(0, 700, 1400));
}

TEST(ProvisioningAgentTest, DailyResyncInsideWindowOverridesPeriodic) {
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    AgentDriver phone(seed);
    phone.set("Profile_Rule", "tftp://192.168.1.200/basic.txt");
    phone.set("Resync_Periodic", "30");
    phone.set("Resync_At__HHmm_", "0200");
    phone.set("Resync_At_Random_Delay", "600");
    phone.serve_xml(kBasicUrl, kBasic);
    phone.set_wall_at_power_on(kWallDayStart + 3600);  // 01:00
    phone.power_on();                                  // power-up resync at 01:00
    phone.run_until(2 * 86'400);
    ASSERT_EQ(phone.fetches().size(), 3u) << seed;
    for (std::size_t day = 0; day < 2; ++day) {
      const std::int64_t wall = kWallDayStart + 3600 + phone.fetches()[day + 1].at_s;
      const std::int64_t start = kWallDayStart + static_cast<std::int64_t>(day) * 86'400 + 7200;
      ASSERT_GE(wall, start);
      ASSERT_LE(wall, start + 600);
      EXPECT_EQ(phone.fetches()[day + 1].prvst, 1);
    }
  }
}

TEST(ProvisioningAgentTest, DailyWindowAcrossMidnight) {
  bool after_midnight = false;
  bool before_midnight = false;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    AgentDriver phone(seed);
    phone.set("Profile_Rule", "tftp://192.168.1.200/basic.txt");
    phone.set("Resync_On_Reset", "No");
    phone.set("Resync_At__HHmm_", "2355");
    phone.set("Resync_At_Random_Delay", "600");
    phone.serve_xml(kBasicUrl, kBasic);
    phone.set_wall_at_power_on(kWallDayStart + 22 * 3600);
    phone.power_on();
    phone.run_until(86'400);
    ASSERT_EQ(phone.fetches().size(), 1u);
    const std::int64_t wall = kWallDayStart + 22 * 3600 + phone.fetches()[0].at_s;
    ASSERT_GE(wall, kWallDayStart + 23 * 3600 + 55 * 60);
    ASSERT_LE(wall, kWallDayStart + 86'400 + 5 * 60);
    (wall >= kWallDayStart + 86'400 ? after_midnight : before_midnight) = true;
  }
  EXPECT_TRUE(after_midnight);
  EXPECT_TRUE(before_midnight);
}

TEST(ProvisioningAgentTest, DailyTwentyFourHundredIsMidnight) {
  AgentDriver phone;
  phone.set("Profile_Rule", "tftp://192.168.1.200/basic.txt");
  phone.set("Resync_On_Reset", "No");
  phone.set("Resync_At__HHmm_", "2400");
  phone.serve_xml(kBasicUrl, kBasic);
  phone.set_wall_at_power_on(kWallDayStart + 12 * 3600);
  phone.power_on();
  phone.run_until(86'400);
  ASSERT_EQ(phone.fetches().size(), 1u);
  const std::int64_t wall = kWallDayStart + 12 * 3600 + phone.fetches()[0].at_s;
  EXPECT_GE(wall, kWallDayStart + 86'400);
  EXPECT_LE(wall, kWallDayStart + 86'400 + 600);
}

TEST(ProvisioningAgentTest, DailyResyncFollowsWallClockStep) {
  for (std::int64_t step_s : {-3600, +1200, +7200}) {
    AgentDriver phone(9);
    phone.set("Profile_Rule", "tftp://192.168.1.200/basic.txt");
    phone.set("Resync_On_Reset", "No");
    phone.set("Resync_At__HHmm_", "0300");
    phone.set("Resync_At_Random_Delay", "600");
    phone.serve_xml(kBasicUrl, kBasic);
    phone.set_wall_at_power_on(kWallDayStart + 3600);  // 01:00
    phone.power_on();
    phone.run_until(1800);  // 01:30
    phone.step_wall_clock(step_s);
    phone.run_until(2 * 86'400);
    ASSERT_GE(phone.fetches().size(), 1u) << step_s;
    // Whatever the step, the resync happens at 03:00..03:10 on the phone's (new) wall clock.
    const std::int64_t wall = kWallDayStart + 3600 + step_s + phone.fetches()[0].at_s;
    const std::int64_t day_start = wall - (wall - kWallDayStart) % 86'400;
    EXPECT_GE(wall, day_start + 3 * 3600) << step_s;
    EXPECT_LE(wall, day_start + 3 * 3600 + 600) << step_s;
    // A step of +2 h (to 03:30) passes today's window: the resync is tomorrow's.
    EXPECT_EQ(day_start, step_s == 7200 ? kWallDayStart + 86'400 : kWallDayStart) << step_s;
  }
}

TEST(ProvisioningAgentTest, WallClockStepAfterDailyTimeWasClearedReplans) {
  AgentDriver phone;
  phone.set("Resync_On_Reset", "No");
  phone.set("Resync_At__HHmm_", "0200");
  phone.power_on();
  ASSERT_TRUE(phone.status().next);
  EXPECT_EQ(phone.status().next->kind, ScheduleKind::Daily);
  phone.set("Resync_At__HHmm_", "");  // edited without ConfigEdited
  phone.step_wall_clock(-600);
  EXPECT_FALSE(phone.status().next);  // no success yet: no periodic either
  phone.run_until(3 * 86'400);
  EXPECT_TRUE(phone.fetches().empty());
}

// --- Gates ------------------------------------------------------------------------------------

TEST(ProvisioningAgentTest, TriggerBlocksScheduledResyncUntilTrue) {
  AgentDriver phone;
  phone.set("Profile_Rule", "tftp://192.168.1.200/basic.txt");
  phone.set("Resync_Periodic", "400");
  phone.set("Resync_Trigger_1", "$UPGTMR gt 300 und $PRVTMR ge 600");
  phone.serve_xml(kBasicUrl, kBasic);
  phone.power_on();  // due at 0: $PRVTMR 0 -> skipped, re-armed after Resync_Periodic
  EXPECT_TRUE(phone.fetches().empty());
  EXPECT_EQ(phone.trace_count("resync_skipped"), 1u);
  phone.run_until(2000);
  // 400: $PRVTMR 400 (no attempt yet: counted from power-on) -> skipped; 800: runs (power-up
  // reason kept); then periodic at 1200 ($PRVTMR 400) skipped, 1600 runs, 2000 skipped.
  EXPECT_THAT(phone.fetch_times(), ElementsAre(800, 1600));
  EXPECT_EQ(phone.fetches()[0].prvst, 0);
  EXPECT_EQ(phone.fetches()[1].prvst, 1);
}

TEST(ProvisioningAgentTest, SecondTriggerCanAllowAndEmptyTriggersDoNotGate) {
  AgentDriver phone;
  phone.set("Profile_Rule", "tftp://192.168.1.200/basic.txt");
  phone.set("Resync_Trigger_1", "1 eq 2");
  phone.set("Resync_Trigger_2", "\"$MA\" eq \"000e08abcdef\"");
  phone.serve_xml(kBasicUrl, kBasic);
  phone.power_on();
  EXPECT_THAT(phone.fetch_times(), ElementsAre(0));
}

TEST(ProvisioningAgentTest, MalformedTriggerCountsAsFalse) {
  AgentDriver phone;
  phone.set("Profile_Rule", "tftp://192.168.1.200/basic.txt");
  phone.set("Resync_Trigger_1", "(((");
  phone.serve_xml(kBasicUrl, kBasic);
  phone.power_on();
  EXPECT_TRUE(phone.fetches().empty());
  EXPECT_EQ(phone.trace_count("trigger_error"), 1u);
}

TEST(ProvisioningAgentTest, ExplicitRequestsBypassTriggers) {
  AgentDriver phone;
  phone.set("Profile_Rule", "tftp://192.168.1.200/basic.txt");
  phone.set("Resync_Trigger_1", "1 eq 2");
  phone.serve_xml(kBasicUrl, kBasic);
  phone.power_on();
  phone.run_for(10);
  phone.send(AdminResync{});
  phone.run_for(10);
  phone.send(SipNotify{"resync"});
  EXPECT_THAT(phone.fetch_times(), ElementsAre(10, 20));
}

TEST(ProvisioningAgentTest, ProvisionEnableNoBlocksEverything) {
  AgentDriver phone;
  phone.set("Profile_Rule", "tftp://192.168.1.200/basic.txt");
  phone.set("Provision_Enable", "No");
  phone.set("Resync_At__HHmm_", "0100");
  phone.serve_xml(kBasicUrl, kBasic);
  phone.power_on();
  phone.send(AdminResync{});
  phone.send(SipNotify{"resync"});
  phone.run_until(3 * 86'400);
  EXPECT_TRUE(phone.fetches().empty());
  EXPECT_EQ(phone.trace_count("resync_refused"), 2u);
  // Enabled again by the admin: the schedule is planned anew.
  phone.set("Provision_Enable", "Yes");
  phone.set("Resync_At__HHmm_", "");
  phone.send(AdminResync{});
  EXPECT_EQ(phone.fetches().size(), 1u);
}

TEST(ProvisioningAgentTest, SpaFlavorTriggerStartsResyncs) {
  AgentSettings spa;
  spa.flavor = FirmwareFlavor::Spa;
  AgentDriver phone(1, spa);
  phone.set("Profile_Rule", "tftp://192.168.1.200/basic.txt");
  phone.set("Resync_On_Reset", "No");
  phone.set("Resync_Periodic", "0");
  phone.set("Resync_Trigger_1", "$PRVTMR ge 600");
  phone.serve_xml(kBasicUrl, kBasic);
  phone.set("Resync_At__HHmm_", "0200");
  phone.power_on();
  ASSERT_TRUE(phone.status().next);  // the daily resync, not the next trigger poll
  EXPECT_EQ(phone.status().next->kind, ScheduleKind::Daily);
  EXPECT_GE(phone.status().next->at, Instant::from_seconds(7200));
  EXPECT_EQ(phone.agent().next_deadline(), Instant::from_seconds(1));
  phone.run_until(2000);
  EXPECT_THAT(phone.fetch_times(), ElementsAre(600, 1200, 1800));
  EXPECT_EQ(phone.fetches()[0].prvst, 1);
}

TEST(ProvisioningAgentTest, MppFlavorDoesNotPollTriggers) {
  AgentDriver phone;
  phone.set("Profile_Rule", "tftp://192.168.1.200/basic.txt");
  phone.set("Resync_On_Reset", "No");
  phone.set("Resync_Trigger_1", "$PRVTMR ge 600");
  phone.serve_xml(kBasicUrl, kBasic);
  phone.power_on();
  EXPECT_EQ(phone.agent().next_deadline(), Instant::never());
  phone.run_until(2000);
  EXPECT_TRUE(phone.fetches().empty());
}

TEST(ProvisioningAgentTest, SpaFlavorWithoutTriggersHasNoPollingDeadline) {
  AgentSettings spa;
  spa.flavor = FirmwareFlavor::Spa;
  AgentDriver phone(1, spa);
  phone.set("Resync_On_Reset", "No");
  phone.power_on();
  EXPECT_EQ(phone.agent().next_deadline(), Instant::never());
  phone.set("Resync_Trigger_2", "1 eq 2");
  EXPECT_EQ(phone.agent().next_deadline(), Instant::from_seconds(1));
  phone.run_until(100);
  EXPECT_TRUE(phone.fetches().empty());
}

TEST(ProvisioningAgentTest, BusyLineDefersUntilIdleLongEnough) {
  AgentDriver deferred;
  deferred.set("Profile_Rule", "tftp://192.168.1.200/basic.txt");
  deferred.set("Resync_Random_Delay", "5");  // due somewhere in 0..100 s
  deferred.serve_xml(kBasicUrl, kBasic);
  deferred.power_on();
  deferred.send(LineBusy{0});
  deferred.run_until(500);
  EXPECT_TRUE(deferred.fetches().empty());
  ASSERT_TRUE(deferred.status().next);
  EXPECT_TRUE(deferred.status().next->waiting_for_idle_lines);
  deferred.send(LineIdle{0});  // idle at 500: the resync waits 60 s more
  deferred.run_until(530);
  deferred.send(LineBusy{1});  // a second call at 530 restarts the wait
  deferred.run_until(600);
  deferred.send(LineIdle{1});
  deferred.run_until(1000);
  EXPECT_THAT(deferred.fetch_times(), ElementsAre(660));
}

TEST(ProvisioningAgentTest, BusyLineDefersAtMostForcedResyncDelay) {
  AgentDriver phone;
  phone.set("Profile_Rule", "tftp://192.168.1.200/basic.txt");
  phone.set("Resync_Periodic", "1000");
  phone.set("Forced_Resync_Delay", "300");
  phone.serve_xml(kBasicUrl, kBasic);
  phone.power_on();  // resync at 0, periodic due at 1000
  phone.run_for(900);
  phone.send(LineBusy{2});
  phone.run_until(5000);
  // Due at 1000, line busy all the time: runs at 1000 + 300 anyway; next due 2300 -> 2600 ...
  EXPECT_THAT(phone.fetch_times(), ElementsAre(0, 1300, 2600, 3900));
}

TEST(ProvisioningAgentTest, RepeatedExplicitRequestKeepsTheForcedLimit) {
  AgentDriver phone;
  phone.set("Profile_Rule", "tftp://192.168.1.200/basic.txt");
  phone.set("Resync_On_Reset", "No");
  phone.set("Forced_Resync_Delay", "300");
  phone.serve_xml(kBasicUrl, kBasic);
  phone.power_on();
  phone.send(LineBusy{0});
  phone.run_until(10);
  phone.send(AdminResync{});  // due at 10, waits for the line
  phone.run_until(200);
  phone.send(SipNotify{"resync"});  // asked again: still at most 300 s after 10
  phone.run_until(1000);
  EXPECT_THAT(phone.fetch_times(), ElementsAre(310));
}

TEST(ProvisioningAgentTest, ExplicitRequestDuringResyncRunsAfterIt) {
  AgentDriver phone;
  phone.set("Profile_Rule", "tftp://192.168.1.200/basic.txt");
  phone.set_fetch_latency(5);
  phone.serve_xml(kBasicUrl, kBasic);
  phone.serve_xml("tftp://other:69/x.xml", "<GPP_E>e</GPP_E>");
  phone.power_on();
  phone.run_for(2);
  EXPECT_TRUE(phone.fetch_in_flight());
  phone.send(AdminResync{"tftp://other/x.xml"});
  phone.run_until(20);
  EXPECT_THAT(phone.fetch_times(), ElementsAre(0, 5));
  EXPECT_EQ(phone.fetches()[1].url, "tftp://other:69/x.xml");
  EXPECT_EQ(phone.value("GPP_E"), "e");
}

TEST(ProvisioningAgentTest, SipNotifyEvents) {
  AgentDriver phone;
  phone.set("Profile_Rule", "tftp://192.168.1.200/basic.txt");
  phone.set("Resync_On_Reset", "No");
  phone.serve_xml(kBasicUrl, kBasic);
  phone.power_on();
  phone.send(SipNotify{"check-sync"});
  EXPECT_EQ(phone.fetches().size(), 1u);
  EXPECT_EQ(phone.fetches()[0].prvst, -1);
  phone.send(SipNotify{"reboot_now"});
  phone.send(SipNotify{"restart_now"});
  ASSERT_EQ(phone.reboots().size(), 2u);
  EXPECT_FALSE(phone.reboots()[0].warm);
  EXPECT_TRUE(phone.reboots()[1].warm);
  phone.set("Resync_From_SIP", "No");
  phone.send(SipNotify{"resync"});
  phone.send(SipNotify{"reboot_now"});
  EXPECT_EQ(phone.fetches().size(), 1u);
  EXPECT_EQ(phone.reboots().size(), 2u);
}

TEST(ProvisioningAgentTest, StaleFetchResultIsIgnored) {
  AgentDriver phone;
  phone.set("Resync_On_Reset", "No");
  phone.power_on();
  phone.send(FetchCompleted{99, Bytes{}, ""});
  EXPECT_EQ(phone.trace_count("fetch_result_ignored"), 1u);
  EXPECT_TRUE(phone.status().recent.empty());
}

TEST(ProvisioningAgentTest, MacroStateDuringAndAfterResync) {
  AgentDriver phone;
  phone.set("Profile_Rule", "https://prov.example.com:8443/cfg/$MA.xml");
  phone.set("Syslog_Server", "192.168.1.210");
  phone.set("Log_Request_Msg", "$PRVST $SCHEME $SERV $PORT $PATH $PRVTMR");
  phone.set("Log_Success_Msg", "ok $SERVIP");
  phone.serve_xml("https://prov.example.com:8443/cfg/000e08abcdef.xml", kBasic);
  phone.power_on();
  phone.run_for(100);
  phone.send(AdminResync{});
  EXPECT_THAT(
      phone.syslog_messages(),
      ElementsAre("0 https prov.example.com 8443 /cfg/000e08abcdef.xml 0", "ok prov.example.com",
                  "-1 https prov.example.com 8443 /cfg/000e08abcdef.xml 100",
                  "ok prov.example.com"));
}

TEST(ProvisioningAgentTest, StatusKeepsThreeNewestOutcomes) {
  AgentDriver phone;
  phone.set("Profile_Rule", "tftp://192.168.1.200/basic.txt");
  phone.set("Resync_Error_Retry_Delay", "10");
  phone.serve(kBasicUrl, ErrorCode::TftpTimeout);
  phone.power_on();
  phone.run_until(30);  // four failures: 0, 10, 20, 30
  ASSERT_EQ(phone.status().recent.size(), 3u);
  EXPECT_EQ(phone.status().recent[0].at, Instant::from_seconds(30));
  EXPECT_EQ(phone.status().recent[2].at, Instant::from_seconds(10));
  EXPECT_EQ(phone.status().recent[0].error, "tftp timeout");
  EXPECT_EQ(phone.status().recent[0].reason, ResyncReason::Retry);
  ASSERT_TRUE(phone.status().next);
  EXPECT_EQ(phone.status().next->at, Instant::from_seconds(40));
  EXPECT_EQ(phone.status().rules[0].last_error, "tftp timeout");
}

// --- Properties over seeds --------------------------------------------------------------------

// Random configurations, servers and line/admin activity; checks the agent's invariants.
TEST(ProvisioningAgentPropertyTest, InvariantsHoldOverSeeds) {
  std::size_t fetches = 0;
  std::size_t failures = 0;
  std::size_t retries = 0;
  for (std::uint64_t seed = 1; seed <= 150; ++seed) {
    RandomStream random(derive_seed(seed, 77));
    AgentSettings settings;
    settings.flavor = random.chance(1, 3) ? FirmwareFlavor::Spa : FirmwareFlavor::Mpp;
    AgentDriver phone(derive_seed(seed, 1), settings);
    const char* retry_lists[] = {"0", "30", "60,120,240", "10+20,40", "5"};
    const char* periodic_lists[] = {"0", "100", "50,200", "300+60"};
    const std::string retry = retry_lists[random.below(5)];
    phone.set("Profile_Rule", "tftp://s/a.xml");
    phone.set("Profile_Rule_B", random.chance(1, 2) ? "tftp://s/b.xml" : "");
    phone.set("Resync_Error_Retry_Delay", retry);
    phone.set("Resync_Periodic", periodic_lists[random.below(4)]);
    phone.set("Resync_Random_Delay", std::to_string(random.below(4)));
    phone.set("Forced_Resync_Delay", std::to_string(random.below(400)));
    if (random.chance(1, 4))
      phone.set("Resync_At__HHmm_", "0015");
    if (random.chance(1, 4))
      phone.set("Resync_Trigger_1", "$PRVTMR ge 100");
    phone.set_fetch_latency(static_cast<std::int64_t>(random.below(4)));

    bool provision_enabled = true;
    phone.on_action = [&](const AgentAction& action) {
      if (std::holds_alternative<FetchAction>(action)) {
        ++fetches;
        retries += phone.agent().macro_state().resync_reason == 2 ? 1 : 0;
        ASSERT_FALSE(phone.fetch_in_flight()) << "seed " << seed << ": two resyncs at once";
        ASSERT_TRUE(provision_enabled) << "seed " << seed << ": resync while disabled";
      }
      auto* trace = std::get_if<TraceAction>(&action);
      if (trace && trace->event == "resync_done" && trace->fields[1].second == "failure" &&
          retry != "0") {
        ++failures;
        // Actions are drained after the call that produced them: the schedule is final.
        const auto& status = phone.status();
        ASSERT_TRUE(status.resync_running ||
                    (status.next && (status.next->kind == ScheduleKind::Retry ||
                                     status.next->kind == ScheduleKind::Explicit)))
            << "seed " << seed << ": failure without a scheduled retry";
      }
    };
    phone.power_on();
    for (int round = 0; round < 60; ++round) {
      auto files = {std::string("tftp://s:69/a.xml"), std::string("tftp://s:69/b.xml")};
      for (const auto& url : files) {
        switch (random.below(4)) {
          case 0:
            phone.serve(url, ErrorCode::TftpTimeout);
            break;
          case 1:
            phone.serve(url, to_bytes("not a profile"));
            break;
          default:
            phone.serve_xml(url, "<GPP_A>x</GPP_A>");
        }
      }
      switch (random.below(8)) {
        case 0:
          phone.send(LineBusy{static_cast<std::size_t>(random.below(3))});
          break;
        case 1:
          phone.send(LineIdle{static_cast<std::size_t>(random.below(3))});
          break;
        case 2:
          phone.send(AdminResync{});
          break;
        case 3:
          provision_enabled = !provision_enabled;
          phone.set("Provision_Enable", provision_enabled ? "Yes" : "No");
          phone.send(ConfigEdited{});
          break;
        default:
          break;
      }
      phone.run_for(static_cast<std::int64_t>(random.below(300)));
    }
    ASSERT_FALSE(::testing::Test::HasFailure()) << "seed " << seed;
  }
  // The runs did exercise what the invariants talk about.
  EXPECT_GT(fetches, 1000u);
  EXPECT_GT(failures, 200u);
  EXPECT_GT(retries, 100u);
}

// The same seed gives the same fetch times; another seed different ones.
TEST(ProvisioningAgentPropertyTest, DeterministicPerSeed) {
  auto run = [](std::uint64_t seed) {
    AgentDriver phone(seed);
    phone.set("Profile_Rule", "tftp://192.168.1.200/basic.txt");
    phone.set("Resync_Random_Delay", "100");
    phone.set("Resync_Periodic", "1000+1000");
    phone.serve_xml(kBasicUrl, kBasic);
    phone.power_on();
    phone.run_until(20'000);
    return phone.fetch_times();
  };
  EXPECT_EQ(run(5), run(5));
  EXPECT_NE(run(5), run(6));
}

}  // namespace
}  // namespace fw

// --- Unchanged profiles are not applied twice ------------------------------------------------

namespace fw {
namespace {

using agent_test::AgentDriver;

// The fields of every profile_applied trace, in order.
std::vector<std::map<std::string, std::string>> applied(const AgentDriver& phone) {
  std::vector<std::map<std::string, std::string>> out;
  for (const TraceAction& trace : phone.traces()) {
    if (trace.event == "profile_applied") out.emplace_back(trace.fields.begin(), trace.fields.end());
  }
  return out;
}

const std::string kUrl = "http://192.168.1.200:80/p.xml";
// One change, one unknown element, one invalid value.
constexpr std::string_view kProfile =
    "<GPP_A>one</GPP_A><No_Such_Parameter>x</No_Such_Parameter><Resync_Periodic>soon</Resync_Periodic>";

TEST(ProvisioningAgentUnchangedProfileTest, SameBytesIntoSameConfigAreNotAppliedAgain) {
  AgentDriver phone;
  phone.set("Profile_Rule", "http://192.168.1.200/p.xml");
  phone.set("Resync_Periodic", "30");
  phone.serve_xml(kUrl, kProfile);
  phone.power_on();
  phone.run_until(60);
  const auto records = applied(phone);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].count("unchanged"), 0u);
  EXPECT_EQ(records[0].at("changed"), "1");
  for (std::size_t i = 1; i < records.size(); ++i) {
    EXPECT_EQ(records[i].at("unchanged"), "yes");
    EXPECT_EQ(records[i].at("changed"), "0");
    // The issues found the first time are reported every time.
    EXPECT_EQ(records[i].at("unknown"), "1");
    EXPECT_EQ(records[i].at("invalid"), "1");
  }
  EXPECT_EQ(phone.value("GPP_A"), "one");
  EXPECT_EQ(phone.status().consecutive_failures, 0u);
}

TEST(ProvisioningAgentUnchangedProfileTest, ConfigurationChangedSinceIsAppliedAgain) {
  AgentDriver phone;
  phone.set("Profile_Rule", "http://192.168.1.200/p.xml");
  phone.set("Resync_Periodic", "30");
  phone.serve_xml(kUrl, kProfile);
  phone.power_on();
  phone.run_until(10);
  // Someone edits the phone between resyncs (web page, CLI): the next resync puts it back.
  phone.set("GPP_A", "edited");
  phone.run_until(30);
  EXPECT_EQ(phone.value("GPP_A"), "one");
  const auto records = applied(phone);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].count("unchanged"), 0u);
  EXPECT_EQ(records[1].at("changed"), "1");
}

TEST(ProvisioningAgentUnchangedProfileTest, ChangedBytesAreApplied) {
  AgentDriver phone;
  phone.set("Profile_Rule", "http://192.168.1.200/p.xml");
  phone.set("Resync_Periodic", "30");
  phone.serve_xml(kUrl, "<GPP_A>one</GPP_A>");
  phone.power_on();
  phone.run_until(10);
  phone.serve_xml(kUrl, "<GPP_A>two</GPP_A>");
  phone.run_until(30);
  EXPECT_EQ(phone.value("GPP_A"), "two");
  EXPECT_EQ(applied(phone).back().count("unchanged"), 0u);
}

// A profile of many kilobytes that changes only in its last byte (a value at the end) is a
// different download: the fingerprint covers every byte, not a prefix or a sample.
TEST(ProvisioningAgentUnchangedProfileTest, ALongProfileChangedInItsLastValueIsApplied) {
  std::string head = "<flat-profile>";
  for (int i = 0; i < 200; ++i) head += "<!-- line " + std::to_string(i) + " of a long comment -->\n";
  AgentDriver phone;
  phone.set("Profile_Rule", "http://192.168.1.200/p.xml");
  phone.set("Resync_Periodic", "30");
  phone.serve(kUrl, to_bytes(head + "<GPP_A>1</GPP_A></flat-profile>"));
  phone.power_on();
  phone.run_until(10);
  phone.serve(kUrl, to_bytes(head + "<GPP_A>2</GPP_A></flat-profile>"));
  phone.run_until(30);
  EXPECT_EQ(phone.value("GPP_A"), "2");
  const auto records = applied(phone);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].count("unchanged"), 0u);
}

TEST(ProvisioningAgentUnchangedProfileTest, ARebootForgetsWhatWasApplied) {
  AgentDriver phone;
  phone.set("Profile_Rule", "http://192.168.1.200/p.xml");
  phone.serve_xml(kUrl, kProfile);
  phone.power_on();
  phone.run_until(10);
  phone.power_on();
  phone.run_until(20);
  const auto records = applied(phone);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].count("unchanged"), 0u);
}

// Rules A and B serving these profiles, resyncing every 30 s, run for 90 s: the
// profile_applied traces of its four resyncs.
std::vector<std::map<std::string, std::string>> two_rules(AgentDriver& phone, std::string_view a,
                                                          std::string_view b) {
  phone.set("Profile_Rule", "http://192.168.1.200/a.xml");
  phone.set("Profile_Rule_B", "http://192.168.1.200/b.xml");
  phone.set("Resync_Periodic", "30");
  phone.serve_xml("http://192.168.1.200:80/a.xml", a);
  phone.serve_xml("http://192.168.1.200:80/b.xml", b);
  phone.power_on();
  phone.run_until(90);
  return applied(phone);
}

// Two rules that fight over one parameter: every resync changes the configuration, so neither
// profile is ever skipped and the later rule wins every time.
TEST(ProvisioningAgentUnchangedProfileTest, RulesThatOverrideEachOtherAreAppliedEveryTime) {
  AgentDriver phone;
  const auto records = two_rules(phone, "<GPP_A>a</GPP_A><GPP_B>a</GPP_B>", "<GPP_A>b</GPP_A>");
  ASSERT_EQ(records.size(), 8u);
  for (const auto& record : records) EXPECT_EQ(record.count("unchanged"), 0u);
  EXPECT_EQ(phone.value("GPP_A"), "b");
  EXPECT_EQ(phone.value("GPP_B"), "a");
}

// Two rules that leave each other alone. Resync 1 applies both; in resync 2 rule A is applied
// once more (rule B changed the configuration after A had applied it) and changes nothing; from
// then on neither is applied again.
TEST(ProvisioningAgentUnchangedProfileTest, IndependentRulesAreEachRemembered) {
  AgentDriver phone;
  const auto records = two_rules(phone, "<GPP_A>a</GPP_A>", "<GPP_B>b</GPP_B>");
  ASSERT_EQ(records.size(), 8u);
  EXPECT_EQ(records[0].count("unchanged"), 0u);
  EXPECT_EQ(records[1].count("unchanged"), 0u);
  EXPECT_EQ(records[2].count("unchanged"), 0u);
  EXPECT_EQ(records[2].at("changed"), "0");
  for (std::size_t i = 3; i < records.size(); ++i) {
    EXPECT_EQ(records[i].count("unchanged"), 1u) << "profile_applied #" << i;
  }
  EXPECT_EQ(phone.value("GPP_A"), "a");
  EXPECT_EQ(phone.value("GPP_B"), "b");
}

// A profile that failed to decode is never remembered: the same bytes fail again.
TEST(ProvisioningAgentUnchangedProfileTest, FailuresAreNotRemembered) {
  AgentDriver phone;
  phone.set("Profile_Rule", "http://192.168.1.200/p.xml");
  phone.set("Resync_Periodic", "30");
  phone.set("Resync_Error_Retry_Delay", "30");
  phone.serve(kUrl, to_bytes("<flat-profile><GPP_A>broken"));
  phone.power_on();
  phone.run_until(60);
  EXPECT_EQ(phone.trace_count("profile_applied"), 0u);
  EXPECT_EQ(phone.trace_count("resync_failed"), 3u);
}

}  // namespace
}  // namespace fw

// --- Trace events the host observes ------------------------------------------------------------

namespace fw {
namespace {

using agent_test::AgentDriver;

// The traces of a few resyncs: rule A applies a profile, B is empty, C is not found (a warning);
// retried after 30 s.
std::vector<TraceAction> resync_traces(AgentSettings settings) {
  AgentDriver phone(1, settings);
  phone.set("Profile_Rule", "http://192.168.1.200/p.xml");
  phone.set("Profile_Rule_C", "http://192.168.1.200/missing.xml");
  phone.set("Resync_Periodic", "30");
  phone.set("Resync_Error_Retry_Delay", "30");
  phone.serve_xml(kUrl, kProfile);
  phone.power_on();
  phone.run_until(100);
  return phone.traces();
}

std::vector<std::string> events_of(const std::vector<TraceAction>& traces) {
  std::vector<std::string> events;
  for (const TraceAction& trace : traces) events.push_back(trace.event);
  return events;
}

bool contains(const std::vector<std::string>& events, std::string_view event) {
  return std::find(events.begin(), events.end(), event) != events.end();
}

TEST(ProvisioningAgentTraceEventsTest, EveryEventByDefault) {
  const std::vector<std::string> events = events_of(resync_traces({}));
  for (std::string_view event : {"power_on", "resync_start", "fetch", "profile_applied", "rule_skipped",
                                 "resync_failed", "resync_scheduled", "upgrade_skipped"}) {
    EXPECT_TRUE(contains(events, event)) << event;
  }
}

TEST(ProvisioningAgentTraceEventsTest, OnlyTheListedDebugAndInfoEventsAndEveryWarning) {
  static constexpr std::array<std::string_view, 2> kWanted = {"resync_start", "fetch"};
  AgentSettings settings;
  settings.trace_events = kWanted;
  const std::vector<TraceAction> all = resync_traces({});
  const std::vector<std::string> events = events_of(resync_traces(settings));
  // Exactly the full trace less the unlisted Debug and Info events, in the same order: the list
  // changes what is reported, not what the phone does.
  std::vector<std::string> expected;
  for (const TraceAction& trace : all) {
    if (trace.severity >= Severity::Warning ||
        std::find(kWanted.begin(), kWanted.end(), trace.event) != kWanted.end()) {
      expected.push_back(trace.event);
    }
  }
  EXPECT_EQ(events, expected);
  EXPECT_TRUE(contains(events, "resync_failed"));  // a warning, kept though not listed
  EXPECT_TRUE(contains(events, "fetch"));
  EXPECT_FALSE(contains(events, "profile_applied"));
  EXPECT_FALSE(contains(events, "rule_skipped"));
  EXPECT_FALSE(contains(events, "resync_scheduled"));
  EXPECT_LT(events.size(), all.size());
}

}  // namespace
}  // namespace fw
