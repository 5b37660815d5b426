#include "sim/cli/rule_command.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <memory>
#include <ostream>
#include <string_view>

#include <CLI/CLI.hpp>

#include "firmware-core/agent/phone_macros.h"
#include "firmware-core/config/profile_apply.h"
#include "firmware-core/macro/condition.h"
#include "firmware-core/macro/macro_expander.h"
#include "firmware-core/rules/provisioning_url.h"
#include "firmware-core/rules/rule_resolver.h"
#include "sim/cli/command_status.h"

namespace sim::cli {
namespace {

// Labels are padded to this width so that values line up and a caret can point into them.
constexpr std::size_t kLabelWidth = 11;

struct RuleParameter {
  std::string_view name;
  fw::RuleKind kind;
};

constexpr std::array<RuleParameter, 5> kRuleParameters = {{
    {"Profile_Rule", fw::RuleKind::Profile},
    {"Profile_Rule_B", fw::RuleKind::Profile},
    {"Profile_Rule_C", fw::RuleKind::Profile},
    {"Profile_Rule_D", fw::RuleKind::Profile},
    {"Upgrade_Rule", fw::RuleKind::Upgrade},
}};

std::string_view kind_name(fw::RuleKind kind) {
  switch (kind) {
    case fw::RuleKind::Profile:
      return "profile";
    case fw::RuleKind::Upgrade:
      return "upgrade";
    case fw::RuleKind::Report:
      return "report";
  }
  return "?";
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string label(std::string_view name) {
  std::string text(name);
  text.resize(std::max(kLabelWidth, text.size() + 1), ' ');
  return text;
}

// `text` on one line with every byte position kept, so that a caret can point into it: line
// breaks and tabs become spaces, other control bytes '?'.
std::string one_line(std::string_view text) {
  std::string line(text);
  for (char& c : line) {
    if (is_space(c)) {
      c = ' ';
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      c = '?';
    }
  }
  return line;
}

// What people see of a rule: one line, option secrets masked.
std::string shown_rule(std::string_view rule) {
  if (rule.empty()) {
    return "(empty)";
  }
  return mask_rule_secrets(one_line(rule));
}

// The number N of a detail starting with "<word> N" ("at 12: expected ...").
std::optional<std::size_t> leading_position(std::string_view detail, std::string_view word) {
  if (!detail.starts_with(word)) {
    return std::nullopt;
  }
  detail.remove_prefix(word.size());
  std::size_t position = 0;
  auto [end, error] = std::from_chars(detail.data(), detail.data() + detail.size(), position);
  if (error != std::errc() || end == detail.data()) {
    return std::nullopt;
  }
  return position;
}

// Prints the labelled rule with a caret under `position` (a byte offset into `rule`).
void print_caret(std::ostream& err, std::string_view name, std::string_view rule,
                 std::size_t position) {
  const std::string prefix = label(name);
  // Masking changes lengths; masking the prefix the same way finds the caret's column.
  const std::size_t column =
      mask_rule_secrets(one_line(rule.substr(0, std::min(position, rule.size())))).size();
  err << "  " << prefix << shown_rule(rule) << "\n"
      << "  " << std::string(prefix.size() + column, ' ') << "^\n";
}

bool is_ipv4_literal(std::string_view host) {
  int parts = 0;
  while (true) {
    const std::size_t dot = host.find('.');
    const std::string_view part = host.substr(0, dot);
    unsigned value = 0;
    auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || part.size() > 3 || error != std::errc() ||
        end != part.data() + part.size() || value > 255) {
      return false;
    }
    ++parts;
    if (dot == std::string_view::npos) {
      break;
    }
    host.remove_prefix(dot + 1);
  }
  return parts == 4;
}

// Says where a resolved URL's server came from. `written` is the chosen alternative's URL as
// parsed before any server was filled in.
std::string server_origin(const fw::ProvisioningUrl& written, fw::RuleKind kind,
                          const fw::ServerSources& servers) {
  if (written.scheme == fw::UrlScheme::Gds) {
    return "activation-code onboarding, no server of ours";
  }
  if (written.has_server()) {
    return "server written in the rule";
  }
  // Ask the core one option at a time, in the phone's order, to name the one that served.
  for (std::uint16_t code : servers.dhcp_option_order) {
    const auto option = servers.dhcp_options.find(code);
    if (option == servers.dhcp_options.end()) {
      continue;
    }
    fw::ServerSources only;
    only.dhcp_options.insert(*option);
    only.dhcp_option_order = {code};
    if (fw::fill_server_from_dhcp(written, only)) {
      return "server from DHCP option " + std::to_string(code);
    }
  }
  if (kind == fw::RuleKind::Upgrade && !servers.last_resync_host.empty()) {
    return "server of the last successful resync";
  }
  return "server from DHCP";
}

std::string shown_options(const fw::RuleOptions& options) {
  std::string text;
  auto add = [&text](std::string_view part) {
    if (!text.empty()) {
      text += ' ';
    }
    text += part;
  };
  if (options.key) {
    add("--key " + std::string(fw::kSecretMask));
  }
  if (options.uid) {
    add("--uid " + one_line(*options.uid));
  }
  if (options.pwd) {
    add("--pwd " + std::string(fw::kSecretMask));
  }
  if (options.post) {
    add(std::string("--post ") + *options.post + " (body from GPP_" + *options.post + ")");
  }
  if (options.alias) {
    add(std::string("--alias ") + *options.alias + " (map in GPP_" + *options.alias + ")");
  }
  if (options.delta) {
    add("--delta");
  }
  if (options.status) {
    add("--status");
  }
  return text;
}

// The raw rule the command is about and where it came from, or false after printing why not.
bool select_rule(const ExplainOptions& options, const Phone& phone, fw::RuleKind& kind,
                 std::string& raw_rule, std::string& origin, std::ostream& err) {
  kind = options.kind.value_or(fw::RuleKind::Profile);
  std::string_view parameter;
  if (options.rule == "-") {
    if (kind == fw::RuleKind::Report) {
      err << "rule '-': a report rule is not stored in a parameter; give the rule text\n";
      return false;
    }
    parameter = kind == fw::RuleKind::Upgrade ? "Upgrade_Rule" : "Profile_Rule";
  }
  for (const RuleParameter& row : kRuleParameters) {
    if (options.rule == row.name) {
      parameter = row.name;
      kind = options.kind.value_or(row.kind);
    }
  }
  if (parameter.empty()) {
    raw_rule = options.rule;
    origin = "from the command line";
    return true;
  }
  const auto id = phone.store.registry().find(parameter);
  if (!id) {
    err << "rule: the parameter registry has no " << parameter << "\n";
    return false;
  }
  raw_rule = phone.store.value(*id);
  origin = "the phone's " + std::string(parameter);
  return true;
}

void print_rule_error(const fw::Error& error, std::string_view expanded, std::ostream& err) {
  err << "rule: " << error.to_string() << "\n";
  if (auto position = leading_position(error.detail, "at ")) {
    print_caret(err, "Expanded", expanded, *position);
  }
}

// Prints each alternative's condition and whether it held, in the phone's order (left to right,
// stopping at the first that holds). Returns false after printing a condition error.
bool print_alternatives(const fw::ProfileRule& rule, std::string_view expanded, std::ostream& out,
                        std::ostream& err) {
  bool chosen = false;
  for (std::size_t i = 0; i < rule.alternatives.size(); ++i) {
    const fw::RuleAlternative& alternative = rule.alternatives[i];
    out << label("Alt " + std::to_string(i + 1));
    if (alternative.condition) {
      out << "(" << mask_rule_secrets(one_line(*alternative.condition)) << ")? ";
    } else {
      out << "no condition ";
    }
    if (chosen) {
      out << "-> not reached\n";
      continue;
    }
    if (!alternative.condition) {
      out << "-> chosen\n";
      chosen = true;
      continue;
    }
    auto held = fw::evaluate_condition(*alternative.condition);
    if (!held) {
      out << "-> error\n";
      err << "rule: alternative " << i + 1 << ": " << held.error().to_string() << "\n";
      if (auto position = leading_position(held.error().detail, "position ")) {
        // Positions count in the trimmed condition; find where that text starts in the rule.
        std::size_t start = expanded.find(*alternative.condition, alternative.condition_position);
        if (start == std::string_view::npos) {
          start = alternative.condition_position;
        }
        print_caret(err, "Expanded", expanded, start + *position);
      }
      return false;
    }
    chosen = *held;
    out << (*held ? "true -> chosen\n" : "false\n");
  }
  return true;
}

// The request line the phone would send to syslog before fetching `url`.
void print_request_log(const Phone& phone, fw::RuleKind kind,
                       const std::vector<fw::RuleAssignment>& assignments,
                       const fw::ProvisioningUrl& url, std::ostream& out) {
  const std::string_view template_name = kind == fw::RuleKind::Upgrade   ? "Log_Upgrade_Request_Msg"
                                         : kind == fw::RuleKind::Profile ? "Log_Request_Msg"
                                                                         : "";
  const auto id = phone.store.registry().find(template_name);
  if (!id) {
    return;  // report rules log nothing before the upload
  }
  // Assignments are applied before the fetch, so the log line sees them.
  fw::ConfigStore store = phone.store;
  for (const fw::RuleAssignment& assignment : assignments) {
    (void)fw::set_parameter(store, assignment.name, assignment.value);
  }
  fw::ProvisioningMacroState state;
  state.url = url;
  // No DNS here: a name stays unresolved rather than pretending to know its address.
  state.server_ip = is_ipv4_literal(url.host) ? url.host : "<unresolved>";
  const fw::PhoneMacros macros(phone.identity, store, state);
  out << label("Syslog") << one_line(fw::expand_macros(store.value(*id), macros)) << "  ("
      << template_name << ")\n";
}

// `rule` with the arguments of --key and --pwd inside [...] replaced by the mask.
std::string mask_option_secrets(std::string_view rule) {
  std::string masked;
  masked.reserve(rule.size());
  bool in_options = false;
  std::size_t i = 0;
  while (i < rule.size()) {
    const char c = rule[i];
    if (!in_options || c == ']' || is_space(c)) {
      in_options = c == '[' || (in_options && c != ']');
      masked += c;
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < rule.size() && !is_space(rule[end]) && rule[end] != ']') {
      ++end;
    }
    const std::string_view token = rule.substr(i, end - i);
    masked += token;
    i = end;
    if (token != "--key" && token != "--pwd") {
      continue;
    }
    while (i < rule.size() && is_space(rule[i])) {
      masked += rule[i++];
    }
    if (i < rule.size() && rule[i] == '"') {
      const std::size_t close = rule.find('"', i + 1);
      end = close == std::string_view::npos ? rule.size() : close + 1;
    } else {
      end = i;
      while (end < rule.size() && !is_space(rule[end]) && rule[end] != ']') {
        ++end;
      }
    }
    if (end > i) {
      masked += fw::kSecretMask;
    }
    i = end;
  }
  return masked;
}

bool is_name_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// `rule` with the quoted values of `Name = "value"` assignments to secret parameters replaced
// by the mask. Matching more than the grammar's assignments (a condition `x = "y"`) only masks
// text that names a secret parameter, which is harmless.
std::string mask_secret_assignments(std::string_view rule) {
  const fw::ParameterRegistry& registry = fw::ParameterRegistry::builtin();
  std::string masked;
  masked.reserve(rule.size());
  std::size_t i = 0;
  while (i < rule.size()) {
    if (!is_name_character(rule[i]) || (i > 0 && is_name_character(rule[i - 1]))) {
      masked += rule[i++];
      continue;
    }
    std::size_t end = i;
    while (end < rule.size() && is_name_character(rule[end])) {
      ++end;
    }
    const std::string name = fw::assignment_parameter_name(rule.substr(i, end - i));
    masked += rule.substr(i, end - i);
    i = end;
    std::size_t at = i;
    while (at < rule.size() && is_space(rule[at])) {
      ++at;
    }
    if (at >= rule.size() || rule[at] != '=') {
      continue;
    }
    ++at;
    while (at < rule.size() && is_space(rule[at])) {
      ++at;
    }
    const auto id = registry.find(name);
    if (at >= rule.size() || rule[at] != '"' || !id || !registry.spec(*id).secret) {
      continue;
    }
    const std::size_t close = rule.find('"', at + 1);
    masked += rule.substr(i, at + 1 - i);
    masked += fw::kSecretMask;
    i = close == std::string_view::npos ? rule.size() : close;
  }
  return masked;
}

}  // namespace

std::string mask_rule_secrets(std::string_view rule) {
  return mask_secret_assignments(mask_option_secrets(rule));
}

int run_rule_explain(const ExplainOptions& options, std::ostream& out, std::ostream& err) {
  Phone phone;
  if (!build_phone(options.phone, phone, err)) {
    return kExitInvalidInput;
  }
  fw::RuleKind kind = fw::RuleKind::Profile;
  std::string raw_rule;
  std::string origin;
  if (!select_rule(options, phone, kind, raw_rule, origin, err)) {
    return kExitInvalidInput;
  }

  const fw::ProvisioningMacroState no_fetch_yet;
  const fw::PhoneMacros macros(phone.identity, phone.store, no_fetch_yet);
  const std::string expanded = fw::expand_macros(raw_rule, macros, fw::SecretPolicy::Keep);
  out << label("Phone") << describe_phone(phone) << "\n"
      << label("Rule") << shown_rule(raw_rule) << "  (" << kind_name(kind) << " rule, " << origin
      << ")\n"
      << label("Expanded") << shown_rule(expanded) << "\n";

  auto parsed = fw::parse_rule(expanded, kind);
  if (!parsed) {
    print_rule_error(parsed.error(), expanded, err);
    return kExitInvalidInput;
  }
  if (!print_alternatives(*parsed, expanded, out, err)) {
    return kExitInvalidInput;
  }

  auto resolved = fw::resolve_rule(kind, raw_rule, macros, phone.servers);
  if (!resolved) {
    if (resolved.error().code == fw::ErrorCode::NoProvisioningServer) {
      out << label("Result") << "nothing fetched: " << resolved.error().to_string()
          << " (pass --dhcp-option 66=HOST, or write the server in the rule)\n";
      return kExitProblemsFound;
    }
    print_rule_error(resolved.error(), expanded, err);
    return kExitInvalidInput;
  }
  switch (resolved->skip_reason) {
    case fw::RuleSkipReason::Empty:
      out << label("Result") << "skipped: the rule is empty\n";
      return kExitOk;
    case fw::RuleSkipReason::CommentedOut:
      out << label("Result") << "skipped: the rule is commented out ('#')\n";
      return kExitOk;
    case fw::RuleSkipReason::NoConditionTrue:
      out << label("Result") << "skipped: every alternative has a condition and none holds\n";
      return kExitOk;
    case fw::RuleSkipReason::None:
      break;
  }

  const fw::RuleAlternative& chosen = parsed->alternatives.at(resolved->alternative_index);
  for (const fw::RuleAssignment& assignment : resolved->assignments) {
    const auto id = phone.store.registry().find(assignment.name);
    const std::string value =
        id ? fw::displayable_value(phone.store.registry().spec(*id), assignment.value)
           : fw::displayable_text(assignment.value);
    out << label("Assigns") << assignment.name << " = \"" << value << "\""
        << (id ? "" : "  (unknown parameter: the phone ignores it)") << "\n";
  }
  // Shown from the parse before the secret step, so an argument built from $SA..$SD stays as
  // written; key and password are masked whatever they hold.
  if (const std::string shown = shown_options(chosen.options); !shown.empty()) {
    out << label("Options") << shown << "\n";
  }
  if (resolved->outcome == fw::RuleOutcome::AssignmentsOnly) {
    out << label("Result") << "assignments only; nothing is fetched\n";
    return kExitOk;
  }

  const fw::ProvisioningUrl& url = *resolved->url;
  auto written = fw::parse_provisioning_url(chosen.url, chosen.url_position);
  out << label("URL") << url.to_string() << "  ("
      << (written ? server_origin(*written, kind, phone.servers) : "server from DHCP") << ")\n";
  if (url.scheme != fw::UrlScheme::Gds) {
    out << label("") << "$SCHEME=" << fw::scheme_name(url.scheme) << "  $SERV=" << url.host
        << "  $PORT=" << url.port << "  $PATH=" << one_line(url.path) << "\n";
  }
  print_request_log(phone, kind, resolved->assignments, url, out);
  return kExitOk;
}

int run_rule_check_trigger(const TriggerOptions& options, std::ostream& out, std::ostream& err) {
  Phone phone;
  if (!build_phone(options.phone, phone, err)) {
    return kExitInvalidInput;
  }
  fw::ProvisioningMacroState state;
  state.resync_age_s = options.resync_age_s;
  state.upgrade_age_s = options.upgrade_age_s;
  const fw::PhoneMacros macros(phone.identity, phone.store, state);
  const std::string expanded = fw::expand_macros(options.expression, macros);
  out << label("Trigger") << one_line(options.expression) << "\n"
      << label("Expanded") << one_line(expanded) << "\n";

  if (expanded.find_first_not_of(" \t\r\n") == std::string::npos) {
    out << label("Result") << "empty: the trigger takes no part (scheduled resyncs proceed)\n";
    return kExitOk;
  }
  auto held = fw::evaluate_condition(expanded);
  if (!held) {
    err << "trigger: " << held.error().to_string() << "\n";
    if (auto position = leading_position(held.error().detail, "position ")) {
      err << "  " << label("Expanded") << one_line(expanded) << "\n"
          << "  " << std::string(kLabelWidth + *position, ' ') << "^\n";
    }
    constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kTimers = {{
        {"$PRVTMR", "--prvtmr S (seconds since the last resync)"},
        {"$UPGTMR", "--upgtmr S (seconds since the last upgrade)"},
        {"$REGTMR1", "a registered line 1 (not simulated yet)"},
        {"$REGTMR2", "a registered line 2 (not simulated yet)"},
    }};
    for (const auto& [timer, remedy] : kTimers) {
      if (expanded.find(timer) != std::string::npos) {
        err << "  " << timer << " has no value: the timer is not running; it needs " << remedy
            << "\n";
      }
    }
    return kExitInvalidInput;
  }
  out << label("Result")
      << (*held ? "true (a scheduled resync proceeds)\n"
                : "false (a scheduled resync is skipped and rescheduled)\n");
  return *held ? kExitOk : kExitProblemsFound;
}

void add_rule_commands(CLI::App& app, std::function<int()>& selected, std::ostream& out,
                       std::ostream& err) {
  CLI::App* rule = app.add_subcommand("rule", "What a phone does with a rule or resync trigger");
  rule->require_subcommand(1);

  struct ExplainCommand {
    ExplainOptions options;
    std::string kind;
  };
  auto explain_command = std::make_shared<ExplainCommand>();
  CLI::App* explain = rule->add_subcommand(
      "explain", "Expand, parse and resolve a rule on a simulated phone, step by step");
  explain
      ->add_option("RULE", explain_command->options.rule,
                   "the rule text, or '-' / a rule parameter's name (Profile_Rule, "
                   "Profile_Rule_B.._D, Upgrade_Rule) for the phone's stored rule")
      ->required();
  explain
      ->add_option("--kind", explain_command->kind,
                   "which rule it is (default: upgrade for Upgrade_Rule, else profile)")
      ->check(CLI::IsMember({"profile", "upgrade", "report"}));
  add_phone_options(*explain, explain_command->options.phone);
  explain->footer(
      "Exit: 0 the phone would fetch, assign or skip; 1 it names no server and none is known;\n"
      "2 bad options, unreadable profile, or a rule that does not parse (position marked).\n"
      "Keys, passwords and secret parameters are never printed.");
  explain->callback([&selected, &out, &err, explain_command] {
    ExplainCommand& command = *explain_command;
    if (command.kind == "profile") {
      command.options.kind = fw::RuleKind::Profile;
    } else if (command.kind == "upgrade") {
      command.options.kind = fw::RuleKind::Upgrade;
    } else if (command.kind == "report") {
      command.options.kind = fw::RuleKind::Report;
    }
    selected = [&out, &err, explain_command] {
      return run_rule_explain(explain_command->options, out, err);
    };
  });

  struct TriggerCommand {
    TriggerOptions options;
    std::int64_t resync_age_s = 0;
    std::int64_t upgrade_age_s = 0;
  };
  auto trigger_command = std::make_shared<TriggerCommand>();
  CLI::App* trigger = rule->add_subcommand(
      "check-trigger", "Expand and evaluate a Resync_Trigger_1/_2 expression on a simulated phone");
  trigger->add_option("EXPR", trigger_command->options.expression, "the trigger expression")
      ->required();
  CLI::Option* prvtmr = trigger->add_option("--prvtmr", trigger_command->resync_age_s,
                                            "seconds since the last resync ($PRVTMR)");
  CLI::Option* upgtmr = trigger->add_option("--upgtmr", trigger_command->upgrade_age_s,
                                            "seconds since the last upgrade ($UPGTMR)");
  add_phone_options(*trigger, trigger_command->options.phone);
  trigger->footer("Exit: 0 true (or empty), 1 false, 2 the expression does not evaluate.");
  trigger->callback([&selected, &out, &err, trigger_command, prvtmr, upgtmr] {
    TriggerCommand& command = *trigger_command;
    if (prvtmr->count() > 0) {
      command.options.resync_age_s = command.resync_age_s;
    }
    if (upgtmr->count() > 0) {
      command.options.upgrade_age_s = command.upgrade_age_s;
    }
    selected = [&out, &err, trigger_command] {
      return run_rule_check_trigger(trigger_command->options, out, err);
    };
  });
}

}  // namespace sim::cli
