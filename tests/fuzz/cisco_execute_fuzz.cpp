// Fuzzes the body of POST /CGI/Execute (parse_execute_form, parse_execute_object), which arrives
// from any HTTP client.
//
// Properties, for any input:
//   1. a refusal is ExecuteSyntax; a parsed object has 1..kExecuteItemsMax items, each with a
//      non-empty URL and a priority 0..2;
//   2. a Resync: item's rule is exactly the URL after "Resync:" (none when nothing follows);
//   3. the response names every item's URL, escaped, so it is well-formed: it never carries a
//      raw '<' or '"' from a URL.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "firmware-core/base/bytes.h"
#include "firmware-core/rules/cisco_execute.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using fuzz::check;

void check_items(const fw::Result<std::vector<fw::ExecuteItem>>& parsed) {
  if (!parsed) {
    check(parsed.error().code == fw::ErrorCode::ExecuteSyntax);
    return;
  }
  check(!parsed->empty() && parsed->size() <= fw::kExecuteItemsMax);
  std::vector<fw::ExecuteOutcome> outcomes;
  for (const fw::ExecuteItem& item : *parsed) {
    check(!item.url.empty() && item.priority <= 2);
    check(item.is_resync == item.url.starts_with("Resync:"));
    if (item.is_resync) {
      const std::string rest = item.url.substr(7);
      check(rest.empty() ? !item.resync_rule : item.resync_rule == rest);
    } else {
      check(!item.resync_rule);
    }
    outcomes.push_back({item.url, item.is_resync});
  }
  const std::string response = fw::execute_response_xml(outcomes);
  const std::string_view inside(response);
  std::size_t opened = 0;
  for (char c : inside) opened += c == '<' ? 1 : 0;
  check(opened == 2 + outcomes.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fw::as_text(fw::ByteSpan(data, size));
  check_items(fw::parse_execute_form(text));
  check_items(fw::parse_execute_object(text));
  return 0;
}
