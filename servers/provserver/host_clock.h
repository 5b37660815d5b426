#pragma once

// HostClock: provserver's view of real time, in the types the server cores take. Monotonic time
// counts from the clock's creation; the wall clock is the system's.

#include <chrono>

#include "firmware-core/runtime/time.h"

namespace srv::provserver {

class HostClock {
 public:
  HostClock() : epoch_(std::chrono::steady_clock::now()) {}

  fw::Instant now() const {
    return fw::Instant::from_nanoseconds(
        std::chrono::duration_cast<fw::Duration>(std::chrono::steady_clock::now() - epoch_)
            .count());
  }
  // The steady_clock time point of a core's deadline, for an asio::steady_timer.
  std::chrono::steady_clock::time_point time_point(fw::Instant instant) const {
    return epoch_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                        instant.since_epoch());
  }
  fw::WallTime wall_clock() const {
    const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
    return {std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count()};
  }

 private:
  std::chrono::steady_clock::time_point epoch_;
};

}  // namespace srv::provserver
