#include "firmware-core/fetch/mic_renewal_message.h"

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <memory>

#include "firmware-core/fetch/openssl_handles.h"

namespace fw {
namespace {

using namespace fw::openssl;  // NOLINT: the handles of openssl_handles.h

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

BioPointer memory(std::string_view text) {
  return BioPointer(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

Failure openssl_failure(std::string what) {
  ERR_clear_error();
  return fail(ErrorCode::InvalidValue, "mic renewal: " + std::move(what));
}

Failure bad_reply(std::string what) {
  ERR_clear_error();
  return fail(ErrorCode::MicRenewalBadReply, std::move(what));
}

std::int64_t unix_seconds(const ASN1_TIME* time) {
  // Difference from the epoch, in days and seconds, without the host's time zone or clock.
  int days = 0;
  int seconds = 0;
  ASN1_TIME* epoch = ASN1_TIME_set(nullptr, 0);
  const bool ok = epoch != nullptr && ASN1_TIME_diff(&days, &seconds, epoch, time) == 1;
  ASN1_TIME_free(epoch);
  return ok ? std::int64_t{days} * 86400 + seconds : 0;
}

std::string name_text(const X509_NAME* name) {
  BioPointer out(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(out.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  return bio_text(out.get());
}

}  // namespace

CertificateSummary summarize_certificate(X509* certificate) {
  CertificateSummary summary;
  const X509_NAME* subject = X509_get_subject_name(certificate);
  summary.subject = name_text(subject);
  const int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (index >= 0) {
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
    summary.common_name.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                               static_cast<std::size_t>(ASN1_STRING_length(data)));
  }
  summary.not_before = WallTime{unix_seconds(X509_get0_notBefore(certificate))};
  summary.not_after = WallTime{unix_seconds(X509_get0_notAfter(certificate))};
  if (BIGNUM* serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(certificate), nullptr)) {
    if (char* hex = BN_bn2hex(serial)) {
      summary.serial_hex = hex;
      OPENSSL_free(hex);
    }
    BN_free(serial);
  }
  return summary;
}

Result<MicRenewalRequest> build_mic_renewal_request(const TlsIdentity& mic,
                                                    const CryptoLibrary& library) {
  std::unique_ptr<EVP_PKEY, KeyFree> key(EVP_PKEY_Q_keygen(library.get(), nullptr, "EC", "P-256"));
  if (!key) return openssl_failure("generating the new key failed");

  std::unique_ptr<X509_REQ, RequestFree> request(X509_REQ_new_ex(library.get(), nullptr));
  if (!request || X509_REQ_set_version(request.get(), 0) != 1 ||
      X509_REQ_set_subject_name(request.get(), X509_get_subject_name(mic.certificate())) != 1 ||
      X509_REQ_set_pubkey(request.get(), key.get()) != 1 ||
      X509_REQ_sign(request.get(), key.get(), EVP_sha256()) <= 0) {
    return openssl_failure("building the certificate request failed");
  }
  BioPointer request_der(BIO_new(BIO_s_mem()));
  if (!request_der || i2d_X509_REQ_bio(request_der.get(), request.get()) != 1) {
    return openssl_failure("encoding the certificate request failed");
  }
  // CMS_NOATTR: no signed attributes, hence no signing time read from the host's clock.
  std::unique_ptr<CMS_ContentInfo, CmsFree> signed_data(
      CMS_sign_ex(mic.certificate(), mic.key(), nullptr, request_der.get(),
                  CMS_BINARY | CMS_NOATTR | CMS_NOSMIMECAP, library.get(), nullptr));
  if (!signed_data) return openssl_failure("signing the request with the MIC failed");
  BioPointer body(BIO_new(BIO_s_mem()));
  if (!body || i2d_CMS_bio(body.get(), signed_data.get()) != 1) {
    return openssl_failure("encoding the signed request failed");
  }
  BioPointer key_out(BIO_new(BIO_s_mem()));
  if (!key_out ||
      PEM_write_bio_PrivateKey(key_out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return openssl_failure("encoding the new key failed");
  }
  MicRenewalRequest result;
  const std::string der = bio_text(body.get());
  result.body.assign(der.begin(), der.end());
  result.key_pem = bio_text(key_out.get());
  return result;
}

Result<std::string> verify_mic_renewal_reply(ByteSpan reply, const TlsIdentity& old_mic,
                                             std::string_view new_key_pem,
                                             const std::vector<std::string>& manufacturer_roots_pem,
                                             WallTime now, const CryptoLibrary& library) {
  if (reply.size() > kMicRenewalReplyBytesMax) {
    return bad_reply("the reply's " + std::to_string(reply.size()) + " bytes exceed " +
                     std::to_string(kMicRenewalReplyBytesMax));
  }
  const std::string_view text(reinterpret_cast<const char*>(reply.data()), reply.size());
  const std::vector<std::string> blocks = pem_certificate_blocks(text);
  if (blocks.empty()) return bad_reply("the reply holds no PEM certificate");
  auto input = memory(blocks.front());
  X509Pointer certificate(
      PEM_read_bio_X509(input.get(), nullptr, nullptr, nullptr));
  if (!certificate) return bad_reply("the reply's certificate does not parse");

  std::unique_ptr<X509_STORE, StoreFree> store(X509_STORE_new());
  if (!store) return bad_reply("no memory for the trust store");
  for (const std::string& root_pem : manufacturer_roots_pem) {
    auto root_input = memory(root_pem);
    X509Pointer root(PEM_read_bio_X509(root_input.get(), nullptr, nullptr, nullptr));
    if (!root || X509_STORE_add_cert(store.get(), root.get()) != 1) {
      return bad_reply("a manufacturer root does not parse");
    }
  }
  STACK_OF(X509)* intermediates = sk_X509_new_null();
  std::vector<X509Pointer> held;
  for (std::size_t index = 1; index < blocks.size() && intermediates; ++index) {
    auto block_input = memory(blocks[index]);
    X509Pointer extra(PEM_read_bio_X509(block_input.get(), nullptr, nullptr, nullptr));
    if (extra && sk_X509_push(intermediates, extra.get()) > 0) held.push_back(std::move(extra));
  }
  std::unique_ptr<X509_STORE_CTX, StoreContextFree> context(
      X509_STORE_CTX_new_ex(library.get(), nullptr));
  bool verified = false;
  int verify_error = X509_V_OK;
  if (context && X509_STORE_CTX_init(context.get(), store.get(), certificate.get(), intermediates) == 1) {
    // The phone's wall clock, not the host's: a simulated date decides.
    X509_STORE_CTX_set_time(context.get(), 0, static_cast<time_t>(now.unix_seconds));
    verified = X509_verify_cert(context.get()) == 1;
    verify_error = X509_STORE_CTX_get_error(context.get());
  }
  sk_X509_free(intermediates);
  if (!verified) {
    return bad_reply(std::string("the new certificate does not verify against the manufacturer CA: ") +
                     X509_verify_cert_error_string(verify_error));
  }
  auto key_input = memory(new_key_pem);
  std::unique_ptr<EVP_PKEY, KeyFree> key(
      PEM_read_bio_PrivateKey_ex(key_input.get(), nullptr, nullptr, nullptr, library.get(), nullptr));
  if (!key || X509_check_private_key(certificate.get(), key.get()) != 1) {
    return bad_reply("the new certificate does not carry the phone's new key");
  }
  if (X509_NAME_cmp(X509_get_subject_name(certificate.get()),
                    X509_get_subject_name(old_mic.certificate())) != 0) {
    return bad_reply("the new certificate's subject differs from the MIC's");
  }
  BioPointer out(BIO_new(BIO_s_mem()));
  if (!out || PEM_write_bio_X509(out.get(), certificate.get()) != 1) {
    return bad_reply("re-encoding the new certificate failed");
  }
  ERR_clear_error();
  return bio_text(out.get());
}

}  // namespace fw
