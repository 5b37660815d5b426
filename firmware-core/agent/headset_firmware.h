#pragma once

// Cisco headsets and their firmware release file (provisioning-methods.de.txt "Upgrade-Regel für
// die Cisco Headset festlegen"): the headset series a phone can upgrade, over which connection,
// how their versions compare, and the headset XML file Cisco_Headset_Upgrade_Rule points at.
//
// No public description of Cisco's headset XML file exists (cisco-provisioning-facts.md: unknown),
// so phonesim defines its own stand-in. It carries what the procedure depends on: per series the
// offered version and the image, with the image's size and SHA-256 so that the phone can check
// the download before it flashes the headset:
//
//   <headsetFirmware>
//     <headset series="560" version="1-6-0-162" image="hs560-1-6-0-162.bin"
//              bytes="16384" sha256="64 hex digits"/>
//     ...
//   </headsetFirmware>
//
// `image` is a path relative to the directory of the XML file's URL, or an absolute path
// ("/prov/headset/..."), on the same server and scheme. Elements other than <headset> are
// ignored; every <headset> must be complete. A series listed twice is an error (which one would
// the phone offer?).

#include <compare>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "firmware-core/agent/firmware_image.h"
#include "firmware-core/base/bytes.h"
#include "firmware-core/base/result.h"

namespace fw {

// headset_file_bytes_max: the largest headset XML file the phone reads.
inline constexpr std::size_t kHeadsetFileBytesMax = 64 * 1024;
// headset_entries_max: most <headset> entries in one file.
inline constexpr std::size_t kHeadsetEntriesMax = 16;
// headset_image_bytes_max: the largest headset image a headset image fetch accepts.
inline constexpr std::size_t kHeadsetImageBytesMax = 16 * 1024 * 1024;
// headset_version_numbers_max: most numbers in a headset version ("1-6-0-162" has four).
inline constexpr std::size_t kHeadsetVersionNumbersMax = 8;
// headset_version_digits_max: most digits of one number, so that it fits in 32 bits.
inline constexpr std::size_t kHeadsetVersionDigitsMax = 9;

// The series the guide names (520, 560, 700).
enum class HeadsetSeries : std::uint8_t { S520, S560, S700 };
// How the headset is attached: USB cable, or the 560 series' Y-cable (RJ-9 and AUX port).
enum class HeadsetConnection : std::uint8_t { Usb, YCable };

std::string_view to_string(HeadsetSeries series);  // "520", "560", "700"
std::string_view to_string(HeadsetConnection connection);  // "usb", "y-cable"
std::optional<HeadsetSeries> parse_headset_series(std::string_view text);
std::optional<HeadsetConnection> parse_headset_connection(std::string_view text);
// The connections the guide lists for an upgrade: 520 and 700 series USB, 560 series USB and
// the Y-cable.
bool headset_upgrade_supported(HeadsetSeries series, HeadsetConnection connection);

// Compares two headset versions: numbers separated by '-' or '.' ("1-6-0-162", "1.5.2"),
// numerically from the left; a missing number counts as 0 (1-6 equals 1-6-0). Errors:
// VersionSyntax (empty, a non-digit, an empty number, more than kHeadsetVersionNumbersMax
// numbers or kHeadsetVersionDigitsMax digits).
Result<std::strong_ordering> compare_headset_versions(std::string_view left,
                                                      std::string_view right);

// One <headset> entry of the file.
struct HeadsetRelease {
  HeadsetSeries series = HeadsetSeries::S520;
  std::string version;
  std::string image;  // relative or absolute path
  std::size_t bytes = 0;
  Sha256Digest sha256{};
};

// Reads a headset XML file (untrusted bytes). Call on every downloaded file. Errors:
// HeadsetFileTooLarge, HeadsetFileSyntax (the detail names the entry and attribute).
Result<std::vector<HeadsetRelease>> parse_headset_file(ByteSpan file);

// Writes a file parse_headset_file() reads back. Call from tools and tests (the phone only
// reads these files).
std::string format_headset_file(const std::vector<HeadsetRelease>& releases);

// The entry for `series`, or nullptr.
const HeadsetRelease* find_headset_release(const std::vector<HeadsetRelease>& releases,
                                           HeadsetSeries series);

// The image's path on the server: `image` itself when it starts with '/', else `image` in the
// directory of `file_path` (the XML file's path).
std::string headset_image_path(std::string_view file_path, std::string_view image);

// A simulated headset: its series, how it is attached, its firmware and its own settings. The
// settings live in the headset, not in the phone: a phone reset or factory reset never touches
// them, and an upgrade keeps them (the guide: "Die Headset-Einstellungen werden beim
// Zurücksetzen des Telefons nicht gelöscht").
struct HeadsetDevice {
  HeadsetSeries series = HeadsetSeries::S520;
  HeadsetConnection connection = HeadsetConnection::Usb;
  std::string firmware_version;
  std::map<std::string, std::string> settings;
};

}  // namespace fw
