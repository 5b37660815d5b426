#include "sim/fleet/phone_model.h"

#include <cstdio>

#include "firmware-core/config/persistent_config.h"
#include "firmware-core/config/profile_apply.h"

namespace sim {

std::string product_series(std::string_view product_name) {
  // "CP-8841-3PCC": the first run of digits that follows a dash.
  std::size_t position = 0;
  while (position < product_name.size()) {
    std::size_t dash = product_name.find('-', position);
    if (dash == std::string_view::npos) break;
    std::size_t end = dash + 1;
    while (end < product_name.size() && product_name[end] >= '0' && product_name[end] <= '9') ++end;
    if (end > dash + 1) return std::string(product_name.substr(dash + 1, end - dash - 1));
    position = dash + 1;
  }
  return {};
}

fw::Result<fw::PhoneIdentity> phone_identity(const PhoneGroupSpec& group, std::uint64_t index) {
  if (index >= group.count) {
    return fw::fail(fw::ErrorCode::InvalidValue,
                    "phone " + std::to_string(index) + " is outside group '" + group.name + "' of " +
                        std::to_string(group.count));
  }
  std::uint64_t mac_value = 0;
  for (std::uint8_t byte : group.mac_first) mac_value = (mac_value << 8) | byte;
  const std::uint64_t mac_last = (std::uint64_t{1} << 48) - 1;
  if (index > mac_last - mac_value) {
    return fw::fail(fw::ErrorCode::InvalidValue, "group '" + group.name + "': MAC range runs out");
  }
  if (index > 0xFFFFFFFFull - group.address_first.value) {
    return fw::fail(fw::ErrorCode::InvalidValue, "group '" + group.name + "': address range runs out");
  }
  mac_value += index;
  fw::PhoneIdentity identity;
  for (int byte = 5; byte >= 0; --byte) {
    identity.mac[static_cast<std::size_t>(byte)] = static_cast<std::uint8_t>(mac_value & 0xFF);
    mac_value >>= 8;
  }
  char serial_digits[24];
  std::snprintf(serial_digits, sizeof serial_digits, "%08llu",
                static_cast<unsigned long long>(group.serial_first + index));
  identity.serial_number = group.serial_prefix + serial_digits;
  identity.product_name = group.product_name;
  identity.product_series = product_series(group.product_name);
  identity.software_version = group.software_version;
  identity.hardware_version = group.hardware_version;
  identity.ip_address =
      fw::Ipv4Address{group.address_first.value + static_cast<std::uint32_t>(index)}.to_string();
  return identity;
}

namespace {

// `parameters` into `store` in order (the last of a name wins); the first invalid one is the error.
fw::Result<void> set_parameters(fw::ConfigStore& store,
                                std::span<const std::pair<std::string, std::string>> parameters) {
  for (const auto& [name, value] : parameters) {
    auto set = fw::set_parameter(store, name, value);
    if (!set) {
      return fw::fail(set.error().code, "parameter " + name + ": " + set.error().to_string());
    }
  }
  return {};
}

}  // namespace

fw::Result<void> store_parameters(fw::FlashStore& flash,
                                  std::span<const std::pair<std::string, std::string>> parameters,
                                  fw::ValuePool* pool) {
  if (parameters.empty()) return {};
  fw::PersistentConfig config(flash, fw::ParameterRegistry::builtin(), pool);
  if (auto loaded = config.load(); !loaded) return loaded;
  fw::ConfigStore next(config.store());
  if (auto set = set_parameters(next, parameters); !set) return set;
  return config.replace(next);
}

fw::Result<void> reset_parameters(fw::FlashStore& flash,
                                  std::span<const std::pair<std::string, std::string>> parameters,
                                  fw::ValuePool* pool) {
  fw::PersistentConfig config(flash, fw::ParameterRegistry::builtin(), pool);
  // A damaged configuration is replaced as well: that is what a factory reset is for.
  (void)config.load();
  fw::ConfigStore next(fw::ParameterRegistry::builtin(), pool);
  if (auto set = set_parameters(next, parameters); !set) return set;
  return config.replace(next);
}

}  // namespace sim
