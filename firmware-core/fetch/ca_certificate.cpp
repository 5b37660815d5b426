#include "firmware-core/fetch/ca_certificate.h"

#include <memory>

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "firmware-core/fetch/openssl_handles.h"

namespace fw {
using namespace fw::openssl;  // NOLINT: the handles of openssl_handles.h

Result<CaCertificate> parse_ca_certificate(ByteSpan pem_file) {
  if (pem_file.size() > kCustomCaBytesMax) {
    return fail(ErrorCode::InvalidValue, "custom CA: " + std::to_string(pem_file.size()) +
                                             " bytes exceed " + std::to_string(kCustomCaBytesMax));
  }
  std::unique_ptr<BIO, BioFree> input(
      BIO_new_mem_buf(pem_file.data(), static_cast<int>(pem_file.size())));
  std::unique_ptr<X509, X509Free> certificate(
      input ? PEM_read_bio_X509(input.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!certificate) {
    return fail(ErrorCode::InvalidValue, "custom CA: no PEM certificate in the file");
  }
  // 1: basicConstraints CA:TRUE. Old v1 roots and keyUsage-only certificates are not accepted.
  if (X509_check_ca(certificate.get()) != 1) {
    return fail(ErrorCode::InvalidValue, "custom CA: the certificate is not a CA certificate");
  }
  CaCertificate result;
  const X509_NAME* subject = X509_get_subject_name(certificate.get());
  const int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (index >= 0) {
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
    result.common_name.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                              static_cast<std::size_t>(ASN1_STRING_length(data)));
  }
  std::unique_ptr<BIO, BioFree> output(BIO_new(BIO_s_mem()));
  if (!output || PEM_write_bio_X509(output.get(), certificate.get()) != 1) {
    return fail(ErrorCode::InvalidValue, "custom CA: cannot re-encode the certificate");
  }
  char* bytes = nullptr;
  const long size = BIO_get_mem_data(output.get(), &bytes);
  result.pem.assign(bytes, static_cast<std::size_t>(size));
  return result;
}

}  // namespace fw
