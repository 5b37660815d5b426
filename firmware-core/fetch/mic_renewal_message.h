#pragma once

// The phone's side of MIC renewal through a SUDI-like service (guide "Verlängern des
// MIC-Zertifikats", reference §8): building the renewal request and checking the reply.
//
// Wire format (decisions taken here; the service side is servers/mic_renewal):
//
//   request  POST <MIC_Cert_Refresh_Rule>, Content-Type application/pkcs7-mime
//            body: a DER CMS SignedData (RFC 5652) whose content is a DER PKCS#10 request
//            (RFC 2986) for a new P-256 key, with the old MIC's subject, self-signed with the new
//            key (proof of possession of the new key). The SignedData is signed with the old
//            MIC's key and carries the old MIC (proof of possession of the old key: the request
//            travels over plain HTTP, port 80, so the proof is in the body, not in a TLS
//            handshake). No signed attributes, so no signing time: the signature draws only on
//            the key's library, and a simulated run replays.
//   reply    200, Content-Type application/x-pem-file: the new certificate as PEM (further
//            certificates after it, e.g. an intermediate, are accepted and ignored).
//            4xx: the service refuses (400 malformed, 403 unknown or foreign certificate or a
//            failed proof, 410 revoked); the phone reports the status.
//
// The new certificate is accepted only if it chains to one of the manufacturer roots the phone
// was built with, at the phone's wall clock; carries the new key; and has exactly the old MIC's
// subject.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "firmware-core/base/bytes.h"
#include "firmware-core/base/result.h"
#include "firmware-core/fetch/tls_session.h"
#include "firmware-core/runtime/time.h"

namespace fw {

// mic_renewal_reply_bytes_max: the largest reply accepted (a certificate is about 1 KiB).
inline constexpr std::size_t kMicRenewalReplyBytesMax = 64 * 1024;
// The Content-Type of the request body.
inline constexpr std::string_view kMicRenewalContentType = "application/pkcs7-mime";

// What the phone shows about a certificate (status pages, traces).
struct CertificateSummary {
  std::string common_name;
  std::string subject;  // RFC 2253 form
  WallTime not_before;
  WallTime not_after;
  std::string serial_hex;  // upper-case hex, no separators
};

// The summary of `certificate`. Never fails on a certificate OpenSSL parsed.
CertificateSummary summarize_certificate(X509* certificate);

struct MicRenewalRequest {
  Bytes body;           // the CMS SignedData (DER), for the POST
  std::string key_pem;  // the new private key (PKCS#8 PEM): a secret, never trace it
};

// Call when a renewal starts. Generates a new P-256 key in `library` (nullptr: OpenSSL's
// default; the simulator's seeded library makes the key replay), a CSR for it with `mic`'s
// subject, and the SignedData over the CSR signed with `mic`'s key. Errors: InvalidValue when
// OpenSSL refuses a step (not expected with these fixed algorithms).
Result<MicRenewalRequest> build_mic_renewal_request(const TlsIdentity& mic,
                                                    const CryptoLibrary& library);

// Call with the reply body of a successful POST. Returns the new certificate as PEM when the
// checks above pass at `now`. Errors: MicRenewalBadReply, with a detail naming the failed check
// (size, no PEM certificate, untrusted or expired chain, key or subject mismatch).
Result<std::string> verify_mic_renewal_reply(ByteSpan reply, const TlsIdentity& old_mic,
                                             std::string_view new_key_pem,
                                             const std::vector<std::string>& manufacturer_roots_pem,
                                             WallTime now, const CryptoLibrary& library);

}  // namespace fw
