// Fuzzes the query of a Direct Action URL (`/admin/resync?RULE&xuser=U&xpassword=P`), which
// arrives from any HTTP client: percent_decode_query and rule_from_direct_action_query.
//
// Properties, for any input:
//   1. decoding never yields a NUL, never grows the text, and leaves text without '%' or '+'
//      unchanged; a failure is RuleSyntax naming the position of a '%' or a NUL in the input;
//   2. the query's rule is the decoding of the text before the first `&xuser=`/`&xpassword=`,
//      and without those parameters the whole query decodes to the rule with no credentials;
//   3. re-encoding round trips: the input, split at '\n' into rule, user and password (NULs
//      dropped, since no query can carry them), percent-encoded and joined as the web UI would
//      send them, decodes to exactly those three strings.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "firmware-core/base/bytes.h"
#include "firmware-core/rules/direct_action_query.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using fuzz::check;

constexpr std::string_view kUserParameter = "&xuser=";
constexpr std::string_view kPasswordParameter = "&xpassword=";

bool has_nul(std::string_view text) {
  return text.find('\0') != std::string_view::npos;
}

// Checks that a failed decode names a '%' or a NUL of the input: detail "at N: ..." with
// input[N] one of them.
void check_names_bad_byte(const fw::Error& error, std::string_view input) {
  check(error.code == fw::ErrorCode::RuleSyntax);
  std::string_view detail = error.detail;
  check(detail.starts_with("at "));
  std::size_t position = 0;
  std::size_t i = 3;
  for (; i < detail.size() && detail[i] >= '0' && detail[i] <= '9'; ++i) {
    position = position * 10 + static_cast<std::size_t>(detail[i] - '0');
  }
  check(i > 3 && i < detail.size() && detail[i] == ':');
  check(position < input.size() && (input[position] == '%' || input[position] == '\0'));
}

// Percent-encodes everything but letters, digits and "-._~/:"; a space may become '+'.
std::string encode(std::string_view text, bool space_as_plus) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    bool plain = (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
                 (byte >= '0' && byte <= '9') ||
                 std::string_view("-._~/:").find(c) != std::string_view::npos;
    if (plain) {
      out += c;
    } else if (c == ' ' && space_as_plus) {
      out += '+';
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    }
  }
  return out;
}

std::string without_nuls(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != '\0') {
      out += c;
    }
  }
  return out;
}

void check_decode(std::string_view text) {
  auto decoded = fw::percent_decode_query(text);
  if (!decoded) {
    check_names_bad_byte(decoded.error(), text);
    return;
  }
  check(!has_nul(*decoded));
  check(decoded->size() <= text.size());
  if (text.find_first_of("%+") == std::string_view::npos) {
    check(*decoded == text);
  }
}

void check_query(std::string_view text) {
  auto query = fw::rule_from_direct_action_query(text);
  std::size_t rule_end = std::min(text.find(kUserParameter), text.find(kPasswordParameter));
  auto rule = fw::percent_decode_query(text.substr(0, rule_end));
  if (!query) {
    check_names_bad_byte(query.error(), text);
    // Without credentials the rule is the whole query, so only it can have failed.
    check(rule_end != std::string_view::npos || !rule.has_value());
    return;
  }
  check(rule.has_value() && query->rule == *rule);
  check(!has_nul(query->rule));
  check(!query->xuser || !has_nul(*query->xuser));
  check(!query->xpassword || !has_nul(*query->xpassword));
  if (rule_end == std::string_view::npos) {
    check(!query->xuser && !query->xpassword);
  }
}

void check_round_trip(std::string_view text) {
  std::string parts[3];
  for (std::string& part : parts) {
    std::size_t newline = text.find('\n');
    part = without_nuls(text.substr(0, newline));
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
  }
  const auto& [rule, user, password] = parts;
  for (bool space_as_plus : {false, true}) {
    std::string query = encode(rule, space_as_plus) + std::string(kUserParameter) +
                        encode(user, space_as_plus) + std::string(kPasswordParameter) +
                        encode(password, space_as_plus);
    auto decoded = fw::rule_from_direct_action_query(query);
    check(decoded.has_value());
    check(decoded->rule == rule && decoded->xuser == user && decoded->xpassword == password);
    auto plain = fw::percent_decode_query(encode(rule, space_as_plus));
    check(plain.has_value() && *plain == rule);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fw::as_text({data, size});
  check_decode(text);
  check_query(text);
  check_round_trip(text);
  return 0;
}
