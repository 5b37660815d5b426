// Fuzzes what the phone learns from the DHCP server: option payloads and the DHCP_Option_To_Use
// list (parse_dhcp_option_order, fill_server_from_dhcp, fill_upgrade_server). Both come from the
// network or a profile, so any bytes must give a server or NoProvisioningServer, never a crash.
//
// Input layout (all parts optional):
//   byte 0            the rule URL without a server: bits 0-1 scheme (tftp, http, https; 3 is
//                     tftp), bit 2 whether the rule wrote the scheme
//   ... '\n'          DHCP_Option_To_Use text (the default order if it does not parse)
//   then records      code (1 byte), length (1 byte), payload; code 0 is the last resync host
//
// Properties:
//   1. an order that parses has 1..kDhcpOptionOrderEntriesMax non-zero codes (or is empty) and
//      parses again to the same list when printed with ',' (and with '.');
//   2. a filled URL always has a valid host, keeps the rule's path, keeps a scheme the rule
//      wrote, has the scheme's default port unless a port was supplied, and prints as a URL that
//      parses back to the same scheme, host, port and path;
//   3. a failure is NoProvisioningServer;
//   4. the upgrade variant without a last resync host decides exactly like the profile variant,
//      and with a valid last resync host it always finds a server;
//   5. a URL that already names a server is returned unchanged.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "firmware-core/base/bytes.h"
#include "firmware-core/rules/provisioning_server.h"
#include "firmware-core/rules/provisioning_url.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using fuzz::check;

constexpr std::string_view kRulePath = "/$PSN.xml";

std::string join(const std::vector<std::uint16_t>& codes, char separator) {
  std::string text;
  for (std::uint16_t code : codes) {
    if (!text.empty()) {
      text += separator;
    }
    text += std::to_string(code);
  }
  return text;
}

std::vector<std::uint16_t> checked_order(std::string_view text) {
  auto order = fw::parse_dhcp_option_order(text);
  if (!order) {
    check(order.error().code == fw::ErrorCode::InvalidValue);
    return *fw::parse_dhcp_option_order(fw::kDefaultDhcpOptionOrder);
  }
  check(order->size() <= fw::kDhcpOptionOrderEntriesMax);
  for (std::uint16_t code : *order) {
    check(code != 0);
  }
  for (char separator : {',', '.'}) {
    auto again = fw::parse_dhcp_option_order(join(*order, separator));
    check(again.has_value() && *again == *order);
  }
  return *order;
}

fw::ProvisioningUrl serverless_url(std::uint8_t selector) {
  fw::ProvisioningUrl url;
  switch (selector & 0x3) {
    case 1:
      url.scheme = fw::UrlScheme::Http;
      break;
    case 2:
      url.scheme = fw::UrlScheme::Https;
      break;
    default:
      url.scheme = fw::UrlScheme::Tftp;
      break;
  }
  url.scheme_explicit = (selector & 0x4) != 0;
  url.port = fw::default_port(url.scheme);
  url.path = std::string(kRulePath);
  return url;
}

void check_filled(const fw::ProvisioningUrl& rule, const fw::ProvisioningUrl& filled) {
  check(filled.has_server() && !filled.needs_server());
  check(fw::is_valid_host(filled.host));
  check(filled.path == rule.path);
  check(filled.scheme_explicit == rule.scheme_explicit);
  if (rule.scheme_explicit) {
    check(filled.scheme == rule.scheme);
  }
  if (!filled.port_explicit) {
    check(filled.port == fw::default_port(filled.scheme));
  }
  check(filled.port != 0);
  auto printed = fw::parse_provisioning_url(filled.to_string());
  check(printed.has_value());
  check(printed->scheme == filled.scheme && printed->host == filled.host &&
        printed->port == filled.port && printed->path == filled.path);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const fw::ProvisioningUrl rule = serverless_url(data[0]);
  std::string_view rest = fw::as_text(fw::ByteSpan(data + 1, size - 1));

  std::size_t newline = rest.find('\n');
  fw::ServerSources sources;
  sources.dhcp_option_order = checked_order(rest.substr(0, newline));
  std::string_view records =
      newline == std::string_view::npos ? std::string_view{} : rest.substr(newline + 1);
  while (records.size() >= 2) {
    auto code = static_cast<std::uint8_t>(records[0]);
    std::size_t length =
        std::min<std::size_t>(static_cast<std::uint8_t>(records[1]), records.size() - 2);
    std::string_view payload = records.substr(2, length);
    if (code == 0) {
      sources.last_resync_host = std::string(payload);
    } else {
      sources.dhcp_options[code] = fw::to_bytes(payload);
    }
    records.remove_prefix(2 + length);
  }

  auto profile = fw::fill_server_from_dhcp(rule, sources);
  if (profile) {
    check_filled(rule, *profile);
  } else {
    check(profile.error().code == fw::ErrorCode::NoProvisioningServer);
  }

  fw::ServerSources without_last_host = sources;
  without_last_host.last_resync_host.clear();
  auto upgrade_dhcp_only = fw::fill_upgrade_server(rule, without_last_host);
  check(upgrade_dhcp_only.has_value() == profile.has_value());
  if (profile) {
    check(*upgrade_dhcp_only == *profile);
  }

  auto upgrade = fw::fill_upgrade_server(rule, sources);
  if (upgrade) {
    check_filled(rule, *upgrade);
  } else {
    check(upgrade.error().code == fw::ErrorCode::NoProvisioningServer);
  }
  if (fw::is_valid_host(sources.last_resync_host)) {
    check(upgrade.has_value());
  }

  // A rule that names its server never consults DHCP.
  fw::ProvisioningUrl named = rule;
  named.host = "prov.example.com";
  auto kept = fw::fill_server_from_dhcp(named, sources);
  check(kept.has_value() && *kept == named);
  return 0;
}
