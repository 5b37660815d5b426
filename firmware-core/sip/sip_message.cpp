#include "firmware-core/sip/sip_message.h"

#include <array>

namespace fw {
namespace {

struct CompactForm {
  char letter;
  std::string_view name;
};
// RFC 3261 7.3.3 and the registered compact forms a NOTIFY may use.
constexpr std::array<CompactForm, 11> kCompactForms = {{{'v', "Via"},
                                                        {'f', "From"},
                                                        {'t', "To"},
                                                        {'i', "Call-ID"},
                                                        {'m', "Contact"},
                                                        {'l', "Content-Length"},
                                                        {'c', "Content-Type"},
                                                        {'e', "Content-Encoding"},
                                                        {'k', "Supported"},
                                                        {'s', "Subject"},
                                                        {'o', "Event"}}};
// Long names we canonicalise, so that header() and the copied headers use one spelling.
constexpr std::array<std::string_view, 8> kCanonicalNames = {
    "Via", "From", "To", "Call-ID", "CSeq", "Content-Length", "Event", "Max-Forwards"};

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string canonical_name(std::string_view name) {
  if (name.size() == 1) {
    for (const CompactForm& form : kCompactForms) {
      if (lower(name[0]) == form.letter) return std::string(form.name);
    }
  }
  for (std::string_view known : kCanonicalNames) {
    if (equal_ignoring_case(name, known)) return std::string(known);
  }
  return std::string(name);
}

// RFC 3261 25.1 token characters.
bool is_token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("-.!%*_+`'~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!is_token_char(c)) return false;
  }
  return true;
}

bool is_whitespace(char c) { return c == ' ' || c == '\t'; }

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && is_whitespace(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_whitespace(text.back())) text.remove_suffix(1);
  return text;
}

// Parses a decimal without sign, at most 9 digits (enough for Content-Length and CSeq).
std::optional<std::uint32_t> small_number(std::string_view text) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  std::uint32_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint32_t>(c - '0');
  }
  return value;
}

}  // namespace

std::optional<std::string_view> SipRequest::header(std::string_view name) const {
  const std::string wanted = canonical_name(name);
  for (const SipHeader& header : headers) {
    if (equal_ignoring_case(header.name, wanted)) return std::string_view(header.value);
  }
  return std::nullopt;
}

Result<SipRequest> parse_sip_request(ByteSpan datagram) {
  if (datagram.size() > kSipMessageBytesMax) {
    return fail(ErrorCode::SipMessageTooLarge,
                std::to_string(datagram.size()) + " bytes, sip_message_bytes_max " +
                    std::to_string(kSipMessageBytesMax));
  }
  const std::string_view text = as_text(datagram);
  if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return fail_at(ErrorCode::SipSyntax, nul, "NUL byte");
  }
  const std::size_t head_end = text.find("\r\n\r\n");
  if (head_end == std::string_view::npos) {
    return fail_at(ErrorCode::SipSyntax, text.size(), "no empty line after the headers");
  }

  SipRequest request;
  std::size_t position = 0;
  // Returns the line starting at `position` (without CRLF) and moves past it.
  auto next_line = [&](std::size_t& start) -> std::string_view {
    start = position;
    const std::size_t end = text.find("\r\n", position);
    position = end + 2;
    return text.substr(start, end - start);
  };

  std::size_t line_start = 0;
  const std::string_view request_line = next_line(line_start);
  if (request_line.find('\n') != std::string_view::npos ||
      request_line.find('\r') != std::string_view::npos) {
    return fail_at(ErrorCode::SipSyntax, line_start, "bare CR or LF in the request line");
  }
  const std::size_t first_space = request_line.find(' ');
  const std::size_t second_space = request_line.find(' ', first_space + 1);
  if (first_space == std::string_view::npos || second_space == std::string_view::npos ||
      request_line.find(' ', second_space + 1) != std::string_view::npos) {
    return fail_at(ErrorCode::SipSyntax, line_start,
                   "request line is not 'METHOD SP Request-URI SP SIP/2.0'");
  }
  const std::string_view method = request_line.substr(0, first_space);
  const std::string_view uri =
      request_line.substr(first_space + 1, second_space - first_space - 1);
  const std::string_view version = request_line.substr(second_space + 1);
  if (method == "SIP/2.0") {
    return fail_at(ErrorCode::SipSyntax, line_start, "a response, not a request");
  }
  if (!is_token(method)) return fail_at(ErrorCode::SipSyntax, line_start, "bad method token");
  if (uri.empty() || uri.find(':') == std::string_view::npos) {
    return fail_at(ErrorCode::SipSyntax, line_start + first_space + 1,
                   "Request-URI has no scheme");
  }
  if (version != "SIP/2.0") {
    return fail_at(ErrorCode::SipSyntax, line_start + second_space + 1, "version is not SIP/2.0");
  }
  request.method = std::string(method);
  request.request_uri = std::string(uri);

  while (position < head_end + 2) {
    const std::string_view line = next_line(line_start);
    if (line.find('\n') != std::string_view::npos || line.find('\r') != std::string_view::npos) {
      return fail_at(ErrorCode::SipSyntax, line_start, "bare CR or LF in a header line");
    }
    if (is_whitespace(line.front())) {
      if (request.headers.empty()) {
        return fail_at(ErrorCode::SipSyntax, line_start, "continuation line before any header");
      }
      std::string& value = request.headers.back().value;
      const std::string_view more = trimmed(line);
      if (!more.empty()) {
        if (!value.empty()) value += ' ';
        value += more;
      }
      continue;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      return fail_at(ErrorCode::SipSyntax, line_start, "header line without ':'");
    }
    const std::string_view name = trimmed(line.substr(0, colon));
    if (!is_token(name)) return fail_at(ErrorCode::SipSyntax, line_start, "bad header name");
    if (request.headers.size() == kSipHeadersMax) {
      return fail(ErrorCode::SipMessageTooLarge,
                  "more than sip_headers_max " + std::to_string(kSipHeadersMax) + " headers");
    }
    request.headers.push_back({canonical_name(name), std::string(trimmed(line.substr(colon + 1)))});
  }

  for (std::string_view required : {"Via", "From", "To", "Call-ID", "CSeq"}) {
    auto value = request.header(required);
    if (!value || value->empty()) {
      return fail_at(ErrorCode::SipSyntax, head_end, "missing " + std::string(required) + " header");
    }
  }
  // CSeq: a number and the request's method (RFC 3261 8.1.1.5).
  const std::string_view cseq = *request.header("CSeq");
  const std::size_t cseq_space = cseq.find_first_of(" \t");
  if (cseq_space == std::string_view::npos || !small_number(cseq.substr(0, cseq_space)) ||
      trimmed(cseq.substr(cseq_space)) != request.method) {
    return fail_at(ErrorCode::SipSyntax, head_end, "CSeq is not 'NUMBER " + request.method + "'");
  }

  const std::string_view rest = text.substr(head_end + 4);
  if (auto length_text = request.header("Content-Length")) {
    auto length = small_number(*length_text);
    if (!length) return fail_at(ErrorCode::SipSyntax, head_end, "bad Content-Length");
    if (*length > rest.size()) {
      return fail_at(ErrorCode::SipSyntax, text.size(),
                     "body shorter than Content-Length " + std::to_string(*length));
    }
    request.body = std::string(rest.substr(0, *length));
  } else {
    request.body = std::string(rest);
  }
  return request;
}

std::string sip_response(const SipRequest& request, unsigned status, std::string_view reason,
                         std::string_view to_tag, const std::vector<std::string>& extra_headers) {
  std::string out = "SIP/2.0 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
  for (const SipHeader& header : request.headers) {
    if (header.name == "Via" || header.name == "From" || header.name == "Call-ID" ||
        header.name == "CSeq") {
      out += header.name + ": " + header.value + "\r\n";
    } else if (header.name == "To") {
      out += "To: " + header.value;
      if (!to_tag.empty() && header.value.find(";tag=") == std::string::npos) {
        out += ";tag=" + std::string(to_tag);
      }
      out += "\r\n";
    }
  }
  for (const std::string& extra : extra_headers) out += extra + "\r\n";
  out += "Content-Length: 0\r\n\r\n";
  return out;
}

}  // namespace fw
