// MIC renewal in the agent (provisioning_agent_mic.cpp): when it runs, what it sends, how it
// fails and retries. The whole exchange with a real service is in
// tests/servers/mic_renewal/mic_renewal_service_test.cpp and scenarios/seed/mic-renewal.yaml.

#include <gtest/gtest.h>

#include "firmware-core/fetch/mic_renewal_message.h"
#include "sim/pki/certificate_authority.h"
#include "tests/firmware-core/agent/agent_test_driver.h"

namespace fw {
namespace {

using agent_test::AgentDriver;
using agent_test::kWallDayStart;

constexpr std::int64_t kDay = 86400;

sim::CertificateAuthority& manufacturer() {
  static sim::CertificateAuthority authority = *sim::CertificateAuthority::create_root(
      "Manufacturer Root", {WallTime{kWallDayStart - 3650 * kDay}, WallTime{kWallDayStart + 3650 * kDay}});
  return authority;
}

// A MIC that expires `expires_in_days` after the driver's power-on.
MicCredentials credentials(std::int64_t expires_in_days) {
  auto issued = manufacturer().issue_phone({"CP-78xx-3PCC", "88012BA01234", "00:0e:08:ab:cd:ef", "000e08abcdef"},
                                      {WallTime{kWallDayStart - 365 * kDay},
                                       WallTime{kWallDayStart + expires_in_days * kDay}});
  EXPECT_TRUE(issued);
  MicCredentials result;
  result.identity = *TlsIdentity::from_pem(issued->certificate_pem(), issued->key_pem());
  result.manufacturer_roots_pem = {manufacturer().certificate_pem()};
  return result;
}

bool traced_mic_event(const AgentDriver& driver) {
  for (const TraceAction& trace : driver.traces()) {
    if (trace.event.starts_with("mic_")) return true;
  }
  return false;
}

TEST(ProvisioningAgentMicTest, DoesNothingAtTheDefaults) {
  AgentDriver driver;
  driver.agent().set_mic(credentials(10));
  driver.power_on();
  driver.run_until(3600);
  EXPECT_TRUE(driver.uploads().empty());
  EXPECT_FALSE(traced_mic_event(driver));
  EXPECT_EQ(mic_refresh_status_text(driver.agent().mic_refresh_status()), "Not attempted");
}

TEST(ProvisioningAgentMicTest, RenewsAMicInsideTheWindowAtPowerUp) {
  AgentDriver driver;
  driver.set("MIC_Cert_Refresh_Enable", "Yes");
  driver.agent().set_mic(credentials(10));
  driver.power_on();
  driver.run_until(5);
  ASSERT_EQ(driver.uploads().size(), 1u);
  const UploadAction& upload = driver.uploads().front();
  EXPECT_EQ(upload.url.to_string(), "http://sudirenewal.cisco.com:80/");
  EXPECT_EQ(upload.method, UploadMethod::Post);
  EXPECT_EQ(upload.content_type, kMicRenewalContentType);
  EXPECT_FALSE(upload.body.empty());
  EXPECT_TRUE(driver.agent().mic_refresh_status().running);
}

TEST(ProvisioningAgentMicTest, WaitsForTheWindowToOpen) {
  AgentDriver driver;
  driver.set("MIC_Cert_Refresh_Enable", "Yes");
  driver.agent().set_mic(credentials(40));  // the window opens 10 days after power-on
  driver.power_on();
  driver.run_until(10 * kDay - 1);
  EXPECT_TRUE(driver.uploads().empty());
  driver.run_until(10 * kDay + 1);
  EXPECT_EQ(driver.uploads().size(), 1u);
}

TEST(ProvisioningAgentMicTest, RefusalIsReportedAndRetriedWithBackoff) {
  AgentDriver driver;
  driver.set("MIC_Cert_Refresh_Enable", "Yes");
  driver.agent().set_mic(credentials(10));
  driver.power_on();
  driver.run_until(1);
  ASSERT_EQ(driver.uploads().size(), 1u);
  driver.complete_upload(driver.uploads().back().id, fail(ErrorCode::HttpGetFailed, "status 410"));
  const MicRefreshStatus& status = driver.agent().mic_refresh_status();
  EXPECT_EQ(status.last_error, "mic renewal refused");
  EXPECT_EQ(status.last_detail, "status 410");
  EXPECT_TRUE(mic_refresh_status_text(status).starts_with("Failed "));
  EXPECT_TRUE(mic_refresh_status_text(status).ends_with(": mic renewal refused"));
  // Retries after 60 s, then 300 s.
  driver.run_until(60);
  EXPECT_EQ(driver.uploads().size(), 1u);
  driver.run_until(62);
  ASSERT_EQ(driver.uploads().size(), 2u);
  driver.complete_upload(driver.uploads().back().id, fail(ErrorCode::ConnectFailed, "refused"));
  EXPECT_EQ(driver.agent().mic_refresh_status().last_error, "connect failed");
  driver.run_until(62 + 299);
  EXPECT_EQ(driver.uploads().size(), 2u);
  driver.run_until(62 + 301);
  EXPECT_EQ(driver.uploads().size(), 3u);
  EXPECT_TRUE(driver.reboots().empty());
}

TEST(ProvisioningAgentMicTest, ABadReplyIsNotInstalled) {
  AgentDriver driver;
  driver.set("MIC_Cert_Refresh_Enable", "Yes");
  driver.agent().set_mic(credentials(10));
  bool installed = false;
  driver.on_action = [&](const AgentAction& action) { installed |= std::holds_alternative<InstallMicAction>(action); };
  driver.power_on();
  driver.run_until(1);
  ASSERT_EQ(driver.uploads().size(), 1u);
  driver.send(UploadCompleted{driver.uploads().back().id, {}, "192.168.1.200", to_bytes("not a certificate")});
  EXPECT_FALSE(installed);
  EXPECT_EQ(driver.agent().mic_refresh_status().last_error, "mic renewal bad reply");
  EXPECT_TRUE(driver.reboots().empty());
}

TEST(ProvisioningAgentMicTest, AdminRequestNeedsTheFeatureEnabled) {
  AgentDriver driver;
  driver.agent().set_mic(credentials(400));
  driver.power_on();
  driver.send(AdminRenewMic{});
  EXPECT_TRUE(driver.uploads().empty());
  driver.set("MIC_Cert_Refresh_Enable", "Yes");
  driver.send(AdminRenewMic{});  // outside the window: renews anyway
  EXPECT_EQ(driver.uploads().size(), 1u);
}

TEST(ProvisioningAgentMicTest, WithoutAManufacturerCaTheAttemptFails) {
  AgentDriver driver;
  driver.set("MIC_Cert_Refresh_Enable", "Yes");
  MicCredentials mic = credentials(10);
  mic.manufacturer_roots_pem.clear();
  driver.agent().set_mic(mic);
  driver.power_on();
  driver.run_until(1);
  EXPECT_TRUE(driver.uploads().empty());
  EXPECT_EQ(driver.agent().mic_refresh_status().last_error, "mic renewal failed");
}

TEST(ProvisioningAgentMicTest, ARenewedMicShowsItsSuccessAfterTheReboot) {
  AgentDriver driver;
  MicCredentials mic = credentials(1000);
  mic.renewed_at = WallTime{kWallDayStart - 100};
  driver.agent().set_mic(mic);
  driver.power_on();
  const MicRefreshStatus& status = driver.agent().mic_refresh_status();
  EXPECT_TRUE(status.renewed);
  EXPECT_EQ(mic_refresh_status_text(status), "Success " + std::to_string(kWallDayStart - 100));
  EXPECT_EQ(status.common_name, "000e08abcdef");
}

}  // namespace
}  // namespace fw
