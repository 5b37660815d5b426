#include "firmware-core/target/activation_admin.h"

#include "firmware-core/base/xml_text.h"
#include "firmware-core/rules/direct_action_query.h"
#include "firmware-core/runtime/syslog_frame.h"

namespace fw {
namespace {

// The decoded value of the `code` field of a form-encoded `text`; nullopt without one.
std::optional<std::string> code_field(std::string_view text) {
  while (!text.empty()) {
    const std::size_t end = text.find('&');
    const std::string_view pair = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (!pair.starts_with("code=")) continue;
    auto decoded = percent_decode_query(pair.substr(5));
    if (!decoded) return std::nullopt;
    return std::move(*decoded);
  }
  return std::nullopt;
}

}  // namespace

AdminReply activation_admin(const AdminRequest& request, PhoneRuntime& runtime) {
  std::optional<std::string> code;
  if (request.method == "GET") {
    const std::size_t question = request.target.find('?');
    if (question != std::string::npos) code = code_field(std::string_view(request.target).substr(question + 1));
  } else if (request.method == "POST") {
    std::string_view body = request.body;
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.remove_suffix(1);
    code = code_field(body);
  } else {
    return {405, "text/plain", "only GET or POST\n"};
  }
  if (!code) return {400, "text/plain", "expected code=<16 digits>\n"};
  runtime.activation_code_entered(std::move(*code));
  return {202, "text/plain", "activation code submitted\n"};
}

std::string activation_status_xml(const ActivationStatus& status) {
  std::string xml = "  <activation state=\"" + std::string(to_string(status.state)) + "\"";
  xml += " submissions=\"" + std::to_string(status.submissions) + "\"";
  xml += " rejected=\"" + std::to_string(status.rejected) + "\"";
  if (!status.last_error.empty()) xml += " error=\"" + xml_attribute(status.last_error) + "\"";
  if (status.last_time) xml += " last_time=\"" + format_iso8601(*status.last_time) + "\"";
  xml += ">" + xml_text(activation_display_text(status.state)) + "</activation>\n";
  return xml;
}

}  // namespace fw
