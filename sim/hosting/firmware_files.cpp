#include "sim/hosting/firmware_files.h"

#include "firmware-core/agent/firmware_image.h"

namespace sim {

fw::Bytes sim_firmware_image(std::string_view family, std::string_view version,
                             std::size_t body_bytes) {
  fw::Bytes body(body_bytes);
  std::uint32_t state = 2166136261u;  // FNV-1a over the version seeds a simple byte pattern
  for (char c : version) state = (state ^ static_cast<std::uint8_t>(c)) * 16777619u;
  for (std::uint8_t& byte : body) {
    state = state * 1664525u + 1013904223u;
    byte = static_cast<std::uint8_t>(state >> 24);
  }
  return fw::build_firmware_image(family, version, body);
}

std::string host_firmware(srv::FileRoot& root, std::string_view family, std::string_view version,
                          std::size_t body_bytes) {
  std::string path = "/" + std::string(version) + ".loads";
  root.put(path, sim_firmware_image(family, version, body_bytes));
  return path;
}

}  // namespace sim
