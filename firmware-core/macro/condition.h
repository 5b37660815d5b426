#pragma once

// The condition language of rule alternatives "( expr )?" and Resync_Trigger_1/_2 (reference
// §3). It is evaluated on text that has already been macro-expanded.
//
//   expr       = comparison *( ("and" | "AND") comparison )
//   comparison = operand op operand
//   op         = "eq" "=" "==" | "ne" "!=" | "lt" "<" | "le" "<=" | "gt" ">" | "ge" ">="
//   operand    = "quoted string" | integer | firmware version (SPA 1.0.31(b), MPP
//                sip88xx.11-3-2MPP0001-609)
//
// Quoted strings allow only eq/ne. Integers and versions allow all six operators; an unquoted
// version compares as a version, and both sides must use the same version format.

#include <string_view>

#include "firmware-core/base/result.h"

namespace fw {

// Evaluates an expanded condition. Errors: ConditionSyntax (malformed; the detail names the
// 0-based position and what was expected), VersionSyntax (a version that does not parse, or
// versions of different formats compared). Never silently true.
Result<bool> evaluate_condition(std::string_view expanded_expression);

}  // namespace fw
