#include "scenarios/format/quantities.h"

#include <charconv>

namespace scn {
namespace {

bool take_number(std::string_view& text, std::uint64_t& value) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end == text.data()) return false;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  return true;
}

}  // namespace

std::optional<fw::Duration> parse_duration(std::string_view text) {
  bool negative = false;
  if (!text.empty() && text.front() == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  if (text == "0") return fw::Duration{0};
  if (text.empty()) return std::nullopt;
  std::int64_t total_ns = 0;
  while (!text.empty()) {
    std::uint64_t count = 0;
    if (!take_number(text, count)) return std::nullopt;
    std::int64_t unit_ns = 0;
    if (text.starts_with("ms")) {
      unit_ns = 1'000'000;
      text.remove_prefix(2);
    } else if (text.starts_with("us")) {
      unit_ns = 1'000;
      text.remove_prefix(2);
    } else if (text.starts_with("ns")) {
      unit_ns = 1;
      text.remove_prefix(2);
    } else if (!text.empty() && (text[0] == 'd' || text[0] == 'h' || text[0] == 'm' || text[0] == 's')) {
      unit_ns = text[0] == 'd' ? 86'400'000'000'000 : text[0] == 'h' ? 3'600'000'000'000
                : text[0] == 'm' ? 60'000'000'000 : 1'000'000'000;
      text.remove_prefix(1);
    } else {
      return std::nullopt;  // a number needs its unit
    }
    if (count > static_cast<std::uint64_t>(INT64_MAX / unit_ns)) return std::nullopt;
    std::int64_t part = static_cast<std::int64_t>(count) * unit_ns;
    if (total_ns > INT64_MAX - part) return std::nullopt;
    total_ns += part;
  }
  return fw::Duration{negative ? -total_ns : total_ns};
}

std::optional<sim::DurationDistribution> parse_duration_distribution(std::string_view text) {
  auto inside = [&](std::string_view prefix) -> std::optional<std::string_view> {
    if (!text.starts_with(prefix) || !text.ends_with(")")) return std::nullopt;
    return text.substr(prefix.size(), text.size() - prefix.size() - 1);
  };
  auto non_negative = [](std::string_view part) -> std::optional<fw::Duration> {
    auto parsed = parse_duration(part);
    if (!parsed || parsed->count() < 0) return std::nullopt;
    return parsed;
  };
  if (auto mean = inside("exponential(")) {
    auto parsed = non_negative(*mean);
    if (!parsed) return std::nullopt;
    return sim::DurationDistribution::exponential(*parsed);
  }
  if (auto range = inside("uniform(")) {
    const std::size_t dots = range->find("..");
    if (dots == std::string_view::npos) return std::nullopt;
    auto low = non_negative(range->substr(0, dots));
    auto high = non_negative(range->substr(dots + 2));
    if (!low || !high || *high < *low) return std::nullopt;
    return sim::DurationDistribution::uniform(*low, *high);
  }
  auto fixed = non_negative(text);
  if (!fixed) return std::nullopt;
  return sim::DurationDistribution::fixed(*fixed);
}

std::optional<Share> parse_share(std::string_view text) {
  if (text.empty() || text.back() != '%') return std::nullopt;
  text.remove_suffix(1);
  std::uint64_t whole = 0;
  if (!take_number(text, whole) || whole > 100) return std::nullopt;
  std::uint64_t fraction_ppm = 0;
  if (!text.empty()) {
    if (text[0] != '.' || text.size() < 2 || text.size() > 5) return std::nullopt;
    text.remove_prefix(1);
    std::uint64_t scale = 1000;  // 1% = 10000 ppm: the first decimal is 1000 ppm
    for (char digit : text) {
      if (digit < '0' || digit > '9') return std::nullopt;
      fraction_ppm += static_cast<std::uint64_t>(digit - '0') * scale;
      scale /= 10;
    }
  }
  std::uint64_t ppm = whole * 10'000 + fraction_ppm;
  if (ppm > Share::kWhole) return std::nullopt;
  return Share{static_cast<std::uint32_t>(ppm)};
}

std::optional<fw::WallTime> parse_wall_time(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SSZ
  if (text.size() != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text[19] != 'Z') {
    return std::nullopt;
  }
  auto field = [&](std::size_t offset, std::size_t size) -> std::optional<std::int64_t> {
    std::int64_t value = 0;
    for (std::size_t index = offset; index < offset + size; ++index) {
      if (text[index] < '0' || text[index] > '9') return std::nullopt;
      value = value * 10 + (text[index] - '0');
    }
    return value;
  };
  auto year = field(0, 4), month = field(5, 2), day = field(8, 2);
  auto hour = field(11, 2), minute = field(14, 2), second = field(17, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  if (*month < 1 || *month > 12 || *day < 1 || *hour > 23 || *minute > 59 || *second > 59) {
    return std::nullopt;
  }
  static constexpr int kDaysInMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (*year % 4 == 0 && *year % 100 != 0) || *year % 400 == 0;
  int month_days = kDaysInMonth[*month - 1] + ((*month == 2 && leap) ? 1 : 0);
  if (*day > month_days) return std::nullopt;
  // Howard Hinnant's days_from_civil.
  std::int64_t y = *year - (*month <= 2 ? 1 : 0);
  std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  std::int64_t year_of_era = y - era * 400;
  std::int64_t day_of_year = (153 * (*month + (*month > 2 ? -3 : 9)) + 2) / 5 + *day - 1;
  std::int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  std::int64_t days = era * 146097 + day_of_era - 719468;
  return fw::WallTime{days * 86400 + *hour * 3600 + *minute * 60 + *second};
}

std::optional<std::uint64_t> parse_byte_rate(std::string_view text) {
  std::uint64_t count = 0;
  if (!take_number(text, count)) return std::nullopt;
  std::uint64_t multiplier = 1;
  if (!text.empty() && (text[0] == 'k' || text[0] == 'M' || text[0] == 'G')) {
    multiplier = text[0] == 'k' ? 1'000 : text[0] == 'M' ? 1'000'000 : 1'000'000'000;
    text.remove_prefix(1);
  }
  bool bits = false;
  if (text == "bit") {
    bits = true;
  } else if (text != "B") {
    return std::nullopt;
  }
  if (count > UINT64_MAX / multiplier) return std::nullopt;
  std::uint64_t value = count * multiplier;
  return bits ? value / 8 : value;
}

}  // namespace scn
