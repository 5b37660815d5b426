#pragma once

// From a stored rule to what the agent does with it (reference §1):
//
//   1. expand macros in the whole rule, secrets ($SA..$SD) left as written;
//   2. parse the rule (profile_rule.h);
//   3. choose the first alternative whose condition is true or that has none;
//   4. expand the secrets inside the --key/--uid/--pwd arguments only;
//   5. parse the chosen URL and, if it names no server, take one from DHCP (and, for
//      Upgrade_Rule, from the last successful resync).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "firmware-core/base/result.h"
#include "firmware-core/macro/macro_expander.h"
#include "firmware-core/rules/profile_rule.h"
#include "firmware-core/rules/provisioning_server.h"
#include "firmware-core/rules/provisioning_url.h"

namespace fw {

enum class RuleOutcome : std::uint8_t {
  Fetch,            // fetch `url` (after applying `assignments`)
  AssignmentsOnly,  // apply `assignments`; nothing to fetch (always succeeds)
  Skipped,          // nothing to do; see `skip_reason`
};

enum class RuleSkipReason : std::uint8_t {
  None,             // not skipped
  Empty,            // the rule is empty (after expansion)
  CommentedOut,     // the rule starts with '#'
  NoConditionTrue,  // every alternative carries a condition and none is true
};

struct ResolvedRule {
  RuleOutcome outcome = RuleOutcome::Skipped;
  RuleSkipReason skip_reason = RuleSkipReason::None;
  // Index of the chosen alternative (0-based); meaningless when skipped.
  std::size_t alternative_index = 0;
  // Applied before the fetch, in order. Values are macro-expanded (secrets stay literal).
  std::vector<RuleAssignment> assignments;
  // Secrets expanded inside key/uid/pwd: these hold keys and passwords, never log them.
  RuleOptions options;
  // Set when outcome == Fetch; the server is filled in (except for gds://).
  std::optional<ProvisioningUrl> url;
};

// Resolves a rule for one resync/upgrade/report attempt. Call it each time the rule is due
// (macro values such as $PRVTMR and $REGTMR1 change between attempts). `raw_rule` is the stored
// parameter value (or the rule given to /admin/resync after rule_from_direct_action_query()).
// Returns what to do: fetch, apply assignments only, or skip (a skipped rule is not an error).
// Errors: RuleSyntax (with the position in the expanded rule), ConditionSyntax/VersionSyntax
// from the chosen alternatives' conditions (evaluated left to right until one is true),
// UrlSyntax for the chosen URL, NoProvisioningServer when it names no server and none is known.
Result<ResolvedRule> resolve_rule(RuleKind kind, std::string_view raw_rule,
                                  const MacroSource& macros, const ServerSources& servers);

}  // namespace fw
