#pragma once

// RunReport: everything a finished scenario run tells people and tools — the assertion table,
// time series for the plots, distributions, per-phone timelines. The runner fills it; the
// writers (report_writers.h) turn it into JUnit XML, a JSON summary and a self-contained HTML
// report. Plain data: no pointers into the world, so it outlives it.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "firmware-core/runtime/time.h"

namespace scn {

struct AssertionResult {
  std::string name;        // the scenario's name for it, or a generated one ("converged 99% by 2h")
  std::string kind;        // "parameter", "converged", "requests", ... (Assertion::Kind names)
  std::string where;       // "tftp.yaml:42"
  bool passed = false;
  std::string expected;    // "at least 99% of 1000 phones"
  std::string actual;      // "97.3% (973 of 1000)"
  std::vector<std::string> evidence;  // a few lines that show why (failing phones, counts, ...)
};

// Counts per time bucket, bucket i covering [i * bucket_width, (i + 1) * bucket_width).
struct TimeSeries {
  std::string name;              // "tftp requests", "successful resyncs", ...
  std::string unit;              // "per bucket", "connections"
  std::vector<std::uint64_t> values;
};

struct ServerSummary {
  std::string name;
  std::string kind;                   // tftp, http, https, syslog
  std::string address;                // "192.168.1.200:69"
  std::uint64_t requests = 0;
  std::uint64_t failures = 0;         // not found, refused, timed out, 4xx/5xx, TLS failures
  std::uint64_t peak_per_second = 0;  // highest request count in one second of virtual time
  std::uint64_t peak_concurrency = 0;
  // Transfer durations in milliseconds (request to last byte), over all requests.
  std::uint64_t latency_p50_ms = 0;
  std::uint64_t latency_p90_ms = 0;
  std::uint64_t latency_p99_ms = 0;
  // The concurrency limit's queue (servers with `limit:` only): most connections waiting at once,
  // connections refused with the queue full, and the waits of those admitted from the queue.
  std::uint64_t queue_peak = 0;
  std::uint64_t queue_refused = 0;
  std::uint64_t queue_wait_p50_ms = 0;
  std::uint64_t queue_wait_p99_ms = 0;
};

struct PhoneTimelineEntry {
  fw::Duration at{0};
  std::string event;  // "power on", "resync started tftp://...", "resync failed: file not found"
};

struct PhoneTimeline {
  std::string phone;  // "lobby[3] 00:0e:08:00:00:04"
  std::vector<PhoneTimelineEntry> entries;
};

struct RunReport {
  std::string scenario_name;
  std::string scenario_file;
  std::string description;
  std::uint64_t seed = 0;
  std::string reproduce_command;  // "phonesim run scenarios/seed/tftp.yaml --seed 42"
  fw::Duration virtual_duration{0};
  double wall_seconds = 0;        // how long the run took on this machine (not part of the trace)
  std::uint64_t phones = 0;
  std::uint64_t events = 0;       // engine events run
  std::string trace_hash;         // hex of the trace's running hash
  std::uint64_t trace_errors = 0; // error-severity trace events

  std::vector<AssertionResult> assertions;

  fw::Duration bucket_width = fw::seconds(60);
  std::vector<TimeSeries> requests_per_server;  // one series per server
  TimeSeries successes;                         // successful resyncs per bucket
  TimeSeries failures;                          // failed resyncs per bucket
  std::vector<TimeSeries> concurrency_per_server;  // open transfers at the end of each bucket
  std::vector<std::int64_t> first_resync_delay_s;  // per phone that succeeded: power-on to success
  std::map<std::uint64_t, std::uint64_t> retry_histogram;  // failures before success -> phones
  std::map<std::string, std::uint64_t> errors_by_err;       // $ERR text -> failed resyncs
  std::vector<ServerSummary> servers;
  std::vector<PhoneTimeline> timelines;  // a few selected phones

  std::uint64_t phones_converged = 0;  // last resync succeeded at the end
  // Named figures beyond the fields above, in order, values as text (`phonesim load`: resyncs
  // per second, latency from the actual start beside the corrected one). Empty for `phonesim run`.
  std::vector<std::pair<std::string, std::string>> figures;
  bool passed() const {
    for (const auto& result : assertions) {
      if (!result.passed) return false;
    }
    return true;
  }
};

}  // namespace scn
