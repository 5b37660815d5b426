#pragma once

// The one JSON string quoter: the trace, the `phonesim` commands (`--json`) and the run reports
// all write strings through it. No JSON library is among our Debian dependencies, and quoting
// strings is the only part that needs care.

#include <string>
#include <string_view>

namespace sim {

// Appends `text` as a JSON string literal, quotes included. Control characters and DEL become
// \uXXXX (or \n, \t, \r); bytes that are not well-formed UTF-8 become U+FFFD, so the output is
// always valid JSON whatever a phone or a server sent.
void append_json_string(std::string& out, std::string_view text);

// The same as a new string.
std::string json_quote(std::string_view text);

}  // namespace sim
