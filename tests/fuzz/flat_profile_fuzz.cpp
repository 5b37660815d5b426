// Fuzzes flat-profile parsing and the apply transaction with arbitrary bytes, and checks the
// properties the rest of the firmware relies on:
//   - a failed apply leaves the store unchanged;
//   - export_complete() of the result re-imports without issues into an equal store;
//   - export_for_people() shows every secret as the mask, never its value;
//   - with the fast backend built in, pugixml gives the same outcome as tinyxml2 (the same
//     error code, or the same store and the same issues), except that on malformed XML one of
//     them may reject with ParseError what the other reads (flat_profile.h, XmlParser).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "firmware-core/config/profile_apply.h"
#include "firmware-core/config/profile_export.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

// Small limits so the fuzzer reaches them; the defaults are exercised by the unit tests.
fw::ProfileLimits fuzz_limits() {
  fw::ProfileLimits limits;
  limits.profile_bytes_max = 64 * 1024;
  limits.xml_depth_max = 8;
  limits.xml_elements_max = 512;
  limits.value_bytes_max = 1024;
  limits.issues_listed_max = fw::kIssuesListedAll;  // compare every issue between the parsers
  return limits;
}

using fuzz::check;

bool same_issues(const fw::ProfileIssues& all_a, const fw::ProfileIssues& all_b) {
  const std::vector<fw::ProfileIssue>& a = all_a.listed;
  const std::vector<fw::ProfileIssue>& b = all_b.listed;
  if (all_a.count != all_b.count || a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].line != b[i].line || a[i].error.code != b[i].error.code ||
        a[i].error.detail != b[i].error.detail)
      return false;
  }
  return true;
}

// Applies `input` with pugixml and compares with tinyxml2's outcome.
void check_same_with_pugixml(fw::ByteSpan input, const fw::Result<fw::ApplyReport>& tinyxml2,
                             const fw::ConfigStore& tinyxml2_store) {
  if (!fw::xml_parser_available(fw::XmlParser::Pugixml))
    return;
  fw::ConfigStore store;
  check(fw::set_parameter(store, "GPP_A", "before").has_value());
  fw::ProfileLimits limits = fuzz_limits();
  limits.xml_parser = fw::XmlParser::Pugixml;
  auto report = fw::apply_flat_profile(store, input, limits);
  if (report.has_value() != tinyxml2.has_value())
    check((report ? tinyxml2.error() : report.error()).code == fw::ErrorCode::ParseError);
  else if (!report)
    check(report.error().code == tinyxml2.error().code);
  if (!report) {
    check(store.value(*store.registry().find("GPP_A")) == "before");
    check(store.override_count() == 1);
    return;
  }
  if (!tinyxml2)
    return;
  check(store == tinyxml2_store);
  check(same_issues(report->unknown_elements, tinyxml2->unknown_elements));
  check(same_issues(report->invalid_values, tinyxml2->invalid_values));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fw::ByteSpan input(data, size);
  fw::ConfigStore store;
  // A non-default starting point, so that "unchanged on failure" means something.
  check(fw::set_parameter(store, "GPP_A", "before").has_value());

  auto report = fw::apply_flat_profile(store, input, fuzz_limits());
  check_same_with_pugixml(input, report, store);
  if (!report) {
    check(store.value(*store.registry().find("GPP_A")) == "before");
    check(store.override_count() == 1);
    return 0;
  }

  const std::string complete = fw::export_complete(store);
  fw::ConfigStore reimported;
  auto again = fw::apply_flat_profile(reimported, fw::as_bytes(complete));
  check(again.has_value());
  check(again->unknown_elements.empty() && again->invalid_values.empty());
  check(reimported == store);

  // Every secret's element in the export for people holds the mask, whatever the value. (Looking
  // for the value itself would fail by chance: a secret may equal a parameter name.)
  const std::string people = fw::export_for_people(store);
  for (const fw::ParamSpec& spec : store.registry().specs()) {
    if (!spec.secret)
      continue;
    const std::string open = "\n  <" + std::string(spec.name) + " ua=\"";
    const std::size_t start = people.find(open);
    check(start != std::string::npos);
    const std::size_t end = people.find('\n', start + 1);
    const std::string_view line = std::string_view(people).substr(start, end - start);
    const std::string close = "\">*****</" + std::string(spec.name) + ">";
    check(line.size() == open.size() + 2 + close.size() && line.ends_with(close));
  }
  return 0;
}
