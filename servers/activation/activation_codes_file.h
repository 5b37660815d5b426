#pragma once

// The activation codes file of `provserver --activation FILE`: one code per line,
//
//   # comment
//   CODE  EXPIRES  [mac=HEX]  RULE
//   1234-5678-9012-3456  never  http://127.0.0.1:8080/$MA.xml
//   9876543210987654     86400  mac=0011aabbccdd  https://prov.example.com/$PSN.xml
//
// CODE: 16 digits, dashes between groups allowed. EXPIRES: `never`, or the seconds the code stays
// valid after the file is loaded (0: expired from the start). mac=: only that phone may use it.
// RULE: the rest of the line, handed out as Profile_Rule (it may contain spaces: options,
// conditions). Blank lines and lines starting with '#' are skipped.

#include <cstddef>
#include <string_view>
#include <vector>

#include "firmware-core/base/result.h"
#include "firmware-core/runtime/time.h"
#include "servers/activation/activation_service.h"

namespace srv {

// activation_codes_file_bytes_max, activation_codes_max, activation_codes_line_bytes_max.
inline constexpr std::size_t kActivationCodesFileBytesMax = 4 * 1024 * 1024;
inline constexpr std::size_t kActivationCodesMax = 100'000;
inline constexpr std::size_t kActivationCodesLineBytesMax = 4096;

// Parses the file's text; expiries count from `loaded_at`. Errors: InvalidValue naming the line
// and what is wrong (never the code itself). Duplicates and rule checks are add_code()'s.
fw::Result<std::vector<ActivationCodeSpec>> parse_activation_codes(std::string_view text,
                                                                   fw::WallTime loaded_at);

}  // namespace srv
