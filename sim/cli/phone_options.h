#pragma once

// The simulated phone the rule commands reason about: identity, configuration and what it
// learned from DHCP, built from command-line options (defaults: the guide's CP-8841 example).

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "firmware-core/agent/phone_macros.h"
#include "firmware-core/config/config_store.h"
#include "firmware-core/rules/provisioning_server.h"
#include "sim/cli/profile_file.h"

namespace CLI {
class App;
}

namespace sim::cli {

struct PhoneOptions {
  std::string mac = "00:0e:08:ab:cd:ef";
  std::string serial_number = "88012BA01234";
  std::string model = "CP-8841-3PCC";
  std::string series = "8841";
  std::string firmware = "sip88xx.11-3-2MPP0001-609";
  std::string ip_address = "192.168.1.100";  // the guide's phone
  std::vector<std::string> profile_paths;    // applied in order, before the --param values
  std::vector<std::string> parameters;       // "NAME=VALUE"
  std::vector<std::string> dhcp_options;     // "CODE=VALUE", the payload as text
  std::string last_resync_host;
};

struct Phone {
  fw::PhoneIdentity identity;
  fw::ConfigStore store;
  fw::ServerSources servers;  // dhcp_option_order from the phone's DHCP_Option_To_Use
};

// Builds the phone: identity, then the --profile files, then the --param values, then the DHCP
// view. On a bad option or unreadable profile prints "what: why" to `err` and returns false.
// Elements a profile skips are printed to `err` as notes; they do not fail the build.
bool build_phone(const PhoneOptions& options, Phone& phone, std::ostream& err);

// Decodes the profile at `path` with `key` (read_profile_file()) and applies it to `store`;
// `layers` receives what the decoder found. Skipped elements are printed to `err` as
// "note: PATH:N: ..."; a file that cannot be read, decoded or parsed prints its error and
// returns false, leaving `store` unchanged.
bool apply_profile_file(const std::string& path, const ProfileKey& key, fw::ConfigStore& store,
                        fw::DecodedLayers& layers, std::ostream& err);

// Adds --mac --serial --model --series --firmware --ip --param --profile --dhcp-option
// --last-resync-host to `command`, bound to `options`.
void add_phone_options(CLI::App& command, PhoneOptions& options);

// One line for people: "CP-8841-3PCC  MAC 00:0e:08:ab:cd:ef  SN ...  PSN ...  SWVER ...".
std::string describe_phone(const Phone& phone);

}  // namespace sim::cli
