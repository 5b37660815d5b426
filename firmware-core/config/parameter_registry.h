#pragma once

// The registry of every provisioning parameter the firmware knows: XML element name, value type,
// factory default, validation bounds, default user access and whether the value is a secret.
//
// The registry is immutable and shared by every phone in a process (a phone's ConfigStore keeps
// only its overrides). Parameters are identified by a small integer ParamId, their position in
// the registry; iteration in id order is the stable "registry order" used by reports and export.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace fw {

// A parameter's index in its registry (0 .. size()-1).
using ParamId = std::uint16_t;

// What a phone *user* (not the admin) may do with a parameter: the flat-profile `ua` attribute.
enum class Access : std::uint8_t {
  NoAccess,   // "na": hidden from the user
  ReadOnly,   // "ro"
  ReadWrite,  // "rw"
};

// "na", "ro" or "rw".
std::string_view access_text(Access access);
// Parses a `ua` attribute value ("na", "ro", "rw", any letter case); nullopt for anything else.
std::optional<Access> parse_access(std::string_view text);

enum class ValueType : std::uint8_t {
  Boolean,      // Yes/No (German and SPA spellings accepted, stored as Yes/No)
  Integer,      // decimal in [integer_min, integer_max]
  Hhmm,         // time of day 0000..2400, or empty (disabled)
  Schedule,     // delay list "600,1200+300"; empty disables
  Enumeration,  // one of `choices`, or an alias of one
  IntegerList,  // "66,160,159" (',' or '.' separated), each in [integer_min, integer_max]
  Text,         // free text up to text_bytes_max
};

// Another spelling accepted for an enumeration choice (German web UI labels, older firmware).
struct EnumAlias {
  std::string_view spelling;
  std::uint8_t choice;  // index into ParamSpec::choices
};

// One parameter. Built as constexpr data in parameter_registry.cpp.
struct ParamSpec {
  std::string_view name{};  // XML element name, case-sensitive ("Resync_At__HHmm_")
  ValueType type = ValueType::Text;
  std::string_view default_value{};  // already in normalized form
  Access default_access = Access::NoAccess;
  bool secret = false;           // never shown in reports, errors or exports for people
  // Text only: the value must be an http:// URL with a host (MIC_Cert_Refresh_Rule: the guide's
  // "valid URL", HTTP port 80).
  bool http_url = false;
  std::int64_t integer_min = 0;  // Integer and IntegerList bounds (inclusive)
  std::int64_t integer_max = 0;
  std::uint32_t text_bytes_max = 0;             // Text: longest accepted value after normalization
  std::span<const std::string_view> choices{};  // Enumeration: canonical spellings
  std::span<const EnumAlias> aliases{};         // Enumeration: extra accepted spellings
};

class ParameterRegistry {
 public:
  // The firmware's parameter table. Call freely; it is built once on first use and lives for the
  // rest of the process. Returns the same object every time.
  static const ParameterRegistry& builtin();

  // Builds a registry over `specs`, which must outlive it and have unique names (checked by
  // assertion: a duplicate is a programmer error in a static table). For tests and tools.
  explicit ParameterRegistry(std::span<const ParamSpec> specs);

  // The id of the parameter named exactly `name` (case-sensitive), or nullopt. O(1) expected,
  // allocation-free.
  std::optional<ParamId> find(std::string_view name) const {
    // Inline around a plain id: an optional returned from the out-of-line lookup went through
    // the stack (a partial store read back whole, a store-forwarding stall on every miss).
    const ParamId id = find_id(name);
    if (id == kEmptySlot)
      return std::nullopt;
    return id;
  }

  // The parameter with id `id`; `id` must be < size().
  const ParamSpec& spec(ParamId id) const { return specs_[id]; }

  std::size_t size() const { return specs_.size(); }

  // Every parameter in registry order (index = ParamId).
  std::span<const ParamSpec> specs() const { return specs_; }

  // The size of find()'s table (a power of two, at least 8 per name): for tests and benchmarks.
  std::size_t slot_count() const { return slots_.size(); }

 private:
  static constexpr std::uint16_t kEmptySlot = 0xFFFF;

  // find(): the id, or kEmptySlot.
  ParamId find_id(std::string_view name) const;

  std::span<const ParamSpec> specs_;
  // A perfect hash table of ids: `seed_` is chosen at construction so that every name hashes
  // to a slot of its own (power-of-two size, at least 8 slots per name).
  std::vector<std::uint16_t> slots_;
  std::size_t slot_mask_ = 0;
  std::uint64_t seed_ = 0;
};

}  // namespace fw
