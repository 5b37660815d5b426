#pragma once

// The XML side of reading a flat profile, behind one interface with two parsers (tinyxml2, the
// default, and pugixml, built in with PHONESIM_FAST_BACKEND). Internal to config/: callers use
// parse_flat_profile() and apply_flat_profile(), which add the registry and the values.
//
// Both readers give the same elements, texts, attributes and line numbers for the same bytes;
// tests/firmware-core/config/flat_profile_test.cpp runs every case against each of them.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "firmware-core/base/result.h"
#include "firmware-core/config/flat_profile.h"

namespace fw {

// Reads what the walk does not need of an element, only when asked: the value of an unknown
// element is never looked at (a third of a real cfg.xml dump), and pugixml keeps no line
// numbers (counting them for every element would cost more than reading it).
struct FlatProfileNode;

class NodeContentReader {
 public:
  // Fills text, has_child_elements, has_access and access of `node` (whose `element` is the
  // reader's handle of it).
  virtual void read_content(FlatProfileNode& node) = 0;
  // At least the bytes of the element's text once read: the sum of its raw text and CDATA
  // parts, before entities are decoded (decoding only shortens). Also sets
  // node.has_child_elements and node.children_known (the same walk over the children finds it).
  virtual std::size_t text_bytes_bound(FlatProfileNode& node) = 0;
  // The 1-based line of the start tag of `element`.
  virtual int line_of(const void* element) = 0;

 protected:
  ~NodeContentReader() = default;
};

// One child element of a <flat-profile>, as the XML parser sees it. The views point into the
// parser's document and stay valid only during the sink call.
struct FlatProfileNode {
  std::string_view name;
  // Set by read_content() only; the sink asks for them when it needs them.
  bool content_read = false;
  std::string_view text;  // its text and CDATA children joined, entities decoded
  // Set by read_content() and text_bytes_bound(), valid when children_known.
  bool children_known = false;
  bool has_child_elements = false;
  bool has_access = false;  // carries a `ua` attribute
  std::string_view access;  // the `ua` attribute's value, entities decoded
  const void* element = nullptr;  // the reader's handle of the element
  NodeContentReader* reader = nullptr;

  void read_content() {
    if (!content_read) {
      reader->read_content(*this);
      content_read = true;
      children_known = true;
    }
  }
  std::size_t text_bytes_bound() {
    if (content_read)
      return text.size();
    children_known = true;
    return reader->text_bytes_bound(*this);
  }
  // The 1-based line of the element's start tag.
  int line() const { return reader->line_of(element); }
};

// Receives the children of every <flat-profile>, in document order.
class FlatProfileSink {
 public:
  // Called once per child element, with only `name`, `element` and `reader` set (call
  // node.read_content() for the rest). An error stops the walk and is returned by the reader.
  virtual Result<void> node(FlatProfileNode& node) = 0;

 protected:
  ~FlatProfileSink() = default;
};

// Parses `xml` (already checked for size and NUL bytes) and walks every element once, checking
// the element count and depth and handing the children of each <flat-profile> to `sink`. A
// limit can be found past after some sink calls: callers keep nothing of a walk that failed.
// Errors: ParseError (malformed XML, detail "line N: ..."; no <flat-profile>), ProfileTooDeep,
// ProfileTooManyElements, and any error of the sink.
Result<void> read_flat_profile_tinyxml2(std::string_view xml, const ProfileLimits& limits,
                                        FlatProfileSink& sink);
// The same with pugixml. Only in builds with PHONESIM_FAST_BACKEND (xml_parser_available()).
Result<void> read_flat_profile_pugixml(std::string_view xml, const ProfileLimits& limits,
                                       FlatProfileSink& sink);

// Receives the parameter elements of a profile, in document order, after classification.
class ParameterSink {
 public:
  // A known parameter read from `node`. `text` is nullptr when the element only sets the access;
  // the view is valid only during the call. `access` nullopt: no `ua`, keep the current access.
  virtual void parameter(ParamId id, const FlatProfileNode& node, const std::string_view* text,
                         std::optional<Access> access) = 0;

 protected:
  ~ParameterSink() = default;
};

// What parse_flat_profile() does, without building a ParsedProfile: checks size and NUL bytes,
// reads with limits.xml_parser, hands known parameters to `parameters` and adds unknown and
// malformed elements to the issues (listing at most limits.issues_listed_max of each). Errors:
// those of parse_flat_profile(); on error the sink and the issues may have received part of the
// profile.
Result<void> walk_flat_profile(ByteSpan profile, const ParameterRegistry& registry,
                               const ProfileLimits& limits, ParameterSink& parameters,
                               ProfileIssues& unknown_elements, ProfileIssues& invalid_elements);

// Counts an issue in `issues`; true when it is also to be listed in full (the caller then builds
// the ProfileIssue and appends it to issues.listed).
inline bool count_issue(ProfileIssues& issues, const ProfileLimits& limits) {
  ++issues.count;
  return issues.listed.size() < limits.issues_listed_max;
}

// Entities are decoded here, not by the parsers, so that both readers give the same text
// (tinyxml2 9 leaves a stale byte where an unknown entity was): &lt; &gt; &amp; &apos; &quot;
// and character references &#N; &#xH; to a Unicode scalar value (not 0, not a surrogate) become
// their character; anything else starting with '&' stays as written. CDATA is never decoded.

// True when `text` holds a '&' (most values do not, and are then used as they are).
bool has_entities(std::string_view text);
// Appends `text` to `out` with its entities decoded.
void append_decoded(std::string_view text, std::string& out);

// Joins the text and CDATA children of one element into its value, decoding entities in the
// text parts. One part without entities (the usual case) is viewed in place, not copied.
class TextJoiner {
 public:
  // Starts a new element.
  void reset() {
    parts_ = 0;
    joined_.clear();
  }
  // Adds the next text (`cdata` false) or CDATA part. `part` must outlive text().
  void add(std::string_view part, bool cdata) {
    if (parts_ == 0) {
      first_ = part;
      first_cdata_ = cdata;
    } else {
      if (parts_ == 1)
        append(first_, first_cdata_);
      append(part, cdata);
    }
    ++parts_;
  }
  // The value; valid until the next reset() or add().
  std::string_view text() {
    if (parts_ == 0)
      return {};
    if (parts_ == 1) {
      if (first_cdata_ || !has_entities(first_))
        return first_;
      append(first_, false);
    }
    return joined_;
  }

 private:
  void append(std::string_view part, bool cdata) {
    if (cdata)
      joined_.append(part);
    else
      append_decoded(part, joined_);
  }

  std::size_t parts_ = 0;
  std::string_view first_;
  bool first_cdata_ = false;
  std::string joined_;
};

// `raw` (an attribute value) with its entities decoded: `raw` itself when it has none, else a
// view of `buffer`.
inline std::string_view decoded_attribute(std::string_view raw, std::string& buffer) {
  if (!has_entities(raw))
    return raw;
  buffer.clear();
  append_decoded(raw, buffer);
  return buffer;
}

// "line N: " for error details.
std::string line_prefix(int line);

}  // namespace fw
