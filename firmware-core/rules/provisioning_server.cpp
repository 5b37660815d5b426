#include "firmware-core/rules/provisioning_server.h"

#include <optional>
#include <string>
#include <utility>

#include "firmware-core/config/parameter_value.h"

namespace fw {
namespace {

constexpr std::uint16_t kOptionTftpServerName = 66;
constexpr std::uint16_t kOptionCiscoTftpServers = 150;
constexpr std::uint16_t kOptionProvisioningUrl159 = 159;
constexpr std::uint16_t kOptionProvisioningUrl160 = 160;
constexpr std::size_t kIpv4Bytes = 4;

// What one DHCP option contributes.
struct OfferedServer {
  std::string host;
  std::optional<UrlScheme> scheme;  // only when the option held a full URL
  std::optional<std::uint16_t> port;
};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// DHCP servers often send strings with a trailing NUL; payloads are text otherwise.
std::string_view trimmed_text(const Bytes& payload) {
  std::string_view text = as_text(payload);
  while (!text.empty() && (text.back() == '\0' || is_space(text.back()))) {
    text.remove_suffix(1);
  }
  while (!text.empty() && is_space(text.front())) {
    text.remove_prefix(1);
  }
  return text;
}

std::optional<OfferedServer> plain_host(std::string_view text) {
  if (!is_valid_host(text)) {
    return std::nullopt;
  }
  return OfferedServer{std::string(text), std::nullopt, std::nullopt};
}

// A full URL ("https://prov.example.com:8443/x", the path optional) or host[:port]; parsed with
// the rule URL parser so that both accept the same hosts and ports.
std::optional<OfferedServer> url_or_host(std::string_view text) {
  std::size_t separator = text.find("://");
  std::size_t authority = separator == std::string_view::npos ? 0 : separator + 3;
  std::string url_text(text);
  if (url_text.find('/', authority) == std::string::npos) {
    url_text += '/';
  }
  auto url = parse_provisioning_url(url_text);
  if (!url || !url->has_server()) {
    return std::nullopt;
  }
  OfferedServer offered{url->host, std::nullopt, std::nullopt};
  if (url->scheme_explicit) {
    offered.scheme = url->scheme;
  }
  if (url->port_explicit) {
    offered.port = url->port;
  }
  return offered;
}

std::optional<OfferedServer> first_listed_ipv4(const Bytes& payload) {
  std::string_view text = trimmed_text(payload);
  std::size_t end = text.find_first_of(", ;\t");
  std::string_view first = text.substr(0, end);
  if (!first.empty() && first.find_first_not_of("0123456789.") == std::string_view::npos) {
    return plain_host(first);
  }
  // RFC-style payload: a list of 4-byte addresses.
  if (payload.empty() || payload.size() % kIpv4Bytes != 0) {
    return std::nullopt;
  }
  std::string host;
  for (std::size_t i = 0; i < kIpv4Bytes; ++i) {
    if (i != 0) {
      host += '.';
    }
    host += std::to_string(payload[i]);
  }
  return plain_host(host);
}

std::optional<OfferedServer> offered_server(std::uint16_t code, const Bytes& payload) {
  switch (code) {
    case kOptionTftpServerName:
    case kOptionProvisioningUrl159:
    case kOptionProvisioningUrl160:
      return url_or_host(trimmed_text(payload));
    case kOptionCiscoTftpServers:
      return first_listed_ipv4(payload);
    default:
      return plain_host(trimmed_text(payload));
  }
}

void apply_offer(ProvisioningUrl& url, const OfferedServer& offered) {
  url.host = offered.host;
  if (offered.scheme && !url.scheme_explicit) {
    url.scheme = *offered.scheme;
    url.port = offered.port.value_or(default_port(url.scheme));
    url.port_explicit = offered.port.has_value();
    return;
  }
  // The rule's scheme stands; a port only makes sense with it if the option did not name a
  // different scheme.
  if (offered.port && (!offered.scheme || *offered.scheme == url.scheme)) {
    url.port = *offered.port;
    url.port_explicit = true;
  }
}

std::string join_codes(const std::vector<std::uint16_t>& codes) {
  std::string text;
  for (std::uint16_t code : codes) {
    if (!text.empty()) {
      text += ',';
    }
    text += std::to_string(code);
  }
  return text;
}

// Tries the DHCP options in order. Returns true if one gave a server; otherwise adds the codes
// that were present but unusable to `unusable`.
bool try_dhcp(ProvisioningUrl& url, const ServerSources& sources,
              std::vector<std::uint16_t>& unusable) {
  for (std::uint16_t code : sources.dhcp_option_order) {
    auto found = sources.dhcp_options.find(code);
    if (found == sources.dhcp_options.end()) {
      continue;
    }
    if (std::optional<OfferedServer> offered = offered_server(code, found->second)) {
      apply_offer(url, *offered);
      return true;
    }
    unusable.push_back(code);
  }
  return false;
}

Failure no_server(const ServerSources& sources, const std::vector<std::uint16_t>& unusable,
                  bool tried_last_resync) {
  std::string detail = "the rule names no server and DHCP options [" +
                       join_codes(sources.dhcp_option_order) + "] offer none";
  if (!unusable.empty()) {
    detail += " (present but unusable: " + join_codes(unusable) + ")";
  }
  if (tried_last_resync) {
    detail += "; no successful resync host to fall back on";
  }
  return fail(ErrorCode::NoProvisioningServer, std::move(detail));
}

}  // namespace

Result<std::vector<std::uint16_t>> parse_dhcp_option_order(std::string_view text) {
  // The same list syntax the parameter itself is validated with (config/parameter_value).
  auto values = parse_integer_list(text, 1, 65535);
  if (!values) {
    Error error = std::move(values).error();
    error.detail = "DHCP_Option_To_Use: '" + std::string(text) + "' " + error.detail;
    return fail(std::move(error));
  }
  return std::vector<std::uint16_t>(values->begin(), values->end());
}

Result<ProvisioningUrl> fill_server_from_dhcp(ProvisioningUrl url, const ServerSources& sources) {
  if (!url.needs_server()) {
    return url;
  }
  std::vector<std::uint16_t> unusable;
  if (try_dhcp(url, sources, unusable)) {
    return url;
  }
  return no_server(sources, unusable, false);
}

Result<ProvisioningUrl> fill_upgrade_server(ProvisioningUrl url, const ServerSources& sources) {
  if (!url.needs_server()) {
    return url;
  }
  std::vector<std::uint16_t> unusable;
  if (try_dhcp(url, sources, unusable)) {
    return url;
  }
  if (is_valid_host(sources.last_resync_host)) {
    url.host = sources.last_resync_host;
    return url;
  }
  return no_server(sources, unusable, true);
}

}  // namespace fw
