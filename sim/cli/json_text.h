#pragma once

// The little JSON the commands print (`--json`). No JSON library is among our Debian
// dependencies, and quoting strings is the only part that needs care.

#include <string>
#include <string_view>

namespace sim::cli {

// `text` as a JSON string literal, quotes included. Control characters become \uXXXX (or \n,
// \t, ...); bytes that are not valid UTF-8 become U+FFFD so that the output is always valid JSON.
std::string json_quote(std::string_view text);

}  // namespace sim::cli
