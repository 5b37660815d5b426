// Fuzzes what a phone (or anyone) can POST to the MIC renewal service
// (srv::MicRenewalService::renew): the CMS SignedData and the certificate request inside it.
// Properties: a genuine request of the one MIC the fuzz CA signed is renewed (checked once);
// any input gets 200, 400, 403 or 410; a 200 carries exactly one certificate, and it is that
// MIC's subject's (nothing else can be renewed by this CA).
// The fuzz PKI is made per process, so the seed corpus holds requests of another CA: they
// exercise parsing up to the chain check.

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "firmware-core/fetch/mic_renewal_message.h"
#include "servers/mic_renewal/mic_renewal_service.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/mic_fuzz_pki.h"

namespace {

constexpr fw::WallTime kNow{1800000000};

// The common name of the one PEM certificate in `body`, or empty if it is not exactly one.
std::string renewed_common_name(const fw::Bytes& body) {
  const std::string text(body.begin(), body.end());
  if (fw::pem_certificate_blocks(text).size() != 1) return {};
  BIO* in = BIO_new_mem_buf(text.data(), static_cast<int>(text.size()));
  X509* certificate = PEM_read_bio_X509(in, nullptr, nullptr, nullptr);
  BIO_free(in);
  if (certificate == nullptr) return {};
  std::string name = fw::summarize_certificate(certificate).common_name;
  X509_free(certificate);
  return name;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fuzz::MicPki& pki = fuzz::mic_pki();
  static std::shared_ptr<srv::MicRenewalService> service = [&] {
    srv::MicRenewalSettings settings;
    settings.ca_certificate_pem = pki.ca_certificate_pem;
    settings.ca_key_pem = pki.ca_key_pem;
    return *srv::MicRenewalService::create(settings);
  }();
  static const bool genuine_renewed = [&] {
    auto request = fw::build_mic_renewal_request(*pki.mic, nullptr);
    if (!request) return false;
    const srv::HttpReply reply = service->renew(request->body, kNow);
    return reply.status == 200 && renewed_common_name(reply.body) == "000e08abcdef";
  }();
  fuzz::check(genuine_renewed);

  const srv::HttpReply reply = service->renew(fw::ByteSpan(data, size), kNow);
  if (reply.status == 200) {
    fuzz::check(renewed_common_name(reply.body) == "000e08abcdef");
  } else {
    fuzz::check(reply.status == 400 || reply.status == 403 || reply.status == 410);
  }
  return 0;
}
