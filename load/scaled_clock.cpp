#include "load/scaled_clock.h"

#include <algorithm>
#include <charconv>
#include <limits>

namespace load {
namespace {

// GCC and clang have 128-bit integers on every target we build (x86-64, aarch64; armhf emulates).
__extension__ typedef __int128 Wide;

constexpr std::int64_t kNanosecondsPerSecond = 1'000'000'000;
constexpr std::int64_t kDurationMax = std::numeric_limits<std::int64_t>::max();

std::int64_t saturate(Wide value) {
  if (value > kDurationMax) return kDurationMax;
  if (value < -kDurationMax) return -kDurationMax;
  return static_cast<std::int64_t>(value);
}

}  // namespace

std::int64_t multiply_divide(std::int64_t value, std::uint64_t numerator, std::uint64_t denominator) {
  return saturate(static_cast<Wide>(value) * numerator / static_cast<Wide>(denominator == 0 ? 1 : denominator));
}

ScaledClock::ScaledClock(std::uint64_t scale_thousandths, fw::WallTime wall_at_start)
    : scale_thousandths_(std::clamp(scale_thousandths, kScaleThousandthsMin, kScaleThousandthsMax)),
      wall_at_start_(wall_at_start) {}

std::optional<std::uint64_t> ScaledClock::parse_scale_thousandths(std::string_view text) {
  const std::size_t point = text.find('.');
  const std::string_view whole = text.substr(0, point);
  std::string_view fraction = point == std::string_view::npos ? std::string_view{} : text.substr(point + 1);
  if (whole.empty() || fraction.size() > 3 || (point != std::string_view::npos && fraction.empty())) {
    return std::nullopt;
  }
  std::uint64_t units = 0;
  auto [end, error] = std::from_chars(whole.data(), whole.data() + whole.size(), units);
  if (error != std::errc() || end != whole.data() + whole.size() || units > kScaleThousandthsMax / 1000) {
    return std::nullopt;
  }
  std::uint64_t thousandths = units * 1000;
  std::uint64_t place = 100;
  for (char digit : fraction) {
    if (digit < '0' || digit > '9') return std::nullopt;
    thousandths += static_cast<std::uint64_t>(digit - '0') * place;
    place /= 10;
  }
  if (thousandths < kScaleThousandthsMin || thousandths > kScaleThousandthsMax) return std::nullopt;
  return thousandths;
}

fw::Instant ScaledClock::phone_instant(fw::Duration real_elapsed) const {
  const Wide phone = static_cast<Wide>(real_elapsed.count()) * scale_thousandths_ / 1000;
  return fw::Instant::from_nanoseconds(saturate(phone));
}

fw::WallTime ScaledClock::phone_wall(fw::Duration real_elapsed) const {
  return wall_at_start_ + phone_instant(real_elapsed).nanoseconds() / kNanosecondsPerSecond;
}

fw::Duration ScaledClock::real_elapsed_at(fw::Instant phone) const {
  const Wide numerator = static_cast<Wide>(phone.nanoseconds()) * 1000;
  const Wide rounded_up = numerator >= 0 ? (numerator + scale_thousandths_ - 1) / scale_thousandths_
                                             : numerator / static_cast<Wide>(scale_thousandths_);
  return fw::Duration(saturate(rounded_up));
}

fw::Duration ScaledClock::to_real(fw::Duration phone_span) const {
  const Wide numerator = static_cast<Wide>(phone_span.count()) * 1000;
  return fw::Duration(saturate((numerator + scale_thousandths_ / 2) / scale_thousandths_));
}

}  // namespace load
