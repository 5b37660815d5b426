#pragma once

// CertificateAuthority: the simulator's PKI (issue #6): a "manufacturer" root that signs per-phone
// MIC client certificates, a provisioning root that signs server certificates, and any number of
// untrusted roots for negative tests. Keys are ECDSA P-256 (what the reference phones' MICs and
// most provisioning servers use); certificates are X.509 v3 built with OpenSSL.
//
// Validity is given in the simulated wall clock (WallTime), so a scenario can make a server
// certificate expire at a chosen date or be not yet valid.
//
// Keys are generated and certificates signed in the authority's crypto library: in a world, the
// seeded one (seeded_crypto.h), so the same seed mints the same certificates byte for byte.

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "firmware-core/base/result.h"
#include "firmware-core/fetch/tls_session.h"
#include "firmware-core/runtime/network_address.h"
#include "firmware-core/runtime/time.h"

namespace sim {

struct X509Deleter {
  void operator()(X509* certificate) const { X509_free(certificate); }
};
struct KeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using X509Pointer = std::unique_ptr<X509, X509Deleter>;
using KeyPointer = std::unique_ptr<EVP_PKEY, KeyDeleter>;

// A certificate with its private key.
struct IssuedCertificate {
  X509Pointer certificate;
  KeyPointer key;

  std::string certificate_pem() const;
  std::string key_pem() const;
};

// The fields of a MIC (decisions.md "Client certificate subject").
struct PhoneCertificateSubject {
  std::string product_name;   // OU, e.g. CP-8841-3PCC
  std::string serial_number;  // L
  std::string mac_colons;     // S (stateOrProvinceName), e.g. 00:0e:08:ab:cd:ef
  std::string mac_plain;      // CN, e.g. 000e08abcdef
};

struct Validity {
  fw::WallTime not_before;
  fw::WallTime not_after;
};

class CertificateAuthority {
 public:
  // A self-signed root named `common_name`; it and everything it issues is made in `library`.
  // Errors: InvalidValue if OpenSSL refuses (never expected with these fixed algorithms).
  static fw::Result<CertificateAuthority> create_root(const std::string& common_name,
                                                       Validity validity,
                                                       fw::CryptoLibrary library = nullptr);

  // An existing authority from PEM text holding its certificate and its private key (in any
  // order; `phonesim load --mint-ca FILE`). Serial numbers of what it issues start at 2 again.
  // Errors: InvalidValue when no certificate or no key parses, or the key is not the
  // certificate's.
  static fw::Result<CertificateAuthority> from_pem(std::string_view certificate_and_key_pem,
                                                   fw::CryptoLibrary library = nullptr);

  // A server certificate for `host_names` (DNS SANs) and `addresses` (IP SANs); the CN is the
  // first host name. `not_before`/`not_after` let tests make it expired or not yet valid.
  fw::Result<IssuedCertificate> issue_server(const std::vector<std::string>& host_names,
                                             const std::vector<fw::Ipv4Address>& addresses,
                                             Validity validity);
  // A phone's MIC client certificate.
  fw::Result<IssuedCertificate> issue_phone(const PhoneCertificateSubject& subject, Validity validity);
  // An intermediate CA signed by this one (for chain tests).
  fw::Result<CertificateAuthority> issue_intermediate(const std::string& common_name, Validity validity);

  X509* certificate() const { return root_.certificate.get(); }
  const fw::CryptoLibrary& library() const { return library_; }
  std::string certificate_pem() const { return root_.certificate_pem(); }
  // The authority's private key as PEM (a secret): for saving the authority to a file and for a
  // service that signs with it (MIC renewal).
  std::string key_pem() const { return root_.key_pem(); }

 private:
  CertificateAuthority(IssuedCertificate root, fw::CryptoLibrary library)
      : library_(std::move(library)), root_(std::move(root)) {}

  fw::CryptoLibrary library_;  // outlives the keys and certificates made in it
  IssuedCertificate root_;
  std::uint64_t next_serial_ = 2;
};

// A self-signed leaf (not a CA) for `host_name`: the "self-signed server" negative case.
fw::Result<IssuedCertificate> make_self_signed_server(const std::string& host_name, Validity validity,
                                                      const fw::CryptoLibrary& library = nullptr);

}  // namespace sim
