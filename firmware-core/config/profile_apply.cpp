#include "firmware-core/config/profile_apply.h"

#include <string>
#include <utility>

#include "firmware-core/config/flat_profile_reader.h"

namespace fw {
namespace {

// The change of `id` between the stores; value_changed and access_changed may both be false.
// Each store is searched once per value and access (diff_stores calls this for every override).
ParameterChange make_change(const ConfigStore& before, const ConfigStore& after, ParamId id) {
  const ParamSpec& spec = before.registry().spec(id);
  const std::string_view old_value = before.value(id);
  const std::string_view new_value = after.value(id);
  ParameterChange change;
  change.id = id;
  change.value_changed = old_value != new_value;
  change.old_access = before.access(id);
  change.new_access = after.access(id);
  change.access_changed = change.old_access != change.new_access;
  if (spec.secret) {
    change.old_value = kSecretMask;
    change.new_value = kSecretMask;
  } else {
    change.old_value = old_value;
    change.new_value = new_value;
  }
  return change;
}

// Validates each parameter into the draft as the reader walks the document, so that a later
// duplicate wins and no text is copied out of the parser's document.
class DraftingSink final : public ParameterSink {
 public:
  DraftingSink(ConfigDraft& draft, const ProfileLimits& limits, ProfileIssues& invalid_values)
      : draft_(draft), limits_(limits), invalid_values_(invalid_values) {}

  void parameter(ParamId id, const FlatProfileNode& node, const std::string_view* text,
                 std::optional<Access> access) override {
    if (text != nullptr) {
      if (auto set = draft_.set_value(id, *text); !set) {
        if (count_issue(invalid_values_, limits_)) {
          const int line = node.line();
          Error error = std::move(set).error();
          error.detail.insert(0, line_prefix(line));
          invalid_values_.listed.push_back(
              ProfileIssue{std::string(draft_.registry().spec(id).name), line, std::move(error)});
        }
        return;  // an invalid element is skipped whole, its `ua` included
      }
    }
    if (access)
      draft_.set_access(id, *access);
  }

 private:
  ConfigDraft& draft_;
  const ProfileLimits& limits_;
  ProfileIssues& invalid_values_;
};

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
  for (const ProfileIssues* issues : {&unknown_elements, &invalid_values}) {
    for (const ProfileIssue& issue : issues->listed)
      text += "skipped " + issue.error.to_string() + "\n";
    if (const std::size_t unlisted = issues->count - issues->listed.size(); unlisted != 0) {
      text += "skipped " + std::to_string(unlisted) + " more " +
              (issues == &unknown_elements ? "unknown elements" : "invalid values") + "\n";
    }
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
    // Most overrides are unchanged by a resync: compare before copying their values.
    if (before.value(id) == after.value(id) && before.access(id) == after.access(id))
      continue;
    changes.push_back(make_change(before, after, id));
  }
  return changes;
}

Result<ApplyReport> apply_flat_profile(ConfigStore& store, ByteSpan profile,
                                       const ProfileLimits& limits) {
  // Everything goes into the draft and the report; the store is touched only after the whole
  // profile was read without error.
  ApplyReport report;
  ConfigDraft draft(store);
  DraftingSink sink(draft, limits, report.invalid_values);
  if (auto walked = walk_flat_profile(profile, store.registry(), limits, sink,
                                      report.unknown_elements, report.invalid_values);
      !walked) {
    return fail(std::move(walked).error());
  }

  ConfigStore next = draft.build();
  report.changes = diff_stores(store, next);
  // Stores are canonical (an override exists only where it differs from the default), so no
  // change means the same contents: keeping the store keeps its revision.
  if (report.changed()) store.replace(std::move(next));
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
