#include "firmware-core/config/config_store.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace fw {

ConfigStore::ConfigStore(const ParameterRegistry& registry) : registry_(&registry) {}

ConfigStore::ConfigStore(const ParameterRegistry& registry, ValuePool* pool)
    : registry_(&registry), pool_(pool) {}

const ConfigStore::Record* ConfigStore::find(ParamId id) const {
  auto it = std::lower_bound(records_.begin(), records_.end(), id,
                             [](const Record& record, ParamId key) { return record.id < key; });
  return (it != records_.end() && it->id == id) ? &*it : nullptr;
}

std::string_view ConfigStore::value(ParamId id) const {
  const Record* record = find(id);
  if (record != nullptr && record->value_overridden) {
    if (pool_ != nullptr) return pool_->text(record->value_ref);
    return std::string_view(values_).substr(record->value_ref, record->value_bytes);
  }
  return registry_->spec(id).default_value;
}

Access ConfigStore::access(ParamId id) const {
  const Record* record = find(id);
  return record != nullptr ? record->access : registry_->spec(id).default_access;
}

bool ConfigStore::is_default(ParamId id) const {
  return find(id) == nullptr;
}

bool ConfigStore::value_overridden(ParamId id) const {
  const Record* record = find(id);
  return record != nullptr && record->value_overridden;
}

const ParamSpec& ConfigStore::typed_spec(ParamId id, ValueType type) const {
  const ParamSpec& spec = registry_->spec(id);
  assert(spec.type == type && "typed read of a parameter of another type");
  (void)type;
  return spec;
}

// The typed readers fall back to the default if the stored text ever failed to parse; that can
// only happen if a value bypassed normalize(), which ConfigDraft does not allow.
bool ConfigStore::boolean(ParamId id) const {
  const ParamSpec& spec = typed_spec(id, ValueType::Boolean);
  auto parsed = parse_boolean(value(id));
  return parsed ? *parsed : parse_boolean(spec.default_value).value_or(false);
}

std::int64_t ConfigStore::integer(ParamId id) const {
  const ParamSpec& spec = typed_spec(id, ValueType::Integer);
  auto parsed = parse_integer(value(id), spec.integer_min, spec.integer_max);
  return parsed ? *parsed
                : parse_integer(spec.default_value, spec.integer_min, spec.integer_max)
                      .value_or(spec.integer_min);
}

Schedule ConfigStore::schedule(ParamId id) const {
  const ParamSpec& spec = typed_spec(id, ValueType::Schedule);
  auto parsed = parse_schedule(value(id));
  return parsed ? *parsed : parse_schedule(spec.default_value).value_or(Schedule{});
}

std::optional<Hhmm> ConfigStore::hhmm(ParamId id) const {
  typed_spec(id, ValueType::Hhmm);
  return parse_hhmm(value(id)).value_or(std::nullopt);
}

std::vector<std::uint32_t> ConfigStore::integer_list(ParamId id) const {
  const ParamSpec& spec = typed_spec(id, ValueType::IntegerList);
  auto parsed = parse_integer_list(value(id), spec.integer_min, spec.integer_max);
  return parsed ? *parsed
                : parse_integer_list(spec.default_value, spec.integer_min, spec.integer_max)
                      .value_or(std::vector<std::uint32_t>{});
}

std::size_t ConfigStore::enumeration(ParamId id) const {
  const ParamSpec& spec = typed_spec(id, ValueType::Enumeration);
  auto parsed = parse_enumeration(spec, value(id));
  return parsed ? *parsed : parse_enumeration(spec, spec.default_value).value_or(0);
}

std::size_t ConfigStore::memory_bytes() const {
  std::size_t bytes = sizeof(*this) + records_.capacity() * sizeof(Record);
  // A std::string's own buffer holds short values; only a longer one owns a heap block.
  if (values_.capacity() > std::string().capacity())
    bytes += values_.capacity() + 1;
  return bytes;
}

bool operator==(const ConfigStore& a, const ConfigStore& b) {
  if (a.registry_ != b.registry_ || a.records_.size() != b.records_.size())
    return false;
  for (std::size_t i = 0; i < a.records_.size(); ++i) {
    const ParamId id = a.records_[i].id;
    if (b.records_[i].id != id || a.records_[i].access != b.records_[i].access ||
        a.value(id) != b.value(id)) {
      return false;
    }
  }
  return true;
}

void ConfigStore::replace(ConfigStore&& next) noexcept {
  registry_ = next.registry_;
  pool_ = next.pool_;
  records_.swap(next.records_);
  values_.swap(next.values_);
  ++revision_;
}

ConfigStore& ConfigStore::operator=(const ConfigStore& other) {
  if (this == &other) return *this;
  registry_ = other.registry_;
  pool_ = other.pool_;
  records_ = other.records_;
  values_ = other.values_;
  ++revision_;  // this object's own count goes on: an older revision never comes back
  return *this;
}

ConfigStore& ConfigStore::operator=(ConfigStore&& other) noexcept {
  if (this == &other) return *this;
  registry_ = other.registry_;
  pool_ = other.pool_;
  records_ = std::move(other.records_);
  values_ = std::move(other.values_);
  ++revision_;
  ++other.revision_;  // emptied
  return *this;
}

ConfigDraft::ConfigDraft(const ConfigStore& base)
    : registry_(base.registry_), pool_(base.pool_), slots_(base.registry_->size(), 0) {
  entries_.reserve(base.records_.size());
  for (const ConfigStore::Record& record : base.records_) {
    Entry entry{record.id, record.access, kDefaultValue, 0};
    if (record.value_overridden) {
      const std::string_view value = base.value(record.id);
      entry.value_offset = static_cast<std::uint32_t>(arena_.size());
      entry.value_bytes = static_cast<std::uint32_t>(value.size());
      arena_.append(value);
    }
    entries_.push_back(entry);
    slots_[record.id] = static_cast<std::uint16_t>(entries_.size());
  }
}

const ConfigDraft::Entry* ConfigDraft::find(ParamId id) const {
  return slots_[id] != 0 ? &entries_[slots_[id] - 1u] : nullptr;
}

ConfigDraft::Entry& ConfigDraft::entry(ParamId id) {
  if (slots_[id] == 0) {
    entries_.push_back(Entry{id, registry_->spec(id).default_access, kDefaultValue, 0});
    slots_[id] = static_cast<std::uint16_t>(entries_.size());
  }
  return entries_[slots_[id] - 1u];
}

std::string_view ConfigDraft::entry_value(const Entry& entry) const {
  if (entry.value_offset == kDefaultValue)
    return registry_->spec(entry.id).default_value;
  return std::string_view(arena_).substr(entry.value_offset, entry.value_bytes);
}

void ConfigDraft::store_value(ParamId id, std::string_view value) {
  Entry& e = entry(id);
  e.value_offset = static_cast<std::uint32_t>(arena_.size());
  e.value_bytes = static_cast<std::uint32_t>(value.size());
  arena_.append(value);
}

Result<void> ConfigDraft::set_value(ParamId id, std::string_view raw) {
  const ParamSpec& spec = registry_->spec(id);
  // Most values arrive canonical and are stored as they are.
  if (raw.size() <= kValueBytesMax && is_canonical(spec, raw)) {
    store_value(id, raw);
    return {};
  }
  if (auto normalized = normalize_into(spec, raw, scratch_); !normalized)
    return normalized;
  store_value(id, scratch_);
  return {};
}

void ConfigDraft::set_access(ParamId id, Access access) {
  entry(id).access = access;
}

std::string_view ConfigDraft::value(ParamId id) const {
  const Entry* found = find(id);
  return found != nullptr ? entry_value(*found) : registry_->spec(id).default_value;
}

Access ConfigDraft::access(ParamId id) const {
  const Entry* found = find(id);
  return found != nullptr ? found->access : registry_->spec(id).default_access;
}

ConfigStore ConfigDraft::build() const {
  ConfigStore store(*registry_, pool_);
  auto overrides = [&](const Entry& e, std::string_view value, bool& value_overridden) {
    const ParamSpec& spec = registry_->spec(e.id);
    value_overridden = e.value_offset != kDefaultValue && value != spec.default_value;
    return value_overridden || e.access != spec.default_access;
  };
  std::size_t records = 0;
  std::size_t value_bytes = 0;
  for (const Entry& e : entries_) {
    bool value_overridden = false;
    const std::string_view value = entry_value(e);
    if (!overrides(e, value, value_overridden))
      continue;
    ++records;
    if (value_overridden && pool_ == nullptr)
      value_bytes += value.size();
  }
  // Exact sizes: a store lives long and is never appended to.
  store.records_.reserve(records);
  store.values_.reserve(value_bytes);
  for (const std::uint16_t slot : slots_) {
    if (slot == 0)
      continue;
    const Entry& e = entries_[slot - 1u];
    bool value_overridden = false;
    const std::string_view value = entry_value(e);
    if (!overrides(e, value, value_overridden))
      continue;
    ConfigStore::Record record{e.id, e.access, value_overridden, 0, 0};
    if (value_overridden) {
      record.value_bytes = static_cast<std::uint32_t>(value.size());
      if (pool_ != nullptr) {
        record.value_ref = pool_->intern(value);
      } else {
        record.value_ref = static_cast<std::uint32_t>(store.values_.size());
        store.values_ += value;
      }
    }
    store.records_.push_back(record);
  }
  return store;
}

}  // namespace fw
