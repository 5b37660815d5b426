#include "firmware-core/runtime/syslog_frame.h"

#include <cstdio>

namespace fw {

CivilTime to_civil_time(WallTime time) {
  // Howard Hinnant's civil_from_days, on integers only.
  std::int64_t seconds_of_day = time.unix_seconds % 86400;
  std::int64_t days = time.unix_seconds / 86400;
  if (seconds_of_day < 0) {
    seconds_of_day += 86400;
    --days;
  }
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const std::int64_t day_of_era = days - era * 146097;
  const std::int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const std::int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const std::int64_t month_index = (5 * day_of_year + 2) / 153;
  const int day = static_cast<int>(day_of_year - (153 * month_index + 2) / 5 + 1);
  const int month = static_cast<int>(month_index < 10 ? month_index + 3 : month_index - 9);
  const std::int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
  return {year,
          month,
          day,
          static_cast<int>(seconds_of_day / 3600),
          static_cast<int>(seconds_of_day % 3600 / 60),
          static_cast<int>(seconds_of_day % 60)};
}

std::string format_iso8601(WallTime time) {
  CivilTime civil = to_civil_time(time);
  char text[40];
  std::snprintf(text, sizeof text, "%04lld-%02d-%02dT%02d:%02d:%02dZ",
                static_cast<long long>(civil.year), civil.month, civil.day, civil.hour,
                civil.minute, civil.second);
  return text;
}

Bytes format_syslog_frame(SyslogSeverity severity, WallTime time, std::string_view identifier,
                          std::string_view message, std::uint8_t facility) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  CivilTime civil = to_civil_time(time);
  char header[48];
  int header_size = std::snprintf(header, sizeof header, "<%u>%s %2d %02d:%02d:%02d ",
                                  facility * 8u + static_cast<unsigned>(severity),
                                  kMonths[civil.month - 1], civil.day, civil.hour, civil.minute,
                                  civil.second);
  std::string frame(header, static_cast<std::size_t>(header_size));
  auto append_clean = [&frame](std::string_view text) {
    for (char character : text) {
      auto byte = static_cast<unsigned char>(character);
      frame += (byte < 0x20 || byte == 0x7F) ? ' ' : character;
    }
  };
  if (!identifier.empty()) {
    append_clean(identifier);
    frame += ' ';
  }
  append_clean(message);
  if (frame.size() > kSyslogFrameBytesMax) {
    std::size_t cut = kSyslogFrameBytesMax;
    // Never leave half a UTF-8 sequence: back up over continuation bytes.
    while (cut > 0 && (static_cast<unsigned char>(frame[cut]) & 0xC0) == 0x80) --cut;
    frame.resize(cut);
  }
  return to_bytes(frame);
}

}  // namespace fw
