#pragma once

// The phone's syslog messages on the wire: RFC 3164 (BSD syslog) over UDP, as the reference
// phones send them to Syslog_Server and Debug_Server.
//
//   <PRI>Mmm dd hh:mm:ss [IDENTIFIER ]MESSAGE
//
// PRI = facility * 8 + severity. The identifier is the expanded Syslog_Identifier ($MA, $MAU,
// $MAC or $SN; empty for "None"), placed after the timestamp as the phones do. The timestamp is
// the phone's wall clock in UTC (phones have no configured time zone before provisioning).

#include <cstdint>
#include <string>
#include <string_view>

#include "firmware-core/base/bytes.h"
#include "firmware-core/runtime/time.h"

namespace fw {

// RFC 5424 severities (the same numbers RFC 3164 uses).
enum class SyslogSeverity : std::uint8_t {
  Emergency = 0, Alert = 1, Critical = 2, Error = 3, Warning = 4, Notice = 5, Informational = 6,
  Debug = 7,
};

// local0: the phones' facility for provisioning messages is not documented; local0 keeps them
// apart from a syslog server's own daemon and kernel messages and is what operators filter on.
inline constexpr std::uint8_t kSyslogFacilityLocal0 = 16;
// RFC 3164 §4.1: a relay may truncate beyond 1024 bytes, so the phone never sends more.
inline constexpr std::size_t kSyslogFrameBytesMax = 1024;

// Calendar fields of a wall-clock reading in UTC (proleptic Gregorian calendar).
struct CivilTime {
  std::int64_t year;
  int month;   // 1..12
  int day;     // 1..31
  int hour;    // 0..23
  int minute;  // 0..59
  int second;  // 0..59
};
CivilTime to_civil_time(WallTime time);
// "2026-11-24T10:00:00Z"
std::string format_iso8601(WallTime time);

// Builds one datagram. Control characters in the message become spaces, and the frame is cut
// at kSyslogFrameBytesMax (on a UTF-8 boundary), so templates from profiles cannot break it.
Bytes format_syslog_frame(SyslogSeverity severity, WallTime time, std::string_view identifier,
                          std::string_view message,
                          std::uint8_t facility = kSyslogFacilityLocal0);

}  // namespace fw
