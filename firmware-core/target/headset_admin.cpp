#include "firmware-core/target/headset_admin.h"

#include "firmware-core/base/xml_text.h"

namespace fw {

Result<HeadsetDevice> parse_headset_option(std::string_view text) {
  const std::size_t first = text.find(':');
  if (first == std::string_view::npos) {
    return fail(ErrorCode::InvalidValue, "expected SERIES:VERSION[:CONNECTION] (560:1-5-0-100)");
  }
  const std::size_t second = text.find(':', first + 1);
  const std::string_view series = text.substr(0, first);
  const std::string_view version = text.substr(first + 1, second - first - 1);
  const std::string_view connection =
      second == std::string_view::npos ? std::string_view("usb") : text.substr(second + 1);
  HeadsetDevice device;
  auto parsed_series = parse_headset_series(series);
  if (!parsed_series) return fail(ErrorCode::InvalidValue, "series: expected 520, 560 or 700");
  device.series = *parsed_series;
  if (auto valid = compare_headset_versions(version, "0"); !valid) {
    return fail(ErrorCode::InvalidValue, "version: " + valid.error().detail);
  }
  device.firmware_version = std::string(version);
  auto parsed_connection = parse_headset_connection(connection);
  if (!parsed_connection) return fail(ErrorCode::InvalidValue, "connection: expected usb or y-cable");
  if (!headset_upgrade_supported(device.series, *parsed_connection)) {
    return fail(ErrorCode::InvalidValue, "connection: only the 560 series has the Y-cable");
  }
  device.connection = *parsed_connection;
  return device;
}

void HeadsetAdmin::connect(PhoneRuntime& runtime) {
  if (device_ && attached_) runtime.attach_headset(*device_);
}

std::optional<AdminReply> HeadsetAdmin::handle(std::string_view path, PhoneRuntime& runtime) {
  if (!path.starts_with("/admin/headset/")) return std::nullopt;
  const std::string_view command = path.substr(15);
  if (!device_) return AdminReply{404, "text/plain", "no headset (start phoned with --headset)\n"};
  if (command == "accept" || command == "defer") {
    runtime.answer_headset_prompt(command == "accept");
    return AdminReply{200, "text/plain", "headset prompt answered: " + std::string(command) + "\n"};
  }
  if (command == "detach") {
    attached_ = false;
    runtime.detach_headset();
    return AdminReply{200, "text/plain", "headset detached\n"};
  }
  if (command == "attach") {
    if (!attached_) {
      attached_ = true;
      runtime.attach_headset(*device_);
    }
    return AdminReply{200, "text/plain", "headset attached\n"};
  }
  return AdminReply{404, "text/plain", "not found\n"};
}

std::string HeadsetAdmin::status_xml(const HeadsetStatus& status) const {
  std::string xml = "  <headset state=\"" + std::string(to_string(status.state)) + "\"";
  if (device_) {
    // The device's own firmware: after an upgrade it is the new version even while unplugged.
    xml += " series=\"" + std::string(to_string(device_->series)) + "\" connection=\"" +
           std::string(to_string(device_->connection)) + "\" firmware=\"" +
           xml_attribute(device_->firmware_version) + "\"";
  }
  if (!status.offered_version.empty()) {
    xml += " offered=\"" + xml_attribute(status.offered_version) + "\"";
  }
  if (!status.last_error.empty()) xml += " error=\"" + xml_attribute(status.last_error) + "\"";
  xml += " upgrades=\"" + std::to_string(status.upgrades) + "\"/>\n";
  return xml;
}

}  // namespace fw
