// The default flat-profile reader: tinyxml2 (see flat_profile_reader.h).

#include <cstring>
#include <string>

#include <tinyxml2.h>

#include "firmware-core/config/flat_profile_reader.h"

namespace fw {
namespace {

constexpr std::string_view kFlatProfileName = "flat-profile";

// tinyxml2 normalizes a text lazily, on the first Value(): one byte-by-byte copy loop per text
// (only CR and LF are touched, entities being left to us), which costs more than the parse
// itself spent on that text. A text without CR comes out of that loop unchanged, so for it we
// view the parsed bytes directly. tinyxml2 offers no accessor for them: the members are reached
// with the explicit-instantiation rule ([temp.spec.general]: access is not checked on the
// arguments of an explicit instantiation), which compiles only while tinyxml2 keeps these names.
template <typename Tag, typename Tag::Type kMember>
struct MemberOf {
  friend typename Tag::Type member(Tag) { return kMember; }
};
struct NodeValue {
  using Type = tinyxml2::StrPair tinyxml2::XMLNode::*;
  friend Type member(NodeValue);
};
struct PairFlags {
  using Type = int tinyxml2::StrPair::*;
  friend Type member(PairFlags);
};
struct PairStart {
  using Type = char* tinyxml2::StrPair::*;
  friend Type member(PairStart);
};
struct PairEnd {
  using Type = char* tinyxml2::StrPair::*;
  friend Type member(PairEnd);
};
template struct MemberOf<NodeValue, &tinyxml2::XMLNode::_value>;
template struct MemberOf<PairFlags, &tinyxml2::StrPair::_flags>;
template struct MemberOf<PairStart, &tinyxml2::StrPair::_start>;
template struct MemberOf<PairEnd, &tinyxml2::StrPair::_end>;

// StrPair's private NEEDS_FLUSH: set while [_start, _end) is still the text as parsed.
constexpr int kTinyxml2NeedsFlush = 0x100;
constexpr int kTinyxml2Processing = tinyxml2::StrPair::NEEDS_ENTITY_PROCESSING |
                                    tinyxml2::StrPair::NEEDS_NEWLINE_NORMALIZATION |
                                    tinyxml2::StrPair::NEEDS_WHITESPACE_COLLAPSING;

// The value of a parsed node (an element's name, a text's text) as Value() gives it, without
// tinyxml2's copy loop or a strlen where the parsed bytes are already the value.
std::string_view node_value(const tinyxml2::XMLNode& node) {
  const tinyxml2::StrPair& pair = node.*member(NodeValue{});
  const char* start = pair.*member(PairStart{});
  const char* end = pair.*member(PairEnd{});
  const int flags = pair.*member(PairFlags{});
  if (start != nullptr && end != nullptr) {
    const std::string_view parsed(start, static_cast<std::size_t>(end - start));
    // Names: nothing to process, so the range stays the value after a flush too.
    if ((flags & kTinyxml2Processing) == 0)
      return parsed;
    // Texts: newline normalization changes nothing without a CR.
    if ((flags & kTinyxml2NeedsFlush) != 0 && parsed.find('\r') == std::string_view::npos)
      return parsed;
  }
  return node.Value();
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

// tinyxml2 records every element's line while parsing.
class Tinyxml2Lines final : public LineLocator {
 public:
  int line_of(const void* element) override {
    return static_cast<const tinyxml2::XMLElement*>(element)->GetLineNum();
  }
};

// Fills `node` from `element`. Text nodes and CDATA sections make up the value; comments between
// them are dropped.
void describe(const tinyxml2::XMLElement& element, TextJoiner& text, std::string& access,
              FlatProfileNode& node) {
  node.name = node_value(element);
  node.element = &element;
  node.has_child_elements = false;
  text.reset();
  for (const tinyxml2::XMLNode* child = element.FirstChild(); child != nullptr;
       child = child->NextSibling()) {
    if (const tinyxml2::XMLText* part = child->ToText()) {
      text.add(node_value(*part), part->CData());
    } else if (child->ToElement() != nullptr) {
      node.has_child_elements = true;
    }
  }
  node.text = text.text();
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
  node.access = ua != nullptr ? decoded_attribute(ua, access) : std::string_view();
}

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
  TextJoiner text;
  std::string access;
  Tinyxml2Lines lines;
  FlatProfileNode node;
  node.lines = &lines;
  bool descend = true;  // false: the element has no child elements (known from describe())
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
        describe(*element, text, access, node);
        if (auto sent = sink.node(node); !sent)
          return sent;
        descend = node.has_child_elements;
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
