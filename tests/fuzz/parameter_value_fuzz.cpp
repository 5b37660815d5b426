// Fuzzes value normalization for every parameter type. The first byte picks the parameter, the
// rest is the raw value. Checks: normalize() is idempotent, its output always parses with the
// typed reader of its type, and a secret value never appears in an error message.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "firmware-core/config/config_store.h"
#include "firmware-core/config/parameter_value.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using fuzz::check;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0)
    return 0;
  const fw::ParameterRegistry& registry = fw::ParameterRegistry::builtin();
  const auto id = static_cast<fw::ParamId>(data[0] % registry.size());
  const fw::ParamSpec& spec = registry.spec(id);
  const std::string_view raw(reinterpret_cast<const char*>(data + 1), size - 1);

  auto normalized = fw::normalize(spec, raw);
  if (!normalized) {
    const std::string& detail = normalized.error().detail;
    check(detail.rfind(std::string(spec.name) + ": '", 0) == 0);
    if (spec.secret && raw.size() >= 12)
      check(detail.find(raw) == std::string::npos);
    return 0;
  }
  auto twice = fw::normalize(spec, *normalized);
  check(twice.has_value() && *twice == *normalized);
  check(fw::is_valid_utf8(*normalized));

  switch (spec.type) {
    case fw::ValueType::Boolean:
      check(fw::parse_boolean(*normalized).has_value());
      break;
    case fw::ValueType::Integer:
      check(fw::parse_integer(*normalized, spec.integer_min, spec.integer_max).has_value());
      break;
    case fw::ValueType::Hhmm:
      check(fw::parse_hhmm(*normalized).has_value());
      break;
    case fw::ValueType::Schedule:
      check(fw::parse_schedule(*normalized).has_value());
      break;
    case fw::ValueType::Enumeration:
      check(fw::parse_enumeration(spec, *normalized).has_value());
      break;
    case fw::ValueType::IntegerList:
      check(fw::parse_integer_list(*normalized, spec.integer_min, spec.integer_max).has_value());
      break;
    case fw::ValueType::Text:
      check(normalized->size() <= spec.text_bytes_max);
      break;
  }

  // The store reads back what the draft accepted.
  fw::ConfigDraft draft{fw::ConfigStore{registry}};
  check(draft.set_value(id, raw).has_value());
  const fw::ConfigStore store = draft.build();
  check(store.value(id) == *normalized);
  return 0;
}
