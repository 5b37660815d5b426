#pragma once

// A group of identical phones in a simulated fleet and the identity of phone number `index` in
// it: MAC and IPv4 address counted up from the group's first ones, serial numbers from a prefix,
// model, series and firmware as given. Pure arithmetic, so phone 4711 of a group is the same
// phone in every run and on every CPU.

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "firmware-core/agent/phone_macros.h"
#include "firmware-core/base/result.h"
#include "firmware-core/config/flash_store.h"
#include "firmware-core/config/value_pool.h"
#include "firmware-core/runtime/network_address.h"

namespace sim {

struct PhoneGroupSpec {
  std::string name = "phones";
  std::uint64_t count = 1;
  std::string product_name = "CP-8841-3PCC";          // $PN
  std::string software_version = "sip88xx.12-0-1MPP0001-1";  // $SWVER
  std::string hardware_version = "1";
  fw::MacAddress mac_first{0x00, 0x0e, 0x08, 0x00, 0x00, 0x01};
  std::string serial_prefix = "FCH";                  // serial = prefix + 8 digits of the index
  std::uint64_t serial_first = 1;
  fw::Ipv4Address address_first{0x0A000064};          // 10.0.0.100
  // The phones' configuration when they leave staging: (name, value) in the order applied.
  std::vector<std::pair<std::string, std::string>> parameters;
};

// The product series the guide's macros use ($PSN): the digits of the model name
// ("CP-8841-3PCC" -> "8841", "CP-6841-3PCC" -> "6841"); empty if the name has none.
std::string product_series(std::string_view product_name);

// Errors: InvalidValue when `index` is outside the group, or the MAC or address range would run
// past its last value.
fw::Result<fw::PhoneIdentity> phone_identity(const PhoneGroupSpec& group, std::uint64_t index);

// Stores `parameters` (in order) as the phone's configuration on `flash`, in one transaction on
// top of what the flash holds: what staging does before the phone first boots. Call before the
// phone's PhoneRuntime is built (it loads the result). `pool`: the world's ValuePool, or nullptr.
// Errors (flash unchanged): the first parameter that is unknown or invalid, detail "parameter
// NAME: <error>"; the flash's errors on load or commit.
fw::Result<void> store_parameters(fw::FlashStore& flash,
                                  std::span<const std::pair<std::string, std::string>> parameters,
                                  fw::ValuePool* pool);

// A factory reset of the phone's configuration: everything a profile or the admin changed is
// gone; the flash holds the defaults plus `parameters` (the factory configuration the fleet
// gave), committed as one transaction. Call while the phone is off. Errors: those of
// store_parameters().
fw::Result<void> reset_parameters(fw::FlashStore& flash,
                                  std::span<const std::pair<std::string, std::string>> parameters,
                                  fw::ValuePool* pool);

}  // namespace sim
