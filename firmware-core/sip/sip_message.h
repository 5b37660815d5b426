#pragma once

// SIP requests as they arrive in one UDP datagram (RFC 3261 section 7), parsed strictly and
// sans IO: the phone only needs NOTIFY (resync, reboot_now, ...), so this is not a SIP stack,
// only enough of the grammar to read a request and answer it with the headers RFC 3261 section
// 8.2.6 says a response copies. Everything here is untrusted outside input: sizes are bounded
// and every violation is an Error naming the byte position.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "firmware-core/base/bytes.h"
#include "firmware-core/base/result.h"

namespace fw {

// sip_message_bytes_max: a UDP datagram carrying SIP must fit the path MTU (RFC 3261 18.1.1
// says 1300 bytes for requests an element sends; we allow some slack for other senders).
inline constexpr std::size_t kSipMessageBytesMax = 4096;
// sip_headers_max: header lines (after unfolding) in one message.
inline constexpr std::size_t kSipHeadersMax = 64;

struct SipHeader {
  std::string name;   // canonical long form ("Call-ID", "Via"), also when sent compact ("i", "v")
  std::string value;  // leading and trailing whitespace removed, folded lines joined by one space
};

struct SipRequest {
  std::string method;       // "NOTIFY" (case-sensitive, RFC 3261 7.1)
  std::string request_uri;  // "sip:phone@10.0.0.5"
  std::vector<SipHeader> headers;  // in arrival order
  std::string body;

  // The first header called `name` (case-insensitive, compact forms count), or nullopt.
  std::optional<std::string_view> header(std::string_view name) const;
};

// Parses one datagram as a SIP request. Call it for every datagram the SIP listener receives.
// Requires CRLF line ends, the request line `METHOD SP URI SP SIP/2.0`, header lines
// `name: value` (continuation lines starting with SP/HT are joined), and the headers every
// request must carry: Via, From, To, Call-ID and a CSeq whose method matches the request line.
// With Content-Length, the body must be at least that long (extra bytes are dropped, RFC 3261
// 18.3); without it, the body is the rest of the datagram.
// Errors: SipMessageTooLarge (more than kSipMessageBytesMax bytes or kSipHeadersMax headers),
// SipSyntax "at N: what" for anything else (a response instead of a request, bad tokens,
// missing headers, NUL bytes).
Result<SipRequest> parse_sip_request(ByteSpan datagram);

// The response to `request` with `status` and `reason`: the status line, every Via, From, To,
// Call-ID and CSeq copied in order (RFC 3261 8.2.6.2), then `extra_headers` (each "Name: value"
// without CRLF) and Content-Length: 0. A To without a tag gets `;tag=to_tag` (the UAS must add
// one); pass the same tag for retransmissions of one request.
std::string sip_response(const SipRequest& request, unsigned status, std::string_view reason,
                         std::string_view to_tag, const std::vector<std::string>& extra_headers = {});

}  // namespace fw
