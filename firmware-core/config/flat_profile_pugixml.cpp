// The fast flat-profile reader: pugixml (see flat_profile_reader.h). Built only with
// PHONESIM_FAST_BACKEND.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>
#include <string>

#include <pugixml.hpp>

#include "firmware-core/config/flat_profile_reader.h"

namespace fw {
namespace {

constexpr std::string_view kFlatProfileName = "flat-profile";

// As tinyxml2 9 with PRESERVE_WHITESPACE reads: CDATA kept, attribute values as written, and a
// whitespace-only text dropped (tinyxml2 skips whitespace before every '<', so `<GPP_A> </GPP_A>`
// and the "  " of `<GPP_A>x<!-- c -->  </GPP_A>` read as nothing; pugixml does the same without
// parse_ws_pcdata*). Entities are left to the reader (flat_profile_reader.h); line ends too
// (tinyxml2's rule differs from parse_eol's, see append_tinyxml2_line_ends()). No declaration,
// comment or DOCTYPE nodes: they are skipped, as the tinyxml2 reader skips them.
// parse_embed_pcdata stores an element's leading text as the element's value instead of in a
// child node (one node fewer per parameter to allocate and to walk); read_content() joins it
// first.
constexpr unsigned kParseOptions = pugi::parse_cdata | pugi::parse_embed_pcdata;

// True when `text` is only what tinyxml2 9 skips as whitespace before markup (isspace: also VT
// and FF, which pugixml keeps as text). tinyxml2 drops such a text; pugixml dropped it already
// unless it holds a VT or FF.
bool is_tinyxml2_blank(const char* text) {
  for (; *text != '\0'; ++text) {
    const char c = *text;
    if (c != ' ' && c != '\n' && c != '\t' && c != '\r' && c != '\v' && c != '\f')
      return false;
  }
  return true;
}

// Appends `raw` with its line ends made LF as tinyxml2 9 does it for texts, CDATA and attribute
// values: CR LF, LF CR and a lone CR each become one LF. (pugixml's parse_eol follows XML, where
// LF CR is two line ends.)
void append_tinyxml2_line_ends(std::string_view raw, std::string& out) {
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c != '\r' && c != '\n') {
      out.push_back(c);
      continue;
    }
    if (i + 1 < raw.size() && raw[i + 1] == (c == '\r' ? '\n' : '\r'))
      ++i;
    out.push_back('\n');
  }
}

// The deepest nesting tinyxml2 9 parses (its TINYXML2_MAX_ELEMENT_DEPTH guard of 100 counts the
// document and one level more); deeper is ProfileTooDeep there, so it is here too.
constexpr std::size_t kTinyxml2DepthMax = 98;

// The LFs in [at, end), eight bytes at a time. (A memchr call per line cost more: profile lines
// are short, and the issues listed can lie hundreds of lines apart.)
int count_newlines(const char* at, const char* end) {
  constexpr std::uint64_t kLows = 0x7F7F7F7F7F7F7F7Full;
  constexpr std::uint64_t kNewlines = 0x0A0A0A0A0A0A0A0Aull;
  constexpr std::uint64_t kEvenBytes = 0x00FF00FF00FF00FFull;
  std::uint64_t count = 0;
  while (end - at >= 8) {
    // Per-byte counts in the lanes of one word, at most 255 words at a time (a lane holds 255).
    const char* block_end = at + 8 * std::min<std::ptrdiff_t>((end - at) / 8, 255);
    std::uint64_t lanes = 0;
    for (; at < block_end; at += 8) {
      std::uint64_t word;
      std::memcpy(&word, at, 8);
      const std::uint64_t x = word ^ kNewlines;  // a zero byte where an LF was
      // The high bit of each byte set exactly where that byte of x is zero (no carry between
      // bytes: the low seven bits plus 0x7F stay within the byte).
      lanes += ~(((x & kLows) + kLows) | x | kLows) >> 7;
    }
    // Eight lanes of up to 255 into four of up to 510, summed into the top 16 bits.
    const std::uint64_t pairs = (lanes & kEvenBytes) + ((lanes >> 8) & kEvenBytes);
    count += (pairs * 0x0001000100010001ull) >> 48;
  }
  for (; at < end; ++at)
    count += *at == '\n' ? 1 : 0;
  return static_cast<int>(count);
}

// Line numbers from byte offsets. pugixml keeps none, so lines are counted on demand; asked in
// document order, each byte is scanned once.
class LineCounter {
 public:
  explicit LineCounter(std::string_view xml) : xml_(xml) {}

  int line_at(std::size_t offset) {
    offset = std::min(offset, xml_.size());
    if (offset < offset_) {
      offset_ = 0;
      line_ = 1;
    }
    line_ += count_newlines(xml_.data() + offset_, xml_.data() + offset);
    offset_ = offset;
    return line_;
  }
  int line_of(const pugi::xml_node& node) {
    return line_at(static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, node.offset_debug())));
  }

 private:
  std::string_view xml_;
  std::size_t offset_ = 0;
  int line_ = 1;
};

// Moves `element` (an element) to the next element in document order, skipping its own subtree
// when `descend` is false; false at the end of the document. `depth` tracks the nesting (root
// element = 1). (Every pugixml call is out of line: loops test type(), which answers "null?" and
// "element?" in one call, and the walk knows without asking that `element` is an element.)
bool next_element(pugi::xml_node& element, bool descend, std::size_t& depth) {
  if (descend) {
    for (pugi::xml_node child = element.first_child();; child = child.next_sibling()) {
      const pugi::xml_node_type type = child.type();
      if (type == pugi::node_element) {
        ++depth;
        element = child;
        return true;
      }
      if (type == pugi::node_null)
        break;
    }
  }
  while (true) {
    for (pugi::xml_node sibling = element.next_sibling();; sibling = sibling.next_sibling()) {
      const pugi::xml_node_type type = sibling.type();
      if (type == pugi::node_element) {
        element = sibling;
        return true;
      }
      if (type == pugi::node_null)
        break;
    }
    element = element.parent();
    --depth;
    if (element.type() != pugi::node_element)
      return false;
  }
}

pugi::xml_node first_element(const pugi::xml_document& document) {
  for (pugi::xml_node node = document.first_child(); node; node = node.next_sibling()) {
    if (node.type() == pugi::node_element)
      return node;
  }
  return {};
}

// True when two attributes of `element` share a name; tinyxml2 rejects such a document, and the
// readers must accept the same documents.
bool has_duplicate_attribute(const pugi::xml_node& element) {
  for (pugi::xml_attribute a = element.first_attribute(); a; a = a.next_attribute()) {
    for (pugi::xml_attribute b = a.next_attribute(); b; b = b.next_attribute()) {
      if (std::strcmp(a.name(), b.name()) == 0)
        return true;
    }
  }
  return false;
}

pugi::xml_node node_of(const void* element) {
  return pugi::xml_node(static_cast<pugi::xml_node_struct*>(const_cast<void*>(element)));
}

// Reads an element's text and `ua` when the sink asks (see the tinyxml2 reader). The walk hands
// over the element and its first attribute (it has them already: every pugixml call is out of
// line).
class PugixmlContent final : public NodeContentReader {
 public:
  // `has_cr`: `xml` holds a CR, so texts and attribute values go through
  // append_tinyxml2_line_ends().
  PugixmlContent(std::string_view xml, bool has_cr) : lines_(xml), has_cr_(has_cr) {}

  void set_element(pugi::xml_node element, pugi::xml_attribute first_attribute) {
    element_ = element;
    first_attribute_ = first_attribute;
  }

  void read_content(FlatProfileNode& node) override {
    node.has_child_elements = false;
    text_.reset();
    parts_used_ = 0;
    // The leading text, embedded in the element (parse_embed_pcdata); never empty when present.
    // Texts are never empty; a blank one is dropped as tinyxml2 drops it.
    const char* embedded = element_.value();
    if (!is_tinyxml2_blank(embedded))
      text_.add(has_cr_ ? normalized_copy(embedded) : std::string_view(embedded), false);
    for (pugi::xml_node child = element_.first_child();; child = child.next_sibling()) {
      const pugi::xml_node_type type = child.type();
      if (type == pugi::node_cdata) {
        const char* part = child.value();
        text_.add(has_cr_ ? normalized_copy(part) : std::string_view(part), true);
      } else if (type == pugi::node_pcdata) {
        if (const char* part = child.value(); !is_tinyxml2_blank(part))
          text_.add(has_cr_ ? normalized_copy(part) : std::string_view(part), false);
      } else if (type == pugi::node_element) {
        node.has_child_elements = true;
      } else if (type == pugi::node_null) {
        break;
      }
    }
    node.text = text_.text();
    node.has_access = false;
    node.access = {};
    for (pugi::xml_attribute attribute = first_attribute_; attribute;
         attribute = attribute.next_attribute()) {
      const char* name = attribute.name();
      if (name[0] == 'u' && name[1] == 'a' && name[2] == '\0') {
        node.has_access = true;
        const char* value = attribute.value();
        node.access = decoded_attribute(
            has_cr_ ? normalized_copy(value) : std::string_view(value), access_);
        break;
      }
    }
  }

  std::size_t text_bytes_bound(FlatProfileNode& node) override {
    node.has_child_elements = false;
    std::size_t bytes = std::strlen(element_.value());
    for (pugi::xml_node child = element_.first_child();; child = child.next_sibling()) {
      const pugi::xml_node_type type = child.type();
      if (type == pugi::node_pcdata || type == pugi::node_cdata)
        bytes += std::strlen(child.value());
      else if (type == pugi::node_element)
        node.has_child_elements = true;
      else if (type == pugi::node_null)
        break;
    }
    return bytes;
  }

  int line_of(const void* element) override { return lines_.line_of(node_of(element)); }
  LineCounter& lines() { return lines_; }

 private:
  // `raw` with tinyxml2's line ends, for a document that holds a CR (without one, texts are used
  // as they are): a copy that stays valid until the next read_content() (a deque: earlier copies
  // never move).
  std::string_view normalized_copy(const char* raw) {
    if (parts_used_ == parts_.size())
      parts_.emplace_back();
    std::string& part = parts_[parts_used_++];
    part.clear();
    append_tinyxml2_line_ends(raw, part);
    return part;
  }

  LineCounter lines_;
  bool has_cr_;
  std::deque<std::string> parts_;
  std::size_t parts_used_ = 0;
  TextJoiner text_;
  std::string access_;
  pugi::xml_node element_;
  pugi::xml_attribute first_attribute_;
};

}  // namespace

Result<void> read_flat_profile_pugixml(std::string_view xml, const ProfileLimits& limits,
                                       FlatProfileSink& sink) {
  pugi::xml_document document;
  PugixmlContent content(xml, xml.find('\r') != std::string_view::npos);
  LineCounter& lines = content.lines();
  const pugi::xml_parse_result parsed =
      document.load_buffer(xml.data(), xml.size(), kParseOptions, pugi::encoding_utf8);
  if (!parsed) {
    return fail(ErrorCode::ParseError,
                line_prefix(lines.line_at(static_cast<std::size_t>(
                    std::max<std::ptrdiff_t>(0, parsed.offset)))) +
                    parsed.description());
  }
  if (!first_element(document))
    return fail(ErrorCode::ParseError, line_prefix(lines.line_at(xml.size())) + "no element");
  // One walk over every element, as in the tinyxml2 reader.
  bool found = false;
  std::size_t depth = 1;
  std::size_t elements = 0;
  std::size_t profile_depth = 0;  // depth of the <flat-profile> being read, 0 outside one
  const std::size_t depth_max = std::min(limits.xml_depth_max, kTinyxml2DepthMax);
  FlatProfileNode node;
  node.reader = &content;
  bool descend = true;  // false: the element has no child elements (known from the sink's reads)
  pugi::xml_node element = first_element(document);
  for (bool more = element.type() == pugi::node_element; more;
       more = next_element(element, descend, depth)) {
    descend = true;
    if (++elements > limits.xml_elements_max) {
      return fail(ErrorCode::ProfileTooManyElements,
                  line_prefix(lines.line_of(element)) + "more than " +
                      std::to_string(limits.xml_elements_max) + " elements (xml_elements_max)");
    }
    if (depth > depth_max) {
      return fail(ErrorCode::ProfileTooDeep,
                  line_prefix(lines.line_of(element)) + "elements nested deeper than " +
                      std::to_string(limits.xml_depth_max) + " levels (xml_depth_max)");
    }
    const pugi::xml_attribute first_attribute = element.first_attribute();
    if (first_attribute && first_attribute.next_attribute() && has_duplicate_attribute(element)) {
      return fail(ErrorCode::ParseError,
                  line_prefix(lines.line_of(element)) + "duplicate attribute");
    }
    if (profile_depth != 0 && depth <= profile_depth)
      profile_depth = 0;  // left it
    if (profile_depth != 0) {
      if (depth == profile_depth + 1) {
        node.name = element.name();
        node.element = element.internal_object();
        content.set_element(element, first_attribute);
        node.content_read = false;
        node.children_known = false;
        if (auto sent = sink.node(node); !sent)
          return sent;
        descend = !node.children_known || node.has_child_elements;
      }
    } else if (element.name() == kFlatProfileName) {
      profile_depth = depth;
      found = true;
    }
  }
  if (!found)
    return fail(ErrorCode::ParseError, "no <flat-profile> element");
  return {};
}

}  // namespace fw
