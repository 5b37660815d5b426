// Fuzzes the SIP port (parse_sip_request, answer_sip_datagram) with untrusted datagrams.
//
// Properties, for any input:
//   1. a parsed request is within the limits, its method is a token and every mandatory header
//      is present; a refusal is SipSyntax or SipMessageTooLarge;
//   2. writing the parsed request out again (request line, headers, Content-Length, body) and
//      parsing that gives the same method, URI, headers and body (nothing invented or lost);
//   3. the answer replies only to a parsed request, with a status line and the request's Call-ID
//      and CSeq, and hands over only one of the five known events, and only for NOTIFY.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "firmware-core/base/bytes.h"
#include "firmware-core/sip/sip_message.h"
#include "firmware-core/sip/sip_notify.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using fuzz::check;

std::string written(const fw::SipRequest& request) {
  std::string out = request.method + " " + request.request_uri + " SIP/2.0\r\n";
  for (const fw::SipHeader& header : request.headers) {
    if (header.name == "Content-Length") continue;
    out += header.name + ": " + header.value + "\r\n";
  }
  out += "Content-Length: " + std::to_string(request.body.size()) + "\r\n\r\n" + request.body;
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fw::ByteSpan datagram(data, size);
  auto parsed = fw::parse_sip_request(datagram);
  const fw::SipNotifyAnswer answer = fw::answer_sip_datagram(datagram);
  if (!parsed) {
    check(parsed.error().code == fw::ErrorCode::SipSyntax ||
          parsed.error().code == fw::ErrorCode::SipMessageTooLarge);
    check(answer.reply.empty() && !answer.event && answer.error.has_value());
    return 0;
  }
  const fw::SipRequest& request = *parsed;
  check(size <= fw::kSipMessageBytesMax && request.headers.size() <= fw::kSipHeadersMax);
  check(!request.method.empty() && request.body.size() <= size);
  for (std::string_view name : {"Via", "From", "To", "Call-ID", "CSeq"}) {
    check(request.header(name).has_value());
  }

  const std::string again_text = written(request);
  auto again = fw::parse_sip_request(fw::as_bytes(again_text));
  // Rewriting adds a Content-Length line, which may push a request at a limit past it.
  if (again_text.size() <= fw::kSipMessageBytesMax && request.headers.size() < fw::kSipHeadersMax) {
    check(again.has_value());
    check(again->method == request.method && again->request_uri == request.request_uri);
    check(again->body == request.body);
    std::size_t compared = 0;
    for (const fw::SipHeader& header : request.headers) {
      if (header.name == "Content-Length") continue;
      check(compared < again->headers.size());
      check(again->headers[compared].name == header.name);
      check(again->headers[compared].value == header.value);
      ++compared;
    }
  }

  if (request.method == "ACK") {
    check(answer.reply.empty() && !answer.event);
  } else {
    check(answer.reply.starts_with("SIP/2.0 "));
    check(answer.reply.find("Call-ID: " + std::string(*request.header("Call-ID")) + "\r\n") !=
          std::string::npos);
    check(answer.reply.find("CSeq: " + std::string(*request.header("CSeq")) + "\r\n") !=
          std::string::npos);
  }
  if (answer.event) {
    check(request.method == "NOTIFY");
    const std::string& event = *answer.event;
    check(event == "resync" || event == "check-sync" || event == "reboot_now" ||
          event == "restart_now" || event == "report");
  }
  return 0;
}
