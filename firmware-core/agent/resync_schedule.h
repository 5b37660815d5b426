#pragma once

// The timing arithmetic of resyncs (reference §5, decisions.md), as pure functions of the
// parameter values, the clocks and the phone's random stream. The agent decides *which* delay
// applies; these functions only compute it.

#include <cstddef>
#include <cstdint>

#include "firmware-core/base/random_stream.h"
#include "firmware-core/config/parameter_value.h"

namespace fw {

// Resync_Random_Delay counts in units of 20 seconds (decisions.md: 2 = up to 40 s).
inline constexpr std::int64_t kResyncRandomDelayUnitS = 20;
// Resync_At_Random_Delay values below this give a window of this many seconds (guide table).
inline constexpr std::int64_t kDailyWindowMinS = 600;
inline constexpr std::int64_t kSecondsPerDay = 86'400;

// The delay before the first resync after power-up: uniform in [0, units * 20] seconds. Call
// once at power-up with Resync_Random_Delay; draws one number from `random` (also for 0, so the
// stream advances the same way whatever the setting).
std::int64_t power_on_delay_s(std::int64_t units, RandomStream& random);

// The delay for the attempt-th use (0-based) of a schedule list (Resync_Periodic,
// Resync_Error_Retry_Delay): the entry's delay plus uniform 0..R for "N+R"; the last entry
// repeats. Call only when !schedule.disabled(). Draws one number from `random`.
std::int64_t schedule_delay_s(const Schedule& schedule, std::size_t attempt, RandomStream& random);

// The width of the daily window from Resync_At_Random_Delay: floor((value + 30) / 60) minutes,
// at least kDailyWindowMinS seconds (decisions.md).
std::int64_t daily_window_s(std::int64_t resync_at_random_delay);

// The wall-clock second of the next daily resync: HHmm + offset_s of the first day whose HHmm
// lies strictly after `now_unix_s` (a window that has opened already is not used again, so a
// resync inside the window is never followed by a second one in the same window; power-up
// inside the window waits for the next day's). HHmm 2400 is the next midnight (the same as
// 0000). `offset_s` is the random point drawn inside the window once per scheduling, so a
// wall-clock step moves the resync to the same time of day on the new clock without drawing
// again.
std::int64_t next_daily_resync_unix_s(std::int64_t now_unix_s, Hhmm at, std::int64_t offset_s);

}  // namespace fw
