#include "load/ramp.h"

#include <charconv>

#include "load/scaled_clock.h"
#include "scenarios/format/quantities.h"

namespace load {
namespace {

fw::Error invalid_ramp(std::string_view text, std::string_view why) {
  return fw::Error{fw::ErrorCode::InvalidValue,
                   "--ramp '" + std::string(text) + "': " + std::string(why) +
                       " (expected all, over:DURATION or COUNT/DURATION, e.g. over:30s, 500/s)"};
}

// "s" alone means one second; otherwise the scenario format's durations.
std::optional<fw::Duration> parse_span(std::string_view text) {
  if (!text.empty() && (text.front() < '0' || text.front() > '9')) {
    return scn::parse_duration("1" + std::string(text));
  }
  return scn::parse_duration(text);
}

}  // namespace

fw::Result<Ramp> Ramp::parse(std::string_view text) {
  Ramp ramp;
  if (text == "all") return ramp;
  if (text.starts_with("over:")) {
    auto span = parse_span(text.substr(5));
    if (!span || span->count() <= 0) return fw::fail(invalid_ramp(text, "the duration must be positive"));
    ramp.kind = Kind::Over;
    ramp.span = *span;
    return ramp;
  }
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return fw::fail(invalid_ramp(text, "unknown form"));
  const std::string_view digits = text.substr(0, slash);
  std::uint64_t count = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
  if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() || count == 0) {
    return fw::fail(invalid_ramp(text, "the count must be a positive integer"));
  }
  auto span = parse_span(text.substr(slash + 1));
  if (!span || span->count() <= 0) return fw::fail(invalid_ramp(text, "the duration must be positive"));
  ramp.kind = Kind::Rate;
  ramp.count = count;
  ramp.span = *span;
  return ramp;
}

fw::Duration Ramp::power_on_at(std::uint64_t index, std::uint64_t phones) const {
  switch (kind) {
    case Kind::AllAtOnce:
      return fw::Duration{0};
    case Kind::Over:
      if (phones == 0) return fw::Duration{0};
      return fw::Duration(multiply_divide(span.count(), index, phones));
    case Kind::Rate:
      return fw::Duration(multiply_divide(span.count(), index, count));
  }
  return fw::Duration{0};
}

std::string Ramp::to_string() const {
  // Exact, so that the text parses back to the same ramp (--ramp accepts us and ns too).
  const std::int64_t nanoseconds = span.count();
  const std::string millis = nanoseconds % 1'000'000 == 0 ? std::to_string(nanoseconds / 1'000'000) + "ms"
                             : nanoseconds % 1'000 == 0   ? std::to_string(nanoseconds / 1'000) + "us"
                                                          : std::to_string(nanoseconds) + "ns";
  switch (kind) {
    case Kind::AllAtOnce:
      return "all";
    case Kind::Over:
      return "over:" + millis;
    case Kind::Rate:
      return std::to_string(count) + "/" + millis;
  }
  return "all";
}

}  // namespace load
