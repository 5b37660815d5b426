// Fuzzes macro expansion with untrusted rule and template text. Besides "never crashes", checks
// three properties that must hold for any input:
//   1. with a source that answers nothing, expansion changes only "$$" into "$";
//   2. the secrets-only pass with such a source changes nothing;
//   3. with SecretPolicy::Keep no secret value reaches the output: two sources that differ only
//      in SA..SD give the same output.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "firmware-core/base/bytes.h"
#include "firmware-core/macro/macro_expander.h"
#include "firmware-core/macro/macro_table.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

class SilentSource final : public fw::MacroSource {
 public:
  std::optional<std::string> lookup(std::string_view) const override { return std::nullopt; }
};

fw::MacroTable phone_table(std::string_view secret) {
  fw::MacroTable table{
      {"A", "ABCDEF"},        {"B", "$MA$$"},     {"C", ""},        {"PN", "CP-8841-3PCC"},
      {"SN", "88012BA01234"}, {"SWVER", "7.6.2"}, {"UID10", "ten"}, {"UID1", "one"},
      {"SA", secret},         {"SB", secret},     {"SC", secret},   {"SD", secret},
  };
  fw::set_mac_macros(table, {0x00, 0x0e, 0x08, 0x01, 0x23, 0x45});
  return table;
}

std::string collapse_double_dollars(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    out.push_back(text[i]);
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '$') {
      ++i;
    }
  }
  return out;
}

using fuzz::check;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fw::as_text({data, size});
  SilentSource silent;
  check(fw::expand_macros(text, silent, fw::SecretPolicy::Expand) == collapse_double_dollars(text));
  check(fw::expand_secret_macros(text, silent) == text);

  static const fw::MacroTable table = phone_table("s3cret");
  static const fw::MacroTable other_secrets = phone_table("other");
  std::string kept = fw::expand_macros(text, table, fw::SecretPolicy::Keep);
  check(kept == fw::expand_macros(text, other_secrets, fw::SecretPolicy::Keep));
  std::string expanded = fw::expand_macros(text, table, fw::SecretPolicy::Expand);
  std::string second_step = fw::expand_secret_macros(kept, table);
  (void)expanded;
  (void)second_step;
  return 0;
}
