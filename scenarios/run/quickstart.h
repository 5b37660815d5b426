#pragma once

// The built-in quickstart scenario `phonesim run` runs without a SCENARIO argument: about a
// thousand phones of mixed models on TFTP and on HTTPS with mutual TLS and gzip+AES per-phone
// profiles, reporting to syslog, for 24 virtual hours with a TFTP server outage and a power
// outage. `phonesim run --print-quickstart` prints it as a starting point for one's own.

#include <string_view>

namespace scn {

extern const std::string_view kQuickstartScenario;

}  // namespace scn
