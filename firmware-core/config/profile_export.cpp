#include "firmware-core/config/profile_export.h"

#include <string_view>

#include "firmware-core/base/xml_text.h"

namespace fw {
namespace {

constexpr std::string_view kHeader = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<flat-profile>\n";
constexpr std::string_view kFooter = "</flat-profile>\n";

// <Name ua="rw"/>
void append_access_only(std::string& out, std::string_view name, Access access) {
  out += "  <";
  out += name;
  out += " ua=\"";
  out += access_text(access);
  out += "\"/>\n";
}

// <Name ua="rw">value</Name>; `value` must not be empty (that would read back as access-only).
void append_value(std::string& out, std::string_view name, Access access, std::string_view value) {
  out += "  <";
  out += name;
  out += " ua=\"";
  out += access_text(access);
  out += "\">";
  append_xml_text(out, value);
  out += "</";
  out += name;
  out += ">\n";
}

}  // namespace

std::string export_complete(const ConfigStore& store) {
  const ParameterRegistry& registry = store.registry();
  std::string out(kHeader);
  for (std::size_t i = 0; i < store.override_count(); ++i) {
    const ParamId id = store.override_id(i);
    const ParamSpec& spec = registry.spec(id);
    const std::string_view value = store.value(id);
    const Access access = store.access(id);
    if (!store.value_overridden(id)) {
      append_access_only(out, spec.name, access);
    } else if (!value.empty()) {
      append_value(out, spec.name, access, value);
    } else {
      // An empty element with a `ua` would only set the access (decisions.md), so an emptied
      // value is written without one, followed by the access if that differs too.
      out += "  <";
      out += spec.name;
      out += "/>\n";
      if (access != spec.default_access)
        append_access_only(out, spec.name, access);
    }
  }
  out += kFooter;
  return out;
}

std::string export_for_people(const ConfigStore& store) {
  const ParameterRegistry& registry = store.registry();
  std::string out(kHeader);
  for (std::size_t index = 0; index < registry.size(); ++index) {
    const auto id = static_cast<ParamId>(index);
    const ParamSpec& spec = registry.spec(id);
    const std::string_view value = spec.secret ? kSecretMask : store.value(id);
    if (value.empty()) {
      append_access_only(out, spec.name, store.access(id));
    } else {
      append_value(out, spec.name, store.access(id), value);
    }
  }
  out += kFooter;
  return out;
}

std::string export_report(const ConfigStore& store, const ConfigStore* changed_since,
                          bool reveal_secrets) {
  const ParameterRegistry& registry = store.registry();
  std::string out(kHeader);
  for (std::size_t index = 0; index < registry.size(); ++index) {
    const auto id = static_cast<ParamId>(index);
    const std::string_view value = store.value(id);
    const Access access = store.access(id);
    if (changed_since && changed_since->value(id) == value && changed_since->access(id) == access)
      continue;
    const ParamSpec& spec = registry.spec(id);
    if (value.empty()) {
      out += "  <";
      out += spec.name;
      out += "/>\n";
      if (access != spec.default_access)
        append_access_only(out, spec.name, access);
    } else {
      append_value(out, spec.name, access, spec.secret && !reveal_secrets ? kSecretMask : value);
    }
  }
  out += kFooter;
  return out;
}

}  // namespace fw
