#pragma once

// MacroTable: a plain name -> value MacroSource for tests, tools and the simulator's fixed
// identities; plus the three spellings of a MAC address that $MA, $MAU and $MAC expand to.

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "firmware-core/base/result.h"
#include "firmware-core/macro/macro_expander.h"

namespace fw {

using MacAddress = std::array<std::uint8_t, 6>;

// A sorted table of variable values. Names are stored as given; the expander looks up canonical
// names, so set "A", not "GPP_A".
class MacroTable final : public MacroSource {
 public:
  MacroTable() = default;
  MacroTable(std::initializer_list<std::pair<std::string_view, std::string_view>> entries);

  // Sets (or replaces) the value of `name`.
  void set(std::string_view name, std::string_view value);
  // Removes `name`; returns whether it was present.
  bool erase(std::string_view name);
  std::size_t size() const { return values_.size(); }

  std::optional<std::string> lookup(std::string_view name) const override;

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

// $MA: twelve lower-case hex digits, "000e08aabbcc".
std::string mac_lower_hex(const MacAddress& mac);
// $MAU: twelve upper-case hex digits, "000E08AABBCC".
std::string mac_upper_hex(const MacAddress& mac);
// $MAC: lower-case pairs joined by colons, "00:0e:08:aa:bb:cc".
std::string mac_colon_form(const MacAddress& mac);

// Sets MA, MAU and MAC in `table` from `mac`. Call it when building a phone's identity table.
void set_mac_macros(MacroTable& table, const MacAddress& mac);

// Parses "000e08aabbcc" (either case) or six hex pairs separated by ':' or '-'
// ("00:0E:08:AA:BB:CC"). Errors: InvalidValue when the text is neither form.
Result<MacAddress> parse_mac_address(std::string_view text);

}  // namespace fw
