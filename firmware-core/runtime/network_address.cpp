#include "firmware-core/runtime/network_address.h"

namespace fw {

std::optional<Ipv4Address> Ipv4Address::parse(std::string_view text) {
  std::uint32_t value = 0;
  std::size_t position = 0;
  for (int octet_index = 0; octet_index < 4; ++octet_index) {
    if (octet_index > 0) {
      if (position >= text.size() || text[position] != '.') return std::nullopt;
      ++position;
    }
    std::size_t digits = 0;
    std::uint32_t octet = 0;
    while (position < text.size() && text[position] >= '0' && text[position] <= '9' && digits < 4) {
      octet = octet * 10 + static_cast<std::uint32_t>(text[position] - '0');
      ++position;
      ++digits;
    }
    if (digits == 0 || digits > 3 || octet > 255) return std::nullopt;
    if (digits > 1 && text[position - digits] == '0') return std::nullopt;
    value = (value << 8) | octet;
  }
  if (position != text.size()) return std::nullopt;
  return Ipv4Address{value};
}

std::string Ipv4Address::to_string() const {
  std::string text;
  for (int shift = 24; shift >= 0; shift -= 8) {
    if (shift != 24) text += '.';
    text += std::to_string((value >> shift) & 0xFFu);
  }
  return text;
}

std::optional<Endpoint> Endpoint::parse(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto address = Ipv4Address::parse(text.substr(0, colon));
  const std::string_view digits = text.substr(colon + 1);
  if (!address || digits.empty() || digits.size() > 5) return std::nullopt;
  if (digits.size() > 1 && digits.front() == '0') return std::nullopt;
  std::uint32_t port = 0;
  for (const char digit : digits) {
    if (digit < '0' || digit > '9') return std::nullopt;
    port = port * 10 + static_cast<std::uint32_t>(digit - '0');
  }
  if (port > 65535) return std::nullopt;
  return Endpoint{*address, static_cast<std::uint16_t>(port)};
}

std::string Endpoint::to_string() const {
  return address.to_string() + ":" + std::to_string(port);
}

}  // namespace fw
