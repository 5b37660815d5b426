#pragma once

// ServerMetrics: what a provisioning server did over a run, computed from its request records
// (HTTP access records, TFTP transfer records): requests per second over time, concurrency,
// latency percentiles and errors by kind. Feed records as the servers produce them; ask any
// time. Durations are kept (8 bytes a request), so percentiles are exact.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "firmware-core/runtime/time.h"
#include "servers/http/http_server.h"
#include "servers/tftp/tftp_server.h"

namespace srv {

class ServerMetrics {
 public:
  // One answered (or failed) request from `started` to `finished`; `error` names its kind
  // ("http 503", "tftp not found", "no reply"...), empty for a success.
  void add(fw::Instant started, fw::Instant finished, std::string error);
  // Errors: status 0 (no reply: dropped or stalled) is "no reply", 4xx/5xx "http <status>".
  void add(const HttpAccessRecord& record);
  // Errors: every outcome but Completed, as "tftp <outcome>".
  void add(const TftpTransferRecord& record);

  std::uint64_t requests() const { return samples_.size(); }
  // Requests finished in each whole second since the epoch of the simulated clock: element i
  // counts those with finished in [first + i s, first + i + 1 s); empty without requests.
  // `first_second` says where the series starts.
  std::vector<std::uint32_t> requests_per_second() const;
  std::int64_t first_second() const;
  // Requests in progress at `at` (started <= at < finished).
  std::uint32_t concurrency_at(fw::Instant at) const;
  // The most requests in progress at once.
  std::uint32_t peak_concurrency() const;
  // The latency (finished - started) that `per_mille` thousandths of the requests do not
  // exceed (nearest rank: 500 = median, 990 = p99, 1000 = max); zero without requests.
  fw::Duration latency_percentile(std::uint32_t per_mille) const;
  // Errors counted by kind.
  const std::map<std::string, std::uint64_t>& errors() const { return errors_; }

 private:
  struct Sample {
    fw::Instant started;
    fw::Instant finished;
  };
  std::vector<Sample> samples_;
  std::map<std::string, std::uint64_t> errors_;
};

}  // namespace srv
