#include "firmware-core/rules/cisco_execute.h"

#include <tinyxml2.h>

#include "firmware-core/base/xml_text.h"
#include "firmware-core/rules/direct_action_query.h"

namespace fw {
namespace {

constexpr std::string_view kResyncPrefix = "Resync:";

}  // namespace

Result<std::vector<ExecuteItem>> parse_execute_form(std::string_view body) {
  if (body.size() > kExecuteBodyBytesMax) {
    return fail(ErrorCode::ExecuteSyntax, std::to_string(body.size()) +
                                              " bytes, execute_body_bytes_max " +
                                              std::to_string(kExecuteBodyBytesMax));
  }
  std::string_view rest = body;
  while (true) {
    const std::size_t ampersand = rest.find('&');
    const std::string_view field = rest.substr(0, ampersand);
    if (field.starts_with("XML=")) {
      auto xml = percent_decode_query(field.substr(4));
      if (!xml) return fail(ErrorCode::ExecuteSyntax, "XML field: " + xml.error().detail);
      return parse_execute_object(*xml);
    }
    if (ampersand == std::string_view::npos) break;
    rest.remove_prefix(ampersand + 1);
  }
  return fail(ErrorCode::ExecuteSyntax, "no XML= form field");
}

Result<std::vector<ExecuteItem>> parse_execute_object(std::string_view xml) {
  if (xml.size() > kExecuteBodyBytesMax) {
    return fail(ErrorCode::ExecuteSyntax, "object larger than execute_body_bytes_max");
  }
  tinyxml2::XMLDocument document;
  if (document.Parse(xml.data(), xml.size()) != tinyxml2::XML_SUCCESS) {
    return fail(ErrorCode::ExecuteSyntax,
                std::string("not well-formed XML: ") + document.ErrorName() + " at line " +
                    std::to_string(document.ErrorLineNum()));
  }
  const tinyxml2::XMLElement* root = document.RootElement();
  if (root == nullptr || !std::string_view(root->Name()).ends_with("Execute")) {
    return fail(ErrorCode::ExecuteSyntax, "root element is not CiscoIPPhoneExecute");
  }
  std::vector<ExecuteItem> items;
  for (const tinyxml2::XMLElement* element = root->FirstChildElement(); element != nullptr;
       element = element->NextSiblingElement()) {
    if (std::string_view(element->Name()) != "ExecuteItem") {
      return fail(ErrorCode::ExecuteSyntax, "element other than ExecuteItem in the object");
    }
    if (items.size() == kExecuteItemsMax) {
      return fail(ErrorCode::ExecuteSyntax,
                  "more than execute_items_max " + std::to_string(kExecuteItemsMax) + " items");
    }
    const char* url = element->Attribute("URL");
    if (url == nullptr || *url == '\0') {
      return fail(ErrorCode::ExecuteSyntax, "ExecuteItem " + std::to_string(items.size() + 1) +
                                                " has no URL");
    }
    ExecuteItem item;
    item.url = url;
    if (const char* priority = element->Attribute("Priority")) {
      const std::string_view text = priority;
      if (text.size() != 1 || text[0] < '0' || text[0] > '2') {
        return fail(ErrorCode::ExecuteSyntax, "ExecuteItem " + std::to_string(items.size() + 1) +
                                                  ": Priority is not 0, 1 or 2");
      }
      item.priority = static_cast<unsigned>(text[0] - '0');
    }
    if (item.url.starts_with(kResyncPrefix)) {
      item.is_resync = true;
      if (item.url.size() > kResyncPrefix.size()) {
        item.resync_rule = item.url.substr(kResyncPrefix.size());
      }
    }
    items.push_back(std::move(item));
  }
  if (items.empty()) return fail(ErrorCode::ExecuteSyntax, "no ExecuteItem");
  return items;
}

std::string execute_response_xml(const std::vector<ExecuteOutcome>& outcomes) {
  std::string xml = "<CiscoIPPhoneResponse>\n";
  for (const ExecuteOutcome& outcome : outcomes) {
    xml += std::string("<ResponseItem Status=\"") + (outcome.executed ? "0" : "1") +
           "\" Data=\"" + (outcome.executed ? "Success" : "Unsupported URL") + "\" URL=\"" +
           xml_attribute(outcome.url) + "\"/>\n";
  }
  xml += "</CiscoIPPhoneResponse>\n";
  return xml;
}

std::string execute_error_xml() { return "<CiscoIPPhoneError Number=\"1\"/>\n"; }

}  // namespace fw
