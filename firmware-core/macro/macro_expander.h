#pragma once

// Macro expansion of rule strings, trigger expressions and log templates (reference §2).
//
// Forms: $NAME, $(NAME), $(NAME:p) (from 0-based offset p to the end), $(NAME:p:q) (q
// characters from p), $$ (a literal $). One pass: text substituted from a variable is never
// expanded again. A name that is not a variable stays exactly as written
// ("spa$STRANGE$MAU.cfg" -> "spa$STRANGE000E08012345.cfg").

#include <optional>
#include <string>
#include <string_view>

namespace fw {

// Supplies variable values by name ("MA", "A", "SA", "UID1", "PRVTMR", ...). Implementations:
// a plain table (MacroTable), and the phone's view over identity, configuration and agent state.
class MacroSource {
 public:
  virtual ~MacroSource() = default;
  // The value of `name`, or nullopt if this source has no such variable.
  virtual std::optional<std::string> lookup(std::string_view name) const = 0;
};

// Whether the secret variables SA..SD (GPP_SA..GPP_SD) may be substituted. They are only
// expanded inside the --key/--uid/--pwd arguments of a rule; elsewhere they stay literal.
enum class SecretPolicy : bool { Keep, Expand };

// True for SA, SB, SC, SD.
bool is_secret_macro(std::string_view name);

// Expands `text` once. With SecretPolicy::Keep, $SA..$SD (and $(SA...) forms) are left as
// written. With SecretPolicy::Expand everything is expanded, secrets included.
std::string expand_macros(std::string_view text, const MacroSource& source,
                          SecretPolicy secrets = SecretPolicy::Keep);

// Expands only the secret variables SA..SD in `text` (the second step for --key/--uid/--pwd
// arguments of a rule that was expanded with SecretPolicy::Keep before it was parsed).
std::string expand_secret_macros(std::string_view text, const MacroSource& source);

}  // namespace fw
