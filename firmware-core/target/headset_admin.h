#pragma once

// phoned's Cisco headset: the --headset option, the admin endpoints that stand in for the
// user at the phone's upgrade prompt, and the headset part of /admin/status.xml.
//
//   --headset SERIES:VERSION[:CONNECTION]   560:1-5-0-100:y-cable (connection default usb)
//   GET /admin/headset/accept    upgrade now     GET /admin/headset/defer   later
//   GET /admin/headset/detach    unplug          GET /admin/headset/attach  plug it in again

#include <optional>
#include <string>
#include <string_view>

#include "firmware-core/agent/headset_firmware.h"
#include "firmware-core/base/result.h"
#include "firmware-core/runtime/phone_runtime.h"
#include "firmware-core/target/admin_web.h"

namespace fw {

// Reads "SERIES:VERSION[:CONNECTION]". Errors: InvalidValue naming the part that is wrong.
Result<HeadsetDevice> parse_headset_option(std::string_view text);

// The phone's headset and the admin requests about it. The device lives here, outside the
// runtime, so a reboot or factory reset of the phone leaves its firmware and settings alone.
class HeadsetAdmin {
 public:
  explicit HeadsetAdmin(std::optional<HeadsetDevice> device) : device_(std::move(device)) {}

  // Call after every new runtime, before power_on(): plugs the headset in if it is attached.
  void connect(PhoneRuntime& runtime);
  // Answers /admin/headset/...; nullopt for any other path.
  std::optional<AdminReply> handle(std::string_view path, PhoneRuntime& runtime);
  // "  <headset .../>\n" for /admin/status.xml.
  std::string status_xml(const HeadsetStatus& status) const;

 private:
  std::optional<HeadsetDevice> device_;
  bool attached_ = true;
};

}  // namespace fw
