#pragma once

// Firmware image files for the simulated provisioning servers: a valid image
// (firmware-core/agent/firmware_image.h) for a model family and version, with a deterministic
// body, hosted in a FileRoot so that TFTP, HTTP and HTTPS serve it like any other file.

#include <cstddef>
#include <string>
#include <string_view>

#include "firmware-core/base/bytes.h"
#include "servers/content/file_root.h"

namespace sim {

// Body size of a simulated load when none is given: big enough for a multi-block TFTP transfer
// and several flash pages, small enough for fleets.
inline constexpr std::size_t kSimFirmwareBodyBytes = 16 * 1024;

// A valid image for `family` ("sip68xx") and `version` ("sip68xx.12-0-2MPP0001-1"). The body's
// bytes depend only on the version and size, so a run replays.
fw::Bytes sim_firmware_image(std::string_view family, std::string_view version,
                             std::size_t body_bytes = kSimFirmwareBodyBytes);

// Puts sim_firmware_image() into `root` as "/<version>.loads" and returns that path.
std::string host_firmware(srv::FileRoot& root, std::string_view family, std::string_view version,
                          std::size_t body_bytes = kSimFirmwareBodyBytes);

}  // namespace sim
