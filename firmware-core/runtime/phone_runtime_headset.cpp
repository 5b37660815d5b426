// PhoneRuntime and the attached Cisco headset: announcing it to the agent, passing the user's
// prompt answers, and writing a finished headset upgrade into the device. The agent decides
// everything else (provisioning_agent_headset.cpp).

#include "firmware-core/runtime/phone_runtime.h"

namespace fw {

void PhoneRuntime::attach_headset(HeadsetDevice& headset) {
  headset_ = &headset;
  announce_headset();
  settle();
}

void PhoneRuntime::detach_headset() {
  if (headset_ == nullptr) return;
  headset_ = nullptr;
  feed(HeadsetDetached{});
  settle();
}

void PhoneRuntime::answer_headset_prompt(bool accept) {
  feed(HeadsetPromptAnswered{accept});
  settle();
}

void PhoneRuntime::announce_headset() {
  if (headset_ == nullptr) return;
  feed(HeadsetAttached{headset_->series, headset_->connection, headset_->firmware_version});
}

void PhoneRuntime::perform(const FlashHeadsetAction& action) {
  if (headset_ == nullptr) return;  // unplugged in the same instant: it keeps its firmware
  // Only the firmware changes: the headset's settings are its own and survive the upgrade.
  headset_->firmware_version = action.version;
  TraceField fields[] = {{"series", to_string(headset_->series)}, {"version", action.version}};
  platform_.trace(Severity::Info, "runtime", "headset_flashed", fields);
}

}  // namespace fw
