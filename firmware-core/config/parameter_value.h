#pragma once

// Parsing and normalization of parameter values, and the typed forms the firmware reads them in.
//
// Every value that enters a ConfigStore passes normalize() first, so the store holds one
// canonical spelling per meaning ("Ja" -> "Yes", "600 , 1200" -> "600,1200", "17.160.159" ->
// "17,160,159") and the typed parse_* functions below never fail on stored text.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "firmware-core/base/limits.h"
#include "firmware-core/base/result.h"
#include "firmware-core/config/parameter_registry.h"

namespace fw {

// Longest raw value accepted from any source, before normalization; anything longer is rejected
// before it is looked at. Also the default ProfileLimits::value_bytes_max.
inline constexpr std::size_t kValueBytesMax = 4096;
// Text limits per kind of parameter (bytes of normalized UTF-8).
inline constexpr std::uint32_t kTextBytesMax = 512;   // GPP_x, log templates, triggers
inline constexpr std::uint32_t kNameBytesMax = 128;   // user ids, names, hosts, passwords
// Schedule lists: at most this many entries, each number at most one year.
inline constexpr std::size_t kScheduleEntriesMax = 32;
inline constexpr std::uint32_t kScheduleSecondsMax = 31'536'000;
// Integer lists (DHCP option lists).
inline constexpr std::size_t kIntegerListEntriesMax = 32;
// How much of an offending value an error message quotes.
inline constexpr std::size_t kQuotedValueBytesMax = 64;
// What reports, errors and exports for people show instead of a secret value.
inline constexpr std::string_view kSecretMask = "*****";

// One schedule step: wait delay_s, plus a uniformly random 0..random_s_max seconds ("N+R").
struct ScheduleEntry {
  std::uint32_t delay_s = 0;
  std::uint32_t random_s_max = 0;
  friend bool operator==(const ScheduleEntry&, const ScheduleEntry&) = default;
};

// A schedule list ("60,120,240", "1800+300,3600+600"). Entries are used in turn and the last one
// repeats (decisions.md). Fixed capacity so that reading it never allocates.
class Schedule {
 public:
  Schedule() = default;

  // Appends an entry; returns false (and changes nothing) when kScheduleEntriesMax are present.
  bool push_back(ScheduleEntry entry);

  std::span<const ScheduleEntry> entries() const { return {entries_.data(), size_}; }
  bool empty() const { return size_ == 0; }

  // True when the schedule means "never": no entries, or the single entry "0" (Resync_Periodic
  // and Resync_Error_Retry_Delay both use 0 to disable).
  bool disabled() const;

  // The entry for the attempt-th use (0-based); the last entry repeats. nullptr when empty().
  const ScheduleEntry* at_attempt(std::size_t attempt) const;

  friend bool operator==(const Schedule& a, const Schedule& b);

 private:
  std::array<ScheduleEntry, kScheduleEntriesMax> entries_{};
  std::uint8_t size_ = 0;
};

// A time of day from Resync_At__HHmm_; 24:00 is allowed and means midnight.
struct Hhmm {
  std::uint8_t hour = 0;
  std::uint8_t minute = 0;
  std::uint32_t seconds_since_midnight() const { return hour * 3600u + minute * 60u; }
  friend bool operator==(const Hhmm&, const Hhmm&) = default;
};

// Validates `raw` for `spec` and returns its canonical text. Call before storing any value from a
// profile, the admin web or a persisted image. Strips leading/trailing whitespace and turns tabs
// and line breaks into spaces first (flat-profile rule).
// Errors: ValueTooLong (raw longer than kValueBytesMax, or text longer than the parameter's
// limit), InvalidValue (wrong format, out of range, control characters, invalid UTF-8). The
// detail reads "<name>: '<value>' <reason>"; secret values are shown as kSecretMask.
Result<std::string> normalize(const ParamSpec& spec, std::string_view raw);
// The same, writing the canonical text into `out` and reusing its capacity (a transaction that
// sets thousands of values allocates for few of them). `raw` must not view `out`. On error `out`
// holds unspecified text.
Result<void> normalize_into(const ParamSpec& spec, std::string_view raw, std::string& out);
// True when `raw` is valid for `spec` and already canonical, i.e. normalize() would return it
// unchanged. Answers the spellings most profiles use ("Yes", "600", "600,1200+300", a choice as
// spelled in spec.choices, printable text without surrounding spaces) in one short pass without
// building typed values; false for anything else, valid or not (normalize() then decides).
bool is_canonical(const ParamSpec& spec, std::string_view raw);

// Typed parsers. They accept the same spellings as normalize() (after trimming whitespace) and
// fail with InvalidValue whose detail is only the reason ("is not a boolean (Yes/No)"), so that
// callers can prefix the parameter and mask the value.
Result<bool> parse_boolean(std::string_view text);
Result<std::int64_t> parse_integer(std::string_view text, std::int64_t min, std::int64_t max);
// Empty text gives nullopt (the HHmm resync is disabled).
Result<std::optional<Hhmm>> parse_hhmm(std::string_view text);
// Empty text gives an empty schedule.
Result<Schedule> parse_schedule(std::string_view text);
Result<std::vector<std::uint32_t>> parse_integer_list(std::string_view text, std::int64_t min,
                                                      std::int64_t max);
// The index into spec.choices that `text` names (canonical or alias, any letter case, runs of
// spaces treated as one).
Result<std::size_t> parse_enumeration(const ParamSpec& spec, std::string_view text);

// `value` as an error message or report may show it: kSecretMask for a secret parameter;
// otherwise at most kQuotedValueBytesMax bytes, cut at a character boundary and marked "...",
// with control characters and bytes of invalid UTF-8 escaped as \xNN.
std::string displayable_value(const ParamSpec& spec, std::string_view value);
// The same for text that belongs to no parameter (element names from a profile).
std::string displayable_text(std::string_view text);

// True if `text` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool is_valid_utf8(std::string_view text);

}  // namespace fw
