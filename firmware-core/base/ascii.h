#pragma once

// ASCII case folding for protocol tokens (HTTP field names, TFTP options and modes): never the
// C locale's tolower, whose answer depends on the process locale and on char's signedness.

#include <algorithm>
#include <string_view>

namespace fw {

constexpr char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr bool equals_ignoring_case(std::string_view left, std::string_view right) {
  return std::ranges::equal(left, right,
                            [](char a, char b) { return ascii_lower(a) == ascii_lower(b); });
}

}  // namespace fw
