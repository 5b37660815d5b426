#include "servers/admission/service_queue.h"

#include <algorithm>

namespace srv {

ServiceQueue::Admission ServiceQueue::arrive(fw::Instant now, std::uint64_t id) {
  if (settings_.in_service_max == 0 || in_service_.size() < settings_.in_service_max) {
    in_service_.insert(id);
    return Admission::Serve;
  }
  if (waiting_.size() >= settings_.waiting_max) {
    ++refused_;
    return Admission::Refuse;
  }
  waiting_.push_back({id, now});
  peak_waiting_ = std::max(peak_waiting_, waiting());
  record_length(now);
  return Admission::Wait;
}

std::optional<std::uint64_t> ServiceQueue::finish(fw::Instant now, std::uint64_t id) {
  if (in_service_.erase(id) == 0) {
    auto found = std::find_if(waiting_.begin(), waiting_.end(), [id](const Waiting& entry) { return entry.id == id; });
    if (found != waiting_.end()) {
      waiting_.erase(found);
      record_length(now);
    }
    return std::nullopt;
  }
  if (waiting_.empty()) return std::nullopt;
  const Waiting next = waiting_.front();
  waiting_.pop_front();
  record_length(now);
  waits_.push_back(now - next.since);
  in_service_.insert(next.id);
  return next.id;
}

fw::Duration ServiceQueue::wait_percentile(std::uint32_t per_mille) const {
  if (waits_.empty()) return fw::Duration{0};
  std::vector<fw::Duration> sorted = waits_;
  std::sort(sorted.begin(), sorted.end());
  const std::size_t rank = (sorted.size() * std::min<std::uint32_t>(per_mille, 1000) + 999) / 1000;
  return sorted[std::max<std::size_t>(rank, 1) - 1];
}

void ServiceQueue::record_length(fw::Instant now) {
  if (!series_.empty() && series_.back().first == now) {
    series_.back().second = waiting();
  } else {
    series_.emplace_back(now, waiting());
  }
}

}  // namespace srv
