#pragma once

// SyslogServer: the provisioning side's syslog receiver as a sans-IO core. The simulator hands it
// datagrams from the virtual network, provserver from a real UDP socket; scenarios and tests
// query what arrived (count, regular expression, per sender).

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>

#include "firmware-core/base/bytes.h"
#include "firmware-core/runtime/network_address.h"
#include "firmware-core/runtime/time.h"
#include "servers/syslog/syslog_message.h"

namespace srv {

struct ReceivedSyslog {
  fw::Instant received_at;       // the server's monotonic time
  fw::WallTime received_wall;    // the server's wall clock
  fw::Endpoint sender;
  SyslogMessage message;
};

// "2026-11-24T10:00:00Z 10.0.0.5:514 local0.info rfc3164 CP-6841-3PCC ... -- Requesting ..."
std::string format_log_line(const ReceivedSyslog& received);

class SyslogServer {
 public:
  // Keeps at most `stored_messages_max` messages; older ones are dropped (and counted) so a
  // long load test cannot exhaust memory.
  explicit SyslogServer(std::size_t stored_messages_max = 1'000'000);

  // Call for every datagram that arrives on the syslog port.
  void handle_datagram(fw::Instant now, fw::WallTime wall_now, fw::Endpoint from,
                       fw::ByteSpan datagram);

  // Called for each message as it is stored (provserver --syslog-out writes it to a file).
  void on_message(std::function<void(const ReceivedSyslog&)> observer) {
    observer_ = std::move(observer);
  }

  const std::deque<ReceivedSyslog>& messages() const { return messages_; }
  std::uint64_t received_count() const { return received_count_; }
  std::uint64_t dropped_count() const { return dropped_count_; }

  // Stored messages whose content matches `pattern` (ECMAScript regex, searched, not anchored).
  // Throws std::regex_error for an invalid pattern: callers validate patterns when they load them.
  std::size_t count_matching(std::string_view pattern) const;
  std::size_t count_from(fw::Ipv4Address sender) const;

 private:
  std::size_t stored_messages_max_;
  std::deque<ReceivedSyslog> messages_;
  std::uint64_t received_count_ = 0;
  std::uint64_t dropped_count_ = 0;
  std::function<void(const ReceivedSyslog&)> observer_;
};

}  // namespace srv
