// The phone's MIC renewal wire format on its own (the service side is tested against it in
// tests/servers/mic_renewal): the request read back with OpenSSL, a replay from a seeded
// library, and each check of the reply.

#include "firmware-core/fetch/mic_renewal_message.h"

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

#include <gtest/gtest.h>

#include "sim/pki/certificate_authority.h"
#include "sim/pki/seeded_crypto.h"

namespace fw {
namespace {

constexpr WallTime kNow{1795514400};  // 2026-11-24T10:00:00Z
constexpr std::int64_t kDay = 86400;

struct Free {
  void operator()(BIO* bio) const { BIO_free(bio); }
  void operator()(CMS_ContentInfo* cms) const { CMS_ContentInfo_free(cms); }
  void operator()(X509_REQ* request) const { X509_REQ_free(request); }
  void operator()(X509* certificate) const { X509_free(certificate); }
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

sim::CertificateAuthority& manufacturer() {
  static sim::CertificateAuthority authority =
      *sim::CertificateAuthority::create_root("Manufacturer Root", {kNow + -3650 * kDay, kNow + 3650 * kDay});
  return authority;
}

std::shared_ptr<const TlsIdentity> old_mic() {
  auto issued = manufacturer().issue_phone({"CP-8841-3PCC", "FCH1234ABCD", "00:0e:08:ab:cd:ef", "000e08abcdef"},
                                           {kNow + -365 * kDay, kNow + 10 * kDay});
  EXPECT_TRUE(issued);
  return *TlsIdentity::from_pem(issued->certificate_pem(), issued->key_pem());
}

std::unique_ptr<EVP_PKEY, Free> private_key(std::string_view pem) {
  std::unique_ptr<BIO, Free> in(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return std::unique_ptr<EVP_PKEY, Free>(PEM_read_bio_PrivateKey(in.get(), nullptr, nullptr, nullptr));
}

// A certificate for `key_pem`'s public key with `subject`, signed by `issuer` (what a service
// would answer), valid [not_before, not_after].
std::string certificate_for(std::string_view key_pem, X509_NAME* subject, const sim::CertificateAuthority& issuer,
                            WallTime not_before, WallTime not_after) {
  auto key = private_key(key_pem);
  auto issuer_key = private_key(issuer.key_pem());
  std::unique_ptr<X509, Free> certificate(X509_new());
  X509_set_version(certificate.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), 77);
  X509_set_subject_name(certificate.get(), subject);
  X509_set_issuer_name(certificate.get(), X509_get_subject_name(issuer.certificate()));
  ASN1_TIME_set(X509_getm_notBefore(certificate.get()), static_cast<time_t>(not_before.unix_seconds));
  ASN1_TIME_set(X509_getm_notAfter(certificate.get()), static_cast<time_t>(not_after.unix_seconds));
  X509_set_pubkey(certificate.get(), key.get());
  X509_sign(certificate.get(), issuer_key.get(), EVP_sha256());
  std::unique_ptr<BIO, Free> out(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(out.get(), certificate.get());
  char* data = nullptr;
  const long size = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

TEST(MicRenewalMessageTest, TheRequestIsACsrForANewKeySignedWithTheOldMic) {
  auto mic = old_mic();
  auto request = build_mic_renewal_request(*mic, nullptr);
  ASSERT_TRUE(request) << request.error().to_string();
  EXPECT_TRUE(request->key_pem.starts_with("-----BEGIN PRIVATE KEY-----"));

  std::unique_ptr<BIO, Free> in(BIO_new_mem_buf(request->body.data(), static_cast<int>(request->body.size())));
  std::unique_ptr<CMS_ContentInfo, Free> cms(d2i_CMS_bio(in.get(), nullptr));
  ASSERT_TRUE(cms);
  EXPECT_EQ(OBJ_obj2nid(CMS_get0_type(cms.get())), NID_pkcs7_signed);
  ASSERT_EQ(sk_CMS_SignerInfo_num(CMS_get0_SignerInfos(cms.get())), 1);
  STACK_OF(X509)* signers = CMS_get1_certs(cms.get());
  ASSERT_EQ(sk_X509_num(signers), 1);
  EXPECT_EQ(X509_cmp(sk_X509_value(signers, 0), mic->certificate()), 0);
  sk_X509_pop_free(signers, X509_free);

  // The signature verifies with the old MIC (its chain is the service's business).
  std::unique_ptr<BIO, Free> content(BIO_new(BIO_s_mem()));
  ASSERT_EQ(CMS_verify(cms.get(), nullptr, nullptr, nullptr, content.get(), CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY), 1);
  std::unique_ptr<X509_REQ, Free> csr(d2i_X509_REQ_bio(content.get(), nullptr));
  ASSERT_TRUE(csr);
  EXPECT_EQ(X509_NAME_cmp(X509_REQ_get_subject_name(csr.get()), X509_get_subject_name(mic->certificate())), 0);
  EVP_PKEY* requested = X509_REQ_get0_pubkey(csr.get());
  ASSERT_NE(requested, nullptr);
  EXPECT_EQ(X509_REQ_verify(csr.get(), requested), 1);
  EXPECT_EQ(EVP_PKEY_eq(requested, private_key(request->key_pem).get()), 1);
  EXPECT_NE(EVP_PKEY_eq(requested, X509_get0_pubkey(mic->certificate())), 1);
  EXPECT_EQ(EVP_PKEY_get_bits(requested), 256);
}

TEST(MicRenewalMessageTest, ASeededLibraryReplaysTheRequest) {
  auto mic = old_mic();
  auto first = build_mic_renewal_request(*mic, *sim::make_seeded_crypto_library(7));
  auto second = build_mic_renewal_request(*mic, *sim::make_seeded_crypto_library(7));
  auto other = build_mic_renewal_request(*mic, *sim::make_seeded_crypto_library(8));
  ASSERT_TRUE(first && second && other);
  EXPECT_EQ(first->body, second->body);
  EXPECT_EQ(first->key_pem, second->key_pem);
  EXPECT_NE(first->key_pem, other->key_pem);
}

TEST(MicRenewalMessageTest, TheReplyMustBeTheManufacturersCertificateForTheNewKeyAndTheOldSubject) {
  auto mic = old_mic();
  auto request = build_mic_renewal_request(*mic, nullptr);
  ASSERT_TRUE(request);
  const std::vector<std::string> roots = {manufacturer().certificate_pem()};
  X509_NAME* subject = X509_get_subject_name(mic->certificate());
  auto verify = [&](const std::string& reply) {
    return verify_mic_renewal_reply(to_bytes(reply), *mic, request->key_pem, roots, kNow, nullptr);
  };

  const std::string renewed = certificate_for(request->key_pem, subject, manufacturer(), kNow, kNow + 1825 * kDay);
  auto accepted = verify(renewed);
  ASSERT_TRUE(accepted) << accepted.error().to_string();
  EXPECT_EQ(*accepted, renewed);
  // Further certificates after it (an intermediate) are ignored.
  auto with_more = verify(renewed + manufacturer().certificate_pem());
  ASSERT_TRUE(with_more) << with_more.error().to_string();
  EXPECT_EQ(*with_more, renewed);

  std::unique_ptr<X509_NAME, decltype(&X509_NAME_free)> other_subject(X509_NAME_dup(subject), X509_NAME_free);
  X509_NAME_add_entry_by_txt(other_subject.get(), "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("elsewhere"), -1, -1, 0);
  const std::string another_key_pem = build_mic_renewal_request(*mic, nullptr)->key_pem;
  auto foreign = *sim::CertificateAuthority::create_root("Foreign Root", {kNow + -kDay, kNow + 3650 * kDay});
  struct Case {
    const char* what;
    std::string reply;
    const char* detail;
  };
  const Case refused[] = {
      {"another subject", certificate_for(request->key_pem, other_subject.get(), manufacturer(), kNow, kNow + kDay),
       "subject"},
      {"another CA", certificate_for(request->key_pem, subject, foreign, kNow, kNow + kDay), "manufacturer CA"},
      {"expired at the phone's clock", certificate_for(request->key_pem, subject, manufacturer(), kNow + -2 * kDay,
                                                       kNow + -kDay),
       "manufacturer CA"},
      {"not for the new key", certificate_for(another_key_pem, subject, manufacturer(), kNow, kNow + kDay), "new key"},
      {"no certificate", "<html>renewed</html>", "no PEM certificate"},
  };
  for (const Case& c : refused) {
    auto result = verify(c.reply);
    ASSERT_FALSE(result) << c.what;
    EXPECT_EQ(result.error().code, ErrorCode::MicRenewalBadReply) << c.what;
    EXPECT_NE(result.error().detail.find(c.detail), std::string::npos) << c.what << ": " << result.error().detail;
    // The new private key never shows in an error.
    EXPECT_EQ(result.error().detail.find("PRIVATE KEY"), std::string::npos) << c.what;
  }
}

}  // namespace
}  // namespace fw
