#pragma once

// Where the agent's syslog messages go (reference §6). The agent decides the text; the runtime
// driver resolves the destination and sends the datagram that format_syslog_frame() frames
// (firmware-core/runtime/syslog_frame.h, which also defines SyslogSeverity).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "firmware-core/runtime/syslog_frame.h"

namespace fw {

// UDP port of Syslog_Server / Debug_Server when the text names none (decisions.md).
inline constexpr std::uint16_t kSyslogDefaultPort = 514;

struct SyslogDestination {
  std::string host;  // DNS name or dotted IPv4, as written
  std::uint16_t port = kSyslogDefaultPort;
  friend bool operator==(const SyslogDestination&, const SyslogDestination&) = default;
};

// Parses Syslog_Server / Debug_Server text: `host` or `host:port`. Returns nullopt for an empty
// text or one that is not a valid host (optionally with a port 1..65535): a phone with a
// mistyped server simply sends nothing.
std::optional<SyslogDestination> parse_syslog_destination(std::string_view text);

}  // namespace fw
