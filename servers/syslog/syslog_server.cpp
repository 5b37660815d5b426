#include "servers/syslog/syslog_server.h"

#include <regex>

#include "firmware-core/runtime/syslog_frame.h"

namespace srv {
namespace {

constexpr std::string_view kFacilityNames[] = {
    "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv",
    "ftp", "ntp", "audit", "alert", "clock", "local0", "local1", "local2", "local3", "local4",
    "local5", "local6", "local7"};
constexpr std::string_view kSeverityNames[] = {"emerg", "alert", "crit",  "err",
                                               "warning", "notice", "info", "debug"};

}  // namespace

std::string format_log_line(const ReceivedSyslog& received) {
  const SyslogMessage& message = received.message;
  std::string line = fw::format_iso8601(received.received_wall);
  line += ' ';
  line += received.sender.to_string();
  line += ' ';
  line += kFacilityNames[message.facility % std::size(kFacilityNames)];
  line += '.';
  line += kSeverityNames[message.severity % 8];
  line += ' ';
  line += to_string(message.format);
  line += ' ';
  for (char character : message.content) {
    line += (static_cast<unsigned char>(character) < 0x20) ? ' ' : character;
  }
  return line;
}

SyslogServer::SyslogServer(std::size_t stored_messages_max)
    : stored_messages_max_(stored_messages_max) {}

void SyslogServer::handle_datagram(fw::Instant now, fw::WallTime wall_now, fw::Endpoint from,
                                   fw::ByteSpan datagram) {
  ++received_count_;
  ReceivedSyslog received{now, wall_now, from, parse_syslog_message(datagram)};
  if (observer_) observer_(received);
  if (stored_messages_max_ == 0) {
    ++dropped_count_;
    return;
  }
  if (messages_.size() == stored_messages_max_) {
    messages_.pop_front();
    ++dropped_count_;
  }
  messages_.push_back(std::move(received));
}

std::size_t SyslogServer::count_matching(std::string_view pattern) const {
  std::regex expression{std::string(pattern), std::regex::ECMAScript};
  std::size_t count = 0;
  for (const auto& received : messages_) {
    if (std::regex_search(received.message.content, expression)) ++count;
  }
  return count;
}

std::size_t SyslogServer::count_from(fw::Ipv4Address sender) const {
  std::size_t count = 0;
  for (const auto& received : messages_) count += received.sender.address == sender ? 1 : 0;
  return count;
}

}  // namespace srv
