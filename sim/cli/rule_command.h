#pragma once

// `phonesim rule ...`: what a phone does with a rule or a resync trigger, step by step.
//
//   phonesim rule explain RULE [--kind profile|upgrade|report] [phone options]
//   phonesim rule check-trigger EXPR [--prvtmr S] [--upgtmr S] [phone options]
//
// Phone options (phone_options.h): --mac --serial --model --series --firmware --ip --profile
// --param --dhcp-option --last-resync-host. Each run_* function is the whole command minus
// argument parsing, so tests call it directly. Exit statuses: command_status.h.

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>

#include "firmware-core/rules/profile_rule.h"
#include "sim/cli/phone_options.h"

namespace CLI {
class App;
}

namespace sim::cli {

struct ExplainOptions {
  // The rule text; "-" or a rule parameter's name (Profile_Rule, Profile_Rule_B.._D,
  // Upgrade_Rule) means the phone's stored value of that parameter.
  std::string rule;
  // nullopt: Upgrade_Rule when the rule names that parameter, otherwise a profile rule.
  std::optional<fw::RuleKind> kind;
  PhoneOptions phone;
};

// Builds the phone, then shows the rule macro-expanded (secrets kept literal), each
// alternative's condition and whether it held, the chosen alternative's assignments and options
// (key and password masked), the URL with $SCHEME/$SERV/$PORT/$PATH and where its server came
// from, and the request line the phone would log. Never prints a key, password or secret
// parameter. Returns kExitOk when the phone would fetch, only assign, or skip the rule;
// kExitProblemsFound when it names no server and none is known; kExitInvalidInput for a bad
// option, an unreadable profile, or a rule, condition or URL that does not parse (with the
// position marked).
int run_rule_explain(const ExplainOptions& options, std::ostream& out, std::ostream& err);

struct TriggerOptions {
  std::string expression;                     // a Resync_Trigger_1/_2 value
  std::optional<std::int64_t> resync_age_s;   // $PRVTMR; unset: the timer is not running
  std::optional<std::int64_t> upgrade_age_s;  // $UPGTMR
  PhoneOptions phone;
};

// Expands the trigger against the phone and evaluates it. Prints the expansion and the result.
// Returns kExitOk when true, kExitProblemsFound when false, kExitInvalidInput when the
// expression does not evaluate (the message marks the position and names unset timers).
int run_rule_check_trigger(const TriggerOptions& options, std::ostream& out, std::ostream& err);

// Adds the `rule` command group to `app`; see add_profile_commands() for `selected`.
void add_rule_commands(CLI::App& app, std::function<int()>& selected, std::ostream& out,
                       std::ostream& err);

// `rule` for display: the arguments of --key and --pwd options and the values assigned to secret
// parameters (`GPP_SA = "..."`) replaced by "*****".
std::string mask_rule_secrets(std::string_view rule);

}  // namespace sim::cli
