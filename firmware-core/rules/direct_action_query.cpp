#include "firmware-core/rules/direct_action_query.h"

#include <algorithm>

namespace fw {
namespace {

constexpr std::string_view kUserParameter = "&xuser=";
constexpr std::string_view kPasswordParameter = "&xpassword=";

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

Result<std::string> decode_at(std::string_view text, std::size_t position_base) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      decoded += ' ';
      continue;
    }
    if (c == '\0') {
      // A raw NUL would pass the %00 check below and cut the rule short in C-string consumers.
      return fail_at(ErrorCode::RuleSyntax, position_base + i, "NUL byte in the query");
    }
    if (c != '%') {
      decoded += c;
      continue;
    }
    int high = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
    int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
    if (high < 0 || low < 0 || (high == 0 && low == 0)) {
      return fail_at(ErrorCode::RuleSyntax, position_base + i,
                     "expected '%' followed by two hex digits (not %00)");
    }
    decoded += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return decoded;
}

}  // namespace

Result<std::string> percent_decode_query(std::string_view text) {
  return decode_at(text, 0);
}

Result<DirectActionQuery> rule_from_direct_action_query(std::string_view query) {
  std::size_t rule_end = std::min(query.find(kUserParameter), query.find(kPasswordParameter));
  if (rule_end == std::string_view::npos) {
    rule_end = query.size();
  }
  DirectActionQuery result;
  auto rule = decode_at(query.substr(0, rule_end), 0);
  if (!rule) {
    return fail(std::move(rule).error());
  }
  result.rule = std::move(*rule);
  std::size_t at = rule_end;
  while (at < query.size()) {
    std::size_t next = query.find('&', at + 1);
    if (next == std::string_view::npos) {
      next = query.size();
    }
    std::string_view parameter = query.substr(at, next - at);  // "&name=value"
    std::optional<std::string>* target = nullptr;
    std::size_t prefix = 0;
    if (parameter.substr(0, kUserParameter.size()) == kUserParameter) {
      target = &result.xuser;
      prefix = kUserParameter.size();
    } else if (parameter.substr(0, kPasswordParameter.size()) == kPasswordParameter) {
      target = &result.xpassword;
      prefix = kPasswordParameter.size();
    }
    if (target != nullptr) {
      auto value = decode_at(parameter.substr(prefix), at + prefix);
      if (!value) {
        return fail(std::move(value).error());
      }
      *target = std::move(*value);
    }
    at = next;
  }
  return result;
}

}  // namespace fw
