#pragma once

// ServiceQueue: a server's concurrency limit with queueing (issue #6), as a sans-IO core shared by
// the simulator's hosts. At most `in_service_max` transfers are in service; later arrivals wait
// in a FIFO queue of at most `waiting_max`; an arrival that finds the queue full is refused (the
// host says how: SimHttpServer closes the connection before reading it, as a server with a full
// accept backlog does). The queue measures itself: queue length over time, its peak, and each
// admitted transfer's wait, so capacity plans can read how long phones queued.
//
//   switch (queue.arrive(now, id)) { Serve: start; Wait: hold the bytes; Refuse: close }
//   on end of a transfer in service: if (auto next = queue.finish(now, id)) start(*next);
//   on a waiting client going away: queue.abandon(id);

#include <cstdint>
#include <deque>
#include <optional>
#include <unordered_set>
#include <vector>

#include "firmware-core/runtime/time.h"

namespace srv {

struct ServiceQueueSettings {
  std::uint32_t in_service_max = 0;  // 0: no limit (every arrival is served at once)
  std::uint32_t waiting_max = 0;     // queue places; 0: no queue, refuse past the limit
};

class ServiceQueue {
 public:
  enum class Admission : std::uint8_t { Serve, Wait, Refuse };

  explicit ServiceQueue(ServiceQueueSettings settings = {}) : settings_(settings) {}

  // A transfer `id` (unique among the live ones; the host's connection serial) arrives at `now`.
  Admission arrive(fw::Instant now, std::uint64_t id);
  // Transfer `id` ends at `now` — in service or still waiting (then it leaves the queue). Returns
  // the waiting transfer admitted into the freed place, if any: the host starts it now.
  std::optional<std::uint64_t> finish(fw::Instant now, std::uint64_t id);

  std::uint32_t in_service() const { return static_cast<std::uint32_t>(in_service_.size()); }
  std::uint32_t waiting() const { return static_cast<std::uint32_t>(waiting_.size()); }
  std::uint32_t peak_waiting() const { return peak_waiting_; }
  std::uint64_t refused() const { return refused_; }
  // Wait of every transfer admitted from the queue (zero-wait arrivals are not in it), in order.
  const std::vector<fw::Duration>& waits() const { return waits_; }
  // The wait that `per_mille` thousandths of the queued transfers do not exceed (nearest rank);
  // zero when nothing queued.
  fw::Duration wait_percentile(std::uint32_t per_mille) const;
  // (time, queue length) at every change of the queue length, in time order.
  const std::vector<std::pair<fw::Instant, std::uint32_t>>& queue_length_series() const { return series_; }

 private:
  struct Waiting {
    std::uint64_t id;
    fw::Instant since;
  };
  void record_length(fw::Instant now);

  ServiceQueueSettings settings_;
  std::unordered_set<std::uint64_t> in_service_;
  std::deque<Waiting> waiting_;
  std::uint32_t peak_waiting_ = 0;
  std::uint64_t refused_ = 0;
  std::vector<fw::Duration> waits_;
  std::vector<std::pair<fw::Instant, std::uint32_t>> series_;
};

}  // namespace srv
