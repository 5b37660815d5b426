#pragma once

// The phone's macro variables (reference §2): what $MA, $A, $UID1, $PRVTMR, $SCHEME ... mean on
// one phone at one moment. Rules, triggers and log templates are expanded against this source.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "firmware-core/config/config_store.h"
#include "firmware-core/macro/macro_expander.h"
#include "firmware-core/macro/macro_table.h"
#include "firmware-core/rules/provisioning_url.h"

namespace fw {

// What the phone is: fixed at manufacture or by the firmware image.
struct PhoneIdentity {
  MacAddress mac{};                   // $MA $MAU $MAC
  std::string serial_number;          // $SN, $SERIAL_NUMBER ("88012BA01234")
  std::string product_name;           // $PN ("CP-8841-3PCC")
  std::string product_series;         // $PSN ("8841")
  std::string software_version;       // $SWVER ("sip88xx.11-3-2MPP0001-609")
  std::string hardware_version;       // $HWVER
  std::string ip_address;             // $IP
  std::string external_ip_address;    // $EXTIP (configured or STUN-discovered; may be empty)
  bool client_certificate_installed = false;  // $CCERT
  bool customized = false;            // $ISCUST
};

// What the provisioning agent knows right now. Unset timers are not answered, so a condition
// using them reports an error instead of comparing against a made-up number.
struct ProvisioningMacroState {
  int resync_reason = 0;  // $PRVST: -1 explicit, 0 power-up, 1 periodic, 2 retry after failure
  int upgrade_attempt = 1;                         // $UPGST: 1 first attempt, 2 retry
  std::string upgrade_error;                       // $UPGERR: $ERR of the previous upgrade
  std::optional<std::int64_t> resync_age_s;        // $PRVTMR: seconds since the last resync
  std::optional<std::int64_t> upgrade_age_s;       // $UPGTMR: seconds since the last upgrade
  std::optional<std::int64_t> line1_unregistered_s;  // $REGTMR1
  std::optional<std::int64_t> line2_unregistered_s;  // $REGTMR2
  std::string result;                              // $ERR of the current attempt
  std::optional<ProvisioningUrl> url;              // $SCHEME $METH $SERV $PORT $PATH
  std::string server_ip;                           // $SERVIP: the address the URL resolved to
};

// A MacroSource over one phone. Holds references: identity, store and state must outlive it.
class PhoneMacros final : public MacroSource {
 public:
  PhoneMacros(const PhoneIdentity& identity, const ConfigStore& store,
              const ProvisioningMacroState& state);

  // The value of a canonical macro name (see canonical_macro_name()); nullopt for a name this
  // phone does not know or a timer that is not running. Secrets (SA..SD) are answered: the
  // expander decides where they may be used.
  std::optional<std::string> lookup(std::string_view name) const override;

 private:
  std::optional<std::string> parameter(std::string_view name) const;
  std::optional<std::string> per_line(std::string_view name, std::string_view prefix,
                                      std::string_view parameter_prefix) const;

  const PhoneIdentity& identity_;
  const ConfigStore& store_;
  const ProvisioningMacroState& state_;
};

}  // namespace fw
