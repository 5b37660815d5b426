// Fuzzes the rule pipeline: parse_rule, resolve_rule (macro expansion, conditions, URL, DHCP),
// parse_provisioning_url, DHCP_Option_To_Use and Direct Action query decoding.
//
// Input: the first byte picks the rule kind, the rest is the rule text. Besides "no crash", it
// checks that no error detail ever contains a secret's value (unless the input itself holds it).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "firmware-core/base/bytes.h"
#include "firmware-core/macro/macro_table.h"
#include "firmware-core/rules/direct_action_query.h"
#include "firmware-core/rules/profile_rule.h"
#include "firmware-core/rules/provisioning_server.h"
#include "firmware-core/rules/provisioning_url.h"
#include "firmware-core/rules/rule_resolver.h"

namespace {

constexpr std::string_view kSecret = "zQ9sEcReT";

void check_detail(const fw::Error& error, std::string_view input) {
  if (input.find(kSecret) == std::string_view::npos &&
      error.detail.find(kSecret) != std::string::npos) {
    std::abort();  // a secret leaked into an error detail
  }
}

const fw::MacroTable& macros() {
  static const fw::MacroTable table = [] {
    fw::MacroTable values{{"A", "Provisioned"},   {"B", "x|y\"(z)[w]"}, {"C", "$SA"},
                          {"PN", "CP-8841-3PCC"}, {"PSN", "8841"},      {"SWVER", "11.3.7"},
                          {"REGTMR1", "0"},       {"SA", kSecret},      {"SB", kSecret}};
    fw::set_mac_macros(values, fw::MacAddress{0x00, 0x0e, 0x08, 0x01, 0x23, 0x45});
    return values;
  }();
  return table;
}

const fw::ServerSources& servers() {
  static const fw::ServerSources sources{{{66, fw::to_bytes("tftp.example.com")},
                                          {150, fw::Bytes{10, 0, 0, 7}},
                                          {160, fw::to_bytes("https://prov.example.com:8443/")}},
                                         {160, 66, 150},
                                         "last.example.com"};
  return sources;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  auto kind = static_cast<fw::RuleKind>(data[0] % 3);
  std::string_view text = fw::as_text(fw::ByteSpan(data + 1, size - 1));

  auto rule = fw::parse_rule(text, kind);
  if (rule) {
    if (rule->alternatives.size() > fw::kAlternativesMax) {
      std::abort();
    }
    for (const fw::RuleAlternative& alternative : rule->alternatives) {
      if (alternative.assignments.size() > fw::kAssignmentsMax) {
        std::abort();
      }
    }
  } else {
    check_detail(rule.error(), text);
  }

  auto resolved = fw::resolve_rule(kind, text, macros(), servers());
  if (resolved) {
    if (resolved->outcome == fw::RuleOutcome::Fetch &&
        (!resolved->url || resolved->url->needs_server())) {
      std::abort();
    }
  } else {
    check_detail(resolved.error(), text);
  }

  if (auto url = fw::parse_provisioning_url(text); url) {
    // What we print must parse back to the same URL.
    if (url->has_server()) {
      auto again = fw::parse_provisioning_url(url->to_string());
      if (!again || again->host != url->host || again->port != url->port ||
          again->path != url->path || again->scheme != url->scheme) {
        std::abort();
      }
    }
  }

  (void)fw::parse_dhcp_option_order(text);
  if (auto query = fw::rule_from_direct_action_query(text); query) {
    (void)fw::resolve_rule(kind, query->rule, macros(), servers());
  }
  return 0;
}
