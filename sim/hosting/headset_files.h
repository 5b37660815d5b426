#pragma once

// Cisco headset release files for the simulated provisioning servers: the headset XML file
// (firmware-core/agent/headset_firmware.h, phonesim's stand-in format) and one image per series,
// hosted in a FileRoot so that TFTP, HTTP and HTTPS serve them like any other file.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "firmware-core/agent/headset_firmware.h"
#include "firmware-core/base/bytes.h"
#include "servers/content/file_root.h"

namespace sim {

// Image size of a simulated headset release when none is given.
inline constexpr std::size_t kSimHeadsetImageBytes = 8 * 1024;

// One series of a release: the image is built from series and version.
struct HeadsetImageSpec {
  fw::HeadsetSeries series = fw::HeadsetSeries::S520;
  std::string version;  // "1-6-0-162"
  std::string image;    // path relative to the XML file's directory, or absolute
  std::size_t bytes = kSimHeadsetImageBytes;
};

// A headset image whose bytes depend only on series, version and size, so a run replays.
fw::Bytes sim_headset_image(fw::HeadsetSeries series, std::string_view version,
                            std::size_t bytes);

// Puts the XML file at `file_path` and every image beside it (headset_image_path()) into
// `root`. Returns the XML text.
std::string host_headset_release(srv::FileRoot& root, std::string_view file_path,
                                 const std::vector<HeadsetImageSpec>& images);

}  // namespace sim
