#include "firmware-core/fetch/tls_session.h"

#include <gtest/gtest.h>

#include <string>

#include "sim/pki/certificate_authority.h"

namespace fw {
namespace {

constexpr WallTime kNow{1795514400};  // 2026-11-24T10:00:00Z, the phone's wall clock
constexpr std::int64_t kDay = 86400;
const sim::Validity kCurrent{kNow + -30 * kDay, kNow + 365 * kDay};

// A provisioning root, a manufacturer root for MICs, and an untrusted root: built once.
class Pki {
 public:
  static Pki& get() {
    static Pki pki;
    return pki;
  }
  sim::CertificateAuthority provisioning = *sim::CertificateAuthority::create_root("Provisioning Root", kCurrent);
  sim::CertificateAuthority manufacturer = *sim::CertificateAuthority::create_root("Manufacturer Root", kCurrent);
  sim::CertificateAuthority untrusted = *sim::CertificateAuthority::create_root("Untrusted Root", kCurrent);
};

std::shared_ptr<const TlsIdentity> identity_of(const sim::IssuedCertificate& issued) {
  auto identity = TlsIdentity::from_pem(issued.certificate_pem(), issued.key_pem());
  EXPECT_TRUE(identity);
  return *identity;
}

std::shared_ptr<const TlsContext> phone_context(TlsVersion version_min = TlsVersion::Tls1_2) {
  TlsContextOptions options;
  options.role = TlsRole::Client;
  options.trusted_certificates_pem = {Pki::get().provisioning.certificate_pem()};
  options.version_min = version_min;
  return *TlsContext::create(options);
}

std::shared_ptr<const TlsContext> server_context(const sim::IssuedCertificate& certificate,
                                                 bool require_client_certificate = false,
                                                 std::optional<TlsVersion> version_max = std::nullopt) {
  TlsContextOptions options;
  options.role = TlsRole::Server;
  options.identity = identity_of(certificate);
  options.require_client_certificate = require_client_certificate;
  options.trusted_certificates_pem = {Pki::get().manufacturer.certificate_pem()};
  if (version_max) {
    options.version_min = *version_max;
    options.version_max = version_max;
  }
  auto context = TlsContext::create(options);
  EXPECT_TRUE(context) << context.error().to_string();
  return *context;
}

sim::IssuedCertificate server_certificate(sim::Validity validity = kCurrent,
                                          std::vector<std::string> names = {"prov.example.com"}) {
  return *Pki::get().provisioning.issue_server(names, {*Ipv4Address::parse("192.168.1.200")}, validity);
}

sim::IssuedCertificate phone_certificate(sim::CertificateAuthority& issuer) {
  return *issuer.issue_phone({"CP-8841-3PCC", "FCH2231ABCD", "00:0e:08:ab:cd:ef", "000e08abcdef"}, kCurrent);
}

// Moves ciphertext between the two sessions until neither has anything to say. With
// `chunk_bytes`, every delivery is cut into pieces of that size (the byte grind).
void exchange(TlsSession& client, TlsSession& server, std::size_t chunk_bytes = 0) {
  for (int round = 0; round < 1000; ++round) {
    Bytes to_server = client.take_ciphertext();
    Bytes to_client = server.take_ciphertext();
    if (to_server.empty() && to_client.empty()) return;
    auto deliver = [chunk_bytes](TlsSession& session, const Bytes& bytes) {
      if (chunk_bytes == 0) {
        session.receive_ciphertext(bytes);
        return;
      }
      for (std::size_t offset = 0; offset < bytes.size(); offset += chunk_bytes) {
        session.receive_ciphertext(ByteSpan(bytes).subspan(offset, std::min(chunk_bytes, bytes.size() - offset)));
      }
    };
    if (!to_server.empty()) deliver(server, to_server);
    if (!to_client.empty()) deliver(client, to_client);
  }
  FAIL() << "the sessions never went quiet";
}

TEST(TlsSessionTest, HandshakeThenDataBothWaysThenOrderlyClose) {
  TlsSession server = TlsSession::server(server_context(server_certificate()), kNow);
  TlsSession client = TlsSession::client(phone_context(), "prov.example.com", kNow);
  client.send_plaintext(as_bytes("GET /basic.txt HTTP/1.1\r\n\r\n"));  // queued until established
  exchange(client, server);
  ASSERT_FALSE(client.error()) << client.error()->to_string();
  ASSERT_TRUE(client.established());
  ASSERT_TRUE(server.established());
  EXPECT_EQ(client.protocol_version(), "TLSv1.3");
  EXPECT_EQ(as_text(server.take_plaintext()), "GET /basic.txt HTTP/1.1\r\n\r\n");
  server.send_plaintext(as_bytes("HTTP/1.1 200 OK\r\n\r\n<flat-profile/>"));
  server.close();
  exchange(client, server);
  EXPECT_EQ(as_text(client.take_plaintext()), "HTTP/1.1 200 OK\r\n\r\n<flat-profile/>");
  EXPECT_TRUE(client.peer_closed());
  EXPECT_FALSE(server.peer_certificate());  // no client certificate was asked for
}

TEST(TlsSessionTest, SurvivesCiphertextDeliveredOneByteAtATime) {
  TlsSession server = TlsSession::server(server_context(server_certificate()), kNow);
  TlsSession client = TlsSession::client(phone_context(), "prov.example.com", kNow);
  client.send_plaintext(as_bytes("hello"));
  exchange(client, server, 1);
  ASSERT_TRUE(client.established() && server.established());
  EXPECT_EQ(as_text(server.take_plaintext()), "hello");
  std::string large(100'000, 'x');  // several records
  server.send_plaintext(as_bytes(large));
  exchange(client, server, 7);
  EXPECT_EQ(as_text(client.take_plaintext()), large);
}

TEST(TlsSessionTest, VerifiesAnIpAddressAgainstTheSubjectAltName) {
  TlsSession server = TlsSession::server(server_context(server_certificate()), kNow);
  TlsSession client = TlsSession::client(phone_context(), "192.168.1.200", kNow);
  exchange(client, server);
  EXPECT_TRUE(client.established());
  EXPECT_FALSE(client.error());
}

struct RejectedCase {
  const char* name;
  std::function<sim::IssuedCertificate()> certificate;
  std::string host;
  WallTime phone_clock;
  std::string detail;
};

TEST(TlsSessionTest, RejectsEveryBadServerCertificateWithItsReason) {
  const std::vector<RejectedCase> cases = {
      {"expired", [] { return server_certificate({kNow + -400 * kDay, kNow + -1}); },
       "prov.example.com", kNow, "certificate has expired"},
      {"not yet valid", [] { return server_certificate({kNow + 1 * kDay, kNow + 400 * kDay}); },
       "prov.example.com", kNow, "certificate is not yet valid"},
      {"valid by the host's clock, expired by the phone's", [] { return server_certificate(); },
       "prov.example.com", kNow + 3650 * kDay, "certificate has expired"},
      {"wrong host", [] { return server_certificate(); }, "other.example.com", kNow,
       "hostname mismatch"},
      {"wrong address", [] { return server_certificate(); }, "192.168.1.201", kNow,
       "IP address mismatch"},
      {"untrusted root",
       [] { return *Pki::get().untrusted.issue_server({"prov.example.com"}, {}, kCurrent); },
       "prov.example.com", kNow, "unable to get local issuer certificate"},
      {"self-signed", [] { return *sim::make_self_signed_server("prov.example.com", kCurrent); },
       "prov.example.com", kNow, "self-signed certificate"},
  };
  for (const RejectedCase& rejected : cases) {
    SCOPED_TRACE(rejected.name);
    TlsSession server = TlsSession::server(server_context(rejected.certificate()), kNow);
    TlsSession client = TlsSession::client(phone_context(), rejected.host, rejected.phone_clock);
    client.send_plaintext(as_bytes("never sent"));
    exchange(client, server);
    ASSERT_TRUE(client.error());
    EXPECT_EQ(client.error()->code, ErrorCode::CertificateRejected);
    EXPECT_EQ(client.error()->detail, rejected.detail);
    EXPECT_TRUE(server.take_plaintext().empty());
    EXPECT_TRUE(server.error());  // the client's alert ends the server's side too
  }
}

TEST(TlsSessionTest, MutualTlsAcceptsTheMicAndShowsItsFields) {
  sim::IssuedCertificate mic = phone_certificate(Pki::get().manufacturer);
  TlsSession server = TlsSession::server(server_context(server_certificate(), true), kNow);
  TlsSession client = TlsSession::client(phone_context(), "prov.example.com", kNow, identity_of(mic));
  exchange(client, server);
  ASSERT_TRUE(server.established()) << (server.error() ? server.error()->to_string() : "");
  auto peer = server.peer_certificate();
  ASSERT_TRUE(peer);
  EXPECT_EQ(peer->subject, "CN=000e08abcdef,ST=00:0e:08:ab:cd:ef,L=FCH2231ABCD,OU=CP-8841-3PCC");
  EXPECT_EQ(peer->issuer, "CN=Manufacturer Root,O=phonesim");
  ASSERT_EQ(peer->subject_fields.size(), 4u);
  EXPECT_EQ(peer->subject_fields[0], (std::pair<std::string, std::string>{"OU", "CP-8841-3PCC"}));
}

TEST(TlsSessionTest, MutualTlsRefusesAPhoneWithoutCertificate) {
  TlsSession server = TlsSession::server(server_context(server_certificate(), true), kNow);
  TlsSession client = TlsSession::client(phone_context(), "prov.example.com", kNow);
  client.send_plaintext(as_bytes("GET / HTTP/1.1\r\n\r\n"));
  exchange(client, server);
  ASSERT_TRUE(server.error());
  EXPECT_EQ(server.error()->code, ErrorCode::TlsHandshakeFailed);
  EXPECT_EQ(server.error()->detail, "peer did not return a certificate");
  ASSERT_TRUE(client.error());  // TLS 1.3: the client learns it from the server's alert
  EXPECT_EQ(client.error()->code, ErrorCode::TlsHandshakeFailed);
  EXPECT_TRUE(server.take_plaintext().empty());
}

TEST(TlsSessionTest, MutualTlsRefusesAMicFromAnotherManufacturer) {
  sim::IssuedCertificate foreign = phone_certificate(Pki::get().untrusted);
  TlsSession server = TlsSession::server(server_context(server_certificate(), true), kNow);
  TlsSession client = TlsSession::client(phone_context(), "prov.example.com", kNow, identity_of(foreign));
  exchange(client, server);
  ASSERT_TRUE(server.error());
  EXPECT_EQ(server.error()->code, ErrorCode::CertificateRejected);
  EXPECT_FALSE(server.established());
}

TEST(TlsSessionTest, RefusesAServerThatOnlySpeaksTls10) {
  TlsSession server =
      TlsSession::server(server_context(server_certificate(), false, TlsVersion::Tls1_0), kNow);
  TlsSession client = TlsSession::client(phone_context(), "prov.example.com", kNow);
  exchange(client, server);
  ASSERT_TRUE(client.error());
  EXPECT_EQ(client.error()->code, ErrorCode::TlsHandshakeFailed);
  EXPECT_FALSE(client.established());
}

TEST(TlsSessionTest, GarbageFromThePeerFailsCleanly) {
  TlsSession client = TlsSession::client(phone_context(), "prov.example.com", kNow);
  client.receive_ciphertext(as_bytes("HTTP/1.1 400 Bad Request\r\n\r\n"));
  ASSERT_TRUE(client.error());
  EXPECT_EQ(client.error()->code, ErrorCode::TlsHandshakeFailed);
  client.receive_ciphertext(as_bytes("more"));  // harmless after failure
  client.send_plaintext(as_bytes("ignored"));
}

TEST(TlsSessionTest, PemBundlesSplitIntoCertificates) {
  const std::string first = Pki::get().provisioning.certificate_pem();
  const std::string second = Pki::get().manufacturer.certificate_pem();
  const std::string key = server_certificate().key_pem();
  std::vector<std::string> blocks = pem_certificate_blocks("comment\n" + first + key + second + "trailing");
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0], first);
  EXPECT_EQ(blocks[1], second);
  EXPECT_TRUE(pem_certificate_blocks("-----BEGIN CERTIFICATE-----\nno end").empty());
}

TEST(TlsSessionTest, IdentityRejectsMismatchedKey) {
  sim::IssuedCertificate first = server_certificate();
  sim::IssuedCertificate second = server_certificate();
  auto mismatched = TlsIdentity::from_pem(first.certificate_pem(), second.key_pem());
  ASSERT_FALSE(mismatched);
  EXPECT_EQ(mismatched.error().code, ErrorCode::InvalidValue);
  EXPECT_FALSE(TlsIdentity::from_pem("not pem", first.key_pem()));
}

}  // namespace
}  // namespace fw
