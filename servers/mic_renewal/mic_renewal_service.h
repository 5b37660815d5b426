#pragma once

// MicRenewalService: a SUDI-like MIC renewal service (guide "Verlängern des MIC-Zertifikats";
// the phone's side and the wire format: firmware-core/fetch/mic_renewal_message.h). Sans IO:
// the host gives the request body and its wall clock, the service answers with an HttpReply. It
// plugs into HttpServer as a hook (MicRenewalHook), so the simulator and provserver serve it
// the same way.
//
// A POST to the service's path must carry a CMS SignedData (DER) over a PKCS#10 request. The
// service issues a new certificate when:
//   1. the SignedData parses and has exactly one signer, whose certificate is in it (400
//      otherwise: "malformed request");
//   2. the signer's certificate chains to the manufacturer CA at the host's time (403 "unknown
//      certificate" for a foreign issuer or a broken chain). An expired MIC is accepted up to
//      expired_grace_s after its notAfter (the rest of the chain must be valid now): renewing an
//      expired MIC is what the service is for;
//   3. the signature verifies with that certificate's key (403 "proof of possession failed");
//   4. the signer's serial number is not revoked (410 "revoked certificate");
//   5. the content is a PKCS#10 request, self-signed with its key, whose subject is the signer
//      certificate's subject, and whose key is a new one (400 otherwise).
// The new certificate: the old subject, the request's key, validity [now, now + validity_s],
// serial numbers from kFirstSerial counting up, the old certificate's extensions for a MIC
// (CA:FALSE, digitalSignature, clientAuth), signed by the manufacturer CA key with SHA-256.
// Replies: 200 with the certificate as PEM (application/x-pem-file); errors with a text/plain
// reason and an X-Renewal-Error header naming it. Other methods get 405.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "firmware-core/base/bytes.h"
#include "firmware-core/base/result.h"
#include "firmware-core/fetch/tls_session.h"
#include "firmware-core/runtime/time.h"
#include "servers/http/http_server.h"

namespace srv {

struct MicRenewalSettings {
  std::string path = "/";  // the request target (without query) the service answers
  std::string ca_certificate_pem;  // the manufacturer CA
  std::string ca_key_pem;          // its private key (a secret: never logged)
  fw::CryptoLibrary library;       // where signatures draw randomness (simulator: seeded)
  std::int64_t validity_s = 5 * 365 * 86400;  // of a renewed certificate
  std::int64_t expired_grace_s = 365 * 86400;  // how long after its notAfter a MIC is renewed
  std::set<std::string> revoked_serials_hex;   // upper-case hex serial numbers
};

// The first serial number the service gives (above the simulator's and scripts/pki's serials).
inline constexpr std::uint64_t kFirstSerial = 0x10000000;

struct MicRenewalCounts {
  std::uint64_t issued = 0;
  std::uint64_t malformed = 0;
  std::uint64_t unknown = 0;
  std::uint64_t proof_failed = 0;
  std::uint64_t revoked = 0;
};

class MicRenewalService {
 public:
  // Errors: InvalidValue when the CA certificate or key does not parse or they do not match.
  static fw::Result<std::shared_ptr<MicRenewalService>> create(MicRenewalSettings settings);
  ~MicRenewalService();
  MicRenewalService(const MicRenewalService&) = delete;
  MicRenewalService& operator=(const MicRenewalService&) = delete;

  // Answers one request (untrusted body) at wall-clock time `now`: see the list above.
  HttpReply renew(fw::ByteSpan body, fw::WallTime now);
  // Answers POSTs to the path, 405 for other methods there, nullopt for other paths.
  std::optional<HttpReply> handle(const HttpRequestInfo& request, fw::WallTime now);

  void revoke(std::string serial_hex) { settings_.revoked_serials_hex.insert(std::move(serial_hex)); }
  const MicRenewalCounts& counts() const { return counts_; }
  const std::string& path() const { return settings_.path; }

 private:
  struct Authority;
  MicRenewalService(MicRenewalSettings settings, std::unique_ptr<Authority> authority);

  MicRenewalSettings settings_;
  std::unique_ptr<Authority> authority_;
  std::uint64_t next_serial_ = kFirstSerial;
  MicRenewalCounts counts_;
};

// The service as an HttpServer hook; `wall_clock` maps the server's monotonic time to the wall
// clock (the simulated one, or the host's in provserver). Other requests go to `next` (nullopt
// without one).
HttpRequestHook mic_renewal_hook(std::shared_ptr<MicRenewalService> service,
                                 std::function<fw::WallTime(fw::Instant)> wall_clock,
                                 HttpRequestHook next = {});

}  // namespace srv
