#pragma once

// Escaping for the XML the firmware writes (configuration exports, status pages, CGI/Execute
// replies). Reading XML is tinyxml2's job; writing a few elements needs only this.

#include <string>
#include <string_view>

namespace fw {

// Appends `text` for use as element content: & < > escaped (a " stays as is).
inline void append_xml_text(std::string& out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
}

// Appends `text` for use inside a double-quoted attribute value: & < > " escaped.
inline void append_xml_attribute(std::string& out, std::string_view text) {
  for (const char c : text) {
    if (c == '"') {
      out += "&quot;";
    } else {
      append_xml_text(out, std::string_view(&c, 1));
    }
  }
}

// The same as new strings.
inline std::string xml_text(std::string_view text) {
  std::string out;
  append_xml_text(out, text);
  return out;
}
inline std::string xml_attribute(std::string_view text) {
  std::string out;
  append_xml_attribute(out, text);
  return out;
}

}  // namespace fw
