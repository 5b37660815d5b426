#include "firmware-core/rules/provisioning_url.h"

#include <array>
#include <charconv>

namespace fw {
namespace {

struct SchemeRow {
  std::string_view name;
  UrlScheme scheme;
};

constexpr std::array<SchemeRow, 4> kSchemes = {{
    {"tftp", UrlScheme::Tftp},
    {"http", UrlScheme::Http},
    {"https", UrlScheme::Https},
    {"gds", UrlScheme::Gds},
}};

char to_lower_ascii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_lower_ascii(a[i]) != to_lower_ascii(b[i])) {
      return false;
    }
  }
  return true;
}

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// RFC 3986 scheme characters; used to tell "http://x/y" from "/cgi?next=http://x".
bool looks_like_scheme(std::string_view text) {
  if (text.empty() || !is_alpha(text[0])) {
    return false;
  }
  for (char c : text) {
    if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') {
      return false;
    }
  }
  return true;
}

// Characters a path may hold: printable ASCII without space and the characters RFC 3986 never
// allows unencoded. A byte outside this set usually means a macro expanded to something odd.
bool is_path_char(char c) {
  auto byte = static_cast<unsigned char>(c);
  if (byte <= 0x20 || byte >= 0x7f) {
    return false;
  }
  switch (c) {
    case '"':
    case '<':
    case '>':
    case '\\':
    case '^':
    case '`':
    case '{':
    case '}':
    case '|':
    case '[':
    case ']':
      return false;
    default:
      return true;
  }
}

Failure url_error_at(std::size_t position, std::string_view what) {
  return fail_at(ErrorCode::UrlSyntax, position, what);
}

bool is_dotted_ipv4(std::string_view text) {
  int octets = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('.', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    std::string_view part = text.substr(start, end - start);
    if (part.empty() || part.size() > 3) {
      return false;
    }
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (ec != std::errc{} || ptr != part.data() + part.size() || value > 255) {
      return false;
    }
    ++octets;
    start = end + 1;
  }
  return octets == 4;
}

}  // namespace

std::string_view scheme_name(UrlScheme scheme) {
  for (const SchemeRow& row : kSchemes) {
    if (row.scheme == scheme) {
      return row.name;
    }
  }
  return "tftp";
}

std::uint16_t default_port(UrlScheme scheme) {
  switch (scheme) {
    case UrlScheme::Tftp:
      return 69;
    case UrlScheme::Http:
      return 80;
    case UrlScheme::Https:
      return 443;
    case UrlScheme::Gds:
      return 0;
  }
  return 0;
}

bool is_valid_host(std::string_view text) {
  if (text.empty() || text.size() > kHostBytesMax) {
    return false;
  }
  bool digits_and_dots_only = true;
  for (char c : text) {
    if (!is_digit(c) && c != '.') {
      digits_and_dots_only = false;
    }
  }
  if (digits_and_dots_only) {
    return is_dotted_ipv4(text);
  }
  std::size_t label_bytes = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.') {
      if (label_bytes == 0 || text[i - 1] == '-') {
        return false;
      }
      label_bytes = 0;
      continue;
    }
    if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '_') {
      return false;
    }
    if (c == '-' && label_bytes == 0) {
      return false;
    }
    if (++label_bytes > kHostLabelBytesMax) {
      return false;
    }
  }
  return label_bytes != 0 && text.back() != '-';
}

Result<ProvisioningUrl> parse_provisioning_url(std::string_view text, std::size_t position_base) {
  auto url_error = [position_base](std::size_t position, std::string_view what) {
    return url_error_at(position_base + position, what);
  };
  if (text.size() > kUrlBytesMax) {
    return url_error(kUrlBytesMax, "URL longer than " + std::to_string(kUrlBytesMax) + " bytes");
  }
  if (text.empty()) {
    return url_error(0, "expected a URL");
  }
  ProvisioningUrl url;
  std::size_t position = 0;

  std::size_t separator = text.find("://");
  if (separator != std::string_view::npos && looks_like_scheme(text.substr(0, separator))) {
    std::string_view written = text.substr(0, separator);
    bool known = false;
    for (const SchemeRow& row : kSchemes) {
      if (equals_ignoring_case(written, row.name)) {
        url.scheme = row.scheme;
        known = true;
      }
    }
    if (!known) {
      return url_error(0, "unknown scheme (expected tftp, http, https or gds)");
    }
    url.scheme_explicit = true;
    position = separator + 3;
    if (url.scheme == UrlScheme::Gds) {
      if (position != text.size()) {
        return url_error(position, "gds:// takes no server or path");
      }
      url.port = 0;
      return url;
    }
  }
  url.port = default_port(url.scheme);

  std::size_t path_start = text.find('/', position);
  if (path_start == std::string_view::npos) {
    return url_error(text.size(), "expected an absolute file path starting with '/'");
  }
  std::string_view authority = text.substr(position, path_start - position);
  if (authority.find('@') != std::string_view::npos) {
    return url_error(position, "credentials in the URL are not supported (use --uid/--pwd)");
  }
  if (!authority.empty()) {
    std::size_t colon = authority.find(':');
    std::string_view host = authority.substr(0, colon);
    if (!is_valid_host(host)) {
      return url_error(position, "expected a DNS name or dotted IPv4 address as server");
    }
    url.host = std::string(host);
    if (colon != std::string_view::npos) {
      std::size_t port_position = position + colon + 1;
      std::string_view port_text = authority.substr(colon + 1);
      unsigned value = 0;
      auto [ptr, ec] =
          std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
      if (port_text.empty() || ec != std::errc{} || ptr != port_text.data() + port_text.size()) {
        return url_error(port_position, "expected a port number");
      }
      if (value < 1 || value > 65535) {
        return url_error(port_position, "port out of range 1..65535");
      }
      url.port = static_cast<std::uint16_t>(value);
      url.port_explicit = true;
    }
  }
  for (std::size_t i = path_start; i < text.size(); ++i) {
    if (!is_path_char(text[i])) {
      return url_error(i, "character not allowed in a URL path");
    }
  }
  url.path = std::string(text.substr(path_start));
  return url;
}

std::string ProvisioningUrl::to_string() const {
  std::string text(scheme_name(scheme));
  text += "://";
  if (scheme == UrlScheme::Gds) {
    return text;
  }
  text += host;
  text += ':';
  text += std::to_string(port);
  text += path;
  return text;
}

std::optional<std::string> url_macro(const ProvisioningUrl& url, std::string_view name) {
  if (name == "SCHEME" || name == "METH") {
    return std::string(scheme_name(url.scheme));
  }
  if (name == "SERV") {
    return url.host;
  }
  if (name == "PORT") {
    return std::to_string(url.port);
  }
  if (name == "PATH") {
    return url.path;
  }
  return std::nullopt;
}

}  // namespace fw
