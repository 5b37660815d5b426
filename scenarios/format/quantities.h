#pragma once

// The units people write in scenarios, parsed exactly (integers only, so a scenario means the
// same on every machine): durations "90s", "2h30m", "250ms", "-2h"; shares "99%", "0.1%";
// dates "2026-11-24T08:00:00Z"; rates "100Mbit", "2MB".

#include <cstdint>
#include <optional>
#include <string_view>

#include "firmware-core/runtime/time.h"
#include "sim/fleet/fleet_activity.h"

namespace scn {

// A share as parts per million: "99%" = 990000, "0.1%" = 1000, "100%" = 1000000.
struct Share {
  std::uint32_t parts_per_million = 0;
  static constexpr std::uint32_t kWhole = 1'000'000;
  friend bool operator==(const Share&, const Share&) = default;
};

// "1h", "2h30m", "90s", "250ms", "1d", "500us", "0"; a leading '-' for steps backwards.
std::optional<fw::Duration> parse_duration(std::string_view text);
// A distribution of durations: "3m" (fixed), "uniform(30s..5m)", "exponential(3m)" (the mean).
// Durations must not be negative, and a uniform range not reversed.
std::optional<sim::DurationDistribution> parse_duration_distribution(std::string_view text);
// "0%".."100%" with up to four decimals.
std::optional<Share> parse_share(std::string_view text);
// ISO 8601 UTC: "2026-11-24T08:00:00Z" (seconds required, 'Z' required).
std::optional<fw::WallTime> parse_wall_time(std::string_view text);
// Bytes per second from "1500B", "64kB", "2MB", "100Mbit", "1Gbit" (k/M/G are powers of 1000).
std::optional<std::uint64_t> parse_byte_rate(std::string_view text);

}  // namespace scn
