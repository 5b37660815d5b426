// Fuzzes the device management server's configuration (provserver --dms FILE, a scenario's
// device_management: entry): parse_device_management_config and rendering its templates.
//
// Properties, for any input:
//   1. parsing never crashes or throws; a failure is InvalidValue and names the source;
//   2. a parsed configuration keeps every limit (types, files, devices, lines) and its devices
//      have distinct MACs and access users of a known type;
//   3. every file of every type renders for every device of that type (and common files without
//      one), and the rendered text of a template without '%' is the template.

#include <cstddef>
#include <cstdint>
#include <set>
#include <string_view>

#include "servers/device_management/device_profiles.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using fuzz::check;
  const std::string_view text = fw::as_text({data, size});
  auto config = srv::parse_device_management_config(text, "fuzz.yaml");
  if (!config) {
    check(config.error().code == fw::ErrorCode::InvalidValue);
    check(config.error().detail.starts_with("fuzz.yaml"));
    return 0;
  }
  check(config->device_types.size() <= srv::kDeviceTypesMax);
  check(config->devices.size() <= srv::kDevicesMax);
  std::set<fw::MacAddress> macs;
  std::set<std::string> users;
  for (const srv::Device& device : config->devices) {
    check(device.lines.size() <= srv::kDeviceLinesMax);
    check(macs.insert(device.mac).second);
    check(users.insert(device.access_user).second);
  }
  for (const srv::DeviceType& type : config->device_types) {
    check(type.files.size() <= srv::kDeviceFilesPerTypeMax);
    for (const srv::DeviceProfileFile& file : type.files) {
      check(file.template_text.size() <= srv::kDeviceTemplateBytesMax);
      if (file.template_text.find('%') == std::string::npos) {
        check(srv::render_device_template(file.template_text, type, nullptr) == file.template_text);
      }
      if (!file.per_device()) {
        (void)srv::render_device_template(file.template_text, type, nullptr);
        continue;
      }
      for (const srv::Device& device : config->devices) {
        if (device.device_type == type.name) {
          (void)srv::render_device_template(file.template_text, type, &device);
        }
      }
    }
  }
  return 0;
}
