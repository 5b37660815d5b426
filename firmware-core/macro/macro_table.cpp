#include "firmware-core/macro/macro_table.h"

namespace fw {
namespace {

constexpr std::string_view kLowerHexDigits = "0123456789abcdef";
constexpr std::string_view kUpperHexDigits = "0123456789ABCDEF";
// "00:0e:08:aa:bb:cc": six pairs and five separators.
constexpr std::size_t kSeparatedMacBytes = 17;

std::string hex(const MacAddress& mac, std::string_view digits, char separator) {
  std::string text;
  text.reserve(kSeparatedMacBytes);
  for (std::size_t i = 0; i < mac.size(); ++i) {
    if (separator != '\0' && i > 0) {
      text.push_back(separator);
    }
    text.push_back(digits[mac[i] >> 4]);
    text.push_back(digits[mac[i] & 0x0f]);
  }
  return text;
}

std::optional<std::uint8_t> hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return static_cast<std::uint8_t>(c - '0');
  }
  if (c >= 'a' && c <= 'f') {
    return static_cast<std::uint8_t>(c - 'a' + 10);
  }
  if (c >= 'A' && c <= 'F') {
    return static_cast<std::uint8_t>(c - 'A' + 10);
  }
  return std::nullopt;
}

}  // namespace

MacroTable::MacroTable(
    std::initializer_list<std::pair<std::string_view, std::string_view>> entries) {
  for (const auto& [name, value] : entries) {
    set(name, value);
  }
}

void MacroTable::set(std::string_view name, std::string_view value) {
  if (auto found = values_.find(name); found != values_.end()) {
    found->second.assign(value);
    return;
  }
  values_.emplace(std::string(name), std::string(value));
}

bool MacroTable::erase(std::string_view name) {
  auto found = values_.find(name);
  if (found == values_.end()) {
    return false;
  }
  values_.erase(found);
  return true;
}

std::optional<std::string> MacroTable::lookup(std::string_view name) const {
  auto found = values_.find(name);
  if (found == values_.end()) {
    return std::nullopt;
  }
  return found->second;
}

std::string mac_lower_hex(const MacAddress& mac) {
  return hex(mac, kLowerHexDigits, '\0');
}
std::string mac_upper_hex(const MacAddress& mac) {
  return hex(mac, kUpperHexDigits, '\0');
}
std::string mac_colon_form(const MacAddress& mac) {
  return hex(mac, kLowerHexDigits, ':');
}

void set_mac_macros(MacroTable& table, const MacAddress& mac) {
  table.set("MA", mac_lower_hex(mac));
  table.set("MAU", mac_upper_hex(mac));
  table.set("MAC", mac_colon_form(mac));
}

Result<MacAddress> parse_mac_address(std::string_view text) {
  bool separated = text.size() == kSeparatedMacBytes;
  if (!separated && text.size() != 2 * MacAddress{}.size()) {
    return fail(ErrorCode::InvalidValue,
                "a MAC address is 12 hex digits or 6 hex pairs separated by ':' or '-'");
  }
  char separator = separated ? text[2] : '\0';
  if (separated && separator != ':' && separator != '-') {
    return fail(ErrorCode::InvalidValue, "MAC address pairs must be separated by ':' or '-'");
  }
  MacAddress mac{};
  std::size_t stride = separated ? 3 : 2;
  for (std::size_t i = 0; i < mac.size(); ++i) {
    std::size_t at = i * stride;
    if (separated && i > 0 && text[at - 1] != separator) {
      return fail(ErrorCode::InvalidValue, "MAC address separators must all be the same");
    }
    auto high = hex_value(text[at]);
    auto low = hex_value(text[at + 1]);
    if (!high || !low) {
      return fail(ErrorCode::InvalidValue, "MAC address has a character that is not a hex digit");
    }
    mac[i] = static_cast<std::uint8_t>((*high << 4) | *low);
  }
  return mac;
}

}  // namespace fw
