#include "servers/device_management/device_profiles.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <set>

namespace srv {
namespace {

constexpr std::string_view kMacTag = "%BWMACADDRESS%";

// A tag of a template: its name without the '%' signs and the line number (0: no line).
struct Tag {
  std::string name;
  std::size_t line = 0;
};

bool per_device_tag(std::string_view name) {
  return name != "BWDEVICETYPE";
}

// The tag starting at `text[position]` ('%'), or nullopt when none starts there.
std::optional<std::pair<Tag, std::size_t>> tag_at(std::string_view text, std::size_t position) {
  if (!text.substr(position).starts_with("%BW")) return std::nullopt;
  const std::size_t end = text.find('%', position + 1);
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view body = text.substr(position + 1, end - position - 1);
  Tag tag;
  if (const std::size_t dash = body.rfind('-'); dash != std::string_view::npos) {
    std::size_t line = 0;
    const std::string_view digits = body.substr(dash + 1);
    auto [stop, error] = std::from_chars(digits.data(), digits.data() + digits.size(), line);
    if (error == std::errc{} && stop == digits.data() + digits.size() && !digits.empty()) {
      tag.line = line;
      body = body.substr(0, dash);
    }
  }
  tag.name = std::string(body);
  return std::pair{std::move(tag), end + 1};
}

bool known_tag(const Tag& tag) {
  static const std::set<std::string, std::less<>> kDeviceTags = {"BWMACADDRESS", "BWDEVICETYPE",
                                                                 "BWDEVICEUSERNAME"};
  static const std::set<std::string, std::less<>> kLineTags = {"BWLINEPORT", "BWAUTHUSER",
                                                               "BWAUTHPASSWORD", "BWDISPLAYNAME"};
  if (tag.line == 0) return kDeviceTags.contains(tag.name);
  return tag.line <= kDeviceLinesMax && kLineTags.contains(tag.name);
}

std::optional<fw::MacAddress> parse_mac(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (c == ':' || c == '-') continue;
    digits += c;
  }
  if (digits.size() != 12) return std::nullopt;
  fw::MacAddress mac{};
  for (std::size_t index = 0; index < mac.size(); ++index) {
    unsigned value = 0;
    auto [stop, error] =
        std::from_chars(digits.data() + 2 * index, digits.data() + 2 * index + 2, value, 16);
    if (error != std::errc{} || stop != digits.data() + 2 * index + 2) return std::nullopt;
    mac[index] = static_cast<std::uint8_t>(value);
  }
  return mac;
}

// Reads the YAML into a configuration, collecting the first error with its line.
class ConfigReader {
 public:
  explicit ConfigReader(std::string_view source) : source_(source) {}

  fw::Result<DeviceManagementConfig> read(const YAML::Node& root) {
    DeviceManagementConfig config;
    if (!root.IsMap()) return failure(root, "expected a mapping with device_types and devices");
    if (auto keys =
            only_keys(root, "", {"path_prefix", "auth", "realm", "device_types", "devices"});
        !keys) {
      return fw::fail(keys.error());
    }
    if (root["path_prefix"]) {
      config.path_prefix = scalar(root["path_prefix"], "path_prefix");
      if (!config.path_prefix.starts_with('/') || config.path_prefix.ends_with('/')) {
        return failure(root["path_prefix"], "path_prefix: must start and not end with '/'");
      }
    }
    if (root["auth"]) {
      const std::string auth = scalar(root["auth"], "auth");
      if (auth == "basic")
        config.auth = HttpAuthMode::Basic;
      else if (auth == "digest")
        config.auth = HttpAuthMode::Digest;
      else
        return failure(root["auth"], "auth: expected basic or digest");
    }
    if (root["realm"]) config.realm = scalar(root["realm"], "realm");
    if (error_) return fw::fail(*error_);

    const YAML::Node types = root["device_types"];
    if (!types || !types.IsSequence() || types.size() == 0) {
      return failure(root, "device_types: expected a list of {name, files}");
    }
    if (types.size() > kDeviceTypesMax)
      return failure(types, "device_types: more than dms_device_types_max");
    for (std::size_t index = 0; index < types.size(); ++index) {
      auto type = device_type(types[index], "device_types[" + std::to_string(index) + "]");
      if (!type) return fw::fail(type.error());
      for (const DeviceType& other : config.device_types) {
        if (other.name == type->name)
          return failure(types[index], "device type " + type->name + " given twice");
      }
      config.device_types.push_back(std::move(*type));
    }
    const YAML::Node devices = root["devices"];
    if (!devices || !devices.IsSequence())
      return failure(root, "devices: expected a list of devices");
    if (devices.size() > kDevicesMax) return failure(devices, "devices: more than dms_devices_max");
    std::set<fw::MacAddress> macs;
    std::set<std::string> users;
    for (std::size_t index = 0; index < devices.size(); ++index) {
      const std::string context = "devices[" + std::to_string(index) + "]";
      auto device = this->device(devices[index], context);
      if (!device) return fw::fail(device.error());
      const bool known_type =
          std::any_of(config.device_types.begin(), config.device_types.end(),
                      [&](const DeviceType& type) { return type.name == device->device_type; });
      if (!known_type)
        return failure(devices[index], context + ".type: no device type " + device->device_type);
      if (!macs.insert(device->mac).second)
        return failure(devices[index], context + ".mac: given twice");
      if (!users.insert(device->access_user).second) {
        return failure(devices[index], context + ".user: another device has this access user");
      }
      config.devices.push_back(std::move(*device));
    }
    return config;
  }

 private:
  fw::Failure failure(const YAML::Node& node, const std::string& what) {
    const int line = node.Mark().line >= 0 ? node.Mark().line + 1 : 0;
    return fw::fail(fw::ErrorCode::InvalidValue,
                    std::string(source_) + ":" + std::to_string(line) + ": " + what);
  }

  std::string scalar(const YAML::Node& node, const std::string& context) {
    if (!node.IsScalar()) {
      if (!error_) error_ = failure(node, context + ": expected a single value").error;
      return {};
    }
    return node.Scalar();
  }

  fw::Result<void> only_keys(const YAML::Node& node, const std::string& context,
                             std::initializer_list<std::string_view> keys) {
    for (const auto& entry : node) {
      const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : std::string("?");
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        std::string known;
        for (std::string_view name : keys)
          known += (known.empty() ? "" : ", ") + std::string(name);
        return failure(entry.first, (context.empty() ? "" : context + ": ") + "unknown key '" +
                                        key + "' (known keys: " + known + ")");
      }
    }
    return {};
  }

  std::string required(const YAML::Node& node, const char* key, const std::string& context) {
    const YAML::Node value = node[key];
    if (!value || value.IsNull()) {
      if (!error_) error_ = failure(node, context + ": '" + key + "' is required").error;
      return {};
    }
    return scalar(value, context + "." + key);
  }

  fw::Result<DeviceType> device_type(const YAML::Node& node, const std::string& context) {
    if (!node.IsMap()) return failure(node, context + ": expected {name, files}");
    if (auto keys = only_keys(node, context, {"name", "files"}); !keys)
      return fw::fail(keys.error());
    DeviceType type;
    type.name = required(node, "name", context);
    if (error_) return fw::fail(*error_);
    if (type.name.empty() || type.name.find('/') != std::string::npos) {
      return failure(node, context + ".name: must be non-empty without '/'");
    }
    const YAML::Node files = node["files"];
    if (!files || !files.IsSequence() || files.size() == 0)
      return failure(node, context + ".files: expected a list of {name, template}");
    if (files.size() > kDeviceFilesPerTypeMax)
      return failure(files, context + ".files: more than dms_files_per_type_max");
    for (std::size_t index = 0; index < files.size(); ++index) {
      const std::string file_context = context + ".files[" + std::to_string(index) + "]";
      const YAML::Node file_node = files[index];
      if (!file_node.IsMap())
        return failure(file_node, file_context + ": expected {name, template}");
      if (auto keys = only_keys(file_node, file_context, {"name", "template"}); !keys)
        return fw::fail(keys.error());
      DeviceProfileFile file;
      file.name = required(file_node, "name", file_context);
      file.template_text = required(file_node, "template", file_context);
      if (error_) return fw::fail(*error_);
      if (file.name.empty() || file.name.find('/') != std::string::npos) {
        return failure(file_node, file_context + ".name: must be non-empty without '/'");
      }
      const std::size_t mac_tag = file.name.find(kMacTag);
      if (mac_tag != std::string::npos &&
          file.name.find(kMacTag, mac_tag + 1) != std::string::npos) {
        return failure(file_node, file_context + ".name: %BWMACADDRESS% at most once");
      }
      if (file.name.find('%') != std::string::npos &&
          (mac_tag == std::string::npos ||
           file.name.find('%', mac_tag + kMacTag.size()) != std::string::npos ||
           file.name.substr(0, mac_tag).find('%') != std::string::npos)) {
        return failure(file_node,
                       file_context + ".name: the only tag a file name may hold is %BWMACADDRESS%");
      }
      if (file.template_text.size() > kDeviceTemplateBytesMax) {
        return failure(file_node,
                       file_context + ".template: more than dms_template_bytes_max bytes");
      }
      for (std::size_t position = file.template_text.find('%'); position != std::string::npos;
           position = file.template_text.find('%', position + 1)) {
        auto tag = tag_at(file.template_text, position);
        if (!tag) continue;
        if (!known_tag(tag->first)) {
          return failure(file_node,
                         file_context + ".template: unknown tag " +
                             file.template_text.substr(position, tag->second - position));
        }
        if (!file.per_device() && per_device_tag(tag->first.name)) {
          return failure(file_node,
                         file_context + ".template: a common file cannot use the device tag " +
                             file.template_text.substr(position, tag->second - position));
        }
        position = tag->second - 1;
      }
      for (const DeviceProfileFile& other : type.files) {
        if (other.name == file.name) return failure(file_node, file_context + ".name: given twice");
      }
      type.files.push_back(std::move(file));
    }
    return type;
  }

  fw::Result<Device> device(const YAML::Node& node, const std::string& context) {
    if (!node.IsMap())
      return failure(node, context + ": expected {mac, type, user, password, lines}");
    if (auto keys = only_keys(node, context, {"mac", "type", "user", "password", "lines"}); !keys) {
      return fw::fail(keys.error());
    }
    Device device;
    const std::string mac = required(node, "mac", context);
    device.device_type = required(node, "type", context);
    device.access_user = required(node, "user", context);
    device.access_password = required(node, "password", context);
    if (error_) return fw::fail(*error_);
    auto parsed = parse_mac(mac);
    if (!parsed)
      return failure(node["mac"], context + ".mac: expected 12 hex digits (00:0e:08:01:02:03)");
    device.mac = *parsed;
    if (device.access_user.empty() || device.access_user.find(':') != std::string::npos) {
      return failure(node["user"], context + ".user: must be non-empty without ':'");
    }
    const YAML::Node lines = node["lines"];
    if (lines) {
      if (!lines.IsSequence()) return failure(lines, context + ".lines: expected a list");
      if (lines.size() > kDeviceLinesMax)
        return failure(lines, context + ".lines: more than dms_lines_max");
      for (std::size_t index = 0; index < lines.size(); ++index) {
        const std::string line_context = context + ".lines[" + std::to_string(index) + "]";
        const YAML::Node line_node = lines[index];
        if (!line_node.IsMap())
          return failure(
              line_node,
              line_context + ": expected {port, auth_user, auth_password, display_name}");
        if (auto keys = only_keys(line_node, line_context,
                                  {"port", "auth_user", "auth_password", "display_name"});
            !keys) {
          return fw::fail(keys.error());
        }
        DeviceLine line;
        line.line_port = required(line_node, "port", line_context);
        if (line_node["auth_user"])
          line.auth_user = scalar(line_node["auth_user"], line_context + ".auth_user");
        if (line_node["auth_password"])
          line.auth_password = scalar(line_node["auth_password"], line_context + ".auth_password");
        if (line_node["display_name"])
          line.display_name = scalar(line_node["display_name"], line_context + ".display_name");
        if (error_) return fw::fail(*error_);
        device.lines.push_back(std::move(line));
      }
    }
    return device;
  }

  std::string_view source_;
  std::optional<fw::Error> error_;
};

}  // namespace

bool DeviceProfileFile::per_device() const {
  return name.find(kMacTag) != std::string::npos;
}

fw::Result<DeviceManagementConfig> parse_device_management_config(std::string_view text,
                                                                  std::string_view source) {
  if (text.size() > kDeviceConfigBytesMax) {
    return fw::fail(fw::ErrorCode::InvalidValue,
                    std::string(source) + ": more than dms_config_bytes_max bytes");
  }
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& failure) {
    return fw::fail(
        fw::ErrorCode::InvalidValue,
        std::string(source) + ":" + std::to_string(failure.mark.line + 1) + ": " + failure.msg);
  }
  try {
    return ConfigReader(source).read(root);
  } catch (const YAML::Exception& failure) {
    return fw::fail(
        fw::ErrorCode::InvalidValue,
        std::string(source) + ":" + std::to_string(failure.mark.line + 1) + ": " + failure.msg);
  }
}

fw::Result<DeviceManagementConfig> parse_device_management_node(const YAML::Node& node,
                                                                std::string_view source) {
  try {
    return ConfigReader(source).read(node);
  } catch (const YAML::Exception& failure) {
    return fw::fail(
        fw::ErrorCode::InvalidValue,
        std::string(source) + ":" + std::to_string(failure.mark.line + 1) + ": " + failure.msg);
  }
}

std::string render_device_template(std::string_view template_text, const DeviceType& type,
                                   const Device* device) {
  std::string out;
  out.reserve(template_text.size());
  std::size_t position = 0;
  while (position < template_text.size()) {
    const std::size_t percent = template_text.find('%', position);
    if (percent == std::string_view::npos) {
      out += template_text.substr(position);
      break;
    }
    out += template_text.substr(position, percent - position);
    auto tag = tag_at(template_text, percent);
    if (!tag || !known_tag(tag->first)) {
      out += '%';
      position = percent + 1;
      continue;
    }
    const Tag& found = tag->first;
    if (found.name == "BWDEVICETYPE") {
      out += type.name;
    } else if (device != nullptr && found.line == 0) {
      out += found.name == "BWMACADDRESS" ? fw::mac_upper_hex(device->mac) : device->access_user;
    } else if (device != nullptr && found.line <= device->lines.size()) {
      const DeviceLine& line = device->lines[found.line - 1];
      if (found.name == "BWLINEPORT")
        out += line.line_port;
      else if (found.name == "BWAUTHUSER")
        out += line.auth_user;
      else if (found.name == "BWAUTHPASSWORD")
        out += line.auth_password;
      else
        out += line.display_name;
    }
    position = tag->second;
  }
  return out;
}

DeviceProfileServer::DeviceProfileServer(DeviceManagementConfig config)
    : config_(std::move(config)) {}

HttpServerSettings DeviceProfileServer::http_settings(HttpServerSettings base) const {
  base.auth = config_.auth;
  base.realm = config_.realm;
  for (const Device& device : config_.devices)
    base.users[device.access_user] = device.access_password;
  return base;
}

const DeviceType* DeviceProfileServer::find_type(std::string_view name) const {
  for (const DeviceType& type : config_.device_types) {
    if (type.name == name) return &type;
  }
  return nullptr;
}

const Device* DeviceProfileServer::find_device(const fw::MacAddress& mac) const {
  for (const Device& device : config_.devices) {
    if (device.mac == mac) return &device;
  }
  return nullptr;
}

std::optional<HttpReply> DeviceProfileServer::operator()(const HttpRequestInfo& request) const {
  std::string_view path = request.target.substr(0, request.target.find('?'));
  if (!path.starts_with(config_.path_prefix + "/")) return std::nullopt;
  auto answer = [](unsigned status, std::string body, std::string_view type) {
    HttpReply reply;
    reply.status = status;
    reply.headers.push_back({"Content-Type", std::string(type)});
    reply.body = fw::to_bytes(body);
    return reply;
  };
  if (request.method != "GET" && request.method != "HEAD") {
    return answer(405, "device profiles are read-only\n", "text/plain");
  }
  path.remove_prefix(config_.path_prefix.size() + 1);
  const std::size_t slash = path.find('/');
  if (slash == std::string_view::npos) return answer(404, "no such device type\n", "text/plain");
  const DeviceType* type = find_type(path.substr(0, slash));
  if (type == nullptr) return answer(404, "no such device type\n", "text/plain");
  const std::string_view file_name = path.substr(slash + 1);
  for (const DeviceProfileFile& file : type->files) {
    if (!file.per_device()) {
      if (file.name == file_name)
        return answer(200, render_device_template(file.template_text, *type, nullptr), "text/xml");
      continue;
    }
    const std::size_t tag = file.name.find(kMacTag);
    const std::string_view prefix = std::string_view(file.name).substr(0, tag);
    const std::string_view suffix = std::string_view(file.name).substr(tag + kMacTag.size());
    if (file_name.size() != prefix.size() + 12 + suffix.size() || !file_name.starts_with(prefix) ||
        !file_name.ends_with(suffix)) {
      continue;
    }
    auto mac = parse_mac(file_name.substr(prefix.size(), 12));
    if (!mac) continue;
    const Device* device = find_device(*mac);
    if (device == nullptr || device->device_type != type->name)
      return answer(404, "no such device\n", "text/plain");
    if (request.user != device->access_user)
      return answer(403, "another device's profile\n", "text/plain");
    return answer(200, render_device_template(file.template_text, *type, device), "text/xml");
  }
  return answer(404, "no such file\n", "text/plain");
}

}  // namespace srv
