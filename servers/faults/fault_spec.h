#pragma once

// `provserver --fault SPEC`: one FaultWindow written on a command line.
//
//   SPEC   = [SERVER ":"] KIND ["=" VALUE] *("," KEY "=" VALUE)
//   SERVER = tftp | http | https | all            (default all)
//   KIND   = latency=DURATION | drop | status=CODE | truncate=BYTES | corrupt=BYTES | stall
//          | certificate=SWAP     (HTTPS only; SWAP = expired | wrong-host | untrusted, the
//                                  certificate provserver presents: its --swap-cert SWAP=CERT,KEY)
//   KEY    = share (PERCENT%, default 100%) | from (DURATION after start, default 0s)
//          | for (DURATION, default: until the end) | retry-after (DURATION, status only)
//   DURATION = digits followed by ms, s, m or h;  PERCENT = digits with up to 4 decimals
//
//   --fault http:status=503,retry-after=120s,share=50%,for=60s
//   --fault tftp:drop,share=25%   --fault latency=300ms   --fault https:truncate=100
//
// Parsing is pure; provserver builds one ServerFaults per server from the windows for it.
//
// `provserver --limit SPEC`: a server's concurrency limit with queueing (servers/admission).
//
//   SPEC = SERVER "=" IN_SERVICE ["," "queue=" WAITING]     SERVER = tftp | http | https | all
//
//   --limit http=1,queue=1   (one connection served, one waiting, the next closed unread)
//   --limit tftp=50,queue=200   (TFTP: past the queue ERROR 0 "server busy")

#include <optional>
#include <string>
#include <string_view>

#include "firmware-core/base/result.h"
#include "servers/admission/service_queue.h"
#include "servers/faults/server_faults.h"

namespace srv {

enum class FaultTarget : std::uint8_t { All, Tftp, Http, Https };
std::string_view to_string(FaultTarget target);

struct FaultSpec {
  FaultTarget target = FaultTarget::All;
  FaultWindow window;

  bool applies_to(FaultTarget server) const { return target == FaultTarget::All || target == server; }
};

// Parses one --fault argument. Errors: InvalidValue naming the part that is wrong (unknown
// server, kind or key, a missing or malformed value, a share over 100%, a key the kind does not
// take).
fw::Result<FaultSpec> parse_fault_spec(std::string_view text);

// "expired", "wrong-host" or "untrusted"; nullopt for anything else.
std::optional<CertificateSwap> parse_certificate_swap(std::string_view text);

// The largest in-service count and queue a --limit takes.
inline constexpr std::uint32_t kLimitPlacesMax = 1'000'000;

struct LimitSpec {
  FaultTarget target = FaultTarget::All;
  ServiceQueueSettings limit;

  bool applies_to(FaultTarget server) const {
    return target == FaultTarget::All || target == server;
  }
};

// Parses one --limit argument. Errors: InvalidValue naming the part that is wrong (unknown
// server or key, an in-service count of 0, a number past kLimitPlacesMax).
fw::Result<LimitSpec> parse_limit_spec(std::string_view text);

}  // namespace srv
