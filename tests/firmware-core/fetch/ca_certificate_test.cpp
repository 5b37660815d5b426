#include "firmware-core/fetch/ca_certificate.h"

#include <gtest/gtest.h>

#include <string>

#include "sim/pki/certificate_authority.h"

namespace fw {
namespace {

constexpr WallTime kNow{1795514400};
const sim::Validity kValid{kNow + -86400, kNow + 365 * 86400};

TEST(CaCertificateTest, AcceptsACaCertificateAndNamesItsCommonName) {
  auto root = sim::CertificateAuthority::create_root("Example Custom CA", kValid);
  ASSERT_TRUE(root);
  // A bundle: only the first certificate counts.
  auto other = sim::CertificateAuthority::create_root("Second", kValid);
  auto parsed = parse_ca_certificate(as_bytes(root->certificate_pem() + other->certificate_pem()));
  ASSERT_TRUE(parsed) << parsed.error().to_string();
  EXPECT_EQ(parsed->common_name, "Example Custom CA");
  EXPECT_EQ(parsed->pem, root->certificate_pem());
}

TEST(CaCertificateTest, RefusesServerCertificatesGarbageAndOversizedFiles) {
  auto root = sim::CertificateAuthority::create_root("Example Custom CA", kValid);
  auto server = root->issue_server({"prov.example.com"}, {}, kValid);
  ASSERT_TRUE(server);
  auto leaf = parse_ca_certificate(as_bytes(server->certificate_pem()));
  ASSERT_FALSE(leaf);
  EXPECT_EQ(leaf.error().detail, "custom CA: the certificate is not a CA certificate");
  auto garbage = parse_ca_certificate(as_bytes("<html>not found</html>"));
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code, ErrorCode::InvalidValue);

  std::string padded = root->certificate_pem();
  padded.resize(kCustomCaBytesMax, '\n');
  EXPECT_TRUE(parse_ca_certificate(as_bytes(padded)));  // at the limit
  padded.push_back('\n');
  EXPECT_FALSE(parse_ca_certificate(as_bytes(padded)));  // past it
}

}  // namespace
}  // namespace fw
