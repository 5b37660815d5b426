#pragma once

// The rule language of Profile_Rule, _B, _C, _D, Upgrade_Rule and the report rule
// (reference §1). Parsing works on text that has already been macro-expanded (expansion happens
// before parsing; see rule_resolver.h for the whole pipeline).
//
//   rule        = alternative *( "|" alternative )
//   alternative = [ "(" cond-expr ")?" ] [ "(" assignments ")!" ] [ [ "[" options "]" ] url ]
//   assignments = 1*( Name "=" DQUOTE value DQUOTE ";" )     ; a..p stand for GPP_A..GPP_P
//   options     = option *option                            ; all inside one bracket pair
//
// Every alternative but the last must carry a condition. Whitespace (spaces, tabs, line breaks)
// is allowed around every token: `( $SWVER != 7.6.2 ) ? tftp://...` is a real-world rule. A
// rule whose trimmed text starts with '#' is commented out; an empty rule does nothing.
//
// Option arguments are bare tokens or "double-quoted phrases"; either may carry three-digit
// octal escapes (`\043` is '#'), which are decoded. '[' and ']' cannot appear inside an argument,
// not even quoted (as on the phone); write \133 and \135.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "firmware-core/base/limits.h"
#include "firmware-core/base/result.h"

namespace fw {

// Most alternatives ("|"-separated) in one rule.
inline constexpr std::size_t kAlternativesMax = 16;
// Most assignments in one alternative's "( ... )!" block.
inline constexpr std::size_t kAssignmentsMax = 64;

// Which parameter the rule came from; it decides the options allowed.
enum class RuleKind : std::uint8_t {
  Profile,  // Profile_Rule.._D: --key --uid --pwd --post --alias
  Upgrade,  // Upgrade_Rule: --uid --pwd (--key is rejected, reference/decisions.md)
  Report,   // report (upload configuration) rule: --key --delta --status --post
};

// One `Name = "value";` of an alternative. `a`..`p` are already renamed GPP_A..GPP_P.
struct RuleAssignment {
  std::string name;
  std::string value;

  friend bool operator==(const RuleAssignment&, const RuleAssignment&) = default;
};

// The bracketed options of an alternative, escapes decoded. key/uid/pwd may still hold $SA..$SD
// references after parsing; the resolver expands those (and only those) secrets.
struct RuleOptions {
  std::optional<std::string> key;
  std::optional<std::string> uid;
  std::optional<std::string> pwd;
  std::optional<char> post;   // GPP letter 'A'..'P' whose contents are the POST body
  std::optional<char> alias;  // GPP letter 'A'..'P' holding the alias map
  bool delta = false;
  bool status = false;

  friend bool operator==(const RuleOptions&, const RuleOptions&) = default;
};

struct RuleAlternative {
  // The condition text between "(" and ")?", trimmed; evaluate with evaluate_condition().
  std::optional<std::string> condition;
  std::vector<RuleAssignment> assignments;
  RuleOptions options;
  // The URL as written (not yet parsed); empty when the alternative only assigns.
  std::string url;
  // 0-based offsets into the parsed text, for error messages.
  std::size_t position = 0;
  std::size_t condition_position = 0;
  std::size_t url_position = 0;
};

struct ProfileRule {
  RuleKind kind = RuleKind::Profile;
  // True when the text started with '#'; alternatives is then empty.
  bool commented_out = false;
  // Empty for an empty or commented-out rule.
  std::vector<RuleAlternative> alternatives;
};

// Parses an expanded rule. Call it on the result of expand_macros() of a stored rule (or a
// rule given to /admin/resync). Returns the alternatives in order; an empty or commented-out
// rule gives no alternatives. Errors: RuleSyntax with "at <0-based position>: expected ..."
// (also for options the kind does not allow and for more than kRuleBytesMax bytes,
// kAlternativesMax alternatives or kAssignmentsMax assignments). Error details never contain
// option arguments, so keys and passwords do not leak into logs.
Result<ProfileRule> parse_rule(std::string_view expanded_text, RuleKind kind);

// The Report rule may hold several requests separated by white space, each with its own
// options ("[--delta]http://s/d.xml [--status]http://s/s.xml", reference §5). Splits such a rule
// at each '[' that follows a URL and white space; quotes, brackets and parentheses never split.
std::vector<std::string_view> split_report_requests(std::string_view expanded_text);

// Parses every request of an expanded Report rule (see split_report_requests()), each as
// RuleKind::Report. Empty requests are dropped; '#' comments out the rest of the rule. Errors:
// those of parse_rule(), the detail prefixed with "request at <offset>: ".
Result<std::vector<ProfileRule>> parse_report_rule(std::string_view expanded_text);

// The parameter name an assignment's name stands for: a single lower-case letter a..p is
// GPP_A..GPP_P; anything else is returned unchanged.
std::string assignment_parameter_name(std::string_view written_name);

}  // namespace fw
