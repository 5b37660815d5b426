// PhoneRuntime end to end in a small simulated world: the real agent, TFTP client and syslog
// frames on a SimPlatform, against the real TFTP and syslog server cores hosted on the virtual
// network. The guide's first procedures ("Syslog", "TFTP-Resynchronisierung").

#include "firmware-core/runtime/phone_runtime.h"

#include <gtest/gtest.h>

#include "firmware-core/macro/macro_table.h"
#include "servers/content/file_root.h"
#include "sim/hosting/sim_http_server.h"
#include "sim/hosting/sim_syslog_server.h"
#include "sim/hosting/sim_tftp_server.h"
#include "sim/pki/certificate_authority.h"
#include "sim/platform/sim_platform.h"
#include "tests/support/source_dir.h"

namespace fw {
namespace {

const Ipv4Address kTftpServer = *Ipv4Address::parse("192.168.1.200");
const Ipv4Address kSyslogServer = *Ipv4Address::parse("192.168.1.210");
const Ipv4Address kWebServer = *Ipv4Address::parse("192.168.1.201");
const Ipv4Address kPhoneAddress = *Ipv4Address::parse("192.168.1.100");
constexpr WallTime kStart{1795514400};  // 2026-11-24T10:00:00Z

std::string guide_file(const char* name) { return test_support::guide_text(name); }

class PhoneRuntimeTest : public ::testing::Test {
 protected:
  PhoneRuntimeTest() : world_(42) {
    world_.network.add_host(kTftpServer, "tftp");
    world_.network.add_host(kWebServer, "web");
    world_.network.add_host(kSyslogServer, "syslog");
    tftp_ = std::move(*sim::SimTftpServer::start(world_, {kTftpServer, 69}, root_));
    syslog_ = std::move(*sim::SimSyslogServer::start(world_, {kSyslogServer, 514}, kStart));
    sim::PhoneSettings settings;
    settings.name = "000e08abcdef";
    settings.address = kPhoneAddress;
    settings.entity_id = 1;
    settings.wall_start = kStart;
    platform_ = std::make_unique<sim::SimPlatform>(world_, settings);
    identity_.mac = *parse_mac_address("00:0e:08:ab:cd:ef");
    identity_.product_name = "CP-6841-3PCC";
    identity_.product_series = "6841";
    identity_.serial_number = "FCH00000001";
    identity_.ip_address = kPhoneAddress.to_string();
    identity_.software_version = "sip68xx.12-0-1MPP0001-1";
    phone_ = std::make_unique<PhoneRuntime>(*platform_, identity_, decoder_);
  }

  // Replaces the phone by one with these settings (same flash, so same configuration).
  void restart_phone(PhoneRuntimeSettings settings) {
    phone_.reset();
    phone_ = std::make_unique<PhoneRuntime>(*platform_, identity_, decoder_, std::move(settings));
  }

  std::string parameter(std::string_view name) const {
    auto id = phone_->configuration().registry().find(name);
    return id ? std::string(phone_->configuration().value(*id)) : "<unknown parameter>";
  }

  sim::SimWorld world_;
  srv::FileRoot root_;
  std::unique_ptr<sim::SimTftpServer> tftp_;
  std::unique_ptr<sim::SimSyslogServer> syslog_;
  std::unique_ptr<sim::SimPlatform> platform_;
  PhoneIdentity identity_;
  ProfileDecoder decoder_;
  std::unique_ptr<PhoneRuntime> phone_;
};

TEST_F(PhoneRuntimeTest, GuideTftpResyncSetsGppAAndReportsToSyslog) {
  root_.put("/basic.txt", to_bytes(guide_file("basic.txt")));
  ASSERT_TRUE(phone_->set_parameter("Profile_Rule", "tftp://192.168.1.200/basic.txt"));
  ASSERT_TRUE(phone_->set_parameter("Syslog_Server", "192.168.1.210"));
  phone_->power_on({});
  world_.engine.run_for(seconds(120));  // Resync_Random_Delay 2 = at most 40 s

  EXPECT_EQ(parameter("GPP_A"), "12345678");
  const srv::SyslogServer& syslog = syslog_->core();
  EXPECT_EQ(syslog.count_matching("^CP-6841-3PCC 00:0e:08:ab:cd:ef -- Requesting resync "
                                  "tftp://192\\.168\\.1\\.200:69/basic\\.txt$"),
            1u);
  EXPECT_EQ(syslog.count_matching("^CP-6841-3PCC 00:0e:08:ab:cd:ef -- Successful resync "
                                  "tftp://192\\.168\\.1\\.200:69/basic\\.txt$"),
            1u);
  ASSERT_EQ(tftp_->records().size(), 1u);
  EXPECT_EQ(tftp_->records()[0].outcome, srv::TftpTransferRecord::Outcome::Completed);
  EXPECT_EQ(tftp_->records()[0].client.address, kPhoneAddress);
  ASSERT_FALSE(phone_->agent().status().recent.empty());
  EXPECT_TRUE(phone_->agent().status().recent.front().success);
}

TEST_F(PhoneRuntimeTest, DownloadedConfigurationSurvivesAPowerCycle) {
  root_.put("/basic.txt", to_bytes(guide_file("basic.txt")));
  ASSERT_TRUE(phone_->set_parameter("Profile_Rule", "tftp://192.168.1.200/basic.txt"));
  phone_->power_on({});
  world_.engine.run_for(seconds(120));
  ASSERT_EQ(parameter("GPP_A"), "12345678");

  phone_.reset();
  platform_->power_off(true);
  platform_->power_on();
  phone_ = std::make_unique<PhoneRuntime>(*platform_, identity_, decoder_);
  ASSERT_TRUE(phone_->load_result());
  EXPECT_EQ(parameter("GPP_A"), "12345678");
  EXPECT_EQ(parameter("Profile_Rule"), "tftp://192.168.1.200/basic.txt");
}

TEST_F(PhoneRuntimeTest, MissingFileFailsWithItsErrAndRetries) {
  ASSERT_TRUE(phone_->set_parameter("Profile_Rule", "tftp://192.168.1.200/missing.cfg"));
  ASSERT_TRUE(phone_->set_parameter("Syslog_Server", "192.168.1.210"));
  ASSERT_TRUE(phone_->set_parameter("Resync_Random_Delay", "0"));
  ASSERT_TRUE(phone_->set_parameter("Resync_Error_Retry_Delay", "30"));
  phone_->power_on({});
  world_.engine.run_for(seconds(100));
  EXPECT_GE(syslog_->core().count_matching("-- Resync failed: file not found$"), 3u);
  std::size_t not_found = 0;
  for (const auto& record : tftp_->records()) {
    not_found += record.outcome == srv::TftpTransferRecord::Outcome::NotFound ? 1 : 0;
  }
  EXPECT_EQ(not_found, 4u);  // at 0, 30, 60 and 90 s
  EXPECT_EQ(phone_->agent().status().recent.front().error, "file not found");
}

TEST_F(PhoneRuntimeTest, UnreachableServerTimesOutAndTheNextAttemptSucceeds) {
  root_.put("/basic.txt", to_bytes(guide_file("basic.txt")));
  ASSERT_TRUE(phone_->set_parameter("Profile_Rule", "tftp://192.168.1.200/basic.txt"));
  ASSERT_TRUE(phone_->set_parameter("Resync_Random_Delay", "0"));
  ASSERT_TRUE(phone_->set_parameter("Resync_Error_Retry_Delay", "60"));
  world_.network.set_host_up(kTftpServer, false);
  phone_->power_on({});
  world_.engine.run_for(seconds(59));
  ASSERT_FALSE(phone_->agent().status().recent.empty());
  EXPECT_EQ(phone_->agent().status().recent.front().error, "tftp timeout");
  world_.network.set_host_up(kTftpServer, true);
  world_.engine.run_for(seconds(120));
  EXPECT_EQ(parameter("GPP_A"), "12345678");
  EXPECT_TRUE(phone_->agent().status().recent.front().success);
}

TEST_F(PhoneRuntimeTest, ServerNameIsResolvedThroughDns) {
  world_.network.set_dns_records("prov.example.com", {kTftpServer});
  root_.put("/basic.txt", to_bytes(guide_file("basic.txt")));
  ASSERT_TRUE(phone_->set_parameter("Profile_Rule", "tftp://prov.example.com/basic.txt"));
  ASSERT_TRUE(phone_->set_parameter("Syslog_Server", "192.168.1.210"));
  phone_->power_on({});
  world_.engine.run_for(seconds(120));
  EXPECT_EQ(parameter("GPP_A"), "12345678");
  // $SERVIP is the address the name resolved to.
  EXPECT_EQ(syslog_->core().count_matching("Successful resync tftp://192\\.168\\.1\\.200:69/basic\\.txt"), 1u);
}

// --- HTTP and HTTPS --------------------------------------------------------------------------------

constexpr std::int64_t kDay = 86400;
const sim::Validity kValid{kStart + -30 * kDay, kStart + 365 * kDay};

// The provisioning and manufacturer roots of a test world, built once (key generation is slow).
struct TestPki {
  static TestPki& get() {
    static TestPki pki;
    return pki;
  }
  sim::CertificateAuthority provisioning = *sim::CertificateAuthority::create_root("Provisioning Root", kValid);
  sim::CertificateAuthority manufacturer = *sim::CertificateAuthority::create_root("Manufacturer Root", kValid);
};

std::shared_ptr<const TlsContext> phone_trust() {
  TlsContextOptions options;
  options.trusted_certificates_pem = {TestPki::get().provisioning.certificate_pem()};
  return *TlsContext::create(options);
}

std::shared_ptr<const TlsIdentity> phone_mic() {
  auto mic = TestPki::get().manufacturer.issue_phone(
      {"CP-6841-3PCC", "FCH00000001", "00:0e:08:ab:cd:ef", "000e08abcdef"}, kValid);
  return *TlsIdentity::from_pem(mic->certificate_pem(), mic->key_pem());
}

sim::SimHttpsSettings server_tls(sim::Validity validity, bool require_client_certificate) {
  auto certificate = TestPki::get().provisioning.issue_server({"prov.example.com"}, {kWebServer}, validity);
  TlsContextOptions options;
  options.role = TlsRole::Server;
  options.identity = *TlsIdentity::from_pem(certificate->certificate_pem(), certificate->key_pem());
  options.require_client_certificate = require_client_certificate;
  options.trusted_certificates_pem = {TestPki::get().manufacturer.certificate_pem()};
  return {*TlsContext::create(options), kStart};
}

TEST_F(PhoneRuntimeTest, GuideHttpGetResyncShowsThePhoneInTheUserAgent) {
  auto web = std::move(*sim::SimHttpServer::start(world_, {kWebServer, 80}, root_));
  root_.put("/basic.txt", to_bytes(guide_file("basic.txt")));
  ASSERT_TRUE(phone_->set_parameter("Profile_Rule", "http://192.168.1.201/basic.txt"));
  ASSERT_TRUE(phone_->set_parameter("Syslog_Server", "192.168.1.210"));
  phone_->power_on({});
  world_.engine.run_for(seconds(120));
  EXPECT_EQ(parameter("GPP_A"), "12345678");
  ASSERT_EQ(web->access_log().size(), 1u);
  EXPECT_EQ(web->access_log()[0].status, 200u);
  EXPECT_EQ(web->access_log()[0].user_agent, "Cisco-CP-6841-3PCC/sip68xx.12-0-1MPP0001-1 (000e08abcdef)");
  EXPECT_EQ(syslog_->core().count_matching("Successful resync http://192\\.168\\.1\\.201:80/basic\\.txt$"), 1u);
}

TEST_F(PhoneRuntimeTest, GuideHttpsResyncWithAnEncryptedGzipProfile) {
  auto web = std::move(*sim::SimHttpServer::start(world_, {kWebServer, 443}, root_, {}, {},
                                                  server_tls(kValid, false)));
  world_.network.set_dns_records("prov.example.com", {kWebServer});
  EncodeOptions packing;
  packing.gzip = true;
  packing.key = "Secret";
  root_.put("/basic.cfg", *encode_profile(as_bytes(guide_file("basic.txt")), packing));
  PhoneRuntimeSettings settings;
  settings.tls_context = phone_trust();
  restart_phone(settings);
  ASSERT_TRUE(phone_->set_parameter("Profile_Rule", "[--key Secret] https://prov.example.com/basic.cfg"));
  ASSERT_TRUE(phone_->set_parameter("Syslog_Server", "192.168.1.210"));
  phone_->power_on({});
  world_.engine.run_for(seconds(120));
  EXPECT_EQ(parameter("GPP_A"), "12345678");
  EXPECT_EQ(syslog_->core().count_matching("Successful resync https://192\\.168\\.1\\.201:443/basic\\.cfg$"), 1u);
  EXPECT_EQ(syslog_->core().count_matching("Secret"), 0u);  // the key never leaves the phone
  EXPECT_EQ(web->tls_failures(), 0u);
  EXPECT_EQ(web->core().open_connections(), 0u);  // every connection was closed and forgotten
}

TEST_F(PhoneRuntimeTest, MutualTlsNeedsTheMic) {
  auto web = std::move(*sim::SimHttpServer::start(world_, {kWebServer, 443}, root_, {}, {},
                                                  server_tls(kValid, true)));
  root_.put("/basic.txt", to_bytes(guide_file("basic.txt")));
  PhoneRuntimeSettings without_mic;
  without_mic.tls_context = phone_trust();
  restart_phone(without_mic);
  ASSERT_TRUE(phone_->set_parameter("Profile_Rule", "https://192.168.1.201/basic.txt"));
  ASSERT_TRUE(phone_->set_parameter("Resync_Random_Delay", "0"));
  phone_->power_on({});
  world_.engine.run_for(seconds(5));
  ASSERT_FALSE(phone_->agent().status().recent.empty());
  EXPECT_EQ(phone_->agent().status().recent.front().error, "tls handshake failed");
  EXPECT_EQ(web->access_log().size(), 0u);
  EXPECT_EQ(web->tls_failures(), 1u);

  PhoneRuntimeSettings with_mic = without_mic;
  with_mic.client_identity = phone_mic();
  restart_phone(with_mic);
  phone_->power_on({});
  world_.engine.run_for(seconds(5));
  EXPECT_EQ(parameter("GPP_A"), "12345678");
  EXPECT_EQ(web->access_log().size(), 1u);
}

TEST_F(PhoneRuntimeTest, ExpiredServerCertificateIsRejectedByThePhonesClock) {
  const sim::Validity expired{kStart + -400 * kDay, kStart + -1 * kDay};
  auto web = std::move(*sim::SimHttpServer::start(world_, {kWebServer, 443}, root_, {}, {},
                                                  server_tls(expired, false)));
  root_.put("/basic.txt", to_bytes(guide_file("basic.txt")));
  PhoneRuntimeSettings settings;
  settings.tls_context = phone_trust();
  restart_phone(settings);
  ASSERT_TRUE(phone_->set_parameter("Profile_Rule", "https://192.168.1.201/basic.txt"));
  ASSERT_TRUE(phone_->set_parameter("Resync_Random_Delay", "0"));
  phone_->power_on({});
  world_.engine.run_for(seconds(5));
  ASSERT_FALSE(phone_->agent().status().recent.empty());
  EXPECT_EQ(phone_->agent().status().recent.front().error, "certificate rejected");
  EXPECT_NE(parameter("GPP_A"), "12345678");
}

TEST_F(PhoneRuntimeTest, HttpNotFoundIsFileNotFound) {
  auto web = std::move(*sim::SimHttpServer::start(world_, {kWebServer, 80}, root_));
  ASSERT_TRUE(phone_->set_parameter("Profile_Rule", "http://192.168.1.201/nothing.cfg"));
  ASSERT_TRUE(phone_->set_parameter("Resync_Random_Delay", "0"));
  phone_->power_on({});
  world_.engine.run_for(seconds(5));
  ASSERT_FALSE(phone_->agent().status().recent.empty());
  EXPECT_EQ(phone_->agent().status().recent.front().error, "file not found");
  ASSERT_EQ(web->access_log().size(), 1u);
  EXPECT_EQ(web->access_log()[0].status, 404u);
}

}  // namespace
}  // namespace fw
