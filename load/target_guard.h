#pragma once

// The safety rules of `phonesim load`: it sends traffic only to this machine's loopback
// (127.0.0.0/8, ::1) unless --allow-remote-target is given. Two layers:
//
// - before the run, every host named in the phones' configuration (URLs in the profile rule and
//   every --param, the *_Server parameters, DHCP options) is resolved with the system resolver
//   and every address it resolves to is checked (check_targets: a name that resolves to one
//   loopback and one other address is refused);
// - while the run goes, LoadPhonePlatform checks every connect, datagram and DNS answer
//   (is_allowed_target), so a host the phones compute at run time ($SERVIP, a redirect, a rule a
//   profile sets) cannot escape either.
//
// The project's test namespaces (network namespaces a test makes itself) have no fixed
// addresses yet; a run aimed at one needs --allow-remote-target.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "firmware-core/base/result.h"
#include "firmware-core/runtime/network_address.h"

namespace load {

// 127.0.0.0/8.
bool is_loopback(fw::Ipv4Address address);
// Textual address (IPv4 dotted quad, IPv6, IPv4-mapped IPv6): 127.0.0.0/8, ::1,
// ::ffff:127.0.0.0/104. False for names and for anything that does not parse.
bool is_loopback_text(std::string_view address);

inline bool is_allowed_target(fw::Ipv4Address address, bool allow_remote) {
  return allow_remote || is_loopback(address);
}

// The hosts named in `text`: each "scheme://host[:port]..." (IPv6 in brackets is returned
// without them), in order, duplicates kept out. Hosts holding a macro ('$') are left out: they
// are known only at run time and are checked there.
std::vector<std::string> url_hosts(std::string_view text);
// The host of "host[:port]" or "[v6]:port" (a server parameter such as Syslog_Server, or a DHCP
// option value); empty for empty text or a host holding a macro.
std::string host_of_server_value(std::string_view text);

// Resolves every host (all address families) and checks every address. Errors: InvalidValue
// naming the host, the refused address and --allow-remote-target; DnsFailed naming a host that
// does not resolve. With `allow_remote` nothing is resolved and nothing refused.
fw::Result<void> check_targets(const std::vector<std::string>& hosts, bool allow_remote);

// Limits --bind: at most this many source addresses.
inline constexpr std::uint64_t kBindAddressesMax = 65536;

// --bind ADDR-RANGE: "127.0.0.2", "127.0.0.2-127.0.0.200" or "127.0.1.0/24" (a /N of 32 - N
// host bits, network and broadcast included: on loopback every address is usable). Every address
// must be loopback unless `allow_remote` (then the kernel refuses any that is not local when a
// phone binds it). Errors: InvalidValue naming the text and why.
fw::Result<std::vector<fw::Ipv4Address>> parse_bind_range(std::string_view text, bool allow_remote);

}  // namespace load
