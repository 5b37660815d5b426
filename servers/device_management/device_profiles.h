#pragma once

// A BroadWorks-style device management server (provisioning-methods.de.txt "Telefon mit dem
// BroadSoft-Server bereitstellen"; cisco-provisioning-facts.md: the CPE kit's DTAF file is
// uploaded to BroadWorks and a Device Profile Type configured; BroadWorks then serves the
// phone's profiles, the phone side is unchanged). phonesim models what the phone sees of it:
//
// - A device type (what a DTAF carries): its name ("Cisco-MPP") and its files, each a name and a
//   template. A file whose name holds %BWMACADDRESS% is per device ("%BWMACADDRESS%.xml"); the
//   others are common to every device of the type.
// - A device inventory: per device its MAC, type, device access user and password (HTTP
//   authentication) and its lines (line/port, authentication user and password, display name).
// - Paths: PREFIX/<type>/<file>, e.g. /dms/Cisco-MPP/0e0801020304.xml (the MAC in either case,
//   as $MA or $MAU gives it) and /dms/Cisco-MPP/common.xml.
// - Templates carry BroadWorks-style tags, filled per device: %BWMACADDRESS% (upper-case hex),
//   %BWDEVICETYPE%, %BWDEVICEUSERNAME%, and per line N = 1..kDeviceLinesMax %BWLINEPORT-N%,
//   %BWAUTHUSER-N%, %BWAUTHPASSWORD-N% (a secret: it is in the profile the device fetches, never
//   in a log), %BWDISPLAYNAME-N%. A line the device does not have gives empty text (BroadWorks
//   leaves unassigned lines empty). Common files may use only %BWDEVICETYPE%.
// - Authentication: Basic or Digest by HttpServer (its user table holds every device's access
//   user), so wrong or missing credentials get 401. Then: an unknown type, file or device is
//   404; a device reading another device's file is 403.
//
// The configuration is YAML (yaml-cpp), read by parse_device_management_config(); the format is
// in servers/device_management/README.md.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "firmware-core/base/result.h"
#include "firmware-core/macro/macro_table.h"
#include "servers/http/http_server.h"

namespace YAML {
class Node;
}

namespace srv {

// dms_config_bytes_max: the largest configuration file.
inline constexpr std::size_t kDeviceConfigBytesMax = 4 * 1024 * 1024;
// dms_template_bytes_max: the largest template of one file.
inline constexpr std::size_t kDeviceTemplateBytesMax = 256 * 1024;
// dms_devices_max, dms_device_types_max, dms_files_per_type_max: inventory limits.
inline constexpr std::size_t kDevicesMax = 100'000;
inline constexpr std::size_t kDeviceTypesMax = 64;
inline constexpr std::size_t kDeviceFilesPerTypeMax = 32;
// dms_lines_max: lines per device (a phone has at most 16).
inline constexpr std::size_t kDeviceLinesMax = 16;

struct DeviceProfileFile {
  std::string name;  // "%BWMACADDRESS%.xml" (per device) or "common.xml"
  std::string template_text;
  bool per_device() const;
};

struct DeviceType {
  std::string name;  // "Cisco-MPP"
  std::vector<DeviceProfileFile> files;
};

struct DeviceLine {
  std::string line_port;      // "2001@as.example.com"
  std::string auth_user;      // SIP authentication user
  std::string auth_password;  // a secret
  std::string display_name;
};

struct Device {
  fw::MacAddress mac{};
  std::string device_type;
  std::string access_user;      // HTTP authentication of the profile download
  std::string access_password;  // a secret
  std::vector<DeviceLine> lines;
};

struct DeviceManagementConfig {
  std::string path_prefix = "/dms";
  HttpAuthMode auth = HttpAuthMode::Digest;
  std::string realm = "BroadWorks";
  std::vector<DeviceType> device_types;
  std::vector<Device> devices;
};

// Reads a configuration (untrusted text; `source` names it in errors, e.g. the file name).
// Errors: InvalidValue naming source:line and the key ("dms.yaml:14: devices[2].mac: ..."),
// for YAML syntax, unknown keys, missing or malformed values, unknown tags in templates,
// device tags in a common file, a device of an unknown type, duplicate MACs, types or access
// users, and every limit above.
fw::Result<DeviceManagementConfig> parse_device_management_config(std::string_view text,
                                                                  std::string_view source);
// The same for a configuration inside another YAML document (a scenario's server entry): line
// numbers are those of that document, named `source`.
fw::Result<DeviceManagementConfig> parse_device_management_node(const YAML::Node& node,
                                                                std::string_view source);

// Fills `template_text`'s tags for `device` (nullptr: a common file). Tags were checked when
// the configuration was read, so this cannot fail.
std::string render_device_template(std::string_view template_text, const DeviceType& type,
                                   const Device* device);

// The server: an HttpRequestHook answering every request under the prefix, and the HTTP
// settings (authentication mode, realm, users) it needs.
class DeviceProfileServer {
 public:
  explicit DeviceProfileServer(DeviceManagementConfig config);

  // `base` with authentication switched on for the devices' access users.
  HttpServerSettings http_settings(HttpServerSettings base = {}) const;
  // The reply for a request under the prefix; nullopt for any other path (served from the
  // root as usual).
  std::optional<HttpReply> operator()(const HttpRequestInfo& request) const;

  const DeviceManagementConfig& config() const { return config_; }

 private:
  const DeviceType* find_type(std::string_view name) const;
  const Device* find_device(const fw::MacAddress& mac) const;

  DeviceManagementConfig config_;
};

}  // namespace srv
