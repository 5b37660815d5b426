#pragma once

// A manufacturer CA and a MIC made in-process for the MIC renewal fuzz targets (the fuzz build
// has no sim/ PKI): P-256 keys, a self-signed CA and a client certificate it signs.

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>

#include "firmware-core/fetch/tls_session.h"

namespace fuzz {

inline std::string certificate_text(X509* certificate) {
  BIO* out = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(out, certificate);
  char* data = nullptr;
  const long size = BIO_get_mem_data(out, &data);
  std::string text(data, static_cast<std::size_t>(size));
  BIO_free(out);
  return text;
}

inline std::string key_text(EVP_PKEY* key) {
  BIO* out = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(out, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(out, &data);
  std::string text(data, static_cast<std::size_t>(size));
  BIO_free(out);
  return text;
}

inline X509* make_certificate(const char* common_name, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key,
                              long serial, bool ca) {
  X509* certificate = X509_new();
  X509_set_version(certificate, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(certificate), serial);
  ASN1_TIME_set(X509_getm_notBefore(certificate), 1700000000);
  ASN1_TIME_set(X509_getm_notAfter(certificate), 2000000000);
  X509_NAME* name = X509_get_subject_name(certificate);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
  X509_set_issuer_name(certificate, issuer ? X509_get_subject_name(issuer) : name);
  X509_set_pubkey(certificate, key);
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer ? issuer : certificate, certificate, nullptr, nullptr, 0);
  X509_EXTENSION* constraints =
      X509V3_EXT_conf_nid(nullptr, &context, NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  X509_add_ext(certificate, constraints, -1);
  X509_EXTENSION_free(constraints);
  // A subject key identifier, as real CAs carry: the renewal service's issued certificate names
  // its issuer by it (authorityKeyIdentifier keyid:always).
  X509_EXTENSION* key_id = X509V3_EXT_conf_nid(nullptr, &context, NID_subject_key_identifier, "hash");
  X509_add_ext(certificate, key_id, -1);
  X509_EXTENSION_free(key_id);
  X509_sign(certificate, issuer_key, EVP_sha256());
  return certificate;
}

struct MicPki {
  std::string ca_certificate_pem;
  std::string ca_key_pem;
  std::shared_ptr<const fw::TlsIdentity> mic;
  std::string new_key_pem;  // another key, standing for the renewal's new one
};

inline const MicPki& mic_pki() {
  static const MicPki pki = [] {
    MicPki made;
    EVP_PKEY* ca_key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    EVP_PKEY* phone_key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    EVP_PKEY* new_key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    X509* ca = make_certificate("Fuzz Manufacturer Root", ca_key, nullptr, ca_key, 1, true);
    X509* phone = make_certificate("000e08abcdef", phone_key, ca, ca_key, 2, false);
    made.ca_certificate_pem = certificate_text(ca);
    made.ca_key_pem = key_text(ca_key);
    made.mic = *fw::TlsIdentity::from_pem(certificate_text(phone), key_text(phone_key));
    made.new_key_pem = key_text(new_key);
    X509_free(ca);
    X509_free(phone);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(phone_key);
    EVP_PKEY_free(new_key);
    return made;
  }();
  return pki;
}

}  // namespace fuzz
