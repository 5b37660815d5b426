#include "firmware-core/fetch/http_auth.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>

#include "firmware-core/base/ascii.h"

namespace fw {
namespace {

// nc: the nonce count as 8 lower-case hex digits.
std::string nonce_count_hex(std::uint32_t count) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(8, '0');
  for (std::size_t i = 0; i < 8; ++i) {
    hex[i] = kHex[(count >> (28 - 4 * i)) & 0x0F];
  }
  return hex;
}

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_space(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

bool is_token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Splits at commas outside quoted strings.
std::vector<std::string_view> split_items(std::string_view value) {
  std::vector<std::string_view> items;
  bool quoted = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (quoted && c == '\\') {
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      items.push_back(trim(value.substr(start, i - start)));
      start = i + 1;
    }
  }
  items.push_back(trim(value.substr(start)));
  return items;
}

// `name=value` or `name="quoted"`; nullopt when it is not a parameter.
std::optional<AuthParameter> parse_parameter(std::string_view item) {
  std::size_t equals = item.find('=');
  if (equals == std::string_view::npos || equals == 0) {
    return std::nullopt;
  }
  std::string_view name = trim(item.substr(0, equals));
  if (!std::ranges::all_of(name, is_token_char)) {
    return std::nullopt;
  }
  std::string_view raw = trim(item.substr(equals + 1));
  AuthParameter parameter;
  for (char c : name) {
    parameter.name.push_back(ascii_lower(c));
  }
  if (raw.size() >= 2 && raw.front() == '"' && raw.back() == '"') {
    raw = raw.substr(1, raw.size() - 2);
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '\\' && i + 1 < raw.size()) {
        ++i;
      }
      parameter.value.push_back(raw[i]);
    }
  } else if (std::ranges::all_of(raw, is_token_char)) {
    parameter.value = std::string(raw);
  } else {
    return std::nullopt;
  }
  return parameter;
}

std::string quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace

std::optional<std::string_view> AuthElement::parameter(std::string_view name) const {
  for (const AuthParameter& entry : parameters) {
    if (entry.name == name) {
      return std::string_view(entry.value);
    }
  }
  return std::nullopt;
}

bool AuthElement::is(std::string_view scheme_name) const {
  return equals_ignoring_case(scheme, scheme_name);
}

std::vector<AuthElement> parse_auth_header(std::string_view value) {
  std::vector<AuthElement> elements;
  for (std::string_view item : split_items(value)) {
    if (item.empty()) {
      continue;
    }
    // An item that starts with a token followed by a space (or that is a lone token) opens a
    // new element; anything else is a parameter of the current one.
    std::size_t space = item.find_first_of(" \t");
    std::string_view first = item.substr(0, space);
    bool opens = std::ranges::all_of(first, is_token_char) &&
                 (space != std::string_view::npos || first.find('=') == std::string_view::npos);
    if (opens) {
      AuthElement element;
      element.scheme = std::string(first);
      if (space != std::string_view::npos) {
        std::string_view rest = trim(item.substr(space));
        if (auto parameter = parse_parameter(rest)) {
          element.parameters.push_back(std::move(*parameter));
        } else {
          element.token = std::string(rest);
        }
      }
      elements.push_back(std::move(element));
    } else if (!elements.empty()) {
      if (auto parameter = parse_parameter(item)) {
        elements.back().parameters.push_back(std::move(*parameter));
      }
    }
  }
  return elements;
}

std::string basic_authorization(std::string_view user, std::string_view password) {
  std::string plain = std::string(user) + ":" + std::string(password);
  std::string encoded(4 * ((plain.size() + 2) / 3) + 1, '\0');
  int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                               reinterpret_cast<const unsigned char*>(plain.data()),
                               static_cast<int>(plain.size()));
  encoded.resize(static_cast<std::size_t>(length));
  return "Basic " + encoded;
}

std::optional<BasicCredentials> decode_basic_credentials(std::string_view token) {
  if (token.empty() || token.size() % 4 != 0) {
    return std::nullopt;
  }
  std::string decoded(token.size() / 4 * 3 + 1, '\0');
  int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                               reinterpret_cast<const unsigned char*>(token.data()),
                               static_cast<int>(token.size()));
  if (length < 0) {
    return std::nullopt;
  }
  // EVP_DecodeBlock counts the padding as zero bytes.
  std::size_t padding = static_cast<std::size_t>(std::count(token.end() - 2, token.end(), '='));
  decoded.resize(static_cast<std::size_t>(length) - padding);
  std::size_t colon = decoded.find(':');
  if (colon == std::string::npos) {
    return std::nullopt;
  }
  return BasicCredentials{decoded.substr(0, colon), decoded.substr(colon + 1)};
}

std::string md5_hex(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_md5(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0x0F]);
  }
  return hex;
}

std::string digest_response(const DigestInput& input) {
  std::string ha1 = md5_hex(input.user + ":" + input.realm + ":" + input.password);
  if (input.session) {
    ha1 = md5_hex(ha1 + ":" + input.nonce + ":" + input.client_nonce);
  }
  std::string ha2 = md5_hex(input.method + ":" + input.uri);
  if (!input.qop_auth) {
    return md5_hex(ha1 + ":" + input.nonce + ":" + ha2);
  }
  return md5_hex(ha1 + ":" + input.nonce + ":" + nonce_count_hex(input.nonce_count) + ":" +
                 input.client_nonce + ":auth:" + ha2);
}

std::optional<std::string> digest_authorization(const AuthElement& challenge, std::string_view user,
                                                std::string_view password, std::string_view method,
                                                std::string_view uri, std::uint32_t nonce_count,
                                                std::string_view client_nonce) {
  auto realm = challenge.parameter("realm");
  auto nonce = challenge.parameter("nonce");
  if (!realm || !nonce) {
    return std::nullopt;
  }
  DigestInput input;
  input.user = std::string(user);
  input.password = std::string(password);
  input.realm = std::string(*realm);
  input.nonce = std::string(*nonce);
  input.method = std::string(method);
  input.uri = std::string(uri);
  std::string_view algorithm = challenge.parameter("algorithm").value_or("MD5");
  if (equals_ignoring_case(algorithm, "MD5-sess")) {
    input.session = true;
  } else if (!equals_ignoring_case(algorithm, "MD5")) {
    return std::nullopt;
  }
  if (auto qop = challenge.parameter("qop")) {
    bool offers_auth = false;
    for (std::string_view option : split_items(*qop)) {
      offers_auth = offers_auth || equals_ignoring_case(option, "auth");
    }
    if (!offers_auth || client_nonce.empty()) {
      return std::nullopt;
    }
    input.qop_auth = true;
    input.nonce_count = nonce_count;
    input.client_nonce = std::string(client_nonce);
  } else if (input.session) {
    input.client_nonce = std::string(client_nonce);
  }
  std::string value = "Digest username=" + quote(user) + ", realm=" + quote(*realm) +
                      ", nonce=" + quote(*nonce) + ", uri=" + quote(uri) +
                      ", algorithm=" + std::string(input.session ? "MD5-sess" : "MD5") +
                      ", response=\"" + digest_response(input) + "\"";
  if (auto opaque = challenge.parameter("opaque")) {
    value += ", opaque=" + quote(*opaque);
  }
  if (input.qop_auth || input.session) {
    if (input.qop_auth) {
      value += ", qop=auth, nc=" + nonce_count_hex(nonce_count);
    }
    value += ", cnonce=" + quote(client_nonce);
  }
  return value;
}

}  // namespace fw
