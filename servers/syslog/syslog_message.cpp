#include "servers/syslog/syslog_message.h"

#include <array>

namespace srv {
namespace {

bool is_digit(char character) { return character >= '0' && character <= '9'; }

// "<PRI>" with 1-3 digits and a value up to 191 (RFC 5424 §6.2.1). Advances `text` past it.
std::optional<unsigned> take_priority(std::string_view& text) {
  if (text.size() < 3 || text[0] != '<') return std::nullopt;
  std::size_t close = text.find('>');
  if (close == std::string_view::npos || close < 2 || close > 4) return std::nullopt;
  unsigned value = 0;
  for (std::size_t index = 1; index < close; ++index) {
    if (!is_digit(text[index])) return std::nullopt;
    value = value * 10 + static_cast<unsigned>(text[index] - '0');
  }
  if (value > 191 || (close > 2 && text[1] == '0')) return std::nullopt;
  text.remove_prefix(close + 1);
  return value;
}

// Splits off the next space-delimited field.
std::string_view take_field(std::string_view& text) {
  std::size_t space = text.find(' ');
  std::string_view field = text.substr(0, space);
  text.remove_prefix(space == std::string_view::npos ? text.size() : space + 1);
  return field;
}

std::string nil_to_empty(std::string_view field) { return field == "-" ? "" : std::string(field); }

// "Mmm dd hh:mm:ss" (day space-padded) at the start of `text`.
bool starts_with_bsd_timestamp(std::string_view text) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (text.size() < 15) return false;
  bool month_known = false;
  for (auto month : kMonths) month_known |= text.substr(0, 3) == month;
  if (!month_known || text[3] != ' ') return false;
  if (!(text[4] == ' ' || is_digit(text[4])) || !is_digit(text[5]) || text[6] != ' ') return false;
  return is_digit(text[7]) && is_digit(text[8]) && text[9] == ':' && is_digit(text[10]) &&
         is_digit(text[11]) && text[12] == ':' && is_digit(text[13]) && is_digit(text[14]);
}

// STRUCTURED-DATA: "-" or one or more "[...]" elements; inside quoted values, \" \\ \] escape.
// Returns the raw elements and advances past them, or nullopt when malformed.
std::optional<std::string_view> take_structured_data(std::string_view& text) {
  if (!text.empty() && text[0] == '-') {
    std::string_view nil = text.substr(0, 1);
    text.remove_prefix(1);
    return nil;
  }
  std::size_t position = 0;
  while (position < text.size() && text[position] == '[') {
    bool in_quotes = false;
    ++position;
    for (;; ++position) {
      if (position >= text.size()) return std::nullopt;
      char character = text[position];
      if (in_quotes && character == '\\') {
        ++position;
        continue;
      }
      if (character == '"') in_quotes = !in_quotes;
      if (!in_quotes && character == ']') break;
    }
    ++position;
  }
  if (position == 0) return std::nullopt;
  std::string_view elements = text.substr(0, position);
  text.remove_prefix(position);
  return elements;
}

bool parse_rfc5424(std::string_view text, SyslogMessage& message) {
  if (text.size() < 2 || text[0] != '1' || text[1] != ' ') return false;
  text.remove_prefix(2);
  std::string_view timestamp = take_field(text);
  std::string_view hostname = take_field(text);
  std::string_view app_name = take_field(text);
  std::string_view process_id = take_field(text);
  std::string_view message_id = take_field(text);
  if (timestamp.empty() || hostname.empty() || app_name.empty() || process_id.empty() ||
      message_id.empty()) {
    return false;
  }
  auto structured = take_structured_data(text);
  if (!structured || (!text.empty() && text[0] != ' ')) return false;
  if (!text.empty()) text.remove_prefix(1);
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // UTF-8 BOM
  message.format = SyslogFormat::Rfc5424;
  message.timestamp = nil_to_empty(timestamp);
  message.hostname = nil_to_empty(hostname);
  message.app_name = nil_to_empty(app_name);
  message.process_id = nil_to_empty(process_id);
  message.message_id = nil_to_empty(message_id);
  message.structured_data = nil_to_empty(*structured);
  message.message = std::string(text);
  message.content = message.message;
  return true;
}

}  // namespace

std::string_view to_string(SyslogFormat format) {
  switch (format) {
    case SyslogFormat::Rfc5424: return "rfc5424";
    case SyslogFormat::Rfc3164: return "rfc3164";
    case SyslogFormat::Unstructured: return "unstructured";
  }
  return "unknown";
}

SyslogMessage parse_syslog_message(fw::ByteSpan datagram) {
  SyslogMessage message;
  if (datagram.size() > kSyslogMessageBytesMax) {
    datagram = datagram.first(kSyslogMessageBytesMax);
    message.truncated = true;
  }
  std::string_view text = fw::as_text(datagram);
  // Senders often end datagrams with a newline or NUL; neither is part of the message.
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == '\0')) {
    text.remove_suffix(1);
  }
  std::string_view after_priority = text;
  if (auto priority = take_priority(after_priority)) {
    message.has_priority = true;
    message.facility = static_cast<std::uint8_t>(*priority / 8);
    message.severity = static_cast<std::uint8_t>(*priority % 8);
    text = after_priority;
    if (parse_rfc5424(text, message)) return message;
    if (starts_with_bsd_timestamp(text)) {
      message.format = SyslogFormat::Rfc3164;
      message.timestamp = std::string(text.substr(0, 15));
      text.remove_prefix(text.size() > 15 && text[15] == ' ' ? 16 : 15);
      message.content = std::string(text);
      message.hostname = std::string(take_field(text));
      message.message = std::string(text);
      return message;
    }
  }
  message.format = SyslogFormat::Unstructured;
  message.message = std::string(text);
  message.content = message.message;
  return message;
}

}  // namespace srv
