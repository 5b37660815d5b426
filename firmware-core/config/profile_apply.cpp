#include "firmware-core/config/profile_apply.h"

#include <algorithm>
#include <utility>

namespace fw {
namespace {

ParameterChange make_change(const ConfigStore& before, const ConfigStore& after, ParamId id) {
  const ParamSpec& spec = before.registry().spec(id);
  ParameterChange change;
  change.id = id;
  change.value_changed = before.value(id) != after.value(id);
  change.old_access = before.access(id);
  change.new_access = after.access(id);
  change.access_changed = change.old_access != change.new_access;
  if (spec.secret) {
    change.old_value = kSecretMask;
    change.new_value = kSecretMask;
  } else {
    change.old_value = before.value(id);
    change.new_value = after.value(id);
  }
  return change;
}

// Moves `issues` into `into`, keeping the result in document (line) order.
void merge_by_line(std::vector<ProfileIssue>& into, std::vector<ProfileIssue>&& issues) {
  for (ProfileIssue& issue : issues)
    into.push_back(std::move(issue));
  std::stable_sort(into.begin(), into.end(),
                   [](const ProfileIssue& a, const ProfileIssue& b) { return a.line < b.line; });
}

}  // namespace

std::string ParameterChange::to_string(const ParameterRegistry& registry) const {
  std::string text(registry.spec(id).name);
  text += ":";
  if (value_changed) {
    text += " '" + displayable_text(old_value) + "' -> '" + displayable_text(new_value) + "'";
  }
  if (access_changed) {
    text += " ua ";
    text += access_text(old_access);
    text += " -> ";
    text += access_text(new_access);
  }
  if (!value_changed && !access_changed)
    text += " unchanged";
  return text;
}

std::string ApplyReport::to_string(const ParameterRegistry& registry) const {
  std::string text;
  for (const ParameterChange& change : changes) {
    text += "changed " + change.to_string(registry) + "\n";
  }
  for (const auto* list : {&unknown_elements, &invalid_values}) {
    for (const ProfileIssue& issue : *list)
      text += "skipped " + issue.error.to_string() + "\n";
  }
  return text;
}

std::vector<ParameterChange> diff_stores(const ConfigStore& before, const ConfigStore& after) {
  std::vector<ParameterChange> changes;
  // Only overridden parameters can differ; walk both sorted override lists together.
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < before.override_count() || j < after.override_count()) {
    ParamId id = 0;
    if (j == after.override_count() ||
        (i < before.override_count() && before.override_id(i) < after.override_id(j))) {
      id = before.override_id(i++);
    } else if (i == before.override_count() || after.override_id(j) < before.override_id(i)) {
      id = after.override_id(j++);
    } else {
      id = before.override_id(i++);
      ++j;
    }
    ParameterChange change = make_change(before, after, id);
    if (change.value_changed || change.access_changed)
      changes.push_back(std::move(change));
  }
  return changes;
}

Result<ApplyReport> apply_flat_profile(ConfigStore& store, ByteSpan profile,
                                       const ProfileLimits& limits) {
  auto parsed = parse_flat_profile(profile, store.registry(), limits);
  if (!parsed)
    return fail(std::move(parsed).error());

  ApplyReport report;
  report.unknown_elements = std::move(parsed->unknown_elements);
  report.invalid_values = std::move(parsed->invalid_elements);

  // Validate every element into a draft in document order, so that a later duplicate wins.
  ConfigDraft draft(store);
  std::vector<ProfileIssue> invalid_values;
  for (const ProfileElement& element : parsed->elements) {
    if (element.text) {
      if (auto set = draft.set_value(element.id, *element.text); !set) {
        const std::string_view name = store.registry().spec(element.id).name;
        Error error = std::move(set).error();
        error.detail = "line " + std::to_string(element.line) + ": " + error.detail;
        invalid_values.push_back(ProfileIssue{std::string(name), element.line, std::move(error)});
        continue;  // an invalid element is skipped whole, its `ua` included
      }
    }
    if (element.access)
      draft.set_access(element.id, *element.access);
  }
  merge_by_line(report.invalid_values, std::move(invalid_values));

  ConfigStore next = draft.build();
  report.changes = diff_stores(store, next);
  store.replace(std::move(next));
  return report;
}

Result<ParameterChange> set_parameter(ConfigStore& store, std::string_view name,
                                      std::string_view raw_value, std::optional<Access> access) {
  const std::optional<ParamId> id = store.registry().find(name);
  if (!id)
    return fail(ErrorCode::UnknownParameter, displayable_text(name));
  ConfigDraft draft(store);
  if (auto set = draft.set_value(*id, raw_value); !set)
    return fail(std::move(set).error());
  if (access)
    draft.set_access(*id, *access);
  ConfigStore next = draft.build();
  ParameterChange change = make_change(store, next, *id);
  store.replace(std::move(next));
  return change;
}

}  // namespace fw
