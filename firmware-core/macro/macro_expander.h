#pragma once

// Macro expansion of rule strings, trigger expressions and log templates (reference §2).
//
// Forms: $NAME, $(NAME), $(NAME:p) (from 0-based offset p to the end), $(NAME:p:q) (q
// characters from p), $$ (a literal $). One pass: text substituted from a variable is never
// expanded again. A name that is not a variable stays exactly as written
// ("spa$STRANGE$MAU.cfg" -> "spa$STRANGE000E08012345.cfg").
//
// Name recognition (bare $NAME): names are upper case and case-sensitive ($ma stays literal).
// The name is the longest name of kMacroVariableNames that prefixes the text after '$': "$MAC"
// is MAC, "$MAUX" is MAU then "X", "$A1" is A then "1". If the MacroSource does not answer
// that name, "$NAME" stays as written; it never falls back to a shorter name ("$PRVTMR" before
// the first resync is not $P followed by "RVTMR"). Text no name prefixes stays as written.
// $(NAME...) needs the exact name. Offsets and lengths count bytes; an offset past the end
// gives "" and a length past the end gives the rest. A malformed $( form ("$(A", "$(A:x)",
// "$(A:-1)", "$( A )") stays as written.

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace fw {

// Every variable a rule or template may name (reference §2), including the GPP_A..GPP_P and
// GPP_SA..GPP_SD spellings, which are aliases of A..P and SA..SD (one MPP document shows
// $GPP_A). The MacroSource is always asked for the canonical name (canonical_macro_name()).
// clang-format off
inline constexpr auto kMacroVariableNames = std::to_array<std::string_view>({
    // GPP_A..GPP_P contents.
    "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P",
    // Hidden GPP_SA..GPP_SD: secrets (see SecretPolicy).
    "SA", "SB", "SC", "SD",
    // Identity.
    "MA", "MAU", "MAC", "PN", "PSN", "SN", "CCERT", "IP", "EXTIP", "SWVER", "HWVER",
    // Agent state.
    "PRVST", "UPGST", "UPGERR", "PRVTMR", "UPGTMR", "REGTMR1", "REGTMR2", "UPGCOND",
    // The URL being fetched (log templates).
    "SCHEME", "METH", "SERV", "SERVIP", "PORT", "PATH", "ERR",
    // Lines.
    "UID1", "UID2", "UID3", "UID4", "UID5", "UID6", "UID7", "UID8", "UID9", "UID10", "ISCUST",
    // MPP XML-service macros.
    "DISPLAYNAME1", "DISPLAYNAME2", "DISPLAYNAME3", "DISPLAYNAME4", "DISPLAYNAME5",
    "DISPLAYNAME6", "DISPLAYNAME7", "DISPLAYNAME8", "DISPLAYNAME9", "DISPLAYNAME10",
    "AUTHID1", "AUTHID2", "AUTHID3", "AUTHID4", "AUTHID5", "AUTHID6", "AUTHID7", "AUTHID8",
    "AUTHID9", "AUTHID10",
    "PROXY1", "PROXY2", "PROXY3", "PROXY4", "PROXY5", "PROXY6", "PROXY7", "PROXY8", "PROXY9",
    "PROXY10",
    "INCOMINGNAME", "REMOTENUMBER", "SERIAL_NUMBER",
    // SPA9xx/5xx Extension Mobility.
    "PDOM", "EMS", "PUID", "PPWD", "MUID", "MPWD",
    // Alias spellings.
    "GPP_A", "GPP_B", "GPP_C", "GPP_D", "GPP_E", "GPP_F", "GPP_G", "GPP_H", "GPP_I", "GPP_J",
    "GPP_K", "GPP_L", "GPP_M", "GPP_N", "GPP_O", "GPP_P",
    "GPP_SA", "GPP_SB", "GPP_SC", "GPP_SD",
});
// clang-format on

// Room reserved for substituted text beyond the template's own size, so that a typical rule or
// log line is expanded into a single allocation.
inline constexpr std::size_t kExpansionReserveBytes = 64;

// Supplies variable values by name ("MA", "A", "SA", "UID1", "PRVTMR", ...). Implementations:
// a plain table (MacroTable), and the phone's view over identity, configuration and agent state.
class MacroSource {
 public:
  virtual ~MacroSource() = default;
  // The value of `name`, or nullopt if this source has no such variable. The expander asks only
  // for canonical names of kMacroVariableNames ("A", never "GPP_A").
  virtual std::optional<std::string> lookup(std::string_view name) const = 0;
};

// Whether the secret variables SA..SD (GPP_SA..GPP_SD) may be substituted. They are only
// expanded inside the --key/--uid/--pwd arguments of a rule; elsewhere they stay literal.
enum class SecretPolicy : bool { Keep, Expand };

// True for SA, SB, SC, SD and their aliases GPP_SA..GPP_SD.
bool is_secret_macro(std::string_view name);

// True if `name` is one of kMacroVariableNames (exact, case-sensitive).
bool is_macro_variable(std::string_view name);

// The name the MacroSource is asked for: "GPP_A" -> "A", "GPP_SB" -> "SB"; any other name is
// returned unchanged. The result views `name`.
std::string_view canonical_macro_name(std::string_view name);

// Expands `text` once. With SecretPolicy::Keep, $SA..$SD (and $(SA...) forms) are left as
// written. With SecretPolicy::Expand everything is expanded, secrets included. Never fails:
// anything that is not a known, answered variable stays as written.
std::string expand_macros(std::string_view text, const MacroSource& source,
                          SecretPolicy secrets = SecretPolicy::Keep);

// Expands only the secret variables SA..SD in `text` (the second step for --key/--uid/--pwd
// arguments of a rule that was expanded with SecretPolicy::Keep before it was parsed). Every
// other $ form, "$$" included, is copied unchanged. Because the first pass already turned "$$"
// into "$", a "$$SA" written in a rule reaches this step as "$SA" and is expanded; callers that
// need strict one-pass behaviour expand the raw argument once with SecretPolicy::Expand instead.
std::string expand_secret_macros(std::string_view text, const MacroSource& source);

}  // namespace fw
