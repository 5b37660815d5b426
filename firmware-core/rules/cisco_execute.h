#pragma once

// The body of `POST /CGI/Execute` (reference §7, decisions.md "Product contract"): a form field
// `XML=` holding a Cisco XML Execute object,
//
//   <CiscoIPPhoneExecute><ExecuteItem Priority="0" URL="Resync:[--key k]http://h/p.cfg"/>
//   </CiscoIPPhoneExecute>
//
// (MPP names the root after the product, `<CP-8841-3PCCExecute>`; any root ending in "Execute"
// is accepted). `Resync:` followed by a profile rule resyncs from that rule, `Resync:` alone from
// the stored rules. The answer is a CiscoIPPhoneResponse with one ResponseItem per item, or a
// CiscoIPPhoneError Number="1" when the object cannot be parsed.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "firmware-core/base/result.h"

namespace fw {

// execute_body_bytes_max: the form body of one request.
inline constexpr std::size_t kExecuteBodyBytesMax = 8 * 1024;
// execute_items_max: ExecuteItems per object (the Cisco XML object allows at most 3).
inline constexpr std::size_t kExecuteItemsMax = 3;

struct ExecuteItem {
  std::string url;  // as in the URL attribute
  unsigned priority = 0;  // 0 now, 1 when idle, 2 only if idle
  // For a `Resync:` URL: the rule after the colon (nullopt when empty: the stored rules).
  bool is_resync = false;
  std::optional<std::string> resync_rule;
};

// Decodes the form body (`XML=` percent-encoded, '+' a space; other fields ignored) and parses
// the Execute object. Call it in the /CGI/Execute handler. Errors: ExecuteSyntax naming what is
// wrong (no XML field, bad percent escape, not well-formed XML, root not ...Execute, an element
// other than ExecuteItem, no or more than kExecuteItemsMax items, an item without URL, a
// Priority other than 0..2, a body over kExecuteBodyBytesMax).
Result<std::vector<ExecuteItem>> parse_execute_form(std::string_view body);

// The same for the XML object itself (also what a SIP NOTIFY body could carry).
Result<std::vector<ExecuteItem>> parse_execute_object(std::string_view xml);

struct ExecuteOutcome {
  std::string url;
  bool executed = false;  // false: the URL's action is not supported
};

// <CiscoIPPhoneResponse> with a ResponseItem per outcome: Status="0" Data="Success" when executed,
// Status="1" Data="Unsupported URL" otherwise; URL escaped.
std::string execute_response_xml(const std::vector<ExecuteOutcome>& outcomes);
// <CiscoIPPhoneError Number="1"/>: the object could not be parsed.
std::string execute_error_xml();

}  // namespace fw
