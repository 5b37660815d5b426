#pragma once

// Reading the flat-profile XML format (reference §4.1, decisions.md):
//
//   <?xml version="1.0"?>            optional, ignored (as are comments)
//   <flat-profile>                   may sit inside other arbitrary elements
//     <GPP_A ua="rw">12345678</GPP_A>
//     <GPP_B/>                       sets GPP_B to the empty string
//     <Profile_Rule_B ua="na"/>      only changes the access; the value stays
//   </flat-profile>
//
// The parser only reads and checks structure; values are validated by the transaction that
// applies them (profile_apply.h), so one bad value does not stop the rest of a profile.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "firmware-core/base/bytes.h"
#include "firmware-core/base/error.h"
#include "firmware-core/base/result.h"
#include "firmware-core/config/parameter_registry.h"
#include "firmware-core/config/parameter_value.h"

namespace fw {

// Default limits for one profile. Bytes come from the network, so everything is bounded.
inline constexpr std::size_t kProfileBytesMax = 1024 * 1024;  // real cfg.xml dumps are ~200 KB
inline constexpr std::size_t kXmlDepthMax = 16;         // <flat-profile> wrapped a few levels deep
inline constexpr std::size_t kXmlElementsMax = 20'000;  // ~10x the parameters a phone has
// How many unknown elements, and how many invalid values, a report lists in full by default; the
// rest are only counted. A real cfg.xml dump has hundreds of elements the phone does not know,
// and a listed issue (name, line, message) costs more than reading the element.
inline constexpr std::size_t kIssuesListedMax = 8;
// For tools that show every issue (`phonesim profile inspect`).
inline constexpr std::size_t kIssuesListedAll = static_cast<std::size_t>(-1);

// Which XML parser reads profiles. tinyxml2 is the default and always built in; pugixml (several
// times faster) only in builds with PHONESIM_FAST_BACKEND. On well-formed XML both give the same
// results (the flat-profile tests run against each, flat_profile_fuzz compares them); only the
// wording of a ParseError's detail differs. On malformed XML their leniency differs: tinyxml2
// stops reading at a stray end tag at document level and keeps what it read, pugixml rejects
// such a document with ParseError.
enum class XmlParser : std::uint8_t { Tinyxml2, Pugixml };

// True when this build includes `parser`. Call before selecting a parser other than the default;
// parsing with one that is not built in fails with ParseError.
bool xml_parser_available(XmlParser parser);

struct ProfileLimits {
  std::size_t profile_bytes_max = kProfileBytesMax;  // whole document        -> ProfileTooLarge
  std::size_t xml_depth_max = kXmlDepthMax;          // element nesting, root = 1 -> ProfileTooDeep
  std::size_t xml_elements_max =
      kXmlElementsMax;  // elements in the document -> ProfileTooManyElements
  std::size_t value_bytes_max = kValueBytesMax;  // text of one element        -> ValueTooLong
  // Not limits, but they travel with them to every call that parses a profile.
  XmlParser xml_parser = XmlParser::Tinyxml2;
  // Issues of each kind listed in full (ProfileIssue); all of them are counted.
  std::size_t issues_listed_max = kIssuesListedMax;
};

// Something in a profile that was reported and skipped while the rest applied.
struct ProfileIssue {
  std::string name;  // the element name as written (truncated and escaped if need be)
  int line = 0;      // 1-based line of the element in the profile
  Error error;       // UnknownParameter, InvalidValue or ValueTooLong; detail "line N: ..."
};

// One parameter element, in document order.
struct ProfileElement {
  ParamId id = 0;
  int line = 0;
  std::optional<std::string> text;  // raw text; nullopt: the element only sets the access
  std::optional<Access> access;     // nullopt: no `ua`, keep the current access
};

// Issues of one kind: every one counted, the first ProfileLimits::issues_listed_max in full.
struct ProfileIssues {
  std::vector<ProfileIssue> listed;  // document order
  std::size_t count = 0;             // >= listed.size()

  bool empty() const { return count == 0; }
};

struct ParsedProfile {
  std::vector<ProfileElement> elements;
  ProfileIssues unknown_elements;  // UnknownParameter
  ProfileIssues invalid_elements;  // bad `ua`, child elements inside a parameter
};

// Parses a flat profile (plain XML, already decrypted and inflated) against `registry`. Call
// once per downloaded profile, before applying it. Returns every parameter element of every
// <flat-profile> in document order, with unknown and malformed elements counted (and the first
// limits.issues_listed_max of each listed) separately.
// Errors (nothing is returned): ProfileTooLarge, ParseError (malformed XML, a NUL byte, or no
// <flat-profile>; detail "line N: ..."), ProfileTooDeep, ProfileTooManyElements, ValueTooLong
// (one element's text exceeds value_bytes_max).
Result<ParsedProfile> parse_flat_profile(ByteSpan profile, const ParameterRegistry& registry,
                                         const ProfileLimits& limits = {});

}  // namespace fw
