// The custom CA of ProvisioningAgent (provisioning_agent_custom_ca.cpp).

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "firmware-core/agent/provisioning_agent.h"
#include "sim/pki/certificate_authority.h"
#include "tests/firmware-core/agent/agent_test_driver.h"

namespace fw {
namespace {

using agent_test::AgentDriver;
using agent_test::kWallDayStart;

const sim::Validity kValid{WallTime{kWallDayStart - 86400}, WallTime{kWallDayStart + 365 * 86400}};

const std::string& ca_pem() {
  static const std::string pem =
      sim::CertificateAuthority::create_root("Example Custom CA", kValid)->certificate_pem();
  return pem;
}

// Records the InstallCustomCa actions (the driver keeps no list of them).
struct Installs {
  explicit Installs(AgentDriver& phone) {
    phone.on_action = [this](const AgentAction& action) {
      if (auto* install = std::get_if<InstallCustomCa>(&action)) list.push_back(*install);
    };
  }
  std::vector<InstallCustomCa> list;
};

TEST(ProvisioningAgentCustomCaTest, AdminUpdateCaInstallsTheCertificateAndSetsTheStatus) {
  AgentDriver phone;
  Installs installs(phone);
  phone.set("Resync_On_Reset", "No");
  phone.serve("http://192.168.1.200:80/ca.pem", to_bytes(ca_pem()));
  phone.power_on();
  EXPECT_FALSE(phone.agent().custom_ca_status().installed);
  phone.send(AdminUpdateCa{"http://192.168.1.200/ca.pem"});
  ASSERT_EQ(phone.fetches().size(), 1u);
  ASSERT_EQ(installs.list.size(), 1u);
  EXPECT_EQ(installs.list[0].pem, ca_pem());
  EXPECT_EQ(installs.list[0].common_name, "Example Custom CA");
  const CustomCaStatus& status = phone.agent().custom_ca_status();
  EXPECT_TRUE(status.installed);
  EXPECT_EQ(status.installed_cn, "Example Custom CA");
  EXPECT_EQ(status.last_success->unix_seconds, phone.wall_s());
  EXPECT_FALSE(status.last_failure);
  EXPECT_EQ(phone.status().recent.size(), 0u);  // not a resync
}

TEST(ProvisioningAgentCustomCaTest, CustomCaRuleIsFetchedAfterAResyncOncePerRule) {
  AgentDriver phone;
  Installs installs(phone);
  phone.set("Profile_Rule", "tftp://192.168.1.200/p.xml");
  phone.set("Resync_Periodic", "600");
  phone.serve_xml("tftp://192.168.1.200:69/p.xml",
                  "<Custom_CA_Rule>http://192.168.1.200/ca.pem</Custom_CA_Rule>");
  phone.serve("http://192.168.1.200:80/ca.pem", to_bytes(ca_pem()));
  phone.power_on();
  phone.run_for(1300);
  std::vector<std::string> urls;
  for (const auto& fetch : phone.fetches()) urls.push_back(fetch.url);
  // The periodic resyncs do not fetch the unchanged rule again.
  EXPECT_EQ(urls, (std::vector<std::string>{
                      "tftp://192.168.1.200:69/p.xml", "http://192.168.1.200:80/ca.pem",
                      "tftp://192.168.1.200:69/p.xml", "tftp://192.168.1.200:69/p.xml"}));
  EXPECT_EQ(installs.list.size(), 1u);
}

TEST(ProvisioningAgentCustomCaTest, NotACaOrNotFoundIsAFailureAndKeepsTheInstalledOne) {
  AgentDriver phone;
  Installs installs(phone);
  phone.set("Resync_On_Reset", "No");
  phone.serve("http://192.168.1.200:80/leaf.pem", to_bytes("-----BEGIN CERTIFICATE-----\nxx"));
  phone.power_on();
  phone.agent().restore_custom_ca("Old CA");
  phone.send(AdminUpdateCa{"http://192.168.1.200/leaf.pem"});
  EXPECT_TRUE(installs.list.empty());
  const CustomCaStatus& status = phone.agent().custom_ca_status();
  EXPECT_EQ(status.last_failure->unix_seconds, phone.wall_s());
  EXPECT_EQ(status.last_error, "invalid value");
  EXPECT_EQ(status.installed_cn, "Old CA");
  phone.send(AdminUpdateCa{"http://192.168.1.200/missing.pem"});
  EXPECT_EQ(status.last_error, "file not found");
  phone.send(AdminUpdateCa{});  // no URL and Custom_CA_Rule empty
  EXPECT_EQ(phone.trace_count("custom_ca_refused"), 1u);
}

TEST(ProvisioningAgentCustomCaTest, ARequestDuringAResyncWaitsAndAResyncWaitsForTheCaFetch) {
  AgentDriver phone;
  Installs installs(phone);
  phone.set("Resync_On_Reset", "No");
  phone.set_fetch_latency(5);
  phone.serve_xml("tftp://192.168.1.200:69/p.xml", "<GPP_A>1</GPP_A>");
  phone.serve("http://192.168.1.200:80/ca.pem", to_bytes(ca_pem()));
  phone.power_on();
  phone.send(AdminResync{"tftp://192.168.1.200/p.xml"});
  phone.send(AdminUpdateCa{"http://192.168.1.200/ca.pem"});  // waits for the resync
  EXPECT_EQ(phone.fetches().size(), 1u);
  phone.run_for(5);
  ASSERT_EQ(phone.fetches().size(), 2u);
  EXPECT_EQ(phone.fetches()[1].at_s, 5);
  phone.send(AdminResync{"tftp://192.168.1.200/p.xml"});  // waits for the CA fetch
  EXPECT_EQ(phone.fetches().size(), 2u);
  phone.run_for(5);
  EXPECT_EQ(installs.list.size(), 1u);
  ASSERT_EQ(phone.fetches().size(), 3u);
  EXPECT_EQ(phone.fetches()[2].at_s, 10);
}

}  // namespace
}  // namespace fw
