#pragma once

// Firmware versions as conditions compare them (reference §3): the phone's own $SWVER against a
// version written in a rule, e.g. `($SWVER ge sip78xx.11-0-0MPP-7)? ...`.
//
// Two formats, never compared with each other:
//   SPA  major.minor.build[tag][(suffix)]     7.6.2  1.0.31(b)  2.0.3(0412s)  7.4.9c  1.0
//   MPP  sip<model>.v1-v2-v3[tag][-build]     sip7832.11-0-1MPP-312  sip88xx.11-0-0MPP-BN
//                                             sipyyyy.11-3-2MPP0001-609  sip78xx.11-2-1MES-3
//                                             sip88xx.11-1-1MSR-1dev.loads  sip88xx.9-3-1-7MPP-BN
//
// MPP fields: the first field with letters after its digits ("0MPP", "2MPP0001") is the last
// version number and carries the tag; the field after it, if any, is the build. Without such a
// field the last field is the build (sip8845_65.14-2-1-0001-105).
//
// Order: the numbers left to right (a shorter list that is a prefix of a longer one is lower),
// then the tag glued to the last number, then the build (MPP) or parenthesized suffix (SPA).
// Tags and builds compare "naturally": runs of digits by value, runs of other characters
// byte-wise, a digit run below a letter run. So `1MSR` > `1` (digits first, then letters), the
// build `BN` (a documentation placeholder) is above every numeric build, `1dev` > `1`, and
// `MPP0002` > `MPP0001`; a missing tag or build is below any present one. The model (`88xx`)
// and a trailing `.loads` are ignored.

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "firmware-core/base/result.h"

namespace fw {

// Longest version text accepted (a load name is about 30 bytes).
inline constexpr std::size_t kVersionBytesMax = 128;
// Most dot- or dash-separated numbers in one version (`9-3-1-7MPP` has four).
inline constexpr std::size_t kVersionNumbersMax = 6;
// Most digits in one number, so that every number fits in 32 bits.
inline constexpr std::size_t kVersionNumberDigitsMax = 9;

enum class VersionFormat : std::uint8_t { Spa, Mpp };

// A parsed version. Built by parse_firmware_version(); compare with compare_firmware_versions().
struct FirmwareVersion {
  VersionFormat format = VersionFormat::Spa;
  std::array<std::uint32_t, kVersionNumbersMax> numbers{};
  std::size_t number_count = 0;
  // Characters glued to the last number: "MPP", "MPP0001", "MSR", "c" (SPA 7.4.9c); may be empty.
  std::string tag;
  // MPP: the load build after the last '-' ("312", "BN", "1dev"). SPA: the text inside the
  // trailing parentheses ("b", "0412s"). May be empty.
  std::string build;
  // MPP only: the model between "sip" and "." ("88xx", "7832"); informational, not compared.
  std::string model;

  std::span<const std::uint32_t> version_numbers() const { return {numbers.data(), number_count}; }
};

// Parses one version. Call it on the unquoted operand of a condition or on $SWVER. Leading and
// trailing spaces are not accepted (the condition parser has already split operands).
// Errors: VersionSyntax, the detail saying what is wrong (never the whole untrusted text).
Result<FirmwareVersion> parse_firmware_version(std::string_view text);

// Orders two parsed versions (see the header comment). Errors: VersionSyntax when one is SPA and
// the other MPP (the phone reports a parse error rather than guessing).
Result<std::weak_ordering> compare_firmware_versions(const FirmwareVersion& left,
                                                     const FirmwareVersion& right);

// Parses both texts and orders them. Errors: VersionSyntax (either text malformed, or the formats
// differ).
Result<std::weak_ordering> compare_firmware_versions(std::string_view left, std::string_view right);

}  // namespace fw
