#pragma once

// What the phone answers to a SIP request on its SIP port, sans IO: the listener (phoned's UDP
// socket, the simulator's scenario event) passes each datagram in and sends the reply out, and
// hands the event, if any, to the agent as SipNotify. Whether the event is honoured
// (Resync_From_SIP) is the agent's decision; this layer only speaks SIP.
//
//   NOTIFY with Event: resync | check-sync | reboot_now | restart_now | report  -> 200 OK, event
//   NOTIFY with another or no Event                                              -> 489 Bad Event
//   any other method (ACK excepted: it gets no response)                         -> 405 + Allow
//   a datagram that is not a well-formed request                                 -> no reply

#include <optional>
#include <string>
#include <string_view>

#include "firmware-core/base/bytes.h"
#include "firmware-core/base/error.h"

namespace fw {

struct SipNotifyAnswer {
  std::string reply;                 // the response datagram; empty: send nothing
  std::optional<std::string> event;  // lower-case event package to hand to the agent
  std::optional<Error> error;        // why the datagram was refused (for the trace)
};

// Answers one datagram received on the SIP port. Never fails: malformed input gives an answer
// with an empty reply and `error` set.
SipNotifyAnswer answer_sip_datagram(ByteSpan datagram);

// A NOTIFY the way a provisioning server sends one to `phone_address` (an IPv4 address or host
// name), for tests, the simulator's sip_notify scenario event and tools: Via from
// `server_address`, the given Call-ID and CSeq 1.
std::string sip_notify_request(std::string_view event, std::string_view phone_address,
                               std::string_view server_address, std::string_view call_id);

}  // namespace fw
