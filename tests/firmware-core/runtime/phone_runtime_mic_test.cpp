// PhoneRuntime and the MIC in a small simulated world: an expired MIC is not presented (the
// guide: with an expired MIC, TLS features fail), and a renewal at the SUDI-like service
// (servers/mic_renewal, hosted on the virtual network) is installed on flash, used for mutual
// TLS after the reboot and kept by a factory reset.

#include <gtest/gtest.h>

#include "firmware-core/fetch/mic_renewal_message.h"
#include "firmware-core/runtime/mic_store.h"
#include "firmware-core/runtime/phone_runtime.h"
#include "servers/content/file_root.h"
#include "servers/mic_renewal/mic_renewal_service.h"
#include "sim/hosting/sim_http_server.h"
#include "sim/pki/certificate_authority.h"
#include "sim/platform/sim_platform.h"

namespace fw {
namespace {

const Ipv4Address kWebServer = *Ipv4Address::parse("192.168.1.201");
const Ipv4Address kSudiServer = *Ipv4Address::parse("192.168.1.210");
const Ipv4Address kPhoneAddress = *Ipv4Address::parse("192.168.1.100");
constexpr WallTime kStart{1795514400};  // 2026-11-24T10:00:00Z
constexpr std::int64_t kDay = 86400;
const sim::Validity kValid{kStart + -3650 * kDay, kStart + 3650 * kDay};
constexpr std::string_view kProfile = "<flat-profile><GPP_A>mtls</GPP_A></flat-profile>";

struct Pki {
  static Pki& get() {
    static Pki pki;
    return pki;
  }
  sim::CertificateAuthority provisioning = *sim::CertificateAuthority::create_root("Provisioning Root", kValid);
  sim::CertificateAuthority manufacturer = *sim::CertificateAuthority::create_root("Manufacturer Root", kValid);
};

// A MIC for the phone, expiring `expires_in_days` after the start.
std::shared_ptr<const TlsIdentity> mic(std::int64_t expires_in_days) {
  auto issued = Pki::get().manufacturer.issue_phone({"CP-6841-3PCC", "FCH00000001", "00:0e:08:ab:cd:ef", "000e08abcdef"},
                                                    {kStart + -365 * kDay, kStart + expires_in_days * kDay});
  return *TlsIdentity::from_pem(issued->certificate_pem(), issued->key_pem());
}

class PhoneRuntimeMicTest : public ::testing::Test {
 protected:
  PhoneRuntimeMicTest() : world_(42) {
    world_.network.add_host(kWebServer, "web");
    world_.network.add_host(kSudiServer, "sudi");
    root_.put("/basic.txt", to_bytes(kProfile));
    // HTTPS requiring a client certificate from the manufacturer CA.
    auto certificate = Pki::get().provisioning.issue_server({"prov.example.com"}, {kWebServer}, kValid);
    TlsContextOptions server;
    server.role = TlsRole::Server;
    server.identity = *TlsIdentity::from_pem(certificate->certificate_pem(), certificate->key_pem());
    server.require_client_certificate = true;
    server.trusted_certificates_pem = {Pki::get().manufacturer.certificate_pem()};
    web_ = std::move(*sim::SimHttpServer::start(world_, {kWebServer, 443}, root_, {}, {},
                                                sim::SimHttpsSettings{*TlsContext::create(server), kStart}));
    srv::MicRenewalSettings renewal;
    renewal.ca_certificate_pem = Pki::get().manufacturer.certificate_pem();
    renewal.ca_key_pem = Pki::get().manufacturer.key_pem();
    service_ = *srv::MicRenewalService::create(std::move(renewal));
    sudi_ = std::move(*sim::SimHttpServer::start(
        world_, {kSudiServer, 80}, sudi_root_, {}, srv::mic_renewal_hook(service_, [](Instant now) {
          return kStart + whole_seconds(now.since_epoch());
        })));
    sim::PhoneSettings settings;
    settings.name = "000e08abcdef";
    settings.address = kPhoneAddress;
    settings.entity_id = 1;
    settings.wall_start = kStart;
    platform_ = std::make_unique<sim::SimPlatform>(world_, settings);
    platform_->set_reboot_handler([this] { boot(); });
    identity_.mac = *parse_mac_address("00:0e:08:ab:cd:ef");
    identity_.product_name = "CP-6841-3PCC";
    identity_.product_series = "6841";
    identity_.serial_number = "FCH00000001";
    identity_.ip_address = kPhoneAddress.to_string();
    identity_.software_version = "sip68xx.12-0-1MPP0001-1";
  }

  static std::int64_t whole_seconds(Duration duration) {
    return std::chrono::duration_cast<std::chrono::seconds>(duration).count();
  }

  // A new firmware instance on the same flash with the factory MIC, powered on.
  void boot() {
    phone_.reset();
    PhoneRuntimeSettings settings;
    TlsContextOptions trust;
    trust.trusted_certificates_pem = {Pki::get().provisioning.certificate_pem()};
    settings.tls_context = *TlsContext::create(trust);
    settings.client_identity = factory_mic_;
    settings.manufacturer_roots_pem = {Pki::get().manufacturer.certificate_pem()};
    phone_ = std::make_unique<PhoneRuntime>(*platform_, identity_, decoder_, std::move(settings));
    ++boots_;
    phone_->power_on({});
  }

  void configure(std::initializer_list<std::pair<const char*, const char*>> parameters) {
    for (const auto& [name, value] : parameters) ASSERT_TRUE(phone_->set_parameter(name, value)) << name;
  }

  std::string parameter(std::string_view name) const {
    return std::string(phone_->configuration().value(*phone_->configuration().registry().find(name)));
  }

  sim::SimWorld world_;
  srv::FileRoot root_;
  srv::FileRoot sudi_root_;
  std::unique_ptr<sim::SimHttpServer> web_;
  std::shared_ptr<srv::MicRenewalService> service_;
  std::unique_ptr<sim::SimHttpServer> sudi_;
  std::unique_ptr<sim::SimPlatform> platform_;
  PhoneIdentity identity_;
  ProfileDecoder decoder_;
  std::shared_ptr<const TlsIdentity> factory_mic_;
  std::unique_ptr<PhoneRuntime> phone_;
  int boots_ = 0;
};

TEST_F(PhoneRuntimeMicTest, AnExpiredMicIsNotPresentedSoMutualTlsFails) {
  factory_mic_ = mic(-1);
  boot();
  configure({{"Profile_Rule", "https://192.168.1.201/basic.txt"}, {"Resync_Random_Delay", "0"}});
  phone_->admin_resync(std::nullopt);
  world_.engine.run_for(seconds(5));
  ASSERT_FALSE(phone_->agent().status().recent.empty());
  EXPECT_EQ(phone_->agent().status().recent.back().error, "client certificate expired");
  EXPECT_EQ(web_->access_log().size(), 0u);
  EXPECT_EQ(web_->tls_failures(), 1u);  // the server refused the handshake without a certificate
  EXPECT_EQ(parameter("GPP_A"), "");
}

TEST_F(PhoneRuntimeMicTest, ARenewedMicIsInstalledUsedAfterTheRebootAndKeptByAFactoryReset) {
  factory_mic_ = mic(10);  // inside the 30-day renewal window
  boot();
  configure({{"Profile_Rule", "https://192.168.1.201/basic.txt"},
             {"Resync_Random_Delay", "0"},
             {"MIC_Cert_Refresh_Enable", "Yes"},
             {"MIC_Cert_Refresh_Rule", "http://192.168.1.210/"}});
  phone_->admin_renew_mic();
  world_.engine.run_for(seconds(60));
  EXPECT_EQ(service_->counts().issued, 1u);
  EXPECT_EQ(boots_, 2);  // the renewal's reboot
  auto stored = MicStore(platform_->flash()).load();
  ASSERT_TRUE(stored && *stored);
  const MicRefreshStatus& status = phone_->agent().mic_refresh_status();
  EXPECT_TRUE(status.renewed);
  EXPECT_TRUE(mic_refresh_status_text(status).starts_with("Success ")) << mic_refresh_status_text(status);
  ASSERT_TRUE(phone_->client_identity());
  EXPECT_EQ(summarize_certificate(phone_->client_identity()->certificate()).serial_hex, "10000000");
  // The power-up resync after the reboot went over mutual TLS with the renewed MIC.
  EXPECT_EQ(parameter("GPP_A"), "mtls");
  // The new private key is on flash only: never in the status.
  EXPECT_EQ(status.last_detail.find("PRIVATE"), std::string::npos);

  phone_->factory_reset();
  world_.engine.run_for(seconds(30));
  EXPECT_EQ(boots_, 3);
  EXPECT_EQ(parameter("MIC_Cert_Refresh_Enable"), "No");
  EXPECT_EQ(parameter("GPP_A"), "");
  EXPECT_TRUE(phone_->agent().mic_refresh_status().renewed);
  EXPECT_EQ(summarize_certificate(phone_->client_identity()->certificate()).serial_hex, "10000000");
  phone_->admin_resync(std::string("https://192.168.1.201/basic.txt"));
  world_.engine.run_for(seconds(5));
  EXPECT_EQ(parameter("GPP_A"), "mtls");
  EXPECT_EQ(service_->counts().issued, 1u);  // the renewed MIC is far from its window
}

}  // namespace
}  // namespace fw
