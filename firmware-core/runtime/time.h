#pragma once

// The phone's two kinds of time (DESIGN.md "Time, randomness, determinism"):
//
// - Instant: monotonic time in integer nanoseconds since an arbitrary epoch of the platform
//   (the simulated world's start, or the device's boot). Never jumps; used for every timer.
// - WallTime: the real-time clock in integer Unix seconds. It can be stepped (RTC reset, NTP)
//   and can drift, so nothing that must wait a fixed span uses it; the daily Resync_At window
//   and certificate validity do.
//
// Durations are std::chrono::nanoseconds: integer, the same on every CPU. No double anywhere.

#include <chrono>
#include <compare>
#include <cstdint>

namespace fw {

using Duration = std::chrono::nanoseconds;

constexpr Duration seconds(std::int64_t count) { return std::chrono::seconds(count); }
constexpr Duration milliseconds(std::int64_t count) { return std::chrono::milliseconds(count); }
constexpr Duration microseconds(std::int64_t count) { return std::chrono::microseconds(count); }

class Instant {
 public:
  constexpr Instant() = default;
  static constexpr Instant from_nanoseconds(std::int64_t nanoseconds) {
    return Instant(Duration(nanoseconds));
  }
  static constexpr Instant from_seconds(std::int64_t count) { return Instant(seconds(count)); }
  // The largest instant: "no deadline".
  static constexpr Instant never() { return Instant(Duration::max()); }

  constexpr Duration since_epoch() const { return since_epoch_; }
  constexpr std::int64_t nanoseconds() const { return since_epoch_.count(); }

  constexpr Instant operator+(Duration span) const { return Instant(since_epoch_ + span); }
  constexpr Instant operator-(Duration span) const { return Instant(since_epoch_ - span); }
  constexpr Duration operator-(Instant other) const { return since_epoch_ - other.since_epoch_; }
  constexpr Instant& operator+=(Duration span) {
    since_epoch_ += span;
    return *this;
  }
  constexpr auto operator<=>(const Instant&) const = default;

 private:
  constexpr explicit Instant(Duration since_epoch) : since_epoch_(since_epoch) {}
  Duration since_epoch_{0};
};

// Real-time clock reading: whole seconds since 1970-01-01T00:00:00Z (UTC).
struct WallTime {
  std::int64_t unix_seconds = 0;

  constexpr WallTime operator+(std::int64_t seconds_count) const {
    return {unix_seconds + seconds_count};
  }
  constexpr auto operator<=>(const WallTime&) const = default;
};

}  // namespace fw
