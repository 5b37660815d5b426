// Fuzzes what a MIC renewal service can send the phone (fw::verify_mic_renewal_reply) and what
// the phone's flash may hold for a renewed MIC (fw::decode_mic_record).
// Properties: a reply is either accepted as one PEM certificate or refused with
// MicRenewalBadReply (random bytes never carry the phone's new key, so never accepted); a flash
// record is either decoded into one certificate and one key or refused with FlashCorrupt.

#include <cstddef>
#include <cstdint>

#include "firmware-core/fetch/mic_renewal_message.h"
#include "firmware-core/runtime/mic_store.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/mic_fuzz_pki.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fuzz::MicPki& pki = fuzz::mic_pki();
  fw::ByteSpan input(data, size);
  auto reply = fw::verify_mic_renewal_reply(input, *pki.mic, pki.new_key_pem, {pki.ca_certificate_pem},
                                            fw::WallTime{1800000000}, nullptr);
  fuzz::check(!reply && reply.error().code == fw::ErrorCode::MicRenewalBadReply);

  auto record = fw::decode_mic_record(input);
  if (record) {
    fuzz::check(record->certificate_pem.starts_with("-----BEGIN CERTIFICATE-----"));
    fuzz::check(record->key_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
  } else {
    fuzz::check(record.error().code == fw::ErrorCode::FlashCorrupt);
  }
  return 0;
}
