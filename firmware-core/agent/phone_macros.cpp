#include "firmware-core/agent/phone_macros.h"

#include <charconv>

namespace fw {
namespace {

std::optional<std::string> number(std::optional<std::int64_t> value) {
  if (!value) {
    return std::nullopt;
  }
  return std::to_string(*value);
}

// "3" for a line suffix "3" in 1..10, nullopt otherwise.
std::optional<int> line_number(std::string_view digits) {
  int line = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), line);
  if (error != std::errc() || end != digits.data() + digits.size() || line < 1 || line > 10 ||
      digits.front() == '0') {
    return std::nullopt;
  }
  return line;
}

}  // namespace

PhoneMacros::PhoneMacros(const PhoneIdentity& identity, const ConfigStore& store,
                         const ProvisioningMacroState& state)
    : identity_(identity), store_(store), state_(state) {}

std::optional<std::string> PhoneMacros::parameter(std::string_view name) const {
  auto id = store_.registry().find(name);
  if (!id) {
    return std::nullopt;
  }
  return std::string(store_.value(*id));
}

std::optional<std::string> PhoneMacros::per_line(std::string_view name, std::string_view prefix,
                                                 std::string_view parameter_prefix) const {
  if (!name.starts_with(prefix)) {
    return std::nullopt;
  }
  auto line = line_number(name.substr(prefix.size()));
  if (!line) {
    return std::nullopt;
  }
  return parameter(std::string(parameter_prefix) + std::to_string(*line) + "_");
}

std::optional<std::string> PhoneMacros::lookup(std::string_view name) const {
  // GPP_A..GPP_P as $A..$P, GPP_SA..GPP_SD as $SA..$SD. Every rule and log line expands these,
  // so the parameter name is built on the stack.
  bool gpp = name.size() == 1 && name[0] >= 'A' && name[0] <= 'P';
  bool secret_gpp = name.size() == 2 && name[0] == 'S' && name[1] >= 'A' && name[1] <= 'D';
  if (gpp || secret_gpp) {
    char parameter_name[6] = {'G', 'P', 'P', '_', name[0], secret_gpp ? name[1] : '\0'};
    return parameter(std::string_view(parameter_name, 4 + name.size()));
  }
  if (name == "MA") return mac_lower_hex(identity_.mac);
  if (name == "MAU") return mac_upper_hex(identity_.mac);
  if (name == "MAC") return mac_colon_form(identity_.mac);
  if (name == "PN") return identity_.product_name;
  if (name == "PSN") return identity_.product_series;
  if (name == "SN" || name == "SERIAL_NUMBER") return identity_.serial_number;
  if (name == "SWVER") return identity_.software_version;
  if (name == "HWVER") return identity_.hardware_version;
  if (name == "IP") return identity_.ip_address;
  if (name == "EXTIP") return identity_.external_ip_address;
  if (name == "CCERT") {
    return std::string(identity_.client_certificate_installed ? "Installed" : "Not Installed");
  }
  if (name == "ISCUST") return std::string(identity_.customized ? "1" : "0");
  if (name == "PRVST") return std::to_string(state_.resync_reason);
  if (name == "UPGST") return std::to_string(state_.upgrade_attempt);
  if (name == "UPGERR") return state_.upgrade_error;
  if (name == "PRVTMR") return number(state_.resync_age_s);
  if (name == "UPGTMR") return number(state_.upgrade_age_s);
  if (name == "REGTMR1") return number(state_.line1_unregistered_s);
  if (name == "REGTMR2") return number(state_.line2_unregistered_s);
  // Legacy: firmware >= 2.0.6 expands it to "true" (reference §2).
  if (name == "UPGCOND") return std::string("true");
  if (name == "ERR") return state_.result;
  if (name == "SERVIP") {
    if (state_.server_ip.empty()) {
      return std::nullopt;
    }
    return state_.server_ip;
  }
  if (state_.url) {
    if (auto value = url_macro(*state_.url, name)) {
      return value;
    }
  }
  if (auto value = per_line(name, "UID", "User_ID_")) return value;
  if (auto value = per_line(name, "DISPLAYNAME", "Display_Name_")) return value;
  return std::nullopt;
}

}  // namespace fw
