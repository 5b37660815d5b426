#pragma once

// ActivationService: the activation-code service phones with Profile_Rule gds:// ask for their
// provisioning rule (reference §8, the guide's activation.webex.com; the wire format is
// phonesim's own, firmware-core/agent/activation_protocol.h). A sans-IO core plugged into
// HttpServer as a request hook, like the reflector: the host gives it each request and its wall
// clock, it answers POSTs of its path and lets every other request through.
//
// - Codes: 16 digits, single use, each with an expiry (or none), the provisioning rule it hands
//   out (plus optional parameters) and optionally the one device (MAC) it is for. Codes are
//   given or drawn from the service's seeded stream (the same seed, the same codes).
// - Answers: 200 accepted (the code is used from then on); 403 rejected with the reason
//   unknown, expired, used or device (the phone shows "Invalid activation code" for all); 400
//   bad-request for a body that is not an activation request; 405 for other methods.
// - Guessing: every refused request (403 or 400) counts against its source address; a source
//   with failures_max failures inside failure_window gets 429 with Retry-After (the seconds until
//   its oldest failure leaves the window) for every request, valid codes included, and the
//   refused request does not count again. At most sources_tracked_max sources are remembered;
//   when that many have live failures, requests from new sources get 429 too (fail closed).
// - Records: one per answered request (time, client, outcome, MAC, which code), never the code.

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "firmware-core/base/random_stream.h"
#include "firmware-core/base/result.h"
#include "firmware-core/runtime/time.h"
#include "servers/http/http_server.h"

namespace srv {

struct ActivationCodeSpec {
  // 16 digits (spaces and dashes between groups allowed); empty: drawn from the seeded stream.
  std::string code;
  std::string profile_rule;  // handed out as Profile_Rule; required, not gds://
  // More parameters for the reply, after Profile_Rule (names as in a flat profile).
  std::vector<std::pair<std::string, std::string>> parameters;
  std::optional<fw::WallTime> expires;  // refused from this moment on; nullopt: never expires
  std::string mac;                      // 12 hex digits: only this phone may use it; empty: any
};

enum class ActivationOutcome : std::uint8_t {
  Accepted,
  Unknown,
  Expired,
  Used,
  WrongDevice,
  Malformed,
  RateLimited,
};
inline constexpr std::size_t kActivationOutcomeCount = 7;
// "accepted", "unknown", "expired", "used", "device", "malformed", "rate-limited".
std::string_view to_string(ActivationOutcome outcome);
std::optional<ActivationOutcome> activation_outcome_named(std::string_view name);

struct ActivationRecord {
  fw::Instant time;
  fw::Endpoint client;
  ActivationOutcome outcome = ActivationOutcome::Unknown;
  std::string mac;  // as the request gave it (empty for malformed requests)
  std::optional<std::size_t> code_index;  // the code it named, if it names one of ours
};

struct ActivationServiceSettings {
  std::string path = "/activate";  // the request target without its query
  // activation_failures_max: refused requests per source inside failure_window before 429
  // (0: no rate limit).
  std::uint32_t failures_max = 5;
  fw::Duration failure_window = fw::seconds(600);
  // activation_sources_tracked_max: sources whose failures are remembered at once.
  std::size_t sources_tracked_max = 65536;
  // activation_records_max: records kept for poll_record(); older ones are dropped.
  std::size_t records_max = 100000;
};

class ActivationService {
 public:
  // `seed` seeds the stream generated codes are drawn from.
  explicit ActivationService(ActivationServiceSettings settings = {}, std::uint64_t seed = 0);

  // Adds a code and returns it (16 digits, normalized). Errors: InvalidValue (not 16 digits, a
  // code already known, no Profile_Rule or a gds:// one, a MAC that is not 12 hex digits).
  fw::Result<std::string> add_code(ActivationCodeSpec spec);

  // The HttpRequestHook body: the reply for a request to settings.path, nullopt for other
  // paths. `wall` is the host's wall clock (expiry); request.now drives the rate limit.
  std::optional<HttpReply> handle(const HttpRequestInfo& request, fw::WallTime wall);

  std::size_t code_count() const { return codes_.size(); }
  // The index-th code added (0-based), normalized; requires index < code_count().
  const std::string& code(std::size_t index) const { return codes_[index].code; }
  bool used(std::size_t index) const { return codes_[index].used; }
  std::uint64_t count(ActivationOutcome outcome) const {
    return counts_[static_cast<std::size_t>(outcome)];
  }
  // The next record, oldest first, or nullopt.
  std::optional<ActivationRecord> poll_record();

 private:
  struct Code {
    std::string code;
    ActivationCodeSpec spec;
    bool used = false;
  };

  HttpReply answer(const HttpRequestInfo& request, fw::WallTime wall);
  // Seconds until `client` may try again; nullopt: it may try now.
  std::optional<std::int64_t> retry_after_s(fw::Instant now, fw::Ipv4Address client);
  void count_failure(fw::Instant now, fw::Ipv4Address client);
  void record(const HttpRequestInfo& request, ActivationOutcome outcome, std::string mac,
              std::optional<std::size_t> code_index);

  ActivationServiceSettings settings_;
  fw::RandomStream random_;
  std::vector<Code> codes_;
  std::map<std::string, std::size_t> index_;  // code -> position in codes_
  std::map<fw::Ipv4Address, std::deque<fw::Instant>> failures_;
  std::array<std::uint64_t, kActivationOutcomeCount> counts_{};
  std::deque<ActivationRecord> records_;
};

}  // namespace srv
