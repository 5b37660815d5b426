#pragma once

// phoned's stand-in for the keypad during activation-code onboarding: /admin/activate takes the
// code the user would type, and status.xml shows what the display would say.
//
//   GET  /admin/activate?code=1234-5678-9012-3456
//   POST /admin/activate          (body: code=1234567890123456, form-encoded)
//
// Both answer at once (202 "activation code submitted"); the outcome appears in status.xml's
// <activation> element. The code is a secret: it is never echoed, logged or traced.

#include <string>

#include "firmware-core/agent/provisioning_agent.h"
#include "firmware-core/runtime/phone_runtime.h"
#include "firmware-core/target/admin_web.h"

namespace fw {

inline constexpr std::string_view kActivateAdminPath = "/admin/activate";

// Answers a request for kActivateAdminPath: hands the code to `runtime`, or 400 when the request
// carries no code= field (GET query or POST form body), 405 for other methods.
AdminReply activation_admin(const AdminRequest& request, PhoneRuntime& runtime);

// The <activation> element of status.xml: state, display text, submissions, the last error.
std::string activation_status_xml(const ActivationStatus& status);

}  // namespace fw
