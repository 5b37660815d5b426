#include "servers/activation/activation_codes_file.h"

#include <charconv>
#include <cstdint>
#include <string>

#include "firmware-core/agent/activation_protocol.h"

namespace srv {
namespace {

constexpr std::string_view kSpaces = " \t\r";

// The next space-separated word of `line` from `position`, advancing past it.
std::string_view next_word(std::string_view line, std::size_t& position) {
  const std::size_t start = line.find_first_not_of(kSpaces, position);
  if (start == std::string_view::npos) {
    position = line.size();
    return {};
  }
  std::size_t end = line.find_first_of(kSpaces, start);
  if (end == std::string_view::npos) end = line.size();
  position = end;
  return line.substr(start, end - start);
}

}  // namespace

fw::Result<std::vector<ActivationCodeSpec>> parse_activation_codes(std::string_view text,
                                                                   fw::WallTime loaded_at) {
  if (text.size() > kActivationCodesFileBytesMax) {
    return fw::fail(fw::ErrorCode::InvalidValue,
                    "activation codes: the file is larger than " +
                        std::to_string(kActivationCodesFileBytesMax) + " bytes");
  }
  std::vector<ActivationCodeSpec> codes;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const std::size_t newline = text.find('\n');
    const std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    const std::string where = "activation codes: line " + std::to_string(line_number) + ": ";
    if (line.size() > kActivationCodesLineBytesMax) {
      return fw::fail(fw::ErrorCode::InvalidValue,
                      where + "longer than " + std::to_string(kActivationCodesLineBytesMax) +
                          " bytes");
    }
    std::size_t position = 0;
    const std::string_view code = next_word(line, position);
    if (code.empty() || code.front() == '#') continue;
    if (codes.size() == kActivationCodesMax) {
      return fw::fail(fw::ErrorCode::InvalidValue,
                      where + "more than " + std::to_string(kActivationCodesMax) + " codes");
    }
    ActivationCodeSpec spec;
    if (!fw::normalize_activation_code(code)) {
      return fw::fail(fw::ErrorCode::InvalidValue,
                      where + "the code is not 16 digits (dashes between groups allowed)");
    }
    spec.code = std::string(code);
    const std::string_view expires = next_word(line, position);
    if (expires.empty()) {
      return fw::fail(fw::ErrorCode::InvalidValue, where + "expected EXPIRES and RULE after the code");
    }
    if (expires != "never") {
      std::int64_t valid_s = 0;
      auto [end, error] = std::from_chars(expires.data(), expires.data() + expires.size(), valid_s);
      constexpr std::int64_t kValidSecondsMax = std::int64_t{100} * 365 * 86400;
      if (error != std::errc() || end != expires.data() + expires.size() || valid_s < 0 ||
          valid_s > kValidSecondsMax) {
        return fw::fail(fw::ErrorCode::InvalidValue,
                        where + "EXPIRES is 'never' or the seconds the code stays valid (0 to " +
                            std::to_string(kValidSecondsMax) + ")");
      }
      spec.expires = fw::WallTime{loaded_at.unix_seconds + valid_s};
    }
    std::size_t rule_start = line.find_first_not_of(kSpaces, position);
    std::size_t after_mac = rule_start;
    const std::string_view maybe_mac = next_word(line, after_mac);
    if (maybe_mac.starts_with("mac=")) {
      spec.mac = std::string(maybe_mac.substr(4));
      rule_start = line.find_first_not_of(kSpaces, after_mac);
    }
    if (rule_start == std::string_view::npos) {
      return fw::fail(fw::ErrorCode::InvalidValue, where + "no RULE after EXPIRES");
    }
    std::string_view rule = line.substr(rule_start);
    while (!rule.empty() && kSpaces.find(rule.back()) != std::string_view::npos) {
      rule.remove_suffix(1);
    }
    spec.profile_rule = std::string(rule);
    codes.push_back(std::move(spec));
  }
  return codes;
}

}  // namespace srv
