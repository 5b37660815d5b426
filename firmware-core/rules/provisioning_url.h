#pragma once

// The URL of a profile/upgrade/report rule (reference §1):
//
//   [scheme://][server[:port]]filepath
//
// scheme is tftp (the default), http or https, case-insensitive; `gds://` (Cisco activation-code
// onboarding) is a scheme of its own with no server or path. server is a DNS name or a dotted
// IPv4 address; port defaults to 69/80/443. filepath is mandatory, starts with '/' and may carry
// a query (`https://secure.me.com/profile?Linksys`). A rule that omits the server
// (`/$PSN.xml`) gets one from DHCP, see provisioning_server.h.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "firmware-core/base/result.h"

namespace fw {

// Longest URL text accepted (the MPP web UI allows 1024 characters in URL parameters).
inline constexpr std::size_t kUrlBytesMax = 1024;
// Longest host name accepted (RFC 1035: 253 characters in text form).
inline constexpr std::size_t kHostBytesMax = 253;
// Longest label of a DNS name (RFC 1035).
inline constexpr std::size_t kHostLabelBytesMax = 63;

enum class UrlScheme : std::uint8_t { Tftp, Http, Https, Gds };

// "tftp", "http", "https", "gds": the $SCHEME value (lower case, reference/decisions.md).
std::string_view scheme_name(UrlScheme scheme);
// 69, 80, 443; 0 for gds (the activation service is not addressed by a port of ours).
std::uint16_t default_port(UrlScheme scheme);

struct ProvisioningUrl {
  UrlScheme scheme = UrlScheme::Tftp;
  // Whether the rule wrote the scheme; an omitted scheme may be taken from a DHCP-supplied URL.
  bool scheme_explicit = false;
  // DNS name or dotted IPv4 as written; empty when the rule named no server (see has_server()).
  std::string host;
  // Always set: the written port or the scheme's default.
  std::uint16_t port = 69;
  bool port_explicit = false;
  // Starts with '/', includes any query; empty only for gds.
  std::string path;

  bool has_server() const { return !host.empty(); }
  // Whether the rule still needs a server from DHCP or the last resync before it can be fetched.
  bool needs_server() const { return scheme != UrlScheme::Gds && host.empty(); }
  // "tftp://192.168.1.200:69/basic.txt": always with the numeric port (the phone's log form);
  // "gds://" for gds.
  std::string to_string() const;

  friend bool operator==(const ProvisioningUrl&, const ProvisioningUrl&) = default;
};

// Parses one URL as written in a rule (after macro expansion). Call it on the URL part of a
// chosen rule alternative. Returns the URL with its server possibly empty (needs_server()).
// Errors: UrlSyntax naming the 0-based position and what was expected (unknown scheme, bad or
// out-of-range port, bad host, missing or relative path, forbidden character, longer than
// kUrlBytesMax). `position_base` is added to the positions in error details, so that a caller
// that took the URL out of a longer rule reports positions in the rule.
Result<ProvisioningUrl> parse_provisioning_url(std::string_view text,
                                               std::size_t position_base = 0);

// Whether `text` is a DNS name (labels of letters, digits, '-' and '_', at most
// kHostLabelBytesMax each, kHostBytesMax in all) or a dotted IPv4 address. Names made only of
// digits and dots must be valid IPv4 ("1.2.3.999" is not a host).
bool is_valid_host(std::string_view text);

// The URL's value for a log-template macro: SCHEME (and its deprecated alias METH) lower case,
// SERV the host, PORT always numeric, PATH the path with its query. nullopt for other names
// (SERVIP, the resolved address, belongs to the agent).
std::optional<std::string> url_macro(const ProvisioningUrl& url, std::string_view name);

}  // namespace fw
