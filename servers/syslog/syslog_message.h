#pragma once

// One syslog message as a server receives it: RFC 5424 when the header says version 1, RFC 3164
// (BSD) when it has the "Mmm dd hh:mm:ss" timestamp, otherwise unstructured text. Parsing never
// fails: like an RFC 3164 relay (§4.3.3), a datagram without a valid PRI is kept as user.notice
// text, so a QA engineer sees exactly what a broken sender sent.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "firmware-core/base/bytes.h"

namespace srv {

enum class SyslogFormat : std::uint8_t { Rfc5424, Rfc3164, Unstructured };
std::string_view to_string(SyslogFormat format);

// RFC 5424 §6.1 says receivers should accept 2048 bytes; longer datagrams are cut here and flagged.
inline constexpr std::size_t kSyslogMessageBytesMax = 8192;

struct SyslogMessage {
  SyslogFormat format = SyslogFormat::Unstructured;
  bool has_priority = false;    // false: no valid <PRI>, facility/severity are the defaults
  std::uint8_t facility = 1;    // user
  std::uint8_t severity = 5;    // notice
  bool truncated = false;       // the datagram exceeded kSyslogMessageBytesMax
  std::string timestamp;        // as sent ("Nov 24 10:00:00", "2026-11-24T10:00:00Z"); may be empty
  std::string hostname;         // 3164: first word after the timestamp; 5424: HOSTNAME ("" for -)
  std::string app_name;         // 5424 only
  std::string process_id;       // 5424 only
  std::string message_id;       // 5424 only
  std::string structured_data;  // 5424 only, raw ("" for -)
  std::string message;          // MSG: 3164 after the hostname; 5424 after SD (BOM removed)
  // What people search: 3164 everything after the timestamp (hostname included, since senders
  // such as the phones put their identifier there), 5424 the MSG, unstructured the whole text.
  std::string content;
};

SyslogMessage parse_syslog_message(fw::ByteSpan datagram);

}  // namespace srv
