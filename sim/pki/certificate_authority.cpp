#include "sim/pki/certificate_authority.h"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

namespace sim {
namespace {

using fw::ErrorCode;
using fw::fail;

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

KeyPointer generate_key(OSSL_LIB_CTX* library) {
  return KeyPointer(EVP_PKEY_Q_keygen(library, nullptr, "EC", "P-256"));
}

bool add_name_entry(X509_NAME* name, const char* field, const std::string& value) {
  if (value.empty()) return true;
  return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                    reinterpret_cast<const unsigned char*>(value.data()),
                                    static_cast<int>(value.size()), -1, 0) == 1;
}

bool add_extension(X509* certificate, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
  if (extension == nullptr) return false;
  bool added = X509_add_ext(certificate, extension, -1) == 1;
  X509_EXTENSION_free(extension);
  return added;
}

// Builds a certificate for `key` named `subject`, signed by `issuer_key` (and named after
// `issuer`, or self-signed when issuer is null).
fw::Result<X509Pointer> build(OSSL_LIB_CTX* library, EVP_PKEY* key, X509_NAME* subject, X509* issuer, EVP_PKEY* issuer_key,
                              std::uint64_t serial, Validity validity,
                              const std::vector<std::pair<int, std::string>>& extensions) {
  X509Pointer certificate(X509_new_ex(library, nullptr));
  if (!certificate) return fail(ErrorCode::InvalidValue, "X509_new failed");
  X509* raw = certificate.get();
  bool ok = X509_set_version(raw, 2) == 1 &&
            ASN1_INTEGER_set_uint64(X509_get_serialNumber(raw), serial) == 1 &&
            ASN1_TIME_set(X509_getm_notBefore(raw), static_cast<time_t>(validity.not_before.unix_seconds)) != nullptr &&
            ASN1_TIME_set(X509_getm_notAfter(raw), static_cast<time_t>(validity.not_after.unix_seconds)) != nullptr &&
            X509_set_subject_name(raw, subject) == 1 &&
            X509_set_issuer_name(raw, issuer ? X509_get_subject_name(issuer) : subject) == 1 &&
            X509_set_pubkey(raw, key) == 1;
  for (const auto& [nid, value] : extensions) {
    ok = ok && add_extension(raw, issuer ? issuer : raw, nid, value);
  }
  ok = ok && X509_sign(raw, issuer_key, EVP_sha256()) > 0;
  if (!ok) return fail(ErrorCode::InvalidValue, "building the certificate failed");
  return certificate;
}

struct NamePointer {
  NamePointer() : name(X509_NAME_new()) {}
  ~NamePointer() { X509_NAME_free(name); }
  NamePointer(const NamePointer&) = delete;
  NamePointer& operator=(const NamePointer&) = delete;
  X509_NAME* name;
};

std::string subject_alt_names(const std::vector<std::string>& host_names,
                              const std::vector<fw::Ipv4Address>& addresses) {
  std::string names;
  for (const auto& host : host_names) names += (names.empty() ? "DNS:" : ",DNS:") + host;
  for (const auto& address : addresses) {
    names += (names.empty() ? "IP:" : ",IP:") + address.to_string();
  }
  return names;
}

}  // namespace

std::string IssuedCertificate::certificate_pem() const {
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), certificate.get());
  return bio_text(bio.get());
}

std::string IssuedCertificate::key_pem() const {
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  return bio_text(bio.get());
}

fw::Result<CertificateAuthority> CertificateAuthority::create_root(const std::string& common_name,
                                                                    Validity validity,
                                                                    fw::CryptoLibrary library) {
  KeyPointer key = generate_key(library.get());
  if (!key) return fail(ErrorCode::InvalidValue, "EC key generation failed");
  NamePointer name;
  if (!add_name_entry(name.name, "O", "phonesim") || !add_name_entry(name.name, "CN", common_name)) {
    return fail(ErrorCode::InvalidValue, "bad CA name");
  }
  auto certificate = build(library.get(), key.get(), name.name, nullptr, key.get(), 1, validity,
                           {{NID_basic_constraints, "critical,CA:TRUE"},
                            {NID_key_usage, "critical,keyCertSign,cRLSign"},
                            {NID_subject_key_identifier, "hash"}});
  if (!certificate) return fail(certificate.error());
  return CertificateAuthority(IssuedCertificate{std::move(*certificate), std::move(key)}, std::move(library));
}

fw::Result<CertificateAuthority> CertificateAuthority::from_pem(std::string_view certificate_and_key_pem,
                                                                 fw::CryptoLibrary library) {
  const auto read_bio = [&] {
    return std::unique_ptr<BIO, decltype(&BIO_free)>(
        BIO_new_mem_buf(certificate_and_key_pem.data(), static_cast<int>(certificate_and_key_pem.size())),
        &BIO_free);
  };
  auto certificate_bio = read_bio();
  X509Pointer certificate(PEM_read_bio_X509(certificate_bio.get(), nullptr, nullptr, nullptr));
  auto key_bio = read_bio();
  KeyPointer key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (!certificate) return fail(ErrorCode::InvalidValue, "no PEM certificate in the CA file");
  if (!key) return fail(ErrorCode::InvalidValue, "no PEM private key in the CA file");
  if (X509_check_private_key(certificate.get(), key.get()) != 1) {
    ERR_clear_error();
    return fail(ErrorCode::InvalidValue, "the CA file's private key does not belong to its certificate");
  }
  return CertificateAuthority(IssuedCertificate{std::move(certificate), std::move(key)}, std::move(library));
}

fw::Result<CertificateAuthority> CertificateAuthority::issue_intermediate(const std::string& common_name,
                                                                          Validity validity) {
  KeyPointer key = generate_key(library_.get());
  if (!key) return fail(ErrorCode::InvalidValue, "EC key generation failed");
  NamePointer name;
  if (!add_name_entry(name.name, "O", "phonesim") || !add_name_entry(name.name, "CN", common_name)) {
    return fail(ErrorCode::InvalidValue, "bad CA name");
  }
  auto certificate = build(library_.get(), key.get(), name.name, root_.certificate.get(), root_.key.get(), next_serial_++,
                           validity,
                           {{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
                            {NID_key_usage, "critical,keyCertSign,cRLSign"},
                            {NID_subject_key_identifier, "hash"},
                            {NID_authority_key_identifier, "keyid:always"}});
  if (!certificate) return fail(certificate.error());
  return CertificateAuthority(IssuedCertificate{std::move(*certificate), std::move(key)}, library_);
}

fw::Result<IssuedCertificate> CertificateAuthority::issue_server(
    const std::vector<std::string>& host_names, const std::vector<fw::Ipv4Address>& addresses,
    Validity validity) {
  if (host_names.empty() && addresses.empty()) {
    return fail(ErrorCode::InvalidValue, "a server certificate needs a host name or an address");
  }
  KeyPointer key = generate_key(library_.get());
  if (!key) return fail(ErrorCode::InvalidValue, "EC key generation failed");
  NamePointer name;
  std::string common_name = host_names.empty() ? addresses.front().to_string() : host_names.front();
  if (!add_name_entry(name.name, "CN", common_name)) return fail(ErrorCode::InvalidValue, "bad host name");
  auto certificate = build(library_.get(), key.get(), name.name, root_.certificate.get(), root_.key.get(), next_serial_++,
                           validity,
                           {{NID_basic_constraints, "critical,CA:FALSE"},
                            {NID_key_usage, "critical,digitalSignature"},
                            {NID_ext_key_usage, "serverAuth"},
                            {NID_subject_alt_name, subject_alt_names(host_names, addresses)},
                            {NID_authority_key_identifier, "keyid:always"}});
  if (!certificate) return fail(certificate.error());
  return IssuedCertificate{std::move(*certificate), std::move(key)};
}

fw::Result<IssuedCertificate> CertificateAuthority::issue_phone(const PhoneCertificateSubject& subject,
                                                                Validity validity) {
  KeyPointer key = generate_key(library_.get());
  if (!key) return fail(ErrorCode::InvalidValue, "EC key generation failed");
  NamePointer name;
  if (!add_name_entry(name.name, "OU", subject.product_name) ||
      !add_name_entry(name.name, "L", subject.serial_number) ||
      !add_name_entry(name.name, "ST", subject.mac_colons) ||
      !add_name_entry(name.name, "CN", subject.mac_plain)) {
    return fail(ErrorCode::InvalidValue, "bad phone certificate subject");
  }
  auto certificate = build(library_.get(), key.get(), name.name, root_.certificate.get(), root_.key.get(), next_serial_++,
                           validity,
                           {{NID_basic_constraints, "critical,CA:FALSE"},
                            {NID_key_usage, "critical,digitalSignature"},
                            {NID_ext_key_usage, "clientAuth"},
                            {NID_authority_key_identifier, "keyid:always"}});
  if (!certificate) return fail(certificate.error());
  return IssuedCertificate{std::move(*certificate), std::move(key)};
}

fw::Result<IssuedCertificate> make_self_signed_server(const std::string& host_name, Validity validity,
                                                      const fw::CryptoLibrary& library) {
  KeyPointer key = generate_key(library.get());
  if (!key) return fail(ErrorCode::InvalidValue, "EC key generation failed");
  NamePointer name;
  if (!add_name_entry(name.name, "CN", host_name)) return fail(ErrorCode::InvalidValue, "bad host name");
  auto certificate = build(library.get(), key.get(), name.name, nullptr, key.get(), 1, validity,
                           {{NID_basic_constraints, "critical,CA:FALSE"},
                            {NID_ext_key_usage, "serverAuth"},
                            {NID_subject_alt_name, "DNS:" + host_name}});
  if (!certificate) return fail(certificate.error());
  return IssuedCertificate{std::move(*certificate), std::move(key)};
}

}  // namespace sim
