#include "load/latency_histogram.h"

#include <algorithm>
#include <bit>

namespace load {

std::size_t LatencyHistogram::bucket_of(std::uint64_t microseconds) {
  const std::uint64_t value = std::min(microseconds, kValueMaxMicroseconds);
  if (value < kLinearBuckets) return static_cast<std::size_t>(value);
  // bit_width >= 7 here; the top six bits pick one of 32 buckets of the octave.
  const int shift = std::bit_width(value) - 6;
  return kLinearBuckets + static_cast<std::size_t>(shift - 1) * kBucketsPerOctave +
         static_cast<std::size_t>((value >> shift) - kBucketsPerOctave);
}

std::uint64_t LatencyHistogram::bucket_highest(std::size_t bucket) {
  if (bucket < kLinearBuckets) return bucket;
  const std::size_t octave = (bucket - kLinearBuckets) / kBucketsPerOctave;  // shift - 1
  const std::uint64_t top = (bucket - kLinearBuckets) % kBucketsPerOctave + kBucketsPerOctave;
  const int shift = static_cast<int>(octave) + 1;
  return ((top + 1) << shift) - 1;
}

void LatencyHistogram::record(fw::Duration latency) {
  const std::int64_t nanoseconds = latency.count();
  const std::uint64_t microseconds =
      nanoseconds <= 0 ? 0 : std::min<std::uint64_t>(static_cast<std::uint64_t>(nanoseconds) / 1000,
                                                      kValueMaxMicroseconds);
  ++counts_[bucket_of(microseconds)];
  ++count_;
  max_microseconds_ = std::max(max_microseconds_, microseconds);
  sum_microseconds_ += microseconds;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (std::size_t bucket = 0; bucket < kBucketCount; ++bucket) counts_[bucket] += other.counts_[bucket];
  count_ += other.count_;
  max_microseconds_ = std::max(max_microseconds_, other.max_microseconds_);
  sum_microseconds_ += other.sum_microseconds_;
}

std::uint64_t LatencyHistogram::percentile_microseconds(std::uint32_t per_million) const {
  if (count_ == 0) return 0;
  const std::uint64_t share = std::min<std::uint32_t>(per_million, 1'000'000);
  // The rank of the value asked for, 1-based, rounded up: p99 of 100 values is the 99th.
  std::uint64_t rank = (count_ * share + 999'999) / 1'000'000;
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  std::uint64_t seen = 0;
  for (std::size_t bucket = 0; bucket < kBucketCount; ++bucket) {
    seen += counts_[bucket];
    if (seen >= rank) return std::min(bucket_highest(bucket), max_microseconds_);
  }
  return max_microseconds_;
}

std::uint64_t LatencyHistogram::count_at_or_below(std::uint64_t microseconds) const {
  std::uint64_t total = 0;
  for (std::size_t bucket = 0; bucket < kBucketCount && bucket_highest(bucket) <= microseconds; ++bucket) {
    total += counts_[bucket];
  }
  return total;
}

}  // namespace load
