#pragma once

// Text helpers the report writers share: making scenario text safe for XML, JSON and HTML, and
// printing numbers and durations the same way on every machine (no locale, no floating point
// where an integer does).

#include <cstdint>
#include <string>
#include <string_view>

#include "firmware-core/runtime/time.h"

namespace scn {

// `text` with every byte sequence that is not well-formed UTF-8, every control character other
// than tab, newline and carriage return, DEL and U+FFFE/U+FFFF replaced by U+FFFD, so that XML
// 1.0, JSON and HTML can all carry it.
std::string printable_text(std::string_view text);

// `text` as a JSON string literal, quotes included, after printable_text().
std::string json_string(std::string_view text);

// `text` escaped for HTML text and attribute values (& < > " '), after printable_text().
std::string html_escape(std::string_view text);

// Seconds as a JSON number: "90", "1.5", "0.000000001" (exact; trailing zeros dropped).
std::string seconds_number(fw::Duration span);

// A span for people: "0s", "90ms", "45s", "2m30s", "2h", "1d2h30m" (sub-second parts are kept
// only below one second).
std::string duration_text(fw::Duration span);

// Offset from the run's start as "h:mm:ss.mmm" ("0:00:07.250", "26:03:00.000").
std::string clock_text(fw::Duration offset);

// An integer with thousands separators: "1,234,567".
std::string count_text(std::uint64_t value);

}  // namespace scn
