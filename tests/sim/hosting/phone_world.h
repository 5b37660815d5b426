#pragma once

// A small simulated world for end-to-end tests of the hosted servers: one phone (the real
// firmware in a PhoneRuntime on a SimPlatform), a TFTP server, room for HTTP(S) servers, a
// syslog server and the test PKI. The style of tests/firmware-core/runtime/phone_runtime_test.cpp.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "firmware-core/runtime/phone_runtime.h"
#include "servers/content/file_root.h"
#include "sim/hosting/sim_http_server.h"
#include "sim/hosting/sim_syslog_server.h"
#include "sim/hosting/sim_tftp_server.h"
#include "sim/pki/certificate_authority.h"
#include "sim/platform/sim_platform.h"
#include "tests/support/source_dir.h"

namespace sim::test {

inline const fw::Ipv4Address kTftpServer = *fw::Ipv4Address::parse("192.168.1.200");
inline const fw::Ipv4Address kWebServer = *fw::Ipv4Address::parse("192.168.1.201");
inline const fw::Ipv4Address kSyslogServer = *fw::Ipv4Address::parse("192.168.1.210");
inline const fw::Ipv4Address kPhoneAddress = *fw::Ipv4Address::parse("192.168.1.100");
inline constexpr fw::WallTime kStart{1795514400};  // 2026-11-24T10:00:00Z
inline constexpr std::int64_t kDay = 86400;
inline const Validity kValid{kStart + -30 * kDay, kStart + 365 * kDay};

inline std::string guide_file(const char* name) { return test_support::guide_text(name); }

// The provisioning and manufacturer roots, built once (key generation is slow).
struct TestPki {
  static TestPki& get() {
    static TestPki pki;
    return pki;
  }
  CertificateAuthority provisioning = *CertificateAuthority::create_root("Provisioning Root", kValid);
  CertificateAuthority manufacturer = *CertificateAuthority::create_root("Manufacturer Root", kValid);
};

inline std::shared_ptr<const fw::TlsContext> phone_trust() {
  fw::TlsContextOptions options;
  options.trusted_certificates_pem = {TestPki::get().provisioning.certificate_pem()};
  return *fw::TlsContext::create(options);
}

inline std::shared_ptr<const fw::TlsIdentity> phone_mic() {
  auto mic = TestPki::get().manufacturer.issue_phone(
      {"CP-6841-3PCC", "FCH00000001", "00:0e:08:ab:cd:ef", "000e08abcdef"}, kValid);
  return *fw::TlsIdentity::from_pem(mic->certificate_pem(), mic->key_pem());
}

inline SimHttpsSettings server_tls(bool require_client_certificate) {
  auto certificate =
      TestPki::get().provisioning.issue_server({"prov.example.com"}, {kWebServer}, kValid);
  fw::TlsContextOptions options;
  options.role = fw::TlsRole::Server;
  options.identity = *fw::TlsIdentity::from_pem(certificate->certificate_pem(), certificate->key_pem());
  options.require_client_certificate = require_client_certificate;
  options.trusted_certificates_pem = {TestPki::get().manufacturer.certificate_pem()};
  return {*fw::TlsContext::create(options), kStart};
}

class PhoneWorldTest : public ::testing::Test {
 protected:
  PhoneWorldTest() : world_(42) {
    world_.network.add_host(kTftpServer, "tftp");
    world_.network.add_host(kWebServer, "web");
    world_.network.add_host(kSyslogServer, "syslog");
    syslog_ = std::move(*SimSyslogServer::start(world_, {kSyslogServer, 514}, kStart));
    PhoneSettings settings;
    settings.name = "000e08abcdef";
    settings.address = kPhoneAddress;
    settings.entity_id = 1;
    settings.wall_start = kStart;
    platform_ = std::make_unique<SimPlatform>(world_, settings);
    identity_.mac = *fw::parse_mac_address("00:0e:08:ab:cd:ef");
    identity_.product_name = "CP-6841-3PCC";
    identity_.product_series = "6841";
    identity_.serial_number = "FCH00000001";
    identity_.ip_address = kPhoneAddress.to_string();
    identity_.software_version = "sip68xx.12-0-1MPP0001-1";
    phone_ = std::make_unique<fw::PhoneRuntime>(*platform_, identity_, decoder_);
  }

  // Replaces the phone by one with these settings (same flash, so same configuration).
  void restart_phone(fw::PhoneRuntimeSettings settings) {
    phone_.reset();
    phone_ = std::make_unique<fw::PhoneRuntime>(*platform_, identity_, decoder_, std::move(settings));
  }

  std::string parameter(std::string_view name) const {
    auto id = phone_->configuration().registry().find(name);
    return id ? std::string(phone_->configuration().value(*id)) : "<unknown parameter>";
  }

  // Sets a rule, no random delay and a fixed retry delay, and powers the phone on.
  void start_resyncing(std::string_view rule, std::string_view retry_delay_s = "30") {
    ASSERT_TRUE(phone_->set_parameter("Profile_Rule", rule));
    ASSERT_TRUE(phone_->set_parameter("Syslog_Server", "192.168.1.210"));
    ASSERT_TRUE(phone_->set_parameter("Resync_Random_Delay", "0"));
    ASSERT_TRUE(phone_->set_parameter("Resync_Error_Retry_Delay", retry_delay_s));
    phone_->power_on({});
  }

  std::string last_error() const {
    const auto& recent = phone_->agent().status().recent;
    return recent.empty() ? "<no resync yet>" : recent.front().error;
  }

  SimWorld world_;
  srv::FileRoot root_;
  std::unique_ptr<SimSyslogServer> syslog_;
  std::unique_ptr<SimPlatform> platform_;
  fw::PhoneIdentity identity_;
  fw::ProfileDecoder decoder_;
  std::unique_ptr<fw::PhoneRuntime> phone_;
};

}  // namespace sim::test
