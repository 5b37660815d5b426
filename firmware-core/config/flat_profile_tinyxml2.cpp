// The default flat-profile reader: tinyxml2 (see flat_profile_reader.h).

#include <cstring>
#include <string>

#include <tinyxml2.h>

#include "firmware-core/config/flat_profile_reader.h"

namespace fw {
namespace {

constexpr std::string_view kFlatProfileName = "flat-profile";

// The value of a parsed node (an element's name, a text's text). tinyxml2 normalizes a text on
// the first Value() with a byte-by-byte copy loop; reaching into its private members to skip
// that loop would save ~10% of the walk but tie us to tinyxml2's internals, so we do not.
std::string_view node_value(const tinyxml2::XMLNode& node) { return node.Value(); }

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

// Reads an element's text and `ua` when the sink asks. Text nodes and CDATA sections make up the
// value; comments between them are dropped. tinyxml2 records every element's line while
// parsing.
class Tinyxml2Content final : public NodeContentReader {
 public:
  void read_content(FlatProfileNode& node) override {
    const auto& element = *static_cast<const tinyxml2::XMLElement*>(node.element);
    node.has_child_elements = false;
    text_.reset();
    for (const tinyxml2::XMLNode* child = element.FirstChild(); child != nullptr;
         child = child->NextSibling()) {
      if (const tinyxml2::XMLText* part = child->ToText()) {
        text_.add(node_value(*part), part->CData());
      } else if (child->ToElement() != nullptr) {
        node.has_child_elements = true;
      }
    }
    node.text = text_.text();
    // Not Attribute("ua"): its strncmp per attribute costs more than this whole loop.
    const char* ua = nullptr;
    for (const tinyxml2::XMLAttribute* attribute = element.FirstAttribute(); attribute != nullptr;
         attribute = attribute->Next()) {
      const char* name = attribute->Name();
      if (name[0] == 'u' && name[1] == 'a' && name[2] == '\0') {
        ua = attribute->Value();
        break;
      }
    }
    node.has_access = ua != nullptr;
    node.access = ua != nullptr ? decoded_attribute(ua, access_) : std::string_view();
  }

  std::size_t text_bytes_bound(FlatProfileNode& node) override {
    const auto& element = *static_cast<const tinyxml2::XMLElement*>(node.element);
    node.has_child_elements = false;
    std::size_t bytes = 0;
    for (const tinyxml2::XMLNode* child = element.FirstChild(); child != nullptr;
         child = child->NextSibling()) {
      if (const tinyxml2::XMLText* part = child->ToText())
        bytes += node_value(*part).size();
      else if (child->ToElement() != nullptr)
        node.has_child_elements = true;
    }
    return bytes;
  }

  int line_of(const void* element) override {
    return static_cast<const tinyxml2::XMLElement*>(element)->GetLineNum();
  }

 private:
  TextJoiner text_;
  std::string access_;
};

}  // namespace

Result<void> read_flat_profile_tinyxml2(std::string_view xml, const ProfileLimits& limits,
                                        FlatProfileSink& sink) {
  // Entities are decoded by the reader (flat_profile_reader.h), the same for both parsers.
  tinyxml2::XMLDocument document(/*processEntities=*/false, tinyxml2::PRESERVE_WHITESPACE);
  if (document.Parse(xml.data(), xml.size()) != tinyxml2::XML_SUCCESS) {
    // tinyxml2's own nesting guard (TINYXML2_MAX_ELEMENT_DEPTH) fires before ours can when
    // xml_depth_max is set above it.
    const ErrorCode code = document.ErrorID() == tinyxml2::XML_ELEMENT_DEPTH_EXCEEDED
                               ? ErrorCode::ProfileTooDeep
                               : ErrorCode::ParseError;
    return fail(code, line_prefix(document.ErrorLineNum()) + document.ErrorName());
  }
  // One walk over every element: counts and depth for the limits, and the children of each
  // <flat-profile> (not one nested inside another's parameters) for the sink. A limit error can
  // come after sink calls; the callers discard everything on error.
  bool found = false;
  std::size_t depth = 1;
  std::size_t elements = 0;
  std::size_t profile_depth = 0;  // depth of the <flat-profile> being read, 0 outside one
  Tinyxml2Content content;
  FlatProfileNode node;
  node.reader = &content;
  bool descend = true;  // false: the element has no child elements (known from the sink's reads)
  for (const tinyxml2::XMLElement* element = document.RootElement(); element != nullptr;
       element = next_element(element, descend, depth)) {
    descend = true;
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
    if (profile_depth != 0 && depth <= profile_depth)
      profile_depth = 0;  // left it
    if (profile_depth != 0) {
      if (depth == profile_depth + 1) {
        node.name = node_value(*element);
        node.element = element;
        node.content_read = false;
        node.children_known = false;
        if (auto sent = sink.node(node); !sent)
          return sent;
        descend = !node.children_known || node.has_child_elements;
      }
    } else if (element->Name() == kFlatProfileName) {
      profile_depth = depth;
      found = true;
    }
  }
  if (!found)
    return fail(ErrorCode::ParseError, "no <flat-profile> element");
  return {};
}

}  // namespace fw
