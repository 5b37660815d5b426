#pragma once

// One phone's configuration: the parameters that differ from the registry's defaults.
//
// A fleet holds a million of these, so a store keeps only its overrides, packed: one small
// record per overridden parameter (sorted by id) plus one string holding all overridden values
// back to back. Stores are rebuilt, not edited in place: a ConfigDraft collects changes and
// build()s the next store, which replace() swaps in. That makes every change a transaction.
//
// In a simulated fleet, stores can share a ValuePool: then a record holds the pool's handle of
// its value and the store holds no text at all, so identical values across phones exist once.
// A draft and the store it builds inherit the pool of the store they started from.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "firmware-core/base/result.h"
#include "firmware-core/config/parameter_registry.h"
#include "firmware-core/config/parameter_value.h"
#include "firmware-core/config/value_pool.h"

namespace fw {

class ConfigStore {
 public:
  // A store with every parameter at its default. `registry` must outlive the store.
  explicit ConfigStore(const ParameterRegistry& registry = ParameterRegistry::builtin());
  // A store at defaults whose values (and those of every store built from it) live in `pool`;
  // nullptr: the store keeps its values itself. `registry` and `pool` must outlive the store.
  ConfigStore(const ParameterRegistry& registry, ValuePool* pool);

  const ParameterRegistry& registry() const { return *registry_; }
  // The pool this store's values live in, or nullptr.
  ValuePool* pool() const { return pool_; }

  // The normalized value of `id` (its override or the registry default). The view stays valid
  // until the store is replaced or destroyed.
  std::string_view value(ParamId id) const;
  // The user access of `id` (its override or the registry default).
  Access access(ParamId id) const;
  // True when neither the value nor the access of `id` is overridden.
  bool is_default(ParamId id) const;
  // True when the value (not the access) of `id` differs from the default.
  bool value_overridden(ParamId id) const;
  // How many parameters differ from their defaults in value or access.
  std::size_t override_count() const { return records_.size(); }
  // The id of the index-th override in registry order (index < override_count()).
  ParamId override_id(std::size_t index) const { return records_[index].id; }

  // Typed reads of the stored value. `id` must have the matching ValueType (a mismatch is a
  // programmer error, checked by assertion). Stored values are always valid, so these cannot fail.
  bool boolean(ParamId id) const;
  std::int64_t integer(ParamId id) const;
  Schedule schedule(ParamId id) const;
  std::optional<Hhmm> hhmm(ParamId id) const;  // nullopt: empty (disabled)
  std::vector<std::uint32_t> integer_list(ParamId id) const;
  // The canonical spelling's index into spec(id).choices.
  std::size_t enumeration(ParamId id) const;

  // Bytes this store holds on the heap and inline (for fleet memory accounting); a shared pool's
  // bytes are not included (ValuePool::memory_bytes).
  std::size_t memory_bytes() const;

  // Same registry and the same effective value and access for every parameter.
  friend bool operator==(const ConfigStore& a, const ConfigStore& b);

  // The commit step of a transaction: this store takes `next`'s contents. Never fails.
  void replace(ConfigStore&& next) noexcept;

  // Changes whenever this object's contents may have changed (replace() or an assignment), so
  // "same object, same revision" means "same contents": the agent skips re-applying a profile it
  // applied to exactly this state. Never reused by one object; a copy starts at its source's.
  std::uint64_t revision() const { return revision_; }

  ConfigStore(const ConfigStore&) = default;
  ConfigStore(ConfigStore&&) noexcept = default;
  ConfigStore& operator=(const ConfigStore& other);
  ConfigStore& operator=(ConfigStore&& other) noexcept;
  ~ConfigStore() = default;

 private:
  friend class ConfigDraft;

  struct Record {
    ParamId id;
    Access access;
    bool value_overridden;
    // When value_overridden: the offset into values_, or the pool handle when pool_ is set.
    std::uint32_t value_ref;
    std::uint32_t value_bytes;
  };

  const Record* find(ParamId id) const;
  const ParamSpec& typed_spec(ParamId id, ValueType type) const;

  const ParameterRegistry* registry_;
  ValuePool* pool_ = nullptr;
  std::vector<Record> records_;  // sorted by id; one per parameter not at its defaults
  std::string values_;           // without a pool: the overridden values, concatenated in id order
  std::uint64_t revision_ = 0;
};

// The next state of a store under construction: a transaction's working copy. Changes are
// validated as they are made; build() produces the new ConfigStore and leaves the original alone.
class ConfigDraft {
 public:
  // Starts from `base`'s current contents.
  explicit ConfigDraft(const ConfigStore& base);

  // Sets `id` to normalize(spec, raw). Errors (draft unchanged): InvalidValue, ValueTooLong, with
  // the detail "<name>: '<value>' <reason>" (secret values masked).
  Result<void> set_value(ParamId id, std::string_view raw);
  // Sets the user access of `id`.
  void set_access(ParamId id, Access access);

  // The current value and access of `id` in the draft.
  std::string_view value(ParamId id) const;
  Access access(ParamId id) const;

  const ParameterRegistry& registry() const { return *registry_; }

  // A store with the draft's contents, in canonical form (parameters equal to their defaults are
  // not stored, so equal configurations give equal stores).
  ConfigStore build() const;

 private:
  // The value of an entry lives in arena_ (offset, bytes), or is the registry default.
  static constexpr std::uint32_t kDefaultValue = 0xFFFFFFFF;
  struct Entry {
    ParamId id;
    Access access;
    std::uint32_t value_offset;  // into arena_, or kDefaultValue
    std::uint32_t value_bytes;
  };
  Entry& entry(ParamId id);
  const Entry* find(ParamId id) const;
  std::string_view entry_value(const Entry& entry) const;
  // Stores `value` as the value of `id` (appended to arena_).
  void store_value(ParamId id, std::string_view value);

  const ParameterRegistry* registry_;
  ValuePool* pool_;
  std::vector<Entry> entries_;  // the parameters touched or overridden, in first-touch order
  // Per ParamId: 1 + the index of its entry, 0 for none. A profile sets thousands of values of
  // a few hundred parameters; this finds each in O(1) and build() walks it in id order.
  std::vector<std::uint16_t> slots_;
  // Every value set, back to back (a value set again is appended again): no allocation per
  // value. Entries refer to it by offset.
  std::string arena_;
  std::string scratch_;  // set_value()'s working text for values that need normalizing
};

}  // namespace fw
