#pragma once

// LatencyHistogram: a log-bucketed latency histogram in the manner of HdrHistogram. Values are
// microseconds; below 64 µs every value has its own bucket, above that each power of two is split
// into 32 buckets, so any value is known to within 1/32 (about 3 %) up to kValueMaxMicroseconds.
// A percentile is reported as the highest value of its bucket (never below the true value).
//
// Coordinated omission: a load generator that measures from the moment a request actually went
// out hides the time a request waited because the generator (or the server's backlog) was busy.
// `phonesim load` therefore records each resync from its *intended* start — the deadline of the
// phone timer that started it, or the ramp's power-on time — not from when the event loop got to
// it (LoadPhonePlatform keeps the deadline). That is HdrHistogram's correction without the
// synthetic back-filling of recordValueWithExpectedInterval: each phone's own schedule says when
// every request was due, so nothing has to be guessed. The histogram itself does not know which
// start was used; the caller keeps one histogram per kind (corrected, uncorrected).

#include <array>
#include <cstdint>

#include "firmware-core/runtime/time.h"

namespace load {

class LatencyHistogram {
 public:
  // Larger values are recorded as this (about 12.7 days).
  static constexpr std::uint64_t kValueMaxMicroseconds = (std::uint64_t{1} << 40) - 1;
  static constexpr std::size_t kLinearBuckets = 64;
  static constexpr std::size_t kBucketsPerOctave = 32;
  static constexpr std::size_t kBucketCount = kLinearBuckets + (40 - 6) * kBucketsPerOctave;

  // Records one latency; negative spans count as 0, spans past the maximum as the maximum.
  void record(fw::Duration latency);
  // Adds every value of `other`.
  void merge(const LatencyHistogram& other);

  std::uint64_t count() const { return count_; }
  // The value at `per_million` (500000 = median, 990000 = p99, 1000000 = max), as the highest
  // value of the bucket holding it; 0 when nothing was recorded.
  std::uint64_t percentile_microseconds(std::uint32_t per_million) const;
  std::uint64_t max_microseconds() const { return max_microseconds_; }
  // Sum of the recorded values (exact, before bucketing).
  std::uint64_t sum_microseconds() const { return sum_microseconds_; }
  // Recorded values at or below `microseconds` (counted by bucket: a bucket counts when its
  // highest value is at or below the bound); for Prometheus `le` buckets.
  std::uint64_t count_at_or_below(std::uint64_t microseconds) const;

  // Bucket arithmetic, public for tests.
  static std::size_t bucket_of(std::uint64_t microseconds);
  static std::uint64_t bucket_highest(std::size_t bucket);

 private:
  std::array<std::uint64_t, kBucketCount> counts_{};
  std::uint64_t count_ = 0;
  std::uint64_t max_microseconds_ = 0;
  std::uint64_t sum_microseconds_ = 0;
};

}  // namespace load
