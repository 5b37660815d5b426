#pragma once

// What happens to a fleet over time, as plans drawn from the run's seed: which phones a share
// picks, when each phone of a power wave acts, and when the phones' lines are busy. Pure
// functions of their inputs and a fw::RandomStream, so the same seed gives the same plan on
// every CPU; the scenario runner carries the plans out on the engine.
//
// Durations come from our own distributions (integer arithmetic only: std distributions and
// floating-point logarithms may differ between platforms).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "firmware-core/base/random_stream.h"
#include "firmware-core/base/result.h"
#include "firmware-core/runtime/time.h"

namespace sim {

// A distribution of durations: fixed, uniform in [low, high], or exponential with a mean
// (call lengths, gaps between calls).
struct DurationDistribution {
  enum class Kind : std::uint8_t { Fixed, Uniform, Exponential };
  Kind kind = Kind::Fixed;
  fw::Duration low{0};   // Fixed: the value; Uniform: the lower bound; Exponential: the mean
  fw::Duration high{0};  // Uniform: the upper bound (inclusive)

  static DurationDistribution fixed(fw::Duration value) { return {Kind::Fixed, value, value}; }
  static DurationDistribution uniform(fw::Duration low, fw::Duration high) {
    return {Kind::Uniform, low, high};
  }
  static DurationDistribution exponential(fw::Duration mean) { return {Kind::Exponential, mean, mean}; }
  friend bool operator==(const DurationDistribution&, const DurationDistribution&) = default;

  // Longest exponential draw, as a multiple of the mean (the tail is cut there so a draw is
  // bounded: e^-40 of the mass lies beyond).
  static constexpr std::int64_t kExponentialMeansMax = 40;

  // One draw. Fixed and Uniform are exact; Exponential is -mean * ln(U) for U uniform in
  // (0, 1] with 53 random bits, computed in 32.32 fixed point (error below 1 ns per second of
  // mean), capped at kExponentialMeansMax means.
  fw::Duration draw(fw::RandomStream& random) const;

  // "2m", "uniform(30s..5m)", "exponential(3m)": how plans print it.
  std::string to_string() const;
};

// -ln(U) in 32.32 fixed point for `bits53` in [0, 2^53): U = (bits53 + 1) / 2^53. Exposed for
// tests; exact integer arithmetic, identical on every platform.
std::uint64_t negative_log_q32(std::uint64_t bits53);

// The indices in [0, count) a share of `share_ppm` parts per million picks: a Fisher-Yates
// shuffle with `random`, the first ceil(count * share) of it, sorted.
std::vector<std::size_t> pick_share(std::size_t count, std::uint32_t share_ppm, fw::RandomStream& random);
// The same over a given list of candidates (returned in their order).
std::vector<std::size_t> pick_share(std::vector<std::size_t> candidates, std::uint32_t share_ppm,
                                    fw::RandomStream& random);

// When each of `phones` acts in a wave that starts at `at` and is spread uniformly over
// `spread` (0: all at `at`): one instant per phone, in the order given.
std::vector<fw::Instant> spread_wave(std::size_t phones, fw::Instant at, fw::Duration spread,
                                     fw::RandomStream& random);

// Calls on one phone line: gaps between calls and call lengths from their distributions.
struct CallPattern {
  std::size_t line = 0;
  DurationDistribution gap = DurationDistribution::exponential(fw::seconds(3600));
  DurationDistribution length = DurationDistribution::exponential(fw::seconds(180));
};

struct PlannedCall {
  fw::Instant start;
  fw::Duration length;
  std::size_t line = 0;
  friend bool operator==(const PlannedCall&, const PlannedCall&) = default;
};

// The most calls one phone's plan holds; a plan that would need more is an error (a gap
// distribution that is zero or tiny for a long window).
inline constexpr std::size_t kPlannedCallsMax = 100'000;

// The calls of one line in [from, until): the first starts one gap after `from`, each next one a
// gap after the previous call ended. Errors: InvalidValue when more than kPlannedCallsMax calls
// would be planned.
fw::Result<std::vector<PlannedCall>> plan_calls(const CallPattern& pattern, fw::Instant from,
                                                fw::Instant until, fw::RandomStream& random);

}  // namespace sim
