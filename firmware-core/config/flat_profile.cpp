#include "firmware-core/config/flat_profile.h"

#include <algorithm>
#include <string_view>

#include <tinyxml2.h>

namespace fw {
namespace {

constexpr std::string_view kFlatProfileName = "flat-profile";

std::string line_prefix(int line) {
  return "line " + std::to_string(line) + ": ";
}

bool is_blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

// The next element after `element` in document order, skipping `element`'s own subtree when
// `descend` is false. `depth` tracks the nesting (root element = 1).
const tinyxml2::XMLElement* next_element(const tinyxml2::XMLElement* element, bool descend,
                                         std::size_t& depth) {
  if (descend) {
    if (const tinyxml2::XMLElement* child = element->FirstChildElement()) {
      ++depth;
      return child;
    }
  }
  while (element != nullptr) {
    if (const tinyxml2::XMLElement* sibling = element->NextSiblingElement())
      return sibling;
    const tinyxml2::XMLNode* parent = element->Parent();
    element = parent != nullptr ? parent->ToElement() : nullptr;
    --depth;
  }
  return nullptr;
}

// Checks the size limits over the whole tree before anything is read from it, so that a profile
// past a limit is rejected as a whole. Returns the number of elements.
Result<std::size_t> check_structure(const tinyxml2::XMLDocument& document,
                                    const ProfileLimits& limits) {
  std::size_t depth = 1;
  std::size_t elements = 0;
  for (const tinyxml2::XMLElement* element = document.RootElement(); element != nullptr;
       element = next_element(element, true, depth)) {
    if (++elements > limits.xml_elements_max) {
      return fail(ErrorCode::ProfileTooManyElements,
                  line_prefix(element->GetLineNum()) + "more than " +
                      std::to_string(limits.xml_elements_max) + " elements (xml_elements_max)");
    }
    if (depth > limits.xml_depth_max) {
      return fail(ErrorCode::ProfileTooDeep,
                  line_prefix(element->GetLineNum()) + "elements nested deeper than " +
                      std::to_string(limits.xml_depth_max) + " levels (xml_depth_max)");
    }
  }
  return elements;
}

// Reads one child of <flat-profile> into `parsed`. Fails only when a limit is exceeded.
Result<void> read_parameter(const tinyxml2::XMLElement& element, const ParameterRegistry& registry,
                            const ProfileLimits& limits, ParsedProfile& parsed) {
  const std::string_view name = element.Name();
  const int line = element.GetLineNum();

  // Text nodes and CDATA sections make up the value; comments between them are dropped.
  std::string text;
  bool has_child_elements = false;
  for (const tinyxml2::XMLNode* node = element.FirstChild(); node != nullptr;
       node = node->NextSibling()) {
    if (const tinyxml2::XMLText* text_node = node->ToText()) {
      text += text_node->Value();
    } else if (node->ToElement() != nullptr) {
      has_child_elements = true;
    }
  }
  if (text.size() > limits.value_bytes_max) {
    return fail(ErrorCode::ValueTooLong, line_prefix(line) + "<" + displayable_text(name) +
                                             ">: " + std::to_string(text.size()) +
                                             " bytes of text exceed value_bytes_max (" +
                                             std::to_string(limits.value_bytes_max) + ")");
  }

  auto report = [&](std::vector<ProfileIssue>& list, ErrorCode code, std::string what) {
    std::string shown = displayable_text(name);
    std::string detail = line_prefix(line) + "<" + shown + ">" + what;
    list.push_back(ProfileIssue{std::move(shown), line, Error{code, std::move(detail)}});
  };

  const std::optional<ParamId> id = registry.find(name);
  if (!id) {
    report(parsed.unknown_elements, ErrorCode::UnknownParameter, "");
    return {};
  }
  ProfileElement parameter;
  parameter.id = *id;
  parameter.line = line;
  if (const char* ua = element.Attribute("ua")) {
    parameter.access = parse_access(ua);
    if (!parameter.access) {
      report(parsed.invalid_elements, ErrorCode::InvalidValue,
             ": ua '" + displayable_text(ua) + "' is not na, ro or rw");
      return {};
    }
  }
  if (has_child_elements) {
    report(parsed.invalid_elements, ErrorCode::InvalidValue, ": contains child elements");
    return {};
  }
  // decisions.md: an empty element that carries a `ua` changes only the access.
  if (!(parameter.access && is_blank(text)))
    parameter.text = std::move(text);
  parsed.elements.push_back(std::move(parameter));
  return {};
}

}  // namespace

Result<ParsedProfile> parse_flat_profile(ByteSpan profile, const ParameterRegistry& registry,
                                         const ProfileLimits& limits) {
  if (profile.size() > limits.profile_bytes_max) {
    return fail(ErrorCode::ProfileTooLarge, std::to_string(profile.size()) +
                                                " bytes exceed profile_bytes_max (" +
                                                std::to_string(limits.profile_bytes_max) + ")");
  }
  const std::string_view text = as_text(profile);
  // tinyxml2 reads a NUL-terminated copy and would silently stop at an embedded NUL.
  if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
    const auto line =
        1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(nul), '\n');
    return fail(ErrorCode::ParseError, line_prefix(static_cast<int>(line)) + "NUL byte");
  }

  tinyxml2::XMLDocument document(/*processEntities=*/true, tinyxml2::PRESERVE_WHITESPACE);
  if (document.Parse(text.data(), text.size()) != tinyxml2::XML_SUCCESS) {
    // tinyxml2's own nesting guard (TINYXML2_MAX_ELEMENT_DEPTH) fires before ours can when
    // xml_depth_max is set above it.
    const ErrorCode code = document.ErrorID() == tinyxml2::XML_ELEMENT_DEPTH_EXCEEDED
                               ? ErrorCode::ProfileTooDeep
                               : ErrorCode::ParseError;
    return fail(code, line_prefix(document.ErrorLineNum()) + document.ErrorName());
  }
  auto element_count = check_structure(document, limits);
  if (!element_count)
    return fail(std::move(element_count).error());

  ParsedProfile parsed;
  parsed.elements.reserve(*element_count);
  bool found = false;
  std::size_t depth = 1;
  const tinyxml2::XMLElement* element = document.RootElement();
  while (element != nullptr) {
    const bool is_profile = element->Name() == kFlatProfileName;
    if (is_profile) {
      found = true;
      for (const tinyxml2::XMLElement* child = element->FirstChildElement(); child != nullptr;
           child = child->NextSiblingElement()) {
        if (auto read = read_parameter(*child, registry, limits, parsed); !read) {
          return fail(std::move(read).error());
        }
      }
    }
    element = next_element(element, /*descend=*/!is_profile, depth);
  }
  if (!found)
    return fail(ErrorCode::ParseError, "no <flat-profile> element");
  return parsed;
}

}  // namespace fw
