#include "firmware-core/agent/activation_protocol.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <compare>

#include <tinyxml2.h>

#include "firmware-core/base/xml_text.h"
#include "firmware-core/config/parameter_value.h"
#include "firmware-core/macro/firmware_version.h"

namespace fw {
namespace {

constexpr std::string_view kRequestRoot = "activation-request";
constexpr std::string_view kReplyRoot = "activation-reply";
// The longest reason text a reply may carry.
constexpr std::size_t kReasonBytesMax = 256;

Error invalid(std::string detail) {
  return Error{ErrorCode::ActivationMessageInvalid, std::move(detail)};
}

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

// Parses `body` into `document` with its root element named `root`. Errors as the parsers say.
Result<const tinyxml2::XMLElement*> parse_document(tinyxml2::XMLDocument& document, ByteSpan body,
                                                   std::string_view root, std::string_view what) {
  if (body.size() > kActivationMessageBytesMax) {
    return fail(invalid(std::string(what) + ": " + std::to_string(body.size()) +
                        " bytes, more than activation_message_bytes_max " +
                        std::to_string(kActivationMessageBytesMax)));
  }
  // tinyxml2 stops at a NUL byte and would accept the part before it.
  if (std::find(body.begin(), body.end(), std::uint8_t{0}) != body.end()) {
    return fail(invalid(std::string(what) + ": contains a NUL byte"));
  }
  const auto* text = reinterpret_cast<const char*>(body.data());
  if (document.Parse(text, body.size()) != tinyxml2::XML_SUCCESS) {
    return fail(invalid(std::string(what) + ": not well-formed XML (line " +
                        std::to_string(document.ErrorLineNum()) + ")"));
  }
  const tinyxml2::XMLElement* element = document.RootElement();
  if (element == nullptr || std::string_view(element->Name()) != root) {
    return fail(invalid(std::string(what) + ": the root element is not <" + std::string(root) +
                        ">"));
  }
  return element;
}

// The text of a leaf element, trimmed; an error if it has child elements.
Result<std::string> leaf_text(const tinyxml2::XMLElement& element, std::string_view what) {
  if (element.FirstChildElement() != nullptr) {
    return fail(invalid(std::string(what) + ": <" + displayable_text(element.Name()) +
                        "> has child elements (line " + std::to_string(element.GetLineNum()) +
                        ")"));
  }
  const char* text = element.GetText();
  return std::string(trimmed(text != nullptr ? std::string_view(text) : std::string_view()));
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out += "  <";
  out += name;
  out += '>';
  append_xml_text(out, value);
  out += "</";
  out += name;
  out += ">\n";
}

}  // namespace

std::optional<std::string> normalize_activation_code(std::string_view typed) {
  if (typed.size() > kActivationCodeTypedBytesMax) return std::nullopt;
  std::string code;
  for (char c : typed) {
    if (c >= '0' && c <= '9') {
      code += c;
    } else if (c != ' ' && c != '-') {
      return std::nullopt;
    }
  }
  if (code.size() != kActivationCodeDigits) return std::nullopt;
  return code;
}

bool firmware_supports_activation(std::string_view version) {
  auto order = compare_firmware_versions(version, kActivationFirmwareMin);
  return order && *order != std::weak_ordering::less;
}

std::string_view to_string(ActivationResult result) {
  switch (result) {
    case ActivationResult::Accepted:
      return "accepted";
    case ActivationResult::Rejected:
      return "rejected";
    case ActivationResult::RateLimited:
      return "rate-limited";
    case ActivationResult::BadRequest:
      return "bad-request";
  }
  return "unknown";
}

Bytes format_activation_request(const ActivationRequest& request) {
  std::string xml = "<activation-request>\n";
  append_field(xml, "code", request.code);
  append_field(xml, "mac", request.mac);
  append_field(xml, "model", request.model);
  append_field(xml, "serial", request.serial);
  append_field(xml, "firmware", request.firmware);
  xml += "</activation-request>\n";
  return Bytes(xml.begin(), xml.end());
}

Result<ActivationRequest> parse_activation_request(ByteSpan body) {
  tinyxml2::XMLDocument document;
  auto root = parse_document(document, body, kRequestRoot, "activation request");
  if (!root) return fail(root.error());
  ActivationRequest request;
  struct Field {
    std::string_view name;
    std::string* value;
    bool seen = false;
  };
  std::array<Field, 5> fields = {{{"code", &request.code},
                                  {"mac", &request.mac},
                                  {"model", &request.model},
                                  {"serial", &request.serial},
                                  {"firmware", &request.firmware}}};
  for (const tinyxml2::XMLElement* element = (*root)->FirstChildElement(); element != nullptr;
       element = element->NextSiblingElement()) {
    const std::string_view name = element->Name();
    auto field = std::find_if(fields.begin(), fields.end(),
                              [&](const Field& candidate) { return candidate.name == name; });
    if (field == fields.end()) continue;  // a newer phone's field: ignored
    const std::string where = "activation request: <" + std::string(name) + "> (line " +
                              std::to_string(element->GetLineNum()) + ")";
    if (field->seen) return fail(invalid(where + " appears twice"));
    field->seen = true;
    auto text = leaf_text(*element, "activation request");
    if (!text) return fail(text.error());
    if (text->size() > kActivationFieldBytesMax) {
      return fail(invalid(where + ": longer than " + std::to_string(kActivationFieldBytesMax) +
                          " bytes"));
    }
    *field->value = std::move(*text);
  }
  if (!fields[0].seen || request.code.empty()) {
    return fail(invalid("activation request: no <code>"));
  }
  return request;
}

std::string format_activation_reply(const ActivationReply& reply) {
  std::string xml = "<activation-reply result=\"" + std::string(to_string(reply.result)) + "\"";
  if (!reply.reason.empty()) xml += " reason=\"" + xml_attribute(reply.reason) + "\"";
  if (reply.result == ActivationResult::RateLimited) {
    xml += " retry-after-s=\"" + std::to_string(reply.retry_after_s) + "\"";
  }
  if (reply.parameters.empty()) return xml + "/>\n";
  xml += ">\n";
  for (const auto& [name, value] : reply.parameters) append_field(xml, name, value);
  xml += "</activation-reply>\n";
  return xml;
}

Result<ActivationReply> parse_activation_reply(ByteSpan body) {
  tinyxml2::XMLDocument document;
  auto root = parse_document(document, body, kReplyRoot, "activation reply");
  if (!root) return fail(root.error());
  ActivationReply reply;
  const char* result = (*root)->Attribute("result");
  const std::string_view result_text = result != nullptr ? result : "";
  static constexpr std::array kResults = {ActivationResult::Accepted, ActivationResult::Rejected,
                                          ActivationResult::RateLimited,
                                          ActivationResult::BadRequest};
  auto known = std::find_if(kResults.begin(), kResults.end(),
                            [&](ActivationResult r) { return to_string(r) == result_text; });
  if (known == kResults.end()) {
    return fail(invalid("activation reply: result=\"" + displayable_text(result_text) +
                        "\" is not accepted, rejected, rate-limited or bad-request"));
  }
  reply.result = *known;
  if (const char* reason = (*root)->Attribute("reason")) {
    reply.reason = std::string(std::string_view(reason).substr(0, kReasonBytesMax));
  }
  if (const char* retry_after = (*root)->Attribute("retry-after-s")) {
    const std::string_view text = retry_after;
    std::int64_t seconds = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (error != std::errc() || end != text.data() + text.size() || seconds < 0) {
      return fail(invalid("activation reply: retry-after-s=\"" + displayable_text(text) +
                          "\" is not a number of seconds"));
    }
    reply.retry_after_s = seconds;
  }
  for (const tinyxml2::XMLElement* element = (*root)->FirstChildElement(); element != nullptr;
       element = element->NextSiblingElement()) {
    if (reply.parameters.size() == kActivationReplyParametersMax) {
      return fail(invalid("activation reply: more than " +
                          std::to_string(kActivationReplyParametersMax) + " parameters"));
    }
    auto text = leaf_text(*element, "activation reply");
    if (!text) return fail(text.error());
    reply.parameters.emplace_back(element->Name(), std::move(*text));
  }
  return reply;
}

}  // namespace fw
