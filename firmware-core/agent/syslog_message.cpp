#include "firmware-core/agent/syslog_message.h"

#include <array>
#include <charconv>

#include "firmware-core/agent/resync_schedule.h"
#include "firmware-core/rules/provisioning_url.h"

namespace fw {
namespace {

struct CivilDate {
  std::int64_t year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's civil_from_days).
CivilDate civil_from_days(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<std::uint64_t>(days - era * 146097);
  const std::uint64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const std::uint64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const std::uint64_t month_index = (5 * day_of_year + 2) / 153;
  const auto day = static_cast<unsigned>(day_of_year - (153 * month_index + 2) / 5 + 1);
  const auto month = static_cast<unsigned>(month_index < 10 ? month_index + 3 : month_index - 9);
  const std::int64_t year =
      static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0);
  return {year, month, day};
}

void append_two_digits(std::string& out, std::int64_t value, char pad) {
  out += value < 10 ? pad : static_cast<char>('0' + value / 10);
  out += static_cast<char>('0' + value % 10);
}

}  // namespace

std::optional<SyslogDestination> parse_syslog_destination(std::string_view text) {
  while (!text.empty() && text.front() == ' ')
    text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ')
    text.remove_suffix(1);
  SyslogDestination destination;
  const std::size_t colon = text.rfind(':');
  std::string_view host = text;
  if (colon != std::string_view::npos) {
    host = text.substr(0, colon);
    std::string_view digits = text.substr(colon + 1);
    unsigned port = 0;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() ||
        port == 0 || port > 65535) {
      return std::nullopt;
    }
    destination.port = static_cast<std::uint16_t>(port);
  }
  if (!is_valid_host(host)) {
    return std::nullopt;
  }
  destination.host = std::string(host);
  return destination;
}

std::string rfc3164_datagram(SyslogSeverity severity, WallTime now, std::string_view identifier,
                             std::string_view message) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::int64_t days = now.unix_seconds / kSecondsPerDay;
  std::int64_t second_of_day = now.unix_seconds % kSecondsPerDay;
  if (second_of_day < 0) {
    second_of_day += kSecondsPerDay;
    --days;
  }
  const CivilDate date = civil_from_days(days);
  std::string out = "<";
  out += std::to_string(kSyslogFacility * 8 + static_cast<unsigned>(severity));
  out += '>';
  out += kMonths[date.month - 1];
  out += ' ';
  append_two_digits(out, date.day, ' ');  // RFC 3164: the day is space-padded
  out += ' ';
  append_two_digits(out, second_of_day / 3600, '0');
  out += ':';
  append_two_digits(out, second_of_day / 60 % 60, '0');
  out += ':';
  append_two_digits(out, second_of_day % 60, '0');
  out += ' ';
  if (!identifier.empty()) {
    out += identifier;
    out += ' ';
  }
  out += message;
  return out;
}

}  // namespace fw
