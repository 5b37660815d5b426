#pragma once

// The condition language of rule alternatives "( expr )?" and Resync_Trigger_1/_2 (reference
// §3). It is evaluated on text that has already been macro-expanded.
//
//   expr       = term *( and term )
//   and        = "and" | "und"                ; any letter case: AND, UND (the German guide)
//   term       = "(" expr ")" | comparison    ; parentheses only group, at most
//                                             ; kConditionDepthMax deep
//   comparison = operand op operand
//   op         = "eq" "=" "==" | "ne" "!=" | "lt" "<" | "le" "<=" | "gt" ">" | "ge" ">="
//                                             ; keywords in any letter case (EQ, Ne)
//   operand    = "quoted string" | integer | firmware version (SPA 1.0.31(b), MPP
//                sip88xx.11-3-2MPP0001-609)
//
// Spaces, tabs and line breaks may surround every token; they are needed only between a
// keyword and a neighbouring word ("1 eq 1", but "1==1" is fine).
//
// Quoted strings allow only eq/ne and compare byte for byte, without escapes; if either side is
// quoted the comparison is a string comparison ("$CCERT" eq Installed compares text). Integers
// are optionally negative decimal numbers that fit in 64 bits ($PRVST is -1 for an explicit
// resync); two integers compare numerically. Any other unquoted operands compare as firmware
// versions (firmware_version.h): an integer facing a version is read as a one-number SPA
// version, and both sides must use the same version format. "or" is not part of the language
// (use "|" alternatives or the second trigger). Every comparison is checked even after one is
// false, so an error anywhere makes the whole expression an error.

#include <cstddef>
#include <string_view>

#include "firmware-core/base/result.h"

namespace fw {

// Longest expanded expression accepted.
inline constexpr std::size_t kConditionBytesMax = 1024;
// Most comparisons in one expression.
inline constexpr std::size_t kConditionComparisonsMax = 16;
// Deepest nesting of grouping parentheses.
inline constexpr std::size_t kConditionDepthMax = 8;

// Evaluates an expanded condition. Errors: ConditionSyntax (malformed, empty, or over a limit;
// the detail names the 0-based byte position and what was expected), VersionSyntax (a version
// that does not parse, or versions of different formats compared; the detail names the
// operand's position). Never silently true.
Result<bool> evaluate_condition(std::string_view expanded_expression);

// SPA firmware before 2.0.6 also accepted a bare "!" for "!=" and an omitted left operand
// meaning the phone's own firmware version ("! 1.0.33" is "$SWVER != 1.0.33", and the Sipura
// example "(<1.0)?" is "$SWVER < 1.0"). The expression has already been expanded, so the
// version must be passed in.
struct LegacySpaSyntax {
  std::string_view current_firmware_version;  // the phone's $SWVER
};

// Evaluates an expanded condition with the legacy SPA forms enabled as well. Call it instead of
// the one-argument form only for phones whose firmware flavor reproduces SPA firmware before
// 2.0.6. The omitted left operand is recognised only before a symbolic operator ("<1.0",
// "! 1.0.33", "= 7.6.2"), since a keyword there would read as an operand. Errors: as above.
Result<bool> evaluate_condition(std::string_view expanded_expression, LegacySpaSyntax legacy);

}  // namespace fw
