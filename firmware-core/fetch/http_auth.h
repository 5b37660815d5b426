#pragma once

// HTTP authentication pieces shared by the phone's client and the simulated servers: RFC 7617
// Basic and RFC 7616 Digest with MD5 (what the reference phones answer), challenge and
// credential header parsing. Hashes come from OpenSSL's EVP.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fw {

// One auth-param (`realm="x"`); names are lower-cased, values unquoted.
struct AuthParameter {
  std::string name;
  std::string value;
};

// A challenge (WWW-Authenticate) or credentials (Authorization) header element.
struct AuthElement {
  std::string scheme;  // as sent; compare case-insensitively ("Basic", "Digest")
  std::string token;   // token68 form (Basic credentials), empty otherwise
  std::vector<AuthParameter> parameters;

  // The value of parameter `name` (lower case), or nullopt.
  std::optional<std::string_view> parameter(std::string_view name) const;
  bool is(std::string_view scheme_name) const;
};

// Splits a WWW-Authenticate/Authorization value into its elements ("Basic realm=\"a\", Digest
// realm=\"b\", nonce=\"n\"" gives two). Malformed pieces are skipped: a challenge we cannot read
// is one we cannot answer, which the caller reports as AuthenticationFailed.
std::vector<AuthElement> parse_auth_header(std::string_view value);

// "Basic <base64(user:password)>".
std::string basic_authorization(std::string_view user, std::string_view password);
// Decodes Basic credentials ("dXNlcjpwdw==" -> user, password); nullopt when malformed.
struct BasicCredentials {
  std::string user;
  std::string password;
};
std::optional<BasicCredentials> decode_basic_credentials(std::string_view token);

// The inputs of a Digest response (RFC 7616 section 3.4.1, MD5 and MD5-sess).
struct DigestInput {
  std::string user;
  std::string password;
  std::string realm;
  std::string nonce;
  std::string method;  // "GET"
  std::string uri;     // the request target
  bool qop_auth = false;
  std::uint32_t nonce_count = 1;
  std::string client_nonce;
  bool session = false;  // algorithm=MD5-sess
};
// The 32 hex digits of the response.
std::string digest_response(const DigestInput& input);
// The full Authorization value answering `challenge` (a Digest element): nullopt when the
// challenge lacks realm or nonce, or asks for an algorithm other than MD5/MD5-sess or a qop
// other than auth.
std::optional<std::string> digest_authorization(const AuthElement& challenge, std::string_view user,
                                                std::string_view password, std::string_view method,
                                                std::string_view uri, std::uint32_t nonce_count,
                                                std::string_view client_nonce);

// Lower-case hex of MD5(text).
std::string md5_hex(std::string_view text);

}  // namespace fw
