#pragma once

// Network addresses as the phone sees them: IPv4 only (the reference phones' provisioning runs
// over IPv4; IPv6 is out of scope until an issue asks for it).

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fw {

// An IPv4 address in host byte order: 192.168.1.200 is 0xC0A801C8.
struct Ipv4Address {
  std::uint32_t value = 0;

  constexpr auto operator<=>(const Ipv4Address&) const = default;

  // Parses dotted-quad text ("192.168.1.200"); nullopt for anything else (names, ranges,
  // leading zeros that would read as octal elsewhere, out-of-range octets).
  static std::optional<Ipv4Address> parse(std::string_view text);
  std::string to_string() const;
};

struct Endpoint {
  Ipv4Address address;
  std::uint16_t port = 0;

  constexpr auto operator<=>(const Endpoint&) const = default;
  // Parses "192.168.1.200:69" (dotted quad, a colon, a decimal port 0..65535 without sign or
  // leading zeros); nullopt for anything else. For command lines (provserver, phoned).
  static std::optional<Endpoint> parse(std::string_view text);
  std::string to_string() const;  // "192.168.1.200:69"
};

}  // namespace fw
