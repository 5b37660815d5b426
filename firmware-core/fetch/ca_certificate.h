#pragma once

// Checking a downloaded custom CA certificate (Custom_CA_Rule, /admin/updateca?URL) before the
// phone trusts it for HTTPS beside its built-in roots.

#include <cstddef>
#include <string>

#include "firmware-core/base/bytes.h"
#include "firmware-core/base/result.h"

namespace fw {

// custom_ca_bytes_max: the largest custom CA file accepted (a certificate is a few KiB).
inline constexpr std::size_t kCustomCaBytesMax = 64 * 1024;

struct CaCertificate {
  std::string pem;          // the first certificate of the file, re-encoded as PEM
  std::string common_name;  // its subject CN (empty when it has none): the status page's "Installed"
};

// Call on a downloaded custom CA file. Returns its first certificate when it is a CA certificate
// (basicConstraints CA:TRUE). Errors: InvalidValue naming why (over kCustomCaBytesMax, no PEM
// certificate, not a CA certificate).
Result<CaCertificate> parse_ca_certificate(ByteSpan pem_file);

}  // namespace fw
