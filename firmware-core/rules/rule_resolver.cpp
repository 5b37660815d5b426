#include "firmware-core/rules/rule_resolver.h"

#include <string>

#include "firmware-core/macro/condition.h"

namespace fw {
namespace {

// Condition errors carry positions inside the condition text; say where that text sits.
Failure condition_error(Error error, const RuleAlternative& alternative, std::size_t index) {
  std::string detail = "alternative " + std::to_string(index + 1) + " condition at " +
                       std::to_string(alternative.condition_position);
  if (!error.detail.empty()) {
    detail += ": ";
    detail += error.detail;
  }
  return fail(Error{error.code, std::move(detail)});
}

void expand_secrets(std::optional<std::string>& argument, const MacroSource& macros) {
  if (argument) {
    argument = expand_secret_macros(*argument, macros);
  }
}

}  // namespace

Result<ResolvedRule> resolve_rule(RuleKind kind, std::string_view raw_rule,
                                  const MacroSource& macros, const ServerSources& servers) {
  if (raw_rule.size() > kRuleBytesMax) {
    // Checked before expansion too, so untrusted text is not expanded at any size.
    return fail_at(ErrorCode::RuleSyntax, kRuleBytesMax,
                   "rule longer than " + std::to_string(kRuleBytesMax) + " bytes");
  }
  ResolvedRule resolved;
  if (raw_rule.empty()) {
    // Nothing to expand or parse (most phones leave three of their four profile rules empty,
    // and each is resolved on every resync).
    resolved.skip_reason = RuleSkipReason::Empty;
    return resolved;
  }
  std::string expanded = expand_macros(raw_rule, macros, SecretPolicy::Keep);
  auto rule = parse_rule(expanded, kind);
  if (!rule) {
    return fail(std::move(rule).error());
  }
  if (rule->commented_out) {
    resolved.skip_reason = RuleSkipReason::CommentedOut;
    return resolved;
  }
  if (rule->alternatives.empty()) {
    resolved.skip_reason = RuleSkipReason::Empty;
    return resolved;
  }

  const RuleAlternative* chosen = nullptr;
  for (std::size_t i = 0; i < rule->alternatives.size() && chosen == nullptr; ++i) {
    const RuleAlternative& alternative = rule->alternatives[i];
    if (!alternative.condition) {
      chosen = &alternative;
      resolved.alternative_index = i;
      break;
    }
    auto holds = evaluate_condition(*alternative.condition);
    if (!holds) {
      return condition_error(std::move(holds).error(), alternative, i);
    }
    if (*holds) {
      chosen = &alternative;
      resolved.alternative_index = i;
    }
  }
  if (chosen == nullptr) {
    resolved.skip_reason = RuleSkipReason::NoConditionTrue;
    return resolved;
  }

  resolved.assignments = chosen->assignments;
  resolved.options = chosen->options;
  expand_secrets(resolved.options.key, macros);
  expand_secrets(resolved.options.uid, macros);
  expand_secrets(resolved.options.pwd, macros);
  if (chosen->url.empty()) {
    resolved.outcome = RuleOutcome::AssignmentsOnly;
    return resolved;
  }

  auto url = parse_provisioning_url(chosen->url, chosen->url_position);
  if (!url) {
    return fail(std::move(url).error());
  }
  auto filled = kind == RuleKind::Upgrade ? fill_upgrade_server(std::move(*url), servers)
                                          : fill_server_from_dhcp(std::move(*url), servers);
  if (!filled) {
    return fail(std::move(filled).error());
  }
  resolved.outcome = RuleOutcome::Fetch;
  resolved.url = std::move(*filled);
  return resolved;
}

}  // namespace fw
