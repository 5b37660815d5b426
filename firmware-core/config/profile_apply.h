#pragma once

// Applying configuration to a store as one transaction: parse -> validate -> diff -> build the
// new state -> swap. A profile that fails to parse or exceeds a limit changes nothing; invalid
// values and unknown elements are reported and skipped while the rest applies.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "firmware-core/base/bytes.h"
#include "firmware-core/base/result.h"
#include "firmware-core/config/config_store.h"
#include "firmware-core/config/flat_profile.h"

namespace fw {

// One parameter whose value or access changed. Values of secret parameters are kSecretMask here
// (both old and new, so compare value_changed, not the texts), so a report can be logged or
// traced as it is.
struct ParameterChange {
  ParamId id = 0;
  bool value_changed = false;
  bool access_changed = false;
  std::string old_value;
  std::string new_value;
  Access old_access = Access::NoAccess;
  Access new_access = Access::NoAccess;

  // "GPP_A: '' -> '12345678'", "Profile_Rule_B: ua rw -> na" (values escaped and truncated).
  std::string to_string(const ParameterRegistry& registry) const;
};

struct ApplyReport {
  std::vector<ParameterChange> changes;        // registry order
  // Each counted; the first ProfileLimits::issues_listed_max listed in full, in document order.
  ProfileIssues unknown_elements;  // UnknownParameter
  ProfileIssues invalid_values;    // InvalidValue / ValueTooLong

  bool changed() const { return !changes.empty(); }
  // One line per change and issue, for traces and status pages. Contains no secret.
  std::string to_string(const ParameterRegistry& registry) const;
};

// Applies a downloaded flat profile (plain XML) to `store`. Call once per profile, in rule order;
// later profiles override earlier ones. Duplicate elements: the last one wins.
// Returns what changed and what was skipped (limits.issues_listed_max issues of each kind in
// full, kIssuesListedAll for every one). Errors (store unchanged): those of
// parse_flat_profile() — ProfileTooLarge, ProfileTooDeep, ProfileTooManyElements, ValueTooLong,
// ParseError.
Result<ApplyReport> apply_flat_profile(ConfigStore& store, ByteSpan profile,
                                       const ProfileLimits& limits = {});

// Sets one parameter by name (admin web, CLI --param, tests), with the same validation as a
// profile. `access` nullopt keeps the current access. Returns the change (value_changed and
// access_changed may both be false). Errors (store unchanged): UnknownParameter,
// InvalidValue, ValueTooLong.
Result<ParameterChange> set_parameter(ConfigStore& store, std::string_view name,
                                      std::string_view raw_value,
                                      std::optional<Access> access = std::nullopt);

// The changes between two stores over the same registry, in registry order (secrets masked).
std::vector<ParameterChange> diff_stores(const ConfigStore& before, const ConfigStore& after);

}  // namespace fw
