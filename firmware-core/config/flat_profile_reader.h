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

// One child element of a <flat-profile>, as the XML parser sees it. The views point into the
// parser's document and stay valid only during the sink call.
struct FlatProfileNode {
  std::string_view name;
  int line = 0;           // 1-based line of the element's start tag
  std::string_view text;  // its text and CDATA children joined, entities decoded
  bool has_child_elements = false;
  bool has_access = false;  // carries a `ua` attribute
  std::string_view access;  // the `ua` attribute's value, entities decoded
};

// Receives the children of every <flat-profile>, in document order.
class FlatProfileSink {
 public:
  // Called once per child element. An error stops the walk and is returned by the reader.
  virtual Result<void> node(const FlatProfileNode& node) = 0;

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
  // A known parameter. `text` is nullptr when the element only sets the access; the view is
  // valid only during the call. `access` nullopt: no `ua`, keep the current access.
  virtual void parameter(ParamId id, int line, const std::string_view* text,
                         std::optional<Access> access) = 0;

 protected:
  ~ParameterSink() = default;
};

// What parse_flat_profile() does, without building a ParsedProfile: checks size and NUL bytes,
// reads with limits.xml_parser, hands known parameters to `parameters` and appends unknown and
// malformed elements to the lists. Errors: those of parse_flat_profile(); on error the sink and
// the lists may have received part of the profile.
Result<void> walk_flat_profile(ByteSpan profile, const ParameterRegistry& registry,
                               const ProfileLimits& limits, ParameterSink& parameters,
                               std::vector<ProfileIssue>& unknown_elements,
                               std::vector<ProfileIssue>& invalid_elements);

// "line N: " for error details.
std::string line_prefix(int line);

}  // namespace fw
