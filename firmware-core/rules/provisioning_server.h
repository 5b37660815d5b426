#pragma once

// Where a rule that names no server (`/$PSN.xml`, `[--key K] /cfg.xml`) fetches from.
//
// The options learned from DHCP are tried in DHCP_Option_To_Use order (default
// `66,160,159,150,60,43,125`); the first usable one wins:
//
//   66           TFTP server name or IPv4 address (text; a full URL is accepted too).
//   150          Cisco TFTP server list: IPv4 addresses, either as the RFC payload (4 bytes each)
//                or as text separated by ',' or spaces; the first one is used.
//   159, 160     a provisioning URL (`https://prov.example.com:8443/cfg`) or a plain host.
//                Decision: the option supplies the server, and its scheme and port unless the
//                rule wrote a scheme itself; the rule's own file path is always kept (the
//                option's path is ignored), so `/$PSN.xml` stays the file that is fetched.
//   43, 60, 125  vendor-specific; used only when the payload is a plain host name or IPv4.
//   anything else in the list: the same as 43/60/125.
//
// A value that is not usable (empty, not a host, binary garbage) is skipped and the next option
// is tried. Upgrade_Rule falls back to the host of the last successful resync
// (reference/decisions.md); Profile and Report rules do not.

#include <cstdint>
#include <map>
#include <span>
#include <string_view>
#include <vector>

#include "firmware-core/base/bytes.h"
#include "firmware-core/base/result.h"
#include "firmware-core/config/parameter_value.h"
#include "firmware-core/rules/provisioning_url.h"

namespace fw {

// DHCP options as learned from the DHCP server: code -> payload bytes (trailing NULs allowed).
// Codes are 16 bits wide so that DHCPv6 option numbers fit too.
using DhcpOptions = std::map<std::uint16_t, Bytes>;

// The factory value of DHCP_Option_To_Use.
inline constexpr std::string_view kDefaultDhcpOptionOrder = "66,160,159,150,60,43,125";
// Longest DHCP_Option_To_Use list accepted (options, not bytes).
inline constexpr std::size_t kDhcpOptionOrderEntriesMax = kIntegerListEntriesMax;

// Parses DHCP_Option_To_Use. Call it when the parameter changes (or once per resolution).
// Entries are separated by ',' or '.' (the guide prints `17.160.159`), spaces are ignored.
// Returns the codes in order; an empty text gives an empty list (DHCP is not consulted).
// Errors: InvalidValue when an entry is not a number in 1..65535 or the list has more than
// kDhcpOptionOrderEntriesMax entries.
Result<std::vector<std::uint16_t>> parse_dhcp_option_order(std::string_view text);

// The inputs a rule without a server may draw on.
struct ServerSources {
  DhcpOptions dhcp_options;
  std::vector<std::uint16_t> dhcp_option_order;
  // The host (name or IPv4) of the last successful resync; empty if none. Upgrade_Rule only.
  std::string last_resync_host;
};

// Fills in the server of a Profile/Report rule URL from DHCP. Call it when
// url.needs_server(); a URL that already has a server is returned unchanged.
// Errors: NoProvisioningServer when no option in the order holds a usable server (the detail
// lists which options were present but unusable).
Result<ProvisioningUrl> fill_server_from_dhcp(ProvisioningUrl url, const ServerSources& sources);

// The same for an Upgrade_Rule: DHCP first, then sources.last_resync_host.
// Errors: NoProvisioningServer when neither yields a server.
Result<ProvisioningUrl> fill_upgrade_server(ProvisioningUrl url, const ServerSources& sources);

}  // namespace fw
