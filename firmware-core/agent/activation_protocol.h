#pragma once

// Activation-code onboarding (reference §8, provisioning-methods.de.txt "Ihre Telefone für die
// Onboard-Aktivierung des Aktivierungscodes einrichten"): the code the user types, the firmware
// that supports it, and the wire format between the phone and the activation service.
//
// Cisco's activation protocol (activation.webex.com) is not public; this one is phonesim's own,
// shared by the phone (firmware-core/agent) and the service (servers/activation):
//
//   POST <path of Activation_Service_Url>            Content-Type: application/xml
//   <activation-request>
//     <code>1234567890123456</code><mac>0011aabbccdd</mac><model>CP-8841-3PCC</model>
//     <serial>88012BA01234</serial><firmware>sip88xx.11-3-2MPP0001-609</firmware>
//   </activation-request>
//
//   200  <activation-reply result="accepted">
//          <Profile_Rule>https://prov.example.com/$PSN.xml</Profile_Rule>   (required)
//          <Resync_Periodic>3600</Resync_Periodic>                         (any parameters)
//        </activation-reply>
//   403  <activation-reply result="rejected" reason="unknown|expired|used|device"/>
//   429  <activation-reply result="rate-limited" retry-after-s="60"/>      (+ Retry-After)
//   400  <activation-reply result="bad-request" reason="..."/>
//
// The code is a secret: format_activation_request() is the only place it is written, and no
// error detail of these parsers quotes it.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "firmware-core/base/bytes.h"
#include "firmware-core/base/result.h"

namespace fw {

// An activation code has exactly this many digits (the guide: "16-stelliger Aktivierungscode").
inline constexpr std::size_t kActivationCodeDigits = 16;
// The most characters a typed code may have (digits plus spaces and dashes between groups).
inline constexpr std::size_t kActivationCodeTypedBytesMax = 64;
// activation_message_bytes_max: the largest request or reply body either side accepts.
inline constexpr std::size_t kActivationMessageBytesMax = 16 * 1024;
// The most parameters an accepted reply may carry.
inline constexpr std::size_t kActivationReplyParametersMax = 64;
// The oldest firmware that supports gds:// (the guide: 11-2-3MSR1); compared with
// compare_firmware_versions() (the model part is ignored).
inline constexpr std::string_view kActivationFirmwareMin = "sip88xx.11-2-3MSR1";
// The service path when Activation_Service_Url names none of its own.
inline constexpr std::string_view kActivationServicePath = "/activate";

// The code as the service compares it: `typed` with spaces and dashes dropped (people type
// "1234 5678 9012 3456" or "1234-5678-..."). nullopt unless exactly kActivationCodeDigits digits
// remain and nothing else was typed.
std::optional<std::string> normalize_activation_code(std::string_view typed);

// Whether firmware `version` ($SWVER) supports activation codes: an MPP load at or after
// kActivationFirmwareMin. SPA loads and versions that do not parse do not.
bool firmware_supports_activation(std::string_view version);

struct ActivationRequest {
  std::string code;  // a secret
  std::string mac;   // 12 lower-case hex digits
  std::string model;
  std::string serial;
  std::string firmware;
};

// The request body (UTF-8 XML, fields escaped).
Bytes format_activation_request(const ActivationRequest& request);
// Parses a request body (the service's side). Errors: ActivationMessageInvalid (too large, not
// XML, another root element, a field repeated, nested or longer than kActivationFieldBytesMax,
// no code). Unknown fields are ignored. The detail never quotes the code.
Result<ActivationRequest> parse_activation_request(ByteSpan body);

// The longest text field of a request (each of code, mac, model, serial, firmware).
inline constexpr std::size_t kActivationFieldBytesMax = 256;

enum class ActivationResult : std::uint8_t { Accepted, Rejected, RateLimited, BadRequest };
std::string_view to_string(ActivationResult result);

struct ActivationReply {
  ActivationResult result = ActivationResult::Accepted;
  // Rejected: unknown, expired, used or device; BadRequest: what was wrong. Empty otherwise.
  std::string reason;
  std::int64_t retry_after_s = 0;  // RateLimited
  // Accepted: parameter name and value, in document order (Profile_Rule among them).
  std::vector<std::pair<std::string, std::string>> parameters;
};

// The reply body the service sends.
std::string format_activation_reply(const ActivationReply& reply);
// Parses a reply body (the phone's side). Errors: ActivationMessageInvalid (too large, not XML,
// another root element, an unknown result, a parameter element with child elements, more than
// kActivationReplyParametersMax parameters, a bad retry-after-s). Whether the parameters are
// known and valid is the caller's business.
Result<ActivationReply> parse_activation_reply(ByteSpan body);

}  // namespace fw
