#include "firmware-core/agent/resync_schedule.h"

#include <algorithm>

namespace fw {

std::int64_t power_on_delay_s(std::int64_t units, RandomStream& random) {
  return random.between(0, std::max<std::int64_t>(units, 0) * kResyncRandomDelayUnitS);
}

std::int64_t schedule_delay_s(const Schedule& schedule, std::size_t attempt, RandomStream& random) {
  const ScheduleEntry* entry = schedule.at_attempt(attempt);
  if (entry == nullptr) {
    return 0;
  }
  return static_cast<std::int64_t>(entry->delay_s) +
         random.between(0, static_cast<std::int64_t>(entry->random_s_max));
}

std::int64_t daily_window_s(std::int64_t resync_at_random_delay) {
  const std::int64_t minutes = (std::max<std::int64_t>(resync_at_random_delay, 0) + 30) / 60;
  return std::max(minutes * 60, kDailyWindowMinS);
}

std::int64_t next_daily_resync_unix_s(std::int64_t now_unix_s, Hhmm at, std::int64_t offset_s) {
  // Floor division: wall clocks before 1970 (an RTC reset to 0 and stepped back) stay correct.
  std::int64_t day = now_unix_s / kSecondsPerDay;
  if (now_unix_s % kSecondsPerDay < 0) {
    --day;
  }
  const std::int64_t time_of_day_s = static_cast<std::int64_t>(at.seconds_since_midnight());
  // The first window that opens after now. Not "the first point after now": after a resync at
  // 02:03 a new offset of 7 minutes would otherwise give a second resync at 02:07 the same day.
  for (std::int64_t candidate_day = day - 1;; ++candidate_day) {
    const std::int64_t start = candidate_day * kSecondsPerDay + time_of_day_s;
    if (start > now_unix_s) {
      return start + offset_s;
    }
  }
}

}  // namespace fw
