#pragma once

// Fault injection for the provisioning servers, as data on a timeline (STYLE.md: seeded fault
// plans printed at start). A FaultPlan lists windows [from, until) of one kind each; a request
// that arrives inside a window is hit with the window's share (parts per million), drawn from
// the injector's own seeded fw::RandomStream, so a run replays. ServerFaults turns the plan into
// the servers' per-request hooks:
//
//   kind      HTTP                                       TFTP
//   latency   the reply leaves `latency` later            the first packet leaves later
//   drop      connection closed without a reply           request ignored (as if lost)
//   status    404/500/503 (+ Retry-After) instead        ERROR 1 for 404, else ERROR 0
//   truncate  body cut to keep_bytes, Content-Length      the file cut to keep_bytes
//             of the whole, then the connection closes
//   corrupt   corrupt_bytes bytes of the body flipped     the same bytes of the file flipped
//   stall     connection kept open, never answered        request ignored
//   certificate  (HTTPS only, per TLS connection) the server presents an expired, wrong-host
//             or untrusted certificate instead of its own: certificate_swap(), not the hooks
//
// Several windows may hit one request (a slow server that also cuts bodies); drop and stall win
// over the rest, then status. Uploads (PUT/POST, TFTP WRQ) are delayed, dropped, stalled or
// refused but never damaged.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "firmware-core/base/random_stream.h"
#include "firmware-core/runtime/time.h"
#include "servers/http/http_server.h"
#include "servers/tftp/tftp_server.h"

namespace srv {

enum class FaultKind : std::uint8_t { Latency, Drop, Status, Truncate, Corrupt, Stall, Certificate };
inline constexpr std::size_t kFaultKindCount = 7;
std::string_view to_string(FaultKind kind);

// Which wrong certificate a Certificate fault presents. The host (the simulator) mints them: the
// servers' cores know no PKI.
enum class CertificateSwap : std::uint8_t {
  Expired,    // issued by the right root, validity ended before the window
  WrongHost,  // issued by the right root for another host name
  Untrusted,  // right host and dates, issued by a root the phones do not trust
};
inline constexpr std::size_t kCertificateSwapCount = 3;
std::string_view to_string(CertificateSwap swap);

inline constexpr std::uint32_t kPartsPerMillion = 1'000'000;

struct FaultWindow {
  FaultKind kind = FaultKind::Latency;
  fw::Instant from;
  fw::Instant until = fw::Instant::never();  // exclusive
  std::uint32_t share_ppm = kPartsPerMillion;  // requests hit, parts per million
  fw::Duration latency{};                      // Latency
  unsigned status = 503;                       // Status: 404, 500, 503...
  std::optional<std::uint32_t> retry_after_s;  // Status: the Retry-After header (HTTP only)
  std::uint64_t keep_bytes = 0;                // Truncate: body bytes kept
  std::uint32_t corrupt_bytes = 1;             // Corrupt: bytes flipped
  CertificateSwap certificate = CertificateSwap::Expired;  // Certificate

  // "status 503 retry-after=120s share=250000ppm [10s, 70s)": one line of a printed plan.
  std::string to_string() const;
};

struct FaultPlan {
  std::vector<FaultWindow> windows;
  // One window per line, in plan order; "no faults" for an empty plan.
  std::string to_string() const;
};

// What happens to one request: the union of every window that hit it.
struct FaultDecision {
  fw::Duration delay{};
  bool drop = false;
  bool stall = false;
  std::optional<unsigned> status;
  std::optional<std::uint32_t> retry_after_s;
  std::optional<std::uint64_t> keep_bytes;
  std::uint32_t corrupt_bytes = 0;
  std::string kinds;  // "latency,truncate": for access logs; empty when nothing hit

  bool any() const { return !kinds.empty(); }
};

class ServerFaults {
 public:
  // `seed`: the injector's own stream (derive it from the run seed and the server's id).
  ServerFaults(FaultPlan plan, std::uint64_t seed);

  // Draws the windows active at `now` for one request. Each active window draws once per
  // request, so the stream and the outcome depend only on the plan, the seed and the requests.
  FaultDecision decide(fw::Instant now);
  // Call once per TLS connection, as it is accepted: the certificate to present instead of the
  // server's own, when a Certificate window active at `now` hits this connection (the first such
  // window wins); nullopt otherwise. Draws from the same stream as decide().
  std::optional<CertificateSwap> certificate_swap(fw::Instant now);
  // Cuts and flips `body` as `decision` says (corrupted positions drawn from the stream).
  void damage(const FaultDecision& decision, fw::Bytes& body);

  // Hooks for the servers; `root` is the server's root (the hook serves GET/HEAD itself when it
  // must change the reply), `inner` a hook that runs under the faults (a Reflector...). The
  // hooks refer to this object, which must outlive the servers.
  HttpRequestHook http_hook(HttpRoot& root, HttpRequestHook inner = {});
  TftpRequestHook tftp_hook(TftpRoot& root, TftpRequestHook inner = {});

  const FaultPlan& plan() const { return plan_; }
  // Requests each kind hit so far, indexed by FaultKind.
  const std::array<std::uint64_t, kFaultKindCount>& injected() const { return injected_; }
  std::uint64_t injected(FaultKind kind) const { return injected_[static_cast<std::size_t>(kind)]; }

 private:
  std::optional<HttpReply> on_http(HttpRoot& root, const HttpRequestHook& inner,
                                   const HttpRequestInfo& request);
  TftpVerdict on_tftp(TftpRoot& root, const TftpRequestHook& inner, const TftpRequestInfo& request);

  FaultPlan plan_;
  fw::RandomStream random_;
  std::array<std::uint64_t, kFaultKindCount> injected_{};
};

}  // namespace srv
