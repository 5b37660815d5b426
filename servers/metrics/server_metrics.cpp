#include "servers/metrics/server_metrics.h"

#include <algorithm>
#include <utility>

namespace srv {

namespace {

constexpr std::int64_t kNanosecondsPerSecond = 1'000'000'000;

// Floor division, so instants before the epoch fall into the right second too.
std::int64_t second_of(fw::Instant at) {
  const std::int64_t nanoseconds = at.nanoseconds();
  const std::int64_t quotient = nanoseconds / kNanosecondsPerSecond;
  return nanoseconds % kNanosecondsPerSecond < 0 ? quotient - 1 : quotient;
}

}  // namespace

void ServerMetrics::add(fw::Instant started, fw::Instant finished, std::string error) {
  samples_.push_back({started, std::max(started, finished)});
  if (!error.empty()) ++errors_[std::move(error)];
}

void ServerMetrics::add(const HttpAccessRecord& record) {
  std::string error;
  if (record.status == 0) {
    error = "no reply";
  } else if (record.status >= 400) {
    error = "http " + std::to_string(record.status);
  }
  add(record.started, record.time, std::move(error));
}

void ServerMetrics::add(const TftpTransferRecord& record) {
  std::string error;
  if (record.outcome != TftpTransferRecord::Outcome::Completed) {
    error = "tftp " + std::string(to_string(record.outcome));
  }
  add(record.started, record.finished, std::move(error));
}

std::int64_t ServerMetrics::first_second() const {
  std::int64_t first = 0;
  bool any = false;
  for (const Sample& sample : samples_) {
    const std::int64_t second = second_of(sample.finished);
    first = any ? std::min(first, second) : second;
    any = true;
  }
  return first;
}

std::vector<std::uint32_t> ServerMetrics::requests_per_second() const {
  if (samples_.empty()) return {};
  const std::int64_t first = first_second();
  std::vector<std::uint32_t> buckets;
  for (const Sample& sample : samples_) {
    const auto index = static_cast<std::size_t>(second_of(sample.finished) - first);
    if (index >= buckets.size()) buckets.resize(index + 1, 0);
    ++buckets[index];
  }
  return buckets;
}

std::uint32_t ServerMetrics::concurrency_at(fw::Instant at) const {
  std::uint32_t count = 0;
  for (const Sample& sample : samples_) {
    count += sample.started <= at && at < sample.finished ? 1 : 0;
  }
  return count;
}

std::uint32_t ServerMetrics::peak_concurrency() const {
  // Sweep the starts (+1) and ends (-1); an end sorts before a start at the same instant, as
  // the intervals are half-open.
  std::vector<std::pair<fw::Instant, int>> edges;
  edges.reserve(samples_.size() * 2);
  for (const Sample& sample : samples_) {
    if (sample.finished == sample.started) continue;
    edges.emplace_back(sample.started, 1);
    edges.emplace_back(sample.finished, -1);
  }
  std::sort(edges.begin(), edges.end());
  std::int64_t current = 0;
  std::int64_t peak = 0;
  for (const auto& [at, change] : edges) {
    current += change;
    peak = std::max(peak, current);
  }
  return static_cast<std::uint32_t>(peak);
}

fw::Duration ServerMetrics::latency_percentile(std::uint32_t per_mille) const {
  if (samples_.empty()) return fw::Duration::zero();
  std::vector<fw::Duration> latencies;
  latencies.reserve(samples_.size());
  for (const Sample& sample : samples_) latencies.push_back(sample.finished - sample.started);
  const std::uint64_t count = latencies.size();
  // Nearest rank: the ceil(p * n)-th smallest, at least the first.
  std::uint64_t rank = (std::min<std::uint64_t>(per_mille, 1000) * count + 999) / 1000;
  rank = std::max<std::uint64_t>(rank, 1);
  auto nth = latencies.begin() + static_cast<std::ptrdiff_t>(rank - 1);
  std::nth_element(latencies.begin(), nth, latencies.end());
  return *nth;
}

}  // namespace srv
