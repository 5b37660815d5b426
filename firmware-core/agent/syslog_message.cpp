#include "firmware-core/agent/syslog_message.h"

#include <array>
#include <charconv>

#include "firmware-core/agent/resync_schedule.h"
#include "firmware-core/rules/provisioning_url.h"

namespace fw {

std::optional<SyslogDestination> parse_syslog_destination(std::string_view text) {
  while (!text.empty() && text.front() == ' ')
    text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ')
    text.remove_suffix(1);
  SyslogDestination destination;
  const std::size_t colon = text.rfind(':');
  std::string_view host = text;
  if (colon != std::string_view::npos) {
    host = text.substr(0, colon);
    std::string_view digits = text.substr(colon + 1);
    unsigned port = 0;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() ||
        port == 0 || port > 65535) {
      return std::nullopt;
    }
    destination.port = static_cast<std::uint16_t>(port);
  }
  if (!is_valid_host(host)) {
    return std::nullopt;
  }
  destination.host = std::string(host);
  return destination;
}


}  // namespace fw
