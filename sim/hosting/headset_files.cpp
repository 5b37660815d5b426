#include "sim/hosting/headset_files.h"

namespace sim {

fw::Bytes sim_headset_image(fw::HeadsetSeries series, std::string_view version,
                            std::size_t bytes) {
  fw::Bytes image(bytes);
  std::uint32_t state = 2166136261u;  // FNV-1a over series and version seeds a byte pattern
  for (char c : std::string(fw::to_string(series)) + "/" + std::string(version)) {
    state = (state ^ static_cast<std::uint8_t>(c)) * 16777619u;
  }
  for (std::uint8_t& byte : image) {
    state = state * 1664525u + 1013904223u;
    byte = static_cast<std::uint8_t>(state >> 24);
  }
  return image;
}

std::string host_headset_release(srv::FileRoot& root, std::string_view file_path,
                                 const std::vector<HeadsetImageSpec>& images) {
  std::vector<fw::HeadsetRelease> releases;
  for (const HeadsetImageSpec& spec : images) {
    fw::Bytes image = sim_headset_image(spec.series, spec.version, spec.bytes);
    fw::HeadsetRelease release;
    release.series = spec.series;
    release.version = spec.version;
    release.image = spec.image;
    release.bytes = image.size();
    const fw::ByteSpan parts[] = {image};
    release.sha256 = fw::sha256(parts);
    root.put(fw::headset_image_path(file_path, spec.image), std::move(image));
    releases.push_back(std::move(release));
  }
  std::string file = fw::format_headset_file(releases);
  root.put(std::string(file_path), fw::to_bytes(file));
  return file;
}

}  // namespace sim
