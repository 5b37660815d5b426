#pragma once

// ScaledClock: the phones' time in `phonesim load --time-scale X`. A phone's monotonic Instant and
// its wall clock advance X times faster than real time, and a timer the phone sets for phone time
// T fires after real time T / X, so a 24-hour pattern of random delays, periodic resyncs and
// retries replays in 24h / X. The firmware core is unchanged: only the platform under it
// (LoadPhonePlatform) converts. Network timeouts of the sockets themselves (connect) stay real;
// timeouts the firmware keeps with its own timers (HTTP, TFTP retransmission) shrink with X, so a
// large X needs a server that answers within timeout / X.
//
// The factor is exact: X is kept in thousandths (--time-scale 1440, 0.5, 2.25), and every
// conversion is integer arithmetic on nanoseconds.

#include <cstdint>
#include <optional>
#include <string_view>

#include "firmware-core/runtime/time.h"

namespace load {

// value * numerator / denominator (rounded toward zero) without overflow in between; saturates at
// the int64 range. denominator 0 is taken as 1.
std::int64_t multiply_divide(std::int64_t value, std::uint64_t numerator, std::uint64_t denominator);

class ScaledClock {
 public:
  // The smallest and largest factors accepted: 1/1000 (a thousand times slower) and one million
  // (a year in about half a minute).
  static constexpr std::uint64_t kScaleThousandthsMin = 1;
  static constexpr std::uint64_t kScaleThousandthsMax = 1'000'000'000;

  // `scale_thousandths`: X * 1000, clamped to [kScaleThousandthsMin, kScaleThousandthsMax].
  // `wall_at_start`: the phones' wall clock when the run starts (real time elapsed 0).
  ScaledClock(std::uint64_t scale_thousandths, fw::WallTime wall_at_start);

  // Parses "--time-scale" text: a positive decimal with at most three fractional digits
  // ("60", "1440", "0.5"); nullopt for anything else or outside the accepted range.
  static std::optional<std::uint64_t> parse_scale_thousandths(std::string_view text);

  // The phone's monotonic time after `real_elapsed` of real time.
  fw::Instant phone_instant(fw::Duration real_elapsed) const;
  // The phone's wall clock after `real_elapsed` of real time.
  fw::WallTime phone_wall(fw::Duration real_elapsed) const;
  // The real time elapsed when the phone's clock reads `phone` (rounded up, so a timer never
  // fires before its phone deadline); saturates instead of overflowing for far deadlines.
  fw::Duration real_elapsed_at(fw::Instant phone) const;
  // A span of phone time in real time (rounded to nearest); for reporting.
  fw::Duration to_real(fw::Duration phone_span) const;

  std::uint64_t scale_thousandths() const { return scale_thousandths_; }

 private:
  std::uint64_t scale_thousandths_;
  fw::WallTime wall_at_start_;
};

}  // namespace load
