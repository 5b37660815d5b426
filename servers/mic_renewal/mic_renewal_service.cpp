#include "servers/mic_renewal/mic_renewal_service.h"

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "firmware-core/fetch/mic_renewal_message.h"
#include "firmware-core/fetch/openssl_handles.h"

namespace srv {
namespace {

using namespace fw::openssl;  // NOLINT: the handles of openssl_handles.h

HttpReply refusal(unsigned status, std::string reason) {
  ERR_clear_error();
  HttpReply reply;
  reply.status = status;
  reply.headers.push_back({"Content-Type", "text/plain"});
  reply.headers.push_back({"X-Renewal-Error", reason});
  reply.body.assign(reason.begin(), reason.end());
  reply.body.push_back('\n');
  return reply;
}

bool add_extension(X509* certificate, X509* issuer, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
  if (extension == nullptr) return false;
  const bool added = X509_add_ext(certificate, extension, -1) == 1;
  X509_EXTENSION_free(extension);
  return added;
}

// Accepts the chain although its leaf has expired (and nothing else is wrong).
int ignore_leaf_expiry(int ok, X509_STORE_CTX* context) {
  if (ok == 0 && X509_STORE_CTX_get_error(context) == X509_V_ERR_CERT_HAS_EXPIRED &&
      X509_STORE_CTX_get_error_depth(context) == 0) {
    X509_STORE_CTX_set_error(context, X509_V_OK);
    return 1;
  }
  return ok;
}

// Verifies `leaf` against `store` at `at`; with `leaf_may_be_expired` an expired leaf passes
// (the CA must still be valid at `at`). The OpenSSL error code (X509_V_OK on success).
int verify_at(X509_STORE* store, X509* leaf, STACK_OF(X509) * untrusted, std::int64_t at,
              OSSL_LIB_CTX* library, bool leaf_may_be_expired = false) {
  std::unique_ptr<X509_STORE_CTX, StoreContextFree> context(X509_STORE_CTX_new_ex(library, nullptr));
  if (!context || X509_STORE_CTX_init(context.get(), store, leaf, untrusted) != 1) {
    return X509_V_ERR_UNSPECIFIED;
  }
  X509_STORE_CTX_set_time(context.get(), 0, static_cast<time_t>(at));
  // A MIC is a client certificate: check the chain for that purpose.
  X509_STORE_CTX_set_purpose(context.get(), X509_PURPOSE_SSL_CLIENT);
  if (leaf_may_be_expired) X509_STORE_CTX_set_verify_cb(context.get(), ignore_leaf_expiry);
  if (X509_verify_cert(context.get()) == 1) return X509_V_OK;
  const int error = X509_STORE_CTX_get_error(context.get());
  return error == X509_V_OK ? X509_V_ERR_UNSPECIFIED : error;
}

}  // namespace

struct MicRenewalService::Authority {
  X509Pointer certificate;
  std::unique_ptr<EVP_PKEY, KeyFree> key;
  std::unique_ptr<X509_STORE, StoreFree> store;
};

fw::Result<std::shared_ptr<MicRenewalService>> MicRenewalService::create(MicRenewalSettings settings) {
  auto authority = std::make_unique<Authority>();
  BioPointer certificate_input(BIO_new_mem_buf(settings.ca_certificate_pem.data(),
                                               static_cast<int>(settings.ca_certificate_pem.size())));
  authority->certificate.reset(PEM_read_bio_X509(certificate_input.get(), nullptr, nullptr, nullptr));
  BioPointer key_input(BIO_new_mem_buf(settings.ca_key_pem.data(), static_cast<int>(settings.ca_key_pem.size())));
  authority->key.reset(
      PEM_read_bio_PrivateKey_ex(key_input.get(), nullptr, nullptr, nullptr, settings.library.get(), nullptr));
  if (!authority->certificate || !authority->key) {
    ERR_clear_error();
    return fw::fail(fw::ErrorCode::InvalidValue, "mic renewal: the CA certificate or key does not parse");
  }
  if (X509_check_private_key(authority->certificate.get(), authority->key.get()) != 1) {
    ERR_clear_error();
    return fw::fail(fw::ErrorCode::InvalidValue, "mic renewal: the CA key does not match the CA certificate");
  }
  authority->store.reset(X509_STORE_new());
  if (!authority->store || X509_STORE_add_cert(authority->store.get(), authority->certificate.get()) != 1) {
    ERR_clear_error();
    return fw::fail(fw::ErrorCode::InvalidValue, "mic renewal: cannot build the trust store");
  }
  return std::shared_ptr<MicRenewalService>(new MicRenewalService(std::move(settings), std::move(authority)));
}

MicRenewalService::MicRenewalService(MicRenewalSettings settings, std::unique_ptr<Authority> authority)
    : settings_(std::move(settings)), authority_(std::move(authority)) {}

MicRenewalService::~MicRenewalService() = default;

HttpReply MicRenewalService::renew(fw::ByteSpan body, fw::WallTime now) {
  OSSL_LIB_CTX* library = settings_.library.get();
  // 1. The SignedData and its one signer.
  BioPointer input(BIO_new_mem_buf(body.data(), static_cast<int>(body.size())));
  std::unique_ptr<CMS_ContentInfo, CmsFree> cms(input ? d2i_CMS_bio(input.get(), nullptr) : nullptr);
  if (!cms || OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_pkcs7_signed) {
    ++counts_.malformed;
    return refusal(400, "malformed request: not a CMS SignedData");
  }
  STACK_OF(CMS_SignerInfo)* signers = CMS_get0_SignerInfos(cms.get());
  if (signers == nullptr || sk_CMS_SignerInfo_num(signers) != 1) {
    ++counts_.malformed;
    return refusal(400, "malformed request: not exactly one signer");
  }
  CMS_SignerInfo* signer_info = sk_CMS_SignerInfo_value(signers, 0);
  std::unique_ptr<STACK_OF(X509), CertificateStackFree> certificates(CMS_get1_certs(cms.get()));
  X509* signer = nullptr;
  for (int index = 0; certificates && index < sk_X509_num(certificates.get()); ++index) {
    X509* candidate = sk_X509_value(certificates.get(), index);
    if (CMS_SignerInfo_cert_cmp(signer_info, candidate) == 0) signer = candidate;
  }
  if (signer == nullptr) {
    ++counts_.malformed;
    return refusal(400, "malformed request: the signer's certificate is not in the request");
  }
  // 2. The old MIC chains to the manufacturer CA (an expired one within the grace period).
  int verified = verify_at(authority_->store.get(), signer, certificates.get(), now.unix_seconds, library);
  if (verified == X509_V_ERR_CERT_HAS_EXPIRED) {
    const fw::CertificateSummary summary = fw::summarize_certificate(signer);
    if (now.unix_seconds - summary.not_after.unix_seconds <= settings_.expired_grace_s) {
      // The chain now, except the MIC's own expiry: the CA signs the new certificate now, so
      // it must be valid now, while the MIC it once signed may have run out.
      verified = verify_at(authority_->store.get(), signer, certificates.get(), now.unix_seconds, library,
                           /*leaf_may_be_expired=*/true);
    }
  }
  if (verified != X509_V_OK) {
    ++counts_.unknown;
    return refusal(403, std::string("unknown certificate: ") + X509_verify_cert_error_string(verified));
  }
  // 3. Proof of possession of the old key: the signature over the content.
  BioPointer content(BIO_new(BIO_s_mem()));
  if (!content ||
      CMS_verify(cms.get(), nullptr, nullptr, nullptr, content.get(), CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) != 1) {
    ++counts_.proof_failed;
    return refusal(403, "proof of possession failed: the signature does not verify");
  }
  // 4. Not revoked.
  const fw::CertificateSummary old_summary = fw::summarize_certificate(signer);
  if (settings_.revoked_serials_hex.contains(old_summary.serial_hex)) {
    ++counts_.revoked;
    return refusal(410, "revoked certificate: serial " + old_summary.serial_hex);
  }
  // 5. The certificate request.
  std::unique_ptr<X509_REQ, RequestFree> request(d2i_X509_REQ_bio(content.get(), nullptr));
  EVP_PKEY* new_key = request ? X509_REQ_get0_pubkey(request.get()) : nullptr;
  if (new_key == nullptr || X509_REQ_verify(request.get(), new_key) != 1) {
    ++counts_.malformed;
    return refusal(400, "malformed request: the content is not a self-signed certificate request");
  }
  if (X509_NAME_cmp(X509_REQ_get_subject_name(request.get()), X509_get_subject_name(signer)) != 0) {
    ++counts_.malformed;
    return refusal(400, "malformed request: the request's subject differs from the certificate's");
  }
  if (EVP_PKEY_eq(new_key, X509_get0_pubkey(signer)) == 1) {
    ++counts_.malformed;
    return refusal(400, "malformed request: the request reuses the old key");
  }
  // Issue.
  X509Pointer issued(X509_new_ex(library, nullptr));
  X509* raw = issued.get();
  bool ok = raw != nullptr && X509_set_version(raw, 2) == 1 &&
            ASN1_INTEGER_set_uint64(X509_get_serialNumber(raw), next_serial_) == 1 &&
            ASN1_TIME_set(X509_getm_notBefore(raw), static_cast<time_t>(now.unix_seconds)) != nullptr &&
            ASN1_TIME_set(X509_getm_notAfter(raw), static_cast<time_t>(now.unix_seconds + settings_.validity_s)) !=
                nullptr &&
            X509_set_subject_name(raw, X509_get_subject_name(signer)) == 1 &&
            X509_set_issuer_name(raw, X509_get_subject_name(authority_->certificate.get())) == 1 &&
            X509_set_pubkey(raw, new_key) == 1;
  ok = ok && add_extension(raw, authority_->certificate.get(), NID_basic_constraints, "critical,CA:FALSE") &&
       add_extension(raw, authority_->certificate.get(), NID_key_usage, "critical,digitalSignature") &&
       add_extension(raw, authority_->certificate.get(), NID_ext_key_usage, "clientAuth") &&
       add_extension(raw, authority_->certificate.get(), NID_authority_key_identifier, "keyid:always");
  ok = ok && X509_sign(raw, authority_->key.get(), EVP_sha256()) > 0;
  BioPointer output(BIO_new(BIO_s_mem()));
  ok = ok && output && PEM_write_bio_X509(output.get(), raw) == 1;
  if (!ok) return refusal(500, "issuing the certificate failed");
  ++next_serial_;
  ++counts_.issued;
  ERR_clear_error();
  char* pem = nullptr;
  const long size = BIO_get_mem_data(output.get(), &pem);
  HttpReply reply;
  reply.headers.push_back({"Content-Type", "application/x-pem-file"});
  reply.body.assign(reinterpret_cast<const std::uint8_t*>(pem), reinterpret_cast<const std::uint8_t*>(pem) + size);
  return reply;
}

std::optional<HttpReply> MicRenewalService::handle(const HttpRequestInfo& request, fw::WallTime now) {
  const std::string_view path = request.target.substr(0, request.target.find('?'));
  if (path != settings_.path) return std::nullopt;
  if (request.method != "POST") {
    HttpReply reply = refusal(405, "method not allowed: POST a renewal request");
    reply.headers.push_back({"Allow", "POST"});
    return reply;
  }
  return renew(request.body, now);
}

HttpRequestHook mic_renewal_hook(std::shared_ptr<MicRenewalService> service,
                                 std::function<fw::WallTime(fw::Instant)> wall_clock, HttpRequestHook next) {
  return [service = std::move(service), wall_clock = std::move(wall_clock),
          next = std::move(next)](const HttpRequestInfo& request) -> std::optional<HttpReply> {
    if (auto reply = service->handle(request, wall_clock(request.now))) return reply;
    return next ? next(request) : std::nullopt;
  };
}

}  // namespace srv
