#include "firmware-core/macro/macro_expander.h"

#include <algorithm>
#include <cstdint>
#include <limits>

namespace fw {
namespace {

constexpr std::string_view kGppPrefix = "GPP_";

// Bare $NAME takes the longest variable name of the vocabulary that prefixes the text, so
// candidates are tried longest first ("$MAC" must not become MA followed by "C"). The name is
// fixed by the vocabulary, not by what the source answers: a variable the phone cannot answer
// right now ($PRVTMR before the first resync) stays literal instead of degrading to a shorter
// one ($P followed by "RVTMR").
constexpr auto kNamesLongestFirst = [] {
  auto names = kMacroVariableNames;
  std::sort(names.begin(), names.end(), [](std::string_view a, std::string_view b) {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  });
  return names;
}();

// Which variables one expansion may substitute.
enum class Scope : std::uint8_t { AllButSecrets, All, SecretsOnly };

bool in_scope(std::string_view name, Scope scope) {
  switch (scope) {
    case Scope::AllButSecrets:
      return !is_secret_macro(name);
    case Scope::All:
      return true;
    case Scope::SecretsOnly:
      return is_secret_macro(name);
  }
  return false;
}

constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The offset or length of $(NAME:p:q). Saturates instead of overflowing: a huge offset simply
// means "past the end". Empty or non-digit text is malformed.
std::optional<std::size_t> parse_count(std::string_view digits) {
  if (digits.empty()) {
    return std::nullopt;
  }
  constexpr std::size_t kMax = std::numeric_limits<std::size_t>::max();
  std::size_t value = 0;
  for (char c : digits) {
    if (!is_digit(c)) {
      return std::nullopt;
    }
    auto digit = static_cast<std::size_t>(c - '0');
    value = value > (kMax - digit) / 10 ? kMax : value * 10 + digit;
  }
  return value;
}

std::string_view substring(std::string_view value, std::size_t offset,
                           std::optional<std::size_t> length) {
  if (offset >= value.size()) {
    return {};
  }
  return value.substr(offset, length.value_or(std::string_view::npos));
}

// Expands the "$(...)" form starting at text[dollar]. Returns the bytes consumed, or 0 if the
// form is malformed or names no answered variable (the caller then copies the '$' as written).
std::size_t expand_parenthesized(std::string_view text, std::size_t dollar,
                                 const MacroSource& source, Scope scope, std::string& out) {
  std::size_t open = dollar + 1;
  std::size_t close = text.find(')', open);
  if (close == std::string_view::npos) {
    return 0;
  }
  std::string_view inner = text.substr(open + 1, close - open - 1);
  std::size_t consumed = close + 1 - dollar;

  std::size_t first_colon = inner.find(':');
  std::string_view name = inner.substr(0, first_colon);
  if (!is_macro_variable(name)) {
    return 0;
  }
  std::size_t offset = 0;
  std::optional<std::size_t> length;
  if (first_colon != std::string_view::npos) {
    std::string_view counts = inner.substr(first_colon + 1);
    std::size_t second_colon = counts.find(':');
    auto parsed_offset = parse_count(counts.substr(0, second_colon));
    if (!parsed_offset) {
      return 0;
    }
    offset = *parsed_offset;
    if (second_colon != std::string_view::npos) {
      length = parse_count(counts.substr(second_colon + 1));
      if (!length) {
        return 0;
      }
    }
  }
  if (!in_scope(name, scope)) {
    out.append(text.substr(dollar, consumed));
    return consumed;
  }
  std::optional<std::string> value = source.lookup(canonical_macro_name(name));
  if (!value) {
    return 0;
  }
  out.append(substring(*value, offset, length));
  return consumed;
}

// Expands the bare "$NAME" form starting at text[dollar]. Returns the bytes consumed, or 0 if
// no variable name prefixes the text. A name that is out of scope or unanswered is copied as
// written.
std::size_t expand_bare(std::string_view text, std::size_t dollar, const MacroSource& source,
                        Scope scope, std::string& out) {
  std::string_view rest = text.substr(dollar + 1);
  for (std::string_view name : kNamesLongestFirst) {
    if (!rest.starts_with(name)) {
      continue;
    }
    std::optional<std::string> value;
    if (in_scope(name, scope)) {
      value = source.lookup(canonical_macro_name(name));
    }
    // Out of scope or unanswered: kept as written, never retried as a shorter name ("$GPP_SA"
    // must not become G+"PP_SA", "$PRVTMR" must not become P+"RVTMR").
    out.append(value ? std::string_view(*value) : text.substr(dollar, 1 + name.size()));
    return 1 + name.size();
  }
  return 0;
}

std::string expand(std::string_view text, const MacroSource& source, Scope scope) {
  std::string out;
  out.reserve(text.size() + kExpansionReserveBytes);
  std::size_t position = 0;
  while (position < text.size()) {
    std::size_t dollar = text.find('$', position);
    if (dollar == std::string_view::npos) {
      out.append(text.substr(position));
      break;
    }
    out.append(text.substr(position, dollar - position));
    std::size_t next = dollar + 1;
    if (next < text.size() && text[next] == '$') {
      // "$$" is a literal '$'; the secrets-only second pass must leave it for no one to undo.
      out.append(scope == Scope::SecretsOnly ? "$$" : "$");
      position = dollar + 2;
      continue;
    }
    std::size_t consumed = 0;
    if (next < text.size() && text[next] == '(') {
      consumed = expand_parenthesized(text, dollar, source, scope, out);
    } else {
      consumed = expand_bare(text, dollar, source, scope, out);
    }
    if (consumed == 0) {
      out.push_back('$');
      consumed = 1;
    }
    position = dollar + consumed;
  }
  return out;
}

}  // namespace

bool is_secret_macro(std::string_view name) {
  if (name.starts_with(kGppPrefix)) {
    name.remove_prefix(kGppPrefix.size());
  }
  return name == "SA" || name == "SB" || name == "SC" || name == "SD";
}

bool is_macro_variable(std::string_view name) {
  return std::find(kMacroVariableNames.begin(), kMacroVariableNames.end(), name) !=
         kMacroVariableNames.end();
}

std::string_view canonical_macro_name(std::string_view name) {
  if (name.starts_with(kGppPrefix) && is_macro_variable(name)) {
    return name.substr(kGppPrefix.size());
  }
  return name;
}

std::string expand_macros(std::string_view text, const MacroSource& source, SecretPolicy secrets) {
  return expand(text, source, secrets == SecretPolicy::Expand ? Scope::All : Scope::AllButSecrets);
}

std::string expand_secret_macros(std::string_view text, const MacroSource& source) {
  return expand(text, source, Scope::SecretsOnly);
}

}  // namespace fw
