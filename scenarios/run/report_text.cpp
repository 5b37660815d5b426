#include "scenarios/run/report_text.h"

#include <array>
#include <charconv>
#include <cstdint>

#include "sim/trace/json_text.h"

namespace scn {
namespace {

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";

// The code point of the well-formed UTF-8 sequence at text[i] and its length, or length 0.
struct Decoded {
  std::uint32_t code_point = 0;
  std::size_t length = 0;
};

Decoded decode_utf8(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
  const std::uint8_t lead = byte(i);
  Decoded decoded;
  if (lead < 0x80) {
    return {lead, 1};
  } else if ((lead & 0xE0) == 0xC0) {
    decoded = {static_cast<std::uint32_t>(lead & 0x1F), 2};
  } else if ((lead & 0xF0) == 0xE0) {
    decoded = {static_cast<std::uint32_t>(lead & 0x0F), 3};
  } else if ((lead & 0xF8) == 0xF0) {
    decoded = {static_cast<std::uint32_t>(lead & 0x07), 4};
  } else {
    return {};
  }
  if (i + decoded.length > text.size()) {
    return {};
  }
  for (std::size_t k = 1; k < decoded.length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) {
      return {};
    }
    decoded.code_point = (decoded.code_point << 6) | (byte(i + k) & 0x3F);
  }
  constexpr std::array<std::uint32_t, 5> kSmallestForLength = {0, 0, 0x80, 0x800, 0x10000};
  const bool overlong = decoded.code_point < kSmallestForLength[decoded.length];
  const bool surrogate = decoded.code_point >= 0xD800 && decoded.code_point <= 0xDFFF;
  if (overlong || surrogate || decoded.code_point > 0x10FFFF) {
    return {};
  }
  return decoded;
}

bool carried(std::uint32_t code_point) {
  if (code_point == '\t' || code_point == '\n' || code_point == '\r') {
    return true;
  }
  return code_point >= 0x20 && code_point != 0x7F && code_point != 0xFFFE && code_point != 0xFFFF;
}

void append_number(std::string& out, std::uint64_t value) {
  std::array<char, 24> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), result.ptr);
}

void append_padded(std::string& out, std::uint64_t value, std::size_t width) {
  std::string digits;
  append_number(digits, value);
  if (digits.size() < width) {
    out.append(width - digits.size(), '0');
  }
  out += digits;
}

}  // namespace

std::string printable_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const Decoded decoded = decode_utf8(text, i);
    if (decoded.length == 0) {
      out += kReplacementCharacter;
      ++i;
      continue;
    }
    if (carried(decoded.code_point)) {
      out += text.substr(i, decoded.length);
    } else {
      out += kReplacementCharacter;
    }
    i += decoded.length;
  }
  return out;
}

std::string json_string(std::string_view text) {
  return sim::json_quote(printable_text(text));
}

std::string html_escape(std::string_view text) {
  const std::string clean = printable_text(text);
  std::string out;
  out.reserve(clean.size());
  for (const char c : clean) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string seconds_number(fw::Duration span) {
  const std::int64_t nanoseconds = span.count();
  std::string out;
  // Magnitude as unsigned so that the most negative value has no overflow.
  std::uint64_t magnitude = static_cast<std::uint64_t>(nanoseconds);
  if (nanoseconds < 0) {
    out += '-';
    magnitude = ~magnitude + 1;
  }
  constexpr std::uint64_t kNanosecondsPerSecond = 1'000'000'000;
  append_number(out, magnitude / kNanosecondsPerSecond);
  std::uint64_t fraction = magnitude % kNanosecondsPerSecond;
  if (fraction != 0) {
    std::size_t width = 9;
    while (fraction % 10 == 0) {
      fraction /= 10;
      --width;
    }
    out += '.';
    append_padded(out, fraction, width);
  }
  return out;
}

std::string duration_text(fw::Duration span) {
  std::string out;
  std::int64_t nanoseconds = span.count();
  if (nanoseconds < 0) {
    out += '-';
    nanoseconds = nanoseconds == INT64_MIN ? INT64_MAX : -nanoseconds;
  }
  const auto magnitude = static_cast<std::uint64_t>(nanoseconds);
  constexpr std::uint64_t kMillisecond = 1'000'000;
  constexpr std::uint64_t kSecond = 1000 * kMillisecond;
  if (magnitude == 0) {
    return "0s";
  }
  if (magnitude < kSecond) {
    if (magnitude % kMillisecond == 0 || magnitude >= kMillisecond) {
      append_number(out, magnitude / kMillisecond);
      out += "ms";
    } else {
      append_number(out, magnitude);
      out += "ns";
    }
    return out;
  }
  std::uint64_t seconds_count = magnitude / kSecond;
  constexpr std::array<std::pair<std::uint64_t, char>, 4> kUnits = {
      {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}}};
  for (const auto& [unit_seconds, suffix] : kUnits) {
    if (seconds_count >= unit_seconds) {
      append_number(out, seconds_count / unit_seconds);
      out += suffix;
      seconds_count %= unit_seconds;
    }
  }
  return out;
}

std::string clock_text(fw::Duration offset) {
  std::string out;
  std::int64_t milliseconds_count =
      std::chrono::duration_cast<std::chrono::milliseconds>(offset).count();
  if (milliseconds_count < 0) {
    out += '-';
    milliseconds_count = -milliseconds_count;
  }
  const auto total = static_cast<std::uint64_t>(milliseconds_count);
  append_number(out, total / 3'600'000);
  out += ':';
  append_padded(out, total / 60'000 % 60, 2);
  out += ':';
  append_padded(out, total / 1000 % 60, 2);
  out += '.';
  append_padded(out, total % 1000, 3);
  return out;
}

std::string count_text(std::uint64_t value) {
  std::string digits;
  append_number(digits, value);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) {
      out += ',';
    }
    out += digits[i];
  }
  return out;
}

}  // namespace scn
