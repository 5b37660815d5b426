#pragma once

// Limits shared by more than one part of the core. Limits that belong to one parser live next
// to it (flat_profile.h, profile_rule.h, ...).

#include <cstddef>

namespace fw {

// rule_bytes_max: the longest Profile_Rule*, Upgrade_Rule or other rule: the parameter's text
// limit, and the limit the rule parser applies before and after macro expansion. Several
// alternatives with options and long URLs fit; a runaway value does not.
inline constexpr std::size_t kRuleBytesMax = 4096;

}  // namespace fw
