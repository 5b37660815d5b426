#include "firmware-core/config/parameter_value.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace fw {

bool Schedule::push_back(ScheduleEntry entry) {
  if (size_ >= kScheduleEntriesMax)
    return false;
  entries_[size_++] = entry;
  return true;
}

bool Schedule::disabled() const {
  return size_ == 0 || (size_ == 1 && entries_[0].delay_s == 0 && entries_[0].random_s_max == 0);
}

const ScheduleEntry* Schedule::at_attempt(std::size_t attempt) const {
  if (size_ == 0)
    return nullptr;
  return &entries_[attempt < size_ ? attempt : size_ - 1u];
}

bool operator==(const Schedule& a, const Schedule& b) {
  const auto x = a.entries();
  const auto y = b.entries();
  if (x.size() != y.size())
    return false;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!(x[i] == y[i]))
      return false;
  }
  return true;
}

namespace {

char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_space(text.back()))
    text.remove_suffix(1);
  return text;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i]))
      return false;
  }
  return true;
}

// What one pass over a value finds: most values are short printable ASCII without leading or
// trailing spaces, and then need neither folding nor the UTF-8 and control-character checks.
struct TextScan {
  bool control = false;    // a byte < 0x20 (tabs and line breaks included) or 0x7F
  bool non_ascii = false;  // a byte >= 0x80
};

TextScan scan_text(std::string_view text) {
  // No early exit, so that the compiler can vectorize the loop.
  std::uint8_t control = 0;
  std::uint8_t high = 0;
  for (const char c : text) {
    const auto byte = static_cast<std::uint8_t>(c);
    control |= static_cast<std::uint8_t>(byte < 0x20 || byte == 0x7F);
    high |= byte;
  }
  return TextScan{control != 0, (high & 0x80) != 0};
}

// True when `raw` changes under the flat-profile whitespace rule (most values do not).
bool needs_folding(std::string_view raw, const TextScan& scan) {
  if (raw.empty())
    return false;
  return scan.control || is_space(raw.front()) || is_space(raw.back());
}

// The flat-profile whitespace rule: trim, and line breaks and tabs inside become spaces (a CR LF
// pair becomes one space). Writes into `out`, reusing its capacity.
void fold_whitespace(std::string_view raw, std::string& out) {
  const std::string_view text = trim(raw);
  out.clear();
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
      continue;
    out.push_back(is_space(c) ? ' ' : c);
  }
}

// Length of the well-formed UTF-8 sequence starting at text[i], or 0 if there is none.
std::size_t utf8_sequence_bytes(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
  const std::uint8_t lead = byte(i);
  if (lead < 0x80)
    return 1;
  std::size_t length = 0;
  std::uint8_t second_min = 0x80;
  std::uint8_t second_max = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0)
      second_min = 0xA0;  // no overlongs
    if (lead == 0xED)
      second_max = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0)
      second_min = 0x90;  // no overlongs
    if (lead == 0xF4)
      second_max = 0x8F;  // nothing past U+10FFFF
  } else {
    return 0;
  }
  if (i + length > text.size())
    return 0;
  if (byte(i + 1) < second_min || byte(i + 1) > second_max)
    return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80)
      return 0;
  }
  return length;
}

Failure invalid(std::string reason) {
  return fail(ErrorCode::InvalidValue, std::move(reason));
}

enum class DecimalStatus { Ok, NotANumber, OutOfRange };

// Reads a run of decimal digits (no sign, no spaces) into `value`, which must end up in
// [min, max].
DecimalStatus read_decimal(std::string_view text, std::int64_t min, std::int64_t max,
                           std::int64_t& value) {
  if (text.empty())
    return DecimalStatus::NotANumber;
  for (char c : text) {
    if (c < '0' || c > '9')
      return DecimalStatus::NotANumber;
  }
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return DecimalStatus::OutOfRange;
  }
  return DecimalStatus::Ok;
}

std::string range_reason(std::int64_t min, std::int64_t max) {
  return "is out of range (" + std::to_string(min) + ".." + std::to_string(max) + ")";
}

// True when `spelling`, lower-cased and with each run of spaces reduced to one, equals `key`
// (already in that form). Compares on the fly: enumeration values are on the profile hot path.
bool matches_enumeration_key(std::string_view key, std::string_view spelling) {
  std::size_t k = 0;
  bool in_space = false;
  for (char c : trim(spelling)) {
    if (is_space(c)) {
      if (in_space)
        continue;
      in_space = true;
      c = ' ';
    } else {
      in_space = false;
      c = ascii_lower(c);
    }
    if (k == key.size() || key[k] != c)
      return false;
    ++k;
  }
  return k == key.size();
}

// Lower case with each run of spaces reduced to one, for enumeration matching.
std::string enumeration_key(std::string_view text) {
  std::string key;
  key.reserve(text.size());
  for (char c : trim(text)) {
    if (is_space(c)) {
      if (!key.empty() && key.back() == ' ')
        continue;
      key.push_back(' ');
    } else {
      key.push_back(ascii_lower(c));
    }
  }
  return key;
}

void append_decimal(std::string& out, std::int64_t value) {
  char digits[24];
  const auto [end, error] = std::to_chars(digits, digits + sizeof digits, value);
  if (error == std::errc())
    out.append(digits, end);
}

void join_schedule(const Schedule& schedule, std::string& out) {
  out.clear();
  for (const ScheduleEntry& entry : schedule.entries()) {
    if (!out.empty())
      out.push_back(',');
    append_decimal(out, entry.delay_s);
    if (entry.random_s_max != 0) {
      out.push_back('+');
      append_decimal(out, entry.random_s_max);
    }
  }
}

void join_integers(const std::vector<std::uint32_t>& values, std::string& out) {
  out.clear();
  for (std::uint32_t value : values) {
    if (!out.empty())
      out.push_back(',');
    append_decimal(out, value);
  }
}

Result<void> check_text(const ParamSpec& spec, std::string_view text, const TextScan& scan) {
  if (scan.control)
    return invalid("contains control characters");
  if (scan.non_ascii && !is_valid_utf8(text))
    return invalid("is not valid UTF-8");
  if (text.size() > spec.text_bytes_max) {
    return fail(ErrorCode::ValueTooLong,
                "is longer than " + std::to_string(spec.text_bytes_max) + " bytes");
  }
  if (spec.http_url) {
    constexpr std::string_view kScheme = "http://";
    const bool scheme = text.size() > kScheme.size() &&
                        equals_ignoring_case(text.substr(0, kScheme.size()), kScheme);
    const std::string_view rest = scheme ? text.substr(kScheme.size()) : std::string_view();
    if (!scheme || rest.empty() || rest.front() == '/' || rest.front() == ':' ||
        rest.find(' ') != std::string_view::npos)
      return invalid("is not an http:// URL with a host");
  }
  return {};
}

// Writes the canonical text for `text` (already whitespace-folded; `scan` describes it) into
// `out`; the error detail is only the reason. `text` may be `out` itself (`in_out`): every case
// parses it completely before writing.
Result<void> canonical(const ParamSpec& spec, std::string_view text, const TextScan& scan,
                       bool in_out, std::string& out) {
  auto keep = [&]() {
    if (!in_out)
      out.assign(text);
  };
  switch (spec.type) {
    case ValueType::Boolean: {
      auto value = parse_boolean(text);
      if (!value)
        return fail(std::move(value).error());
      out.assign(*value ? "Yes" : "No");
      return {};
    }
    case ValueType::Integer: {
      auto value = parse_integer(text, spec.integer_min, spec.integer_max);
      if (!value)
        return fail(std::move(value).error());
      out.clear();
      append_decimal(out, *value);
      return {};
    }
    case ValueType::Hhmm: {
      auto value = parse_hhmm(text);
      if (!value)
        return fail(std::move(value).error());
      keep();  // exactly four digits or empty: already canonical
      return {};
    }
    case ValueType::Schedule: {
      auto value = parse_schedule(text);
      if (!value)
        return fail(std::move(value).error());
      join_schedule(*value, out);
      return {};
    }
    case ValueType::Enumeration: {
      auto value = parse_enumeration(spec, text);
      if (!value)
        return fail(std::move(value).error());
      out.assign(spec.choices[*value]);
      return {};
    }
    case ValueType::IntegerList: {
      auto value = parse_integer_list(text, spec.integer_min, spec.integer_max);
      if (!value)
        return fail(std::move(value).error());
      join_integers(*value, out);
      return {};
    }
    case ValueType::Text:
      if (auto checked = check_text(spec, text, scan); !checked)
        return checked;
      keep();
      return {};
  }
  return invalid("has an unknown type");
}

// Reads a decimal without sign or leading zero ("0" itself is fine) from text[i], at most
// `digits_max` digits; advances `i`. False when there is none or it is too long.
bool read_canonical_decimal(std::string_view text, std::size_t& i, std::size_t digits_max,
                            std::int64_t& value) {
  const std::size_t start = i;
  value = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    value = value * 10 + (text[i] - '0');
    ++i;
    if (i - start > digits_max)
      return false;
  }
  return i != start && !(text[start] == '0' && i - start > 1);
}

// True when `text` is a list of canonical decimals in [min, max] joined by ',' (and, when
// `with_random`, each optionally followed by '+' and a non-zero one), at most `entries_max`.
bool is_canonical_list(std::string_view text, std::int64_t min, std::int64_t max,
                       std::size_t entries_max, bool with_random) {
  std::size_t i = 0;
  std::size_t entries = 0;
  while (true) {
    std::int64_t value = 0;
    // 10 digits cannot overflow and hold every bound these lists use.
    if (!read_canonical_decimal(text, i, 10, value) || value < min || value > max)
      return false;
    if (with_random && i < text.size() && text[i] == '+') {
      ++i;
      if (!read_canonical_decimal(text, i, 10, value) || value == 0 || value > max)
        return false;
    }
    if (++entries > entries_max)
      return false;
    if (i == text.size())
      return true;
    if (text[i] != ',')
      return false;
    ++i;
  }
}

// True when every byte of `text` is printable ASCII (0x20..0x7E). Eight bytes at a time: values
// are short, and this runs for every text value of every profile.
bool is_printable_ascii(std::string_view text) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  constexpr std::uint64_t kHighs = 0x8080808080808080ull;
  // A byte of `word` below 0x20, or above 0x7E (0x7F and non-ASCII), sets its high bit here.
  // Borrows and carries can only add flags above a byte that is already flagged, never create
  // the first one, so the test "any flag" is exact.
  auto flagged = [](std::uint64_t word) {
    return ((word - kOnes * 0x20) & ~word) | ((word + kOnes * 0x01) | word);
  };
  const char* bytes = text.data();
  std::size_t left = text.size();
  std::uint64_t flags = 0;
  if (left >= 8) {
    for (; left > 8; bytes += 8, left -= 8) {
      std::uint64_t word;
      std::memcpy(&word, bytes, 8);
      flags |= flagged(word);
    }
    std::uint64_t last;  // the final 8 bytes, overlapping what was read
    std::memcpy(&last, bytes + left - 8, 8);
    flags |= flagged(last);
    return (flags & kHighs) == 0;
  }
  for (; left > 0; ++bytes, --left) {
    const auto byte = static_cast<std::uint8_t>(*bytes);
    if (byte < 0x20 || byte > 0x7E)
      return false;
  }
  return true;
}

}  // namespace

bool is_canonical(const ParamSpec& spec, std::string_view raw) {
  switch (spec.type) {
    case ValueType::Boolean:
      return raw == "Yes" || raw == "No";
    case ValueType::Integer: {
      std::size_t i = 0;
      std::int64_t value = 0;
      // Up to 18 digits cannot overflow.
      return read_canonical_decimal(raw, i, 18, value) && i == raw.size() &&
             value >= spec.integer_min && value <= spec.integer_max;
    }
    case ValueType::Enumeration:
      // parse_enumeration() takes the first choice that matches ignoring case: stop at one.
      for (const std::string_view choice : spec.choices) {
        if (raw == choice)
          return true;
        if (equals_ignoring_case(raw, choice))
          return false;
      }
      return false;
    case ValueType::Hhmm: {
      if (raw.empty())
        return true;
      if (raw.size() != 4)
        return false;
      for (const char c : raw) {
        if (c < '0' || c > '9')
          return false;
      }
      const int hour = (raw[0] - '0') * 10 + (raw[1] - '0');
      const int minute = (raw[2] - '0') * 10 + (raw[3] - '0');
      return hour < 24 ? minute <= 59 : (hour == 24 && minute == 0);
    }
    case ValueType::Schedule:
      return raw.empty() ||
             is_canonical_list(raw, 0, kScheduleSecondsMax, kScheduleEntriesMax, true);
    case ValueType::IntegerList:
      return raw.empty() || is_canonical_list(raw, spec.integer_min, spec.integer_max,
                                              kIntegerListEntriesMax, false);
    case ValueType::Text: {
      // A URL parameter's form is checked by the general path (check_text).
      if (spec.http_url || raw.size() > spec.text_bytes_max)
        return false;
      if (raw.empty())
        return true;
      if (raw.front() == ' ' || raw.back() == ' ')
        return false;
      if (is_printable_ascii(raw))
        return true;
      const TextScan scan = scan_text(raw);
      return !scan.control && is_valid_utf8(raw);
    }
  }
  return false;
}

Result<void> normalize_into(const ParamSpec& spec, std::string_view raw, std::string& out) {
  auto describe = [&](std::string_view reason) {
    std::string detail(spec.name);
    detail += ": '";
    detail += displayable_value(spec, raw);
    detail += "' ";
    detail += reason;
    return detail;
  };
  if (raw.size() > kValueBytesMax) {
    return fail(ErrorCode::ValueTooLong,
                describe("is longer than " + std::to_string(kValueBytesMax) + " bytes"));
  }
  if (is_canonical(spec, raw)) {
    out.assign(raw);
    return {};
  }
  TextScan scan = scan_text(raw);
  const bool folded = needs_folding(raw, scan);
  if (folded) {
    fold_whitespace(raw, out);
    scan = scan_text(out);
  }
  auto result = canonical(spec, folded ? std::string_view(out) : raw, scan, folded, out);
  if (!result)
    return fail(result.error().code, describe(result.error().detail));
  return {};
}

Result<std::string> normalize(const ParamSpec& spec, std::string_view raw) {
  std::string out;
  if (auto normalized = normalize_into(spec, raw, out); !normalized)
    return fail(std::move(normalized).error());
  return out;
}

Result<bool> parse_boolean(std::string_view text) {
  // The canonical forms first: every stored value is one of them (normalize()), and the agent
  // reads several booleans on every resync.
  if (text == "Yes") return true;
  if (text == "No") return false;
  text = trim(text);
  for (std::string_view yes : {"yes", "enable", "ja", "true", "1"}) {
    if (equals_ignoring_case(text, yes))
      return true;
  }
  for (std::string_view no : {"no", "disable", "nein", "false", "0"}) {
    if (equals_ignoring_case(text, no))
      return false;
  }
  return invalid("is not a boolean (Yes/No)");
}

Result<std::int64_t> parse_integer(std::string_view text, std::int64_t min, std::int64_t max) {
  std::int64_t value = 0;
  switch (read_decimal(trim(text), min, max, value)) {
    case DecimalStatus::Ok:
      return value;
    case DecimalStatus::NotANumber:
      return invalid("is not a number");
    case DecimalStatus::OutOfRange:
      break;
  }
  return invalid(range_reason(min, max));
}

Result<std::optional<Hhmm>> parse_hhmm(std::string_view text) {
  text = trim(text);
  if (text.empty())
    return std::optional<Hhmm>();
  auto digit = [&](std::size_t i) { return text[i] - '0'; };
  bool digits = text.size() == 4;
  for (std::size_t i = 0; digits && i < 4; ++i)
    digits = text[i] >= '0' && text[i] <= '9';
  if (!digits)
    return invalid("is not a time HHmm (0000..2400)");
  const int hour = digit(0) * 10 + digit(1);
  const int minute = digit(2) * 10 + digit(3);
  if (hour > 24 || minute > 59 || (hour == 24 && minute != 0)) {
    return invalid("is not a time HHmm (0000..2400)");
  }
  return std::optional<Hhmm>(
      Hhmm{static_cast<std::uint8_t>(hour), static_cast<std::uint8_t>(minute)});
}

Result<Schedule> parse_schedule(std::string_view text) {
  text = trim(text);
  Schedule schedule;
  if (text.empty())
    return schedule;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string_view::npos)
      comma = text.size();
    const std::string_view item = trim(text.substr(start, comma - start));
    const std::size_t plus = item.find('+');
    const std::string_view delay_text = trim(item.substr(0, plus));
    const std::string_view random_text =
        plus == std::string_view::npos ? std::string_view("0") : trim(item.substr(plus + 1));
    std::int64_t delay = 0;
    std::int64_t random = 0;
    const DecimalStatus delay_status = read_decimal(delay_text, 0, kScheduleSecondsMax, delay);
    const DecimalStatus random_status = read_decimal(random_text, 0, kScheduleSecondsMax, random);
    if (delay_status == DecimalStatus::NotANumber || random_status == DecimalStatus::NotANumber) {
      return invalid("is not a schedule (e.g. 3600, 600,1200,300 or 2400+30)");
    }
    if (delay_status != DecimalStatus::Ok || random_status != DecimalStatus::Ok) {
      return invalid(range_reason(0, kScheduleSecondsMax));
    }
    if (!schedule.push_back(
            {static_cast<std::uint32_t>(delay), static_cast<std::uint32_t>(random)})) {
      return invalid("has more than " + std::to_string(kScheduleEntriesMax) + " entries");
    }
    start = comma + 1;
  }
  return schedule;
}

Result<std::vector<std::uint32_t>> parse_integer_list(std::string_view text, std::int64_t min,
                                                      std::int64_t max) {
  text = trim(text);
  std::vector<std::uint32_t> values;
  if (text.empty())
    return values;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t separator = text.find_first_of(",.", start);
    if (separator == std::string_view::npos)
      separator = text.size();
    std::int64_t value = 0;
    switch (read_decimal(trim(text.substr(start, separator - start)), min, max, value)) {
      case DecimalStatus::Ok:
        break;
      case DecimalStatus::NotANumber:
        return invalid("is not a list of numbers (e.g. 66,160,159)");
      case DecimalStatus::OutOfRange:
        return invalid("has a number out of range (" + std::to_string(min) + ".." +
                       std::to_string(max) + ")");
    }
    if (values.size() == kIntegerListEntriesMax) {
      return invalid("has more than " + std::to_string(kIntegerListEntriesMax) + " entries");
    }
    values.push_back(static_cast<std::uint32_t>(value));
    start = separator + 1;
  }
  return values;
}

Result<std::size_t> parse_enumeration(const ParamSpec& spec, std::string_view text) {
  const std::string key = enumeration_key(text);
  for (std::size_t i = 0; i < spec.choices.size(); ++i) {
    if (matches_enumeration_key(key, spec.choices[i]))
      return i;
  }
  for (const EnumAlias& alias : spec.aliases) {
    if (matches_enumeration_key(key, alias.spelling))
      return std::size_t{alias.choice};
  }
  std::string reason = "is not one of ";
  for (std::size_t i = 0; i < spec.choices.size(); ++i) {
    if (i != 0)
      reason += ", ";
    reason += spec.choices[i];
  }
  return invalid(std::move(reason));
}

std::string displayable_value(const ParamSpec& spec, std::string_view value) {
  if (spec.secret)
    return std::string(kSecretMask);
  return displayable_text(value);
}

std::string displayable_text(std::string_view text) {
  // Usual case, names of unknown elements: short printable ASCII, shown as it is.
  if (text.size() <= kQuotedValueBytesMax &&
      std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7F; })) {
    return std::string(text);
  }
  bool cut = false;
  if (text.size() > kQuotedValueBytesMax) {
    std::size_t end = kQuotedValueBytesMax;
    while (end > 0 && (static_cast<std::uint8_t>(text[end]) & 0xC0) == 0x80)
      --end;
    text = text.substr(0, end);
    cut = true;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size() + 3);
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<std::uint8_t>(text[i]);
    const std::size_t length = utf8_sequence_bytes(text, i);
    if (length == 0 || byte < 0x20 || byte == 0x7F) {
      out += "\\x";
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xF]);
      ++i;
      continue;
    }
    out.append(text.substr(i, length));
    i += length;
  }
  if (cut)
    out += "...";
  return out;
}

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t length = utf8_sequence_bytes(text, i);
    if (length == 0)
      return false;
    i += length;
  }
  return true;
}

}  // namespace fw
