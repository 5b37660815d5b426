#include "firmware-core/sip/sip_notify.h"

#include <array>
#include <cstdint>

#include "firmware-core/sip/sip_message.h"

namespace fw {
namespace {

constexpr std::array<std::string_view, 5> kEvents = {"resync", "check-sync", "reboot_now",
                                                     "restart_now", "report"};

std::string lower_case(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The To tag of our responses: derived from the Call-ID (FNV-1a), so a retransmitted request
// gets the same response without the phone keeping state.
std::string to_tag(std::string_view call_id) {
  std::uint32_t hash = 2166136261u;
  for (char c : call_id) {
    hash ^= static_cast<std::uint8_t>(c);
    hash *= 16777619u;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string tag = "ph";
  for (int shift = 28; shift >= 0; shift -= 4) tag += kHex[(hash >> shift) & 0xF];
  return tag;
}

}  // namespace

SipNotifyAnswer answer_sip_datagram(ByteSpan datagram) {
  SipNotifyAnswer answer;
  auto parsed = parse_sip_request(datagram);
  if (!parsed) {
    answer.error = parsed.error();
    return answer;
  }
  const SipRequest& request = *parsed;
  const std::string tag = to_tag(*request.header("Call-ID"));
  if (request.method == "ACK") return answer;  // never answered (RFC 3261 17.2.1)
  if (request.method != "NOTIFY") {
    answer.reply = sip_response(request, 405, "Method Not Allowed", tag, {"Allow: NOTIFY"});
    answer.error = Error{ErrorCode::SipSyntax, "method " + request.method + " not allowed"};
    return answer;
  }
  // The event package is the token before any ';' parameter (RFC 6665 8.2.1).
  const std::string_view event_header = request.header("Event").value_or("");
  const std::string event = lower_case(event_header.substr(0, event_header.find(';')));
  std::string_view package = event;
  while (!package.empty() && (package.back() == ' ' || package.back() == '\t')) {
    package.remove_suffix(1);
  }
  for (std::string_view known : kEvents) {
    if (package == known) {
      answer.reply = sip_response(request, 200, "OK", tag);
      answer.event = std::string(package);
      return answer;
    }
  }
  answer.reply = sip_response(request, 489, "Bad Event", tag,
                              {"Allow-Events: resync, check-sync, reboot_now, restart_now, report"});
  answer.error = Error{ErrorCode::SipSyntax,
                       event_header.empty() ? std::string("NOTIFY without Event header")
                                            : "unknown event package"};
  return answer;
}

std::string sip_notify_request(std::string_view event, std::string_view phone_address,
                               std::string_view server_address, std::string_view call_id) {
  const std::string phone(phone_address);
  const std::string server(server_address);
  std::string out = "NOTIFY sip:" + phone + " SIP/2.0\r\n";
  out += "Via: SIP/2.0/UDP " + server + ";branch=z9hG4bK" + std::string(call_id) + "\r\n";
  out += "Max-Forwards: 70\r\n";
  out += "From: <sip:provisioning@" + server + ">;tag=prov\r\n";
  out += "To: <sip:" + phone + ">\r\n";
  out += "Call-ID: " + std::string(call_id) + "\r\n";
  out += "CSeq: 1 NOTIFY\r\n";
  out += "Event: " + std::string(event) + "\r\n";
  out += "Subscription-State: terminated\r\n";
  out += "Content-Length: 0\r\n\r\n";
  return out;
}

}  // namespace fw
