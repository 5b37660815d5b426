// The MIC renewal service against the phone's request builder and reply check
// (firmware-core/fetch/mic_renewal_message.h): pair tests of the whole exchange, and each refusal.

#include "servers/mic_renewal/mic_renewal_service.h"

#include <gtest/gtest.h>

#include "firmware-core/fetch/mic_renewal_message.h"
#include "sim/pki/certificate_authority.h"

namespace srv {
namespace {

constexpr fw::WallTime kNow{1795514400};  // 2026-11-24T10:00:00Z
constexpr std::int64_t kDay = 86400;

struct Pki {
  sim::CertificateAuthority manufacturer =
      *sim::CertificateAuthority::create_root("Manufacturer Root", {kNow + -3650 * kDay, kNow + 3650 * kDay});
  sim::CertificateAuthority foreign =
      *sim::CertificateAuthority::create_root("Foreign Root", {kNow + -3650 * kDay, kNow + 3650 * kDay});
};

Pki& pki() {
  static Pki instance;
  return instance;
}

std::shared_ptr<const fw::TlsIdentity> mic(sim::CertificateAuthority& authority, std::int64_t expires_in_days) {
  auto issued = authority.issue_phone({"CP-8841-3PCC", "FCH1234ABCD", "00:0e:08:ab:cd:ef", "000e08abcdef"},
                                      {kNow + -365 * kDay, kNow + expires_in_days * kDay});
  EXPECT_TRUE(issued);
  return *fw::TlsIdentity::from_pem(issued->certificate_pem(), issued->key_pem());
}

std::shared_ptr<MicRenewalService> service(MicRenewalSettings settings = {}) {
  settings.ca_certificate_pem = pki().manufacturer.certificate_pem();
  settings.ca_key_pem = pki().manufacturer.key_pem();
  auto created = MicRenewalService::create(std::move(settings));
  EXPECT_TRUE(created) << created.error().to_string();
  return *created;
}

std::string header(const HttpReply& reply, std::string_view name) {
  for (const HttpHeader& field : reply.headers) {
    if (field.name == name) return field.value;
  }
  return {};
}

TEST(MicRenewalServiceTest, RenewsAMicAndThePhoneAcceptsTheNewCertificate) {
  auto old_mic = mic(pki().manufacturer, 10);
  auto request = fw::build_mic_renewal_request(*old_mic, nullptr);
  ASSERT_TRUE(request) << request.error().to_string();
  auto renewal = service();
  HttpReply reply = renewal->renew(request->body, kNow);
  ASSERT_EQ(reply.status, 200u) << std::string(reply.body.begin(), reply.body.end());
  EXPECT_EQ(header(reply, "Content-Type"), "application/x-pem-file");
  auto accepted = fw::verify_mic_renewal_reply(reply.body, *old_mic, request->key_pem,
                                               {pki().manufacturer.certificate_pem()}, kNow, nullptr);
  ASSERT_TRUE(accepted) << accepted.error().to_string();
  auto renewed = fw::TlsIdentity::from_pem(*accepted, request->key_pem);
  ASSERT_TRUE(renewed);
  const fw::CertificateSummary summary = fw::summarize_certificate((*renewed)->certificate());
  EXPECT_EQ(summary.common_name, "000e08abcdef");
  EXPECT_EQ(summary.not_before, kNow);
  EXPECT_EQ(summary.not_after, kNow + 5 * 365 * kDay);
  EXPECT_EQ(summary.serial_hex, "10000000");
  EXPECT_EQ(summary.subject, fw::summarize_certificate(old_mic->certificate()).subject);
  EXPECT_EQ(renewal->counts().issued, 1u);
  // The next one gets the next serial number.
  HttpReply second = renewal->renew(fw::build_mic_renewal_request(*old_mic, nullptr)->body, kNow);
  ASSERT_EQ(second.status, 200u);
}

TEST(MicRenewalServiceTest, RenewsAnExpiredMicWithinTheGracePeriod) {
  auto expired = mic(pki().manufacturer, -30);
  auto request = fw::build_mic_renewal_request(*expired, nullptr);
  ASSERT_TRUE(request);
  EXPECT_EQ(service()->renew(request->body, kNow).status, 200u);
  MicRenewalSettings strict;
  strict.expired_grace_s = 29 * kDay;
  HttpReply refused = service(strict)->renew(request->body, kNow);
  EXPECT_EQ(refused.status, 403u);
  EXPECT_TRUE(header(refused, "X-Renewal-Error").starts_with("unknown certificate: certificate has expired"));
}

// Only the MIC's own expiry is forgiven: the CA signs the new certificate now, so it must be
// valid now.
TEST(MicRenewalServiceTest, RefusesAnExpiredMicWhoseCaHasExpiredToo) {
  auto expired_ca = *sim::CertificateAuthority::create_root("Expired Root", {kNow + -3650 * kDay, kNow + -kDay});
  auto expired = mic(expired_ca, -30);
  auto request = fw::build_mic_renewal_request(*expired, nullptr);
  ASSERT_TRUE(request);
  MicRenewalSettings settings;
  settings.ca_certificate_pem = expired_ca.certificate_pem();
  settings.ca_key_pem = expired_ca.key_pem();
  auto renewal = MicRenewalService::create(std::move(settings));
  ASSERT_TRUE(renewal) << renewal.error().to_string();
  HttpReply refused = (*renewal)->renew(request->body, kNow);
  EXPECT_EQ(refused.status, 403u);
  EXPECT_TRUE(header(refused, "X-Renewal-Error").starts_with("unknown certificate: certificate has expired"))
      << header(refused, "X-Renewal-Error");
}

TEST(MicRenewalServiceTest, RefusesAForeignMic) {
  auto foreign = mic(pki().foreign, 10);
  HttpReply reply = service()->renew(fw::build_mic_renewal_request(*foreign, nullptr)->body, kNow);
  EXPECT_EQ(reply.status, 403u);
  EXPECT_TRUE(header(reply, "X-Renewal-Error").starts_with("unknown certificate"));
}

TEST(MicRenewalServiceTest, RefusesARevokedMic) {
  auto old_mic = mic(pki().manufacturer, 10);
  auto renewal = service();
  renewal->revoke(fw::summarize_certificate(old_mic->certificate()).serial_hex);
  HttpReply reply = renewal->renew(fw::build_mic_renewal_request(*old_mic, nullptr)->body, kNow);
  EXPECT_EQ(reply.status, 410u);
  EXPECT_EQ(renewal->counts().revoked, 1u);
}

TEST(MicRenewalServiceTest, RefusesMalformedRequests) {
  auto renewal = service();
  EXPECT_EQ(renewal->renew(fw::to_bytes("not der"), kNow).status, 400u);
  EXPECT_EQ(renewal->renew({}, kNow).status, 400u);
  EXPECT_EQ(renewal->counts().malformed, 2u);
}

TEST(MicRenewalServiceTest, RefusesATamperedRequest) {
  auto old_mic = mic(pki().manufacturer, 10);
  fw::Bytes body = fw::build_mic_renewal_request(*old_mic, nullptr)->body;
  // The signature is the SignedData's last element: a flipped bit there fails the proof.
  body[body.size() - 3] ^= 0x01;
  const unsigned status = service()->renew(body, kNow).status;
  EXPECT_TRUE(status == 403u || status == 400u) << status;
  EXPECT_NE(status, 200u);
}

TEST(MicRenewalServiceTest, AnswersOnlyPostsToItsPath) {
  MicRenewalSettings settings;
  settings.path = "/sudi";
  auto renewal = service(settings);
  HttpRequestInfo request{};
  request.method = "GET";
  request.target = "/sudi";
  auto reply = renewal->handle(request, kNow);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 405u);
  request.target = "/other";
  EXPECT_FALSE(renewal->handle(request, kNow));
}

TEST(MicRenewalServiceTest, RefusesACaKeyThatDoesNotMatch) {
  MicRenewalSettings settings;
  settings.ca_certificate_pem = pki().manufacturer.certificate_pem();
  settings.ca_key_pem = pki().foreign.key_pem();
  EXPECT_FALSE(MicRenewalService::create(settings));
}

TEST(MicRenewalReplyTest, ThePhoneRefusesCertificatesThatAreNotItsRenewal) {
  auto old_mic = mic(pki().manufacturer, 10);
  auto request = fw::build_mic_renewal_request(*old_mic, nullptr);
  ASSERT_TRUE(request);
  const std::vector<std::string> roots = {pki().manufacturer.certificate_pem()};
  // A certificate of the manufacturer with the MIC's subject, but not for the new key.
  auto same_subject = pki().manufacturer.issue_phone(
      {"CP-8841-3PCC", "FCH1234ABCD", "00:0e:08:ab:cd:ef", "000e08abcdef"}, {kNow + -1 * kDay, kNow + 10 * kDay});
  ASSERT_TRUE(same_subject);
  const std::string old_pem = same_subject->certificate_pem();
  auto wrong_key = fw::verify_mic_renewal_reply(fw::to_bytes(old_pem), *old_mic, request->key_pem, roots, kNow, nullptr);
  ASSERT_FALSE(wrong_key);
  EXPECT_EQ(wrong_key.error().code, fw::ErrorCode::MicRenewalBadReply);
  EXPECT_NE(wrong_key.error().detail.find("new key"), std::string::npos);
  // A certificate from another CA.
  HttpReply foreign_reply = service()->renew(request->body, kNow);
  ASSERT_EQ(foreign_reply.status, 200u);
  auto untrusted = fw::verify_mic_renewal_reply(foreign_reply.body, *old_mic, request->key_pem,
                                                {pki().foreign.certificate_pem()}, kNow, nullptr);
  ASSERT_FALSE(untrusted);
  EXPECT_NE(untrusted.error().detail.find("manufacturer CA"), std::string::npos);
  // No certificate, and too many bytes.
  EXPECT_FALSE(fw::verify_mic_renewal_reply(fw::to_bytes("hello"), *old_mic, request->key_pem, roots, kNow, nullptr));
  fw::Bytes huge(fw::kMicRenewalReplyBytesMax + 1, 'A');
  auto too_large = fw::verify_mic_renewal_reply(huge, *old_mic, request->key_pem, roots, kNow, nullptr);
  ASSERT_FALSE(too_large);
  EXPECT_NE(too_large.error().detail.find("exceed"), std::string::npos);
  // At exactly the limit the size is accepted (and the content then judged).
  fw::Bytes at_limit(fw::kMicRenewalReplyBytesMax, 'A');
  auto judged = fw::verify_mic_renewal_reply(at_limit, *old_mic, request->key_pem, roots, kNow, nullptr);
  ASSERT_FALSE(judged);
  EXPECT_EQ(judged.error().detail.find("exceed"), std::string::npos);
}

}  // namespace
}  // namespace srv
