// The report rule of ProvisioningAgent (provisioning_agent_report.cpp).

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "firmware-core/agent/provisioning_agent.h"
#include "tests/firmware-core/agent/agent_test_driver.h"

namespace fw {
namespace {

using agent_test::AgentDriver;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr std::string_view kHeader = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<flat-profile>\n";
constexpr std::string_view kFooter = "</flat-profile>\n";

std::string text_of(const Bytes& bytes) { return std::string(bytes.begin(), bytes.end()); }

// Every trace field value, for checks that a secret never shows up.
std::string all_trace_text(const AgentDriver& phone) {
  std::string text;
  for (const TraceAction& trace : phone.traces()) {
    text += trace.event;
    for (const auto& [key, value] : trace.fields) text += " " + key + "=" + value;
    text += "\n";
  }
  return text;
}

// A phone that does not resync on its own, with a secret and a general purpose parameter.
AgentDriver& quiet(AgentDriver& phone) {
  phone.set("Resync_On_Reset", "No");
  phone.set("GPP_SA", "topsecret");
  phone.set("GPP_A", "alpha");
  phone.set("Syslog_Server", "192.168.1.50");
  return phone;
}

TEST(ProvisioningAgentReportTest, SipNotifyReportUploadsTheWholeConfigurationSecretsMasked) {
  AgentDriver phone;
  quiet(phone);
  phone.set("Report_Rule", "tftp://192.168.1.200/$MA.xml");
  phone.power_on();
  phone.send(SipNotify{"report"});
  ASSERT_EQ(phone.uploads().size(), 1u);
  const UploadAction& upload = phone.uploads()[0];
  EXPECT_EQ(upload.url.to_string(), "tftp://192.168.1.200:69/000e08abcdef.xml");
  EXPECT_EQ(upload.content_type, "application/xml");
  const std::string body = text_of(upload.body);
  EXPECT_THAT(body, StartsWith(kHeader));
  EXPECT_THAT(body, HasSubstr("  <GPP_A ua=\"na\">alpha</GPP_A>\n"));
  EXPECT_THAT(body, HasSubstr("  <GPP_SA ua=\"na\">*****</GPP_SA>\n"));
  EXPECT_THAT(body, HasSubstr("  <Resync_Periodic ua=\"na\">3600</Resync_Periodic>\n"));
  EXPECT_THAT(body, Not(HasSubstr("topsecret")));
  EXPECT_TRUE(phone.status().report.running);

  phone.complete_upload(upload.id);
  const ReportStatus& report = phone.status().report;
  EXPECT_FALSE(report.running);
  EXPECT_TRUE(report.last_success);
  EXPECT_EQ(report.uploads_succeeded, 1u);
  EXPECT_EQ(report.last_url, "tftp://192.168.1.200:69/000e08abcdef.xml");
  EXPECT_EQ(report.last_time->unix_seconds, phone.wall_s());
  EXPECT_THAT(phone.syslog_messages(),
              ElementsAre("CP-78xx-3PCC 00:0e:08:ab:cd:ef -- Successful report upload "
                          "tftp://192.168.1.200:69/000e08abcdef.xml"));
}

TEST(ProvisioningAgentReportTest, DeltaHoldsOnlyWhatChangedSinceTheLastResync) {
  AgentDriver phone;
  quiet(phone);
  phone.set("Report_Rule", "[--delta]tftp://192.168.1.200/d.xml");
  phone.serve_xml("tftp://192.168.1.200:69/p.xml", "<GPP_C>from-server</GPP_C>");
  phone.power_on();
  phone.send(AdminResync{"tftp://192.168.1.200/p.xml"});
  ASSERT_EQ(phone.value("GPP_C"), "from-server");
  // A local change after the resync (admin web page), then one that goes back and forth.
  phone.set("GPP_B", "local");
  phone.set("GPP_D", "x");
  phone.set("GPP_D", "");
  phone.send(ConfigEdited{});
  phone.send(SipNotify{"report"});
  ASSERT_EQ(phone.uploads().size(), 1u);
  EXPECT_EQ(text_of(phone.uploads()[0].body),
            std::string(kHeader) + "  <GPP_B ua=\"na\">local</GPP_B>\n" + std::string(kFooter));
}

TEST(ProvisioningAgentReportTest, DeltaAfterPowerOnWithoutResyncAndAnEmptiedValue) {
  AgentDriver phone;
  quiet(phone);
  phone.set("Report_Rule", "[--delta]tftp://192.168.1.200/d.xml");
  phone.power_on();
  phone.set("GPP_A", "");
  phone.send(AdminReport{});
  ASSERT_EQ(phone.uploads().size(), 1u);
  EXPECT_EQ(text_of(phone.uploads()[0].body),
            std::string(kHeader) + "  <GPP_A/>\n" + std::string(kFooter));
}

TEST(ProvisioningAgentReportTest, KeyEncryptsTheReportWithSecretsAndNeverTracesThem) {
  AgentDriver phone;
  quiet(phone);
  phone.set("Report_Rule", "[--key $SA]http://192.168.1.200/$MA.cfg");
  phone.set("HTTP_Report_Method", "PUT");
  phone.power_on();
  phone.send(SipNotify{"report"});
  ASSERT_EQ(phone.uploads().size(), 1u);
  const UploadAction& upload = phone.uploads()[0];
  EXPECT_EQ(upload.method, UploadMethod::Put);
  EXPECT_EQ(upload.content_type, "application/octet-stream");
  EXPECT_THAT(text_of(upload.body), StartsWith("Salted__"));
  EXPECT_THAT(text_of(upload.body), Not(HasSubstr("topsecret")));

  ProfileDecoder decoder;
  auto plain = decoder.decode(upload.body, std::string("topsecret"));
  ASSERT_TRUE(plain) << plain.error().to_string();
  EXPECT_FALSE(decoder.layers().compressed);
  const std::string xml(plain->begin(), plain->end());
  EXPECT_THAT(xml, HasSubstr("  <GPP_SA ua=\"na\">topsecret</GPP_SA>\n"));
  EXPECT_THAT(xml, HasSubstr("  <GPP_A ua=\"na\">alpha</GPP_A>\n"));
  EXPECT_FALSE(decoder.decode(upload.body, std::string("wrong")));

  phone.complete_upload(upload.id);
  EXPECT_THAT(all_trace_text(phone), Not(HasSubstr("topsecret")));
  EXPECT_THAT(all_trace_text(phone), HasSubstr("report_done id=1 result=success"));
}

TEST(ProvisioningAgentReportTest, RequestsRunOneAfterTheOtherOnceEachAndFailuresAreRecorded) {
  AgentDriver phone;
  quiet(phone);
  phone.set("Report_Rule", "[--delta]tftp://192.168.1.200/d.xml [--delta]http://192.168.1.200/f.xml");
  phone.power_on();
  phone.send(SipNotify{"report"});
  ASSERT_EQ(phone.uploads().size(), 1u);  // the second waits for the first
  EXPECT_EQ(phone.uploads()[0].url.to_string(), "tftp://192.168.1.200:69/d.xml");
  phone.send(SipNotify{"report"});  // while running: refused
  EXPECT_EQ(phone.trace_count("report_refused"), 1u);

  phone.complete_upload(phone.uploads()[0].id, fail(ErrorCode::TftpTimeout, "no answer"));
  EXPECT_FALSE(phone.status().report.last_success);
  EXPECT_EQ(phone.status().report.last_error, "tftp timeout");
  ASSERT_EQ(phone.uploads().size(), 2u);
  EXPECT_EQ(phone.uploads()[1].url.to_string(), "http://192.168.1.200:80/f.xml");
  EXPECT_EQ(phone.uploads()[1].method, UploadMethod::Post);

  phone.complete_upload(phone.uploads()[1].id);
  EXPECT_TRUE(phone.status().report.last_success);
  EXPECT_EQ(phone.status().report.uploads_failed, 1u);
  EXPECT_EQ(phone.status().report.uploads_succeeded, 1u);
  EXPECT_THAT(phone.syslog_messages(),
              ElementsAre("CP-78xx-3PCC 00:0e:08:ab:cd:ef -- Report upload failed: tftp timeout",
                          "CP-78xx-3PCC 00:0e:08:ab:cd:ef -- Successful report upload "
                          "http://192.168.1.200:80/f.xml"));
  // No retry: nothing more is uploaded, however long the phone runs.
  phone.run_for(86'400);
  EXPECT_EQ(phone.uploads().size(), 2u);
}

TEST(ProvisioningAgentReportTest, RefusedOrSkippedRequests) {
  AgentDriver phone;
  quiet(phone);
  phone.power_on();
  phone.send(SipNotify{"report"});  // Report_Rule empty
  EXPECT_EQ(phone.trace_count("report_refused"), 1u);

  phone.set("Report_Rule", "[--status]http://192.168.1.200/s.xml");
  phone.send(SipNotify{"Report"});
  EXPECT_EQ(phone.trace_count("report_request_skipped"), 1u);
  EXPECT_TRUE(phone.uploads().empty());
  EXPECT_FALSE(phone.status().report.running);

  phone.set("Report_Rule", "http://192.168.1.200/f.xml");
  phone.set("Resync_From_SIP", "No");
  phone.send(SipNotify{"report"});
  EXPECT_TRUE(phone.uploads().empty());
  phone.send(AdminReport{});  // the admin request is not a SIP one
  EXPECT_EQ(phone.uploads().size(), 1u);

  // A completion that belongs to no upload in flight is ignored.
  phone.complete_upload(99);
  EXPECT_EQ(phone.trace_count("upload_result_ignored"), 1u);
  EXPECT_TRUE(phone.status().report.running);
}

TEST(ProvisioningAgentReportTest, ServerlessRequestUsesTheDhcpServerAndBadRulesAreFailures) {
  AgentDriver phone;
  quiet(phone);
  phone.set("Report_Rule", "/report.xml");
  phone.power_on(DhcpOptions{{66, to_bytes("192.168.1.66")}});
  phone.send(AdminReport{});
  ASSERT_EQ(phone.uploads().size(), 1u) << all_trace_text(phone);
  EXPECT_EQ(phone.uploads()[0].url.to_string(), "tftp://192.168.1.66:69/report.xml");
  phone.complete_upload(phone.uploads()[0].id);

  phone.set("Report_Rule", "[--bogus]tftp://192.168.1.200/r.xml");
  phone.send(AdminReport{});
  EXPECT_EQ(phone.uploads().size(), 1u);
  EXPECT_FALSE(phone.status().report.last_success);
  EXPECT_EQ(phone.trace_count("report_request_failed"), 1u);
}

}  // namespace
}  // namespace fw
