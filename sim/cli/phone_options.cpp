#include "sim/cli/phone_options.h"

#include <charconv>
#include <ostream>

#include <CLI/CLI.hpp>

#include "firmware-core/config/profile_apply.h"
#include "firmware-core/macro/macro_table.h"
#include "sim/cli/input_file.h"

namespace sim::cli {
namespace {

// Splits "NAME=VALUE" at the first '='; false when there is none or NAME is empty.
bool split_assignment(const std::string& text, std::string& name, std::string& value) {
  const std::size_t equals = text.find('=');
  if (equals == std::string::npos || equals == 0) {
    return false;
  }
  name = text.substr(0, equals);
  value = text.substr(equals + 1);
  return true;
}

bool add_dhcp_option(const std::string& text, fw::DhcpOptions& options, std::ostream& err) {
  std::string code_text;
  std::string value;
  unsigned code = 0;
  if (split_assignment(text, code_text, value)) {
    const char* end = code_text.data() + code_text.size();
    auto [stop, error] = std::from_chars(code_text.data(), end, code);
    if (error != std::errc() || stop != end || code < 1 || code > 65535) {
      code = 0;
    }
  }
  if (code == 0) {
    err << "--dhcp-option '" << text << "': expected CODE=VALUE with CODE in 1..65535\n";
    return false;
  }
  options[static_cast<std::uint16_t>(code)] = fw::to_bytes(value);
  return true;
}

}  // namespace

bool apply_profile_file(const std::string& path, const ProfileKey& key, fw::ConfigStore& store,
                        fw::DecodedLayers& layers, std::ostream& err) {
  const ProfileFile file = read_profile_file(path, key);
  if (!file.note.empty()) {
    err << "note: " << file.note << "\n";
  }
  if (!file.ok()) {
    err << file.error << "\n";
    return false;
  }
  layers = file.layers;
  // Every issue of a file given on the command line is worth a note.
  fw::ProfileLimits limits;
  limits.issues_listed_max = fw::kIssuesListedAll;
  auto applied = fw::apply_flat_profile(store, file.xml, limits);
  if (!applied) {
    err << located_message(path, applied.error()) << "\n";
    return false;
  }
  for (const auto* issues : {&applied->unknown_elements, &applied->invalid_values}) {
    for (const fw::ProfileIssue& issue : issues->listed) {
      err << "note: " << located_message(path, issue.error) << " (skipped)\n";
    }
  }
  return true;
}

bool build_phone(const PhoneOptions& options, Phone& phone, std::ostream& err) {
  auto mac = fw::parse_mac_address(options.mac);
  if (!mac) {
    err << "--mac '" << options.mac << "': expected 12 hex digits, optionally in pairs separated "
        << "by ':' or '-'\n";
    return false;
  }
  phone.identity.mac = *mac;
  phone.identity.serial_number = options.serial_number;
  phone.identity.product_name = options.model;
  phone.identity.product_series = options.series;
  phone.identity.software_version = options.firmware;
  phone.identity.ip_address = options.ip_address;

  for (const std::string& path : options.profile_paths) {
    fw::DecodedLayers layers;
    if (!apply_profile_file(path, ProfileKey{}, phone.store, layers, err)) {
      return false;
    }
  }
  for (const std::string& assignment : options.parameters) {
    std::string name;
    std::string value;
    if (!split_assignment(assignment, name, value)) {
      // Not echoed: a mistyped "GPP_SAvalue" would print a secret.
      err << "--param: expected NAME=VALUE, got an argument without '=' or without a name\n";
      return false;
    }
    if (auto set = fw::set_parameter(phone.store, name, value); !set) {
      err << "--param " << fw::displayable_text(name) << ": " << set.error().to_string() << "\n";
      return false;
    }
  }

  for (const std::string& option : options.dhcp_options) {
    if (!add_dhcp_option(option, phone.servers.dhcp_options, err)) {
      return false;
    }
  }
  // The store holds only validated values, so this cannot fail for the built-in registry; a
  // failure would mean the two parsers disagree, which is worth saying rather than hiding.
  const auto order_id = phone.store.registry().find("DHCP_Option_To_Use");
  if (order_id) {
    auto order = fw::parse_dhcp_option_order(phone.store.value(*order_id));
    if (!order) {
      err << "DHCP_Option_To_Use: " << order.error().to_string() << "\n";
      return false;
    }
    phone.servers.dhcp_option_order = std::move(order).value();
  }
  phone.servers.last_resync_host = options.last_resync_host;
  return true;
}

void add_phone_options(CLI::App& command, PhoneOptions& options) {
  command.add_option("--mac", options.mac, "the phone's MAC address ($MA $MAU $MAC)")
      ->capture_default_str();
  command.add_option("--serial", options.serial_number, "serial number ($SN)")
      ->capture_default_str();
  command.add_option("--model", options.model, "product name ($PN)")->capture_default_str();
  command.add_option("--series", options.series, "product series ($PSN)")->capture_default_str();
  command.add_option("--firmware", options.firmware, "firmware version ($SWVER)")
      ->capture_default_str();
  command.add_option("--ip", options.ip_address, "the phone's address ($IP)")
      ->capture_default_str();
  command.add_option("--profile", options.profile_paths,
                     "apply this flat-profile file first (repeatable, in order)");
  command.add_option("--param", options.parameters,
                     "then set a parameter, NAME=VALUE (repeatable)");
  command.add_option("--dhcp-option", options.dhcp_options,
                     "a DHCP option the phone learned, CODE=VALUE as text (repeatable)");
  command.add_option("--last-resync-host", options.last_resync_host,
                     "host of the last successful resync (Upgrade_Rule's fallback server)");
}

std::string describe_phone(const Phone& phone) {
  const fw::PhoneIdentity& identity = phone.identity;
  return identity.product_name + "  MAC " + fw::mac_colon_form(identity.mac) + "  SN " +
         identity.serial_number + "  PSN " + identity.product_series + "  SWVER " +
         identity.software_version;
}

}  // namespace sim::cli
