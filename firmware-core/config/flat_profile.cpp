#include "firmware-core/config/flat_profile.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <string_view>
#include <utility>

#include "firmware-core/config/flat_profile_reader.h"

namespace fw {
namespace {

bool is_blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

// "line N: <name>" + what, built with one allocation: unknown elements are common (a third of
// a real cfg.xml dump), so their reports are on the hot path.
std::string element_detail(int line, std::string_view shown_name, std::string_view what) {
  char digits[16];
  const auto [end, error] = std::to_chars(digits, digits + sizeof digits, line);
  const std::string_view number(digits, error == std::errc() ? end - digits : 0);
  constexpr std::string_view kLine = "line ";
  constexpr std::string_view kOpen = ": <";
  const std::size_t size =
      kLine.size() + number.size() + kOpen.size() + shown_name.size() + 1 + what.size();
  std::string detail;
  detail.resize_and_overwrite(size, [&](char* out, std::size_t) {
    for (const std::string_view part : {kLine, number, kOpen, shown_name})
      out = std::copy(part.begin(), part.end(), out);
    *out++ = '>';
    std::copy(what.begin(), what.end(), out);
    return size;
  });
  return detail;
}

// Classifies the reader's nodes against the registry and hands parameters on.
class ClassifyingSink final : public FlatProfileSink {
 public:
  ClassifyingSink(const ParameterRegistry& registry, const ProfileLimits& limits,
                  ParameterSink& parameters, ProfileIssues& unknown, ProfileIssues& invalid)
      : registry_(registry),
        limits_(limits),
        parameters_(parameters),
        unknown_(unknown),
        invalid_(invalid) {}

  Result<void> node(FlatProfileNode& node) override {
    const std::optional<ParamId> id = registry_.find(node.name);
    if (!id) {
      // Only the length of an unknown element's text matters, and only when its raw text is
      // long enough to exceed the limit.
      if (node.text_bytes_bound() > limits_.value_bytes_max) {
        node.read_content();
        if (node.text.size() > limits_.value_bytes_max)
          return too_long(node);
      }
      report(unknown_, node, ErrorCode::UnknownParameter, "");
      return {};
    }
    node.read_content();
    if (node.text.size() > limits_.value_bytes_max)
      return too_long(node);
    std::optional<Access> access;
    if (node.has_access) {
      access = parse_access(node.access);
      if (!access) {
        report(invalid_, node, ErrorCode::InvalidValue,
               ": ua '" + displayable_text(node.access) + "' is not na, ro or rw");
        return {};
      }
    }
    if (node.has_child_elements) {
      report(invalid_, node, ErrorCode::InvalidValue, ": contains child elements");
      return {};
    }
    // decisions.md: an empty element that carries a `ua` changes only the access.
    const bool access_only = access && is_blank(node.text);
    parameters_.parameter(*id, node, access_only ? nullptr : &node.text, access);
    return {};
  }

 private:
  Failure too_long(const FlatProfileNode& node) const {
    return fail(ErrorCode::ValueTooLong,
                element_detail(node.line(), displayable_text(node.name),
                               ": " + std::to_string(node.text.size()) +
                                   " bytes of text exceed value_bytes_max (" +
                                   std::to_string(limits_.value_bytes_max) + ")"));
  }

  // `what` is built by the caller even for an issue that is only counted; those of unknown
  // elements (the common kind) are empty.
  void report(ProfileIssues& issues, const FlatProfileNode& node, ErrorCode code,
              std::string_view what) {
    if (!count_issue(issues, limits_))
      return;
    const int line = node.line();
    std::string shown = displayable_text(node.name);
    std::string detail = element_detail(line, shown, what);
    issues.listed.push_back(ProfileIssue{std::move(shown), line, Error{code, std::move(detail)}});
  }

  const ParameterRegistry& registry_;
  const ProfileLimits& limits_;
  ParameterSink& parameters_;
  ProfileIssues& unknown_;
  ProfileIssues& invalid_;
};

// Collects parameters into a ParsedProfile (copies of their texts: the document goes away).
class CollectingSink final : public ParameterSink {
 public:
  explicit CollectingSink(std::vector<ProfileElement>& elements) : elements_(elements) {}

  void parameter(ParamId id, const FlatProfileNode& node, const std::string_view* text,
                 std::optional<Access> access) override {
    ProfileElement element;
    element.id = id;
    element.line = node.line();
    if (text != nullptr)
      element.text.emplace(*text);
    element.access = access;
    elements_.push_back(std::move(element));
  }

 private:
  std::vector<ProfileElement>& elements_;
};

}  // namespace

bool has_entities(std::string_view text) {
  // Eight bytes at a time (values are short: a memchr call costs more than the scan). A byte of
  // `word` equal to '&' becomes zero under the XOR; the zero-byte test is exact for "any".
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  constexpr std::uint64_t kHighs = 0x8080808080808080ull;
  auto has_ampersand = [](std::uint64_t word) {
    const std::uint64_t x = word ^ (kOnes * static_cast<std::uint8_t>('&'));
    return ((x - kOnes) & ~x & kHighs) != 0;
  };
  const char* bytes = text.data();
  std::size_t left = text.size();
  if (left < 8) {
    for (; left > 0; ++bytes, --left) {
      if (*bytes == '&')
        return true;
    }
    return false;
  }
  for (; left > 8; bytes += 8, left -= 8) {
    std::uint64_t word;
    std::memcpy(&word, bytes, 8);
    if (has_ampersand(word))
      return true;
  }
  std::uint64_t last;  // the final 8 bytes, overlapping what was read
  std::memcpy(&last, bytes + left - 8, 8);
  return has_ampersand(last);
}

namespace {

// Appends `code_point` (a Unicode scalar value) as UTF-8.
void append_utf8(std::uint32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

// The code point of a character reference's body ("#65", "#x41"), or 0 if it is not a valid
// one (0 itself is not allowed in XML).
std::uint32_t character_reference(std::string_view body) {
  if (body.size() < 2 || body[0] != '#')
    return 0;
  const bool hex = body[1] == 'x';
  const std::string_view digits = body.substr(hex ? 2 : 1);
  if (digits.empty() || digits.size() > 8)
    return 0;
  std::uint32_t value = 0;
  const auto [end, error] =
      std::from_chars(digits.data(), digits.data() + digits.size(), value, hex ? 16 : 10);
  if (error != std::errc() || end != digits.data() + digits.size())
    return 0;
  if (value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
    return 0;
  return value;
}

}  // namespace

void append_decoded(std::string_view text, std::string& out) {
  static constexpr std::pair<std::string_view, char> kEntities[] = {
      {"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"apos", '\''}, {"quot", '"'}};
  // Longest reference body considered: "#x10FFFF" and a few leading zeros.
  constexpr std::size_t kReferenceBytesMax = 12;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t ampersand = text.find('&', start);
    if (ampersand == std::string_view::npos)
      break;
    out.append(text.substr(start, ampersand - start));
    const std::size_t semicolon = text.substr(0, ampersand + 2 + kReferenceBytesMax)
                                      .find(';', ampersand + 1);
    bool decoded = false;
    if (semicolon != std::string_view::npos) {
      const std::string_view body = text.substr(ampersand + 1, semicolon - ampersand - 1);
      for (const auto& [name, character] : kEntities) {
        if (body == name) {
          out.push_back(character);
          decoded = true;
          break;
        }
      }
      if (!decoded) {
        if (const std::uint32_t code_point = character_reference(body); code_point != 0) {
          append_utf8(code_point, out);
          decoded = true;
        }
      }
    }
    if (decoded) {
      start = semicolon + 1;
    } else {
      out.push_back('&');
      start = ampersand + 1;
    }
  }
  out.append(text.substr(start));
}

std::string line_prefix(int line) {
  return "line " + std::to_string(line) + ": ";
}

bool xml_parser_available(XmlParser parser) {
  switch (parser) {
    case XmlParser::Tinyxml2:
      return true;
    case XmlParser::Pugixml:
#ifdef PHONESIM_FAST_BACKEND
      return true;
#else
      return false;
#endif
  }
  return false;
}

Result<void> walk_flat_profile(ByteSpan profile, const ParameterRegistry& registry,
                               const ProfileLimits& limits, ParameterSink& parameters,
                               ProfileIssues& unknown_elements, ProfileIssues& invalid_elements) {
  if (profile.size() > limits.profile_bytes_max) {
    return fail(ErrorCode::ProfileTooLarge, std::to_string(profile.size()) +
                                                " bytes exceed profile_bytes_max (" +
                                                std::to_string(limits.profile_bytes_max) + ")");
  }
  const std::string_view text = as_text(profile);
  // Both parsers read NUL-terminated text and would silently stop at an embedded NUL.
  if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
    const auto line =
        1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(nul), '\n');
    return fail(ErrorCode::ParseError, line_prefix(static_cast<int>(line)) + "NUL byte");
  }
  ClassifyingSink sink(registry, limits, parameters, unknown_elements, invalid_elements);
  switch (limits.xml_parser) {
    case XmlParser::Tinyxml2:
      return read_flat_profile_tinyxml2(text, limits, sink);
    case XmlParser::Pugixml:
#ifdef PHONESIM_FAST_BACKEND
      return read_flat_profile_pugixml(text, limits, sink);
#else
      break;
#endif
  }
  return fail(ErrorCode::ParseError, "XML parser not built in (PHONESIM_FAST_BACKEND)");
}

Result<ParsedProfile> parse_flat_profile(ByteSpan profile, const ParameterRegistry& registry,
                                         const ProfileLimits& limits) {
  ParsedProfile parsed;
  CollectingSink sink(parsed.elements);
  if (auto walked = walk_flat_profile(profile, registry, limits, sink, parsed.unknown_elements,
                                      parsed.invalid_elements);
      !walked) {
    return fail(std::move(walked).error());
  }
  return parsed;
}

}  // namespace fw
