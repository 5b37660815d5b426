#pragma once

// Syslog messages the agent sends (reference §6): where they go and how they are framed.
// The agent decides the text; the runtime driver resolves the destination and sends the
// datagram that rfc3164_datagram() frames.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "firmware-core/runtime/time.h"

namespace fw {

// UDP port of Syslog_Server / Debug_Server when the text names none (decisions.md).
inline constexpr std::uint16_t kSyslogDefaultPort = 514;

// RFC 3164 / 5424 severities.
enum class SyslogSeverity : std::uint8_t {
  Emergency = 0,
  Alert = 1,
  Critical = 2,
  Error = 3,
  Warning = 4,
  Notice = 5,
  Informational = 6,
  Debug = 7,
};

// The facility the phone logs under (local0: a device, not a system daemon).
inline constexpr std::uint8_t kSyslogFacility = 16;

struct SyslogDestination {
  std::string host;  // DNS name or dotted IPv4, as written
  std::uint16_t port = kSyslogDefaultPort;
  friend bool operator==(const SyslogDestination&, const SyslogDestination&) = default;
};

// Parses Syslog_Server / Debug_Server text: `host` or `host:port`. Returns nullopt for an empty
// text or one that is not a valid host (optionally with a port 1..65535): a phone with a
// mistyped server simply sends nothing.
std::optional<SyslogDestination> parse_syslog_destination(std::string_view text);

// One RFC 3164 datagram: "<PRI>Mmm dd hh:mm:ss IDENTIFIER MESSAGE" (the identifier and its space
// left out when empty; Syslog_Identifier "None"). `now` is the phone's wall clock (UTC).
std::string rfc3164_datagram(SyslogSeverity severity, WallTime now, std::string_view identifier,
                             std::string_view message);

}  // namespace fw
