#pragma once

// Bytes are unsigned everywhere: `char` is signed on x86-64 and unsigned on ARM Linux.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace fw {

using ByteSpan = std::span<const std::uint8_t>;
using Bytes = std::vector<std::uint8_t>;

// Views bytes as text without copying (for parsers that take characters, e.g. tinyxml2).
inline std::string_view as_text(ByteSpan bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// Views text as bytes without copying.
inline ByteSpan as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

inline Bytes to_bytes(std::string_view text) {
  ByteSpan view = as_bytes(text);
  return Bytes(view.begin(), view.end());
}

}  // namespace fw
