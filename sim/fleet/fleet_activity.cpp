#include "sim/fleet/fleet_activity.h"

#include <algorithm>
#include <bit>

namespace sim {
namespace {

constexpr std::uint64_t kLow32 = 0xFFFF'FFFFull;
// ln(2) in 32.32 fixed point: round(0.693147180559945 * 2^32).
constexpr std::uint64_t kLn2Q32 = 2'977'044'472ull;

// (a * b) >> 32 for b < 2^32, without a 128-bit product (armhf has none).
std::uint64_t multiply_q32(std::uint64_t a, std::uint64_t b) {
  return (a >> 32) * b + (((a & kLow32) * b) >> 32);
}

// log2(x) in 32.32 fixed point for x >= 1: the integer part from the highest bit, the fraction
// bit by bit from the squared mantissa (kept in 1.31 fixed point, so a square fits 64 bits).
std::uint64_t log2_q32(std::uint64_t x) {
  const int integer = std::bit_width(x) - 1;
  // The mantissa x / 2^integer in [1, 2) as 1.31 fixed point.
  std::uint64_t mantissa = integer >= 31 ? x >> (integer - 31) : x << (31 - integer);
  std::uint64_t fraction = 0;
  for (int bit = 31; bit >= 0; --bit) {
    mantissa = (mantissa * mantissa) >> 31;  // in [1, 4) as 1.31
    if (mantissa >= (std::uint64_t{2} << 31)) {
      mantissa >>= 1;
      fraction |= std::uint64_t{1} << bit;
    }
  }
  return (static_cast<std::uint64_t>(integer) << 32) | fraction;
}

}  // namespace

std::uint64_t negative_log_q32(std::uint64_t bits53) {
  // -ln(U) = ln(2) * (53 - log2(bits53 + 1)).
  const std::uint64_t log2_u = (std::uint64_t{53} << 32) - log2_q32(bits53 + 1);
  return multiply_q32(log2_u, kLn2Q32);
}

fw::Duration DurationDistribution::draw(fw::RandomStream& random) const {
  switch (kind) {
    case Kind::Fixed: return low;
    case Kind::Uniform:
      if (high <= low) return low;
      return fw::Duration(random.between(low.count(), high.count()));
    case Kind::Exponential: {
      if (low.count() <= 0) return fw::Duration(0);
      const std::uint64_t mean_ns = static_cast<std::uint64_t>(low.count());
      const std::uint64_t cap_q32 = static_cast<std::uint64_t>(kExponentialMeansMax) << 32;
      const std::uint64_t units = std::min(negative_log_q32(random.next() >> 11), cap_q32);
      // mean * units / 2^32, split so no product passes 64 bits (means up to ~7 years).
      const std::uint64_t whole = (units >> 32) * mean_ns;
      const std::uint64_t part = multiply_q32(mean_ns, units & kLow32);
      return fw::Duration(static_cast<std::int64_t>(whole + part));
    }
  }
  return low;
}

namespace {
std::string duration_text(fw::Duration span) {
  const std::int64_t ns = span.count();
  if (ns % 1'000'000'000 == 0) return std::to_string(ns / 1'000'000'000) + "s";
  if (ns % 1'000'000 == 0) return std::to_string(ns / 1'000'000) + "ms";
  return std::to_string(ns) + "ns";
}
}  // namespace

std::string DurationDistribution::to_string() const {
  switch (kind) {
    case Kind::Fixed: return duration_text(low);
    case Kind::Uniform: return "uniform(" + duration_text(low) + ".." + duration_text(high) + ")";
    case Kind::Exponential: return "exponential(" + duration_text(low) + ")";
  }
  return {};
}

std::vector<std::size_t> pick_share(std::vector<std::size_t> candidates, std::uint32_t share_ppm,
                                    fw::RandomStream& random) {
  constexpr std::uint64_t kWhole = 1'000'000;
  for (std::size_t index = candidates.size(); index > 1; --index) {
    std::swap(candidates[index - 1], candidates[random.below(index)]);
  }
  const std::uint64_t keep = (candidates.size() * std::uint64_t{share_ppm} + kWhole - 1) / kWhole;
  candidates.resize(std::min<std::size_t>(candidates.size(), keep));
  std::sort(candidates.begin(), candidates.end());
  return candidates;
}

std::vector<std::size_t> pick_share(std::size_t count, std::uint32_t share_ppm, fw::RandomStream& random) {
  std::vector<std::size_t> all(count);
  for (std::size_t index = 0; index < count; ++index) all[index] = index;
  return pick_share(std::move(all), share_ppm, random);
}

std::vector<fw::Instant> spread_wave(std::size_t phones, fw::Instant at, fw::Duration spread,
                                     fw::RandomStream& random) {
  std::vector<fw::Instant> instants;
  instants.reserve(phones);
  for (std::size_t index = 0; index < phones; ++index) {
    fw::Duration offset{0};
    if (spread.count() > 0) {
      offset = fw::Duration(static_cast<std::int64_t>(random.below(static_cast<std::uint64_t>(spread.count()))));
    }
    instants.push_back(at + offset);
  }
  return instants;
}

fw::Result<std::vector<PlannedCall>> plan_calls(const CallPattern& pattern, fw::Instant from,
                                                fw::Instant until, fw::RandomStream& random) {
  std::vector<PlannedCall> calls;
  fw::Instant at = from;
  while (true) {
    at += pattern.gap.draw(random);
    if (at >= until) break;
    if (calls.size() == kPlannedCallsMax) {
      return fw::fail(fw::ErrorCode::InvalidValue,
                      "call plan for line " + std::to_string(pattern.line) + ": more than " +
                          std::to_string(kPlannedCallsMax) + " calls (gap " + pattern.gap.to_string() + ")");
    }
    const fw::Duration length = pattern.length.draw(random);
    calls.push_back({at, length, pattern.line});
    at += length;
  }
  return calls;
}

}  // namespace sim
