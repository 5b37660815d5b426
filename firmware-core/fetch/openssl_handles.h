#pragma once

// Owning handles for OpenSSL objects: std::unique_ptr with the matching *_free function, shared
// by the phone's certificate code (ca_certificate, mic_renewal_message) and the servers that
// speak the same formats (servers/mic_renewal).

#include <memory>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

namespace fw::openssl {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* certificate) const { X509_free(certificate); }
};
struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct RequestFree {
  void operator()(X509_REQ* request) const { X509_REQ_free(request); }
};
struct CmsFree {
  void operator()(CMS_ContentInfo* cms) const { CMS_ContentInfo_free(cms); }
};
struct StoreFree {
  void operator()(X509_STORE* store) const { X509_STORE_free(store); }
};
struct StoreContextFree {
  void operator()(X509_STORE_CTX* context) const { X509_STORE_CTX_free(context); }
};
struct CertificateStackFree {
  void operator()(STACK_OF(X509) * stack) const { sk_X509_pop_free(stack, X509_free); }
};

using BioPointer = std::unique_ptr<BIO, BioFree>;
using X509Pointer = std::unique_ptr<X509, X509Free>;

}  // namespace fw::openssl
