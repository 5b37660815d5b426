#include "firmware-core/config/flat_profile.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "firmware-core/config/flat_profile_reader.h"
#include "tests/support/param_id.h"

namespace fw {
namespace {

const ParameterRegistry& registry() {
  return ParameterRegistry::builtin();
}

using test::id;

// Every test runs once per XML parser built in (tinyxml2, and pugixml with PHONESIM_FAST_BACKEND):
// both must give the same results. parse() reads the current one.
XmlParser current_parser = XmlParser::Tinyxml2;

class FlatProfileTest : public ::testing::TestWithParam<XmlParser> {
 protected:
  void SetUp() override { current_parser = GetParam(); }
};

std::vector<XmlParser> built_in_parsers() {
  std::vector<XmlParser> parsers;
  for (XmlParser parser : {XmlParser::Tinyxml2, XmlParser::Pugixml}) {
    if (xml_parser_available(parser))
      parsers.push_back(parser);
  }
  return parsers;
}

INSTANTIATE_TEST_SUITE_P(Parsers, FlatProfileTest, ::testing::ValuesIn(built_in_parsers()),
                         [](const ::testing::TestParamInfo<XmlParser>& parser) {
                           return parser.param == XmlParser::Tinyxml2 ? "tinyxml2" : "pugixml";
                         });

Result<ParsedProfile> parse(std::string_view xml, ProfileLimits limits = {}) {
  limits.xml_parser = current_parser;
  return parse_flat_profile(as_bytes(xml), registry(), limits);
}

ParsedProfile parse_ok(std::string_view xml) {
  auto parsed = parse(xml);
  EXPECT_TRUE(parsed.has_value()) << parsed.error().to_string();
  return parsed ? std::move(*parsed) : ParsedProfile{};
}

ErrorCode parse_error(std::string_view xml, const ProfileLimits& limits = {}) {
  auto parsed = parse(xml, limits);
  EXPECT_FALSE(parsed.has_value());
  return parsed ? ErrorCode::InvalidValue : parsed.error().code;
}

// `<flat-profile>` followed by `count` parameter elements.
std::string profile_with_elements(std::size_t count) {
  std::string xml = "<flat-profile>";
  for (std::size_t i = 0; i < count; ++i)
    xml += "<GPP_A>x</GPP_A>";
  return xml + "</flat-profile>";
}

// `<flat-profile>` at nesting level `depth` (the root element is level 1), holding one parameter.
std::string profile_at_depth(std::size_t depth) {
  std::string xml;
  for (std::size_t i = 1; i < depth - 1; ++i)
    xml += "<wrap>";
  xml += "<flat-profile><GPP_A>x</GPP_A></flat-profile>";
  for (std::size_t i = 1; i < depth - 1; ++i)
    xml += "</wrap>";
  return xml;
}

TEST_P(FlatProfileTest, ReadsParametersInDocumentOrder) {
  ParsedProfile parsed = parse_ok("<flat-profile><GPP_B>2</GPP_B><GPP_A>1</GPP_A></flat-profile>");
  ASSERT_EQ(parsed.elements.size(), 2u);
  EXPECT_EQ(parsed.elements[0].id, id("GPP_B"));
  EXPECT_EQ(parsed.elements[0].text, std::optional<std::string>("2"));
  EXPECT_EQ(parsed.elements[1].id, id("GPP_A"));
  EXPECT_FALSE(parsed.elements[0].access.has_value());
}

TEST_P(FlatProfileTest, FindsFlatProfileNestedInOtherElements) {
  ParsedProfile parsed =
      parse_ok("<device><config><flat-profile><GPP_A>1</GPP_A></flat-profile></config></device>");
  ASSERT_EQ(parsed.elements.size(), 1u);
  EXPECT_EQ(parsed.elements[0].id, id("GPP_A"));
}

TEST_P(FlatProfileTest, ReadsEveryFlatProfileInTheDocument) {
  ParsedProfile parsed = parse_ok(
      "<x><flat-profile><GPP_A>1</GPP_A></flat-profile><flat-profile><GPP_B>2</GPP_B>"
      "</flat-profile></x>");
  ASSERT_EQ(parsed.elements.size(), 2u);
  EXPECT_EQ(parsed.elements[1].id, id("GPP_B"));
}

TEST_P(FlatProfileTest, IgnoresXmlHeaderAndComments) {
  ParsedProfile parsed = parse_ok(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- phone config -->\n<flat-profile>\n"
      "  <!-- <GPP_B>no</GPP_B> -->\n  <GPP_A>12<!-- inside -->34</GPP_A>\n</flat-profile>\n");
  ASSERT_EQ(parsed.elements.size(), 1u);
  EXPECT_EQ(parsed.elements[0].text, std::optional<std::string>("1234"));
}

// pugixml stores an element's leading text in the element (parse_embed_pcdata); the texts after
// it must join in order, and whitespace-only texts (dropped by tinyxml2 9) read as nothing.
TEST_P(FlatProfileTest, TextsAroundCommentsCdataAndWhitespaceJoinInOrder) {
  ParsedProfile parsed = parse_ok(
      "<flat-profile><GPP_A>x<!-- c -->  </GPP_A><GPP_B>x<!-- c --> y </GPP_B>"
      "<GPP_C>x<![CDATA[y]]> </GPP_C><GPP_D><![CDATA[y]]>x<!-- c --> z</GPP_D>"
      "<GPP_E> x <!-- c --><!-- d -->\n</GPP_E><GPP_F>x<!-- c -->  <!-- d -->  </GPP_F>"
      "<GPP_G> <!-- c --> </GPP_G><GPP_H>a&amp;b<!-- c -->&lt;</GPP_H>"
      "<GPP_I>  </GPP_I><GPP_J> \v\f\t</GPP_J><GPP_K>x<!-- c -->\f<![CDATA[\v]]></GPP_K>"
      "</flat-profile>");
  ASSERT_EQ(parsed.elements.size(), 11u);
  EXPECT_EQ(parsed.elements[8].text, std::optional<std::string>(""));
  // tinyxml2 9 skips VT and FF as whitespace too (isspace); pugixml keeps them as text.
  EXPECT_EQ(parsed.elements[9].text, std::optional<std::string>(""));
  EXPECT_EQ(parsed.elements[10].text, std::optional<std::string>("x\v"));
  EXPECT_EQ(parsed.elements[0].text, std::optional<std::string>("x"));
  EXPECT_EQ(parsed.elements[1].text, std::optional<std::string>("x y "));
  EXPECT_EQ(parsed.elements[2].text, std::optional<std::string>("xy"));
  EXPECT_EQ(parsed.elements[3].text, std::optional<std::string>("yx z"));
  EXPECT_EQ(parsed.elements[4].text, std::optional<std::string>(" x "));
  EXPECT_EQ(parsed.elements[5].text, std::optional<std::string>("x"));
  EXPECT_EQ(parsed.elements[6].text, std::optional<std::string>(""));
  EXPECT_EQ(parsed.elements[7].text, std::optional<std::string>("a&b<"));
}

TEST_P(FlatProfileTest, EmptyElementsGiveEmptyText) {
  ParsedProfile parsed = parse_ok("<flat-profile><GPP_A/><GPP_B></GPP_B></flat-profile>");
  ASSERT_EQ(parsed.elements.size(), 2u);
  EXPECT_EQ(parsed.elements[0].text, std::optional<std::string>(""));
  EXPECT_EQ(parsed.elements[1].text, std::optional<std::string>(""));
}

TEST_P(FlatProfileTest, EmptyElementWithOnlyUaChangesOnlyAccess) {
  ParsedProfile parsed = parse_ok(
      "<flat-profile><Profile_Rule_B ua=\"na\"/><Profile_Rule_C ua=\"rw\"></Profile_Rule_C>"
      "<Profile_Rule_D ua=\"ro\">  \n </Profile_Rule_D></flat-profile>");
  ASSERT_EQ(parsed.elements.size(), 3u);
  EXPECT_FALSE(parsed.elements[0].text.has_value());
  EXPECT_EQ(parsed.elements[0].access, std::optional<Access>(Access::NoAccess));
  EXPECT_FALSE(parsed.elements[1].text.has_value());
  EXPECT_EQ(parsed.elements[1].access, std::optional<Access>(Access::ReadWrite));
  EXPECT_FALSE(parsed.elements[2].text.has_value());
  EXPECT_EQ(parsed.elements[2].access, std::optional<Access>(Access::ReadOnly));
}

TEST_P(FlatProfileTest, KeepsRawTextForTheValidator) {
  ParsedProfile parsed = parse_ok("<flat-profile>\n  <GPP_A> 12345678\n</GPP_A>\n</flat-profile>");
  ASSERT_EQ(parsed.elements.size(), 1u);
  EXPECT_EQ(parsed.elements[0].text, std::optional<std::string>(" 12345678\n"));
}

// Texts without CR are read where the parser left them; with one, through the parser's newline
// normalization. Both must give the XML line ends (CR LF and a lone CR become LF).
TEST_P(FlatProfileTest, NormalizesLineEndsInTexts) {
  ParsedProfile parsed = parse_ok(
      "<flat-profile>\r\n<GPP_A>a\r\nb\rc</GPP_A>\r\n<GPP_B>d\ne</GPP_B>"
      "<GPP_C><![CDATA[f\r\ng]]></GPP_C>\r\n<GPP_D ua=\"rw\">h</GPP_D></flat-profile>");
  ASSERT_EQ(parsed.elements.size(), 4u);
  EXPECT_EQ(parsed.elements[0].text, std::optional<std::string>("a\nb\nc"));
  EXPECT_EQ(parsed.elements[0].line, 2);
  EXPECT_EQ(parsed.elements[1].text, std::optional<std::string>("d\ne"));
  EXPECT_EQ(parsed.elements[2].text, std::optional<std::string>("f\ng"));
  EXPECT_EQ(parsed.elements[3].text, std::optional<std::string>("h"));
  EXPECT_EQ(parsed.elements[3].line, 7);  // lines end at LF
}

// tinyxml2 9 also reads LF CR as one line end (XML and pugixml's parse_eol: two); the pugixml
// reader follows tinyxml2, in texts, CDATA and attribute values.
TEST_P(FlatProfileTest, LfCrIsOneLineEndAsTinyxml2ReadsIt) {
  ParsedProfile parsed = parse_ok(
      "<flat-profile>\n\r<GPP_A>a\n\rb\r\n\rc\n\r\n</GPP_A><GPP_B><![CDATA[d\n\re]]>f\n\r</GPP_B>"
      "\n\r\n<GPP_C ua=\"r\n\rw\">g</GPP_C>\n<GPP_D>h&#13;\n</GPP_D></flat-profile>");
  ASSERT_EQ(parsed.elements.size(), 3u);
  EXPECT_EQ(parsed.elements[0].text, std::optional<std::string>("a\nb\n\nc\n\n"));
  EXPECT_EQ(parsed.elements[1].text, std::optional<std::string>("d\nef\n"));
  EXPECT_EQ(parsed.elements[2].text, std::optional<std::string>("h\r\n"));  // decoded after
  EXPECT_EQ(parsed.elements[2].line, 12);  // the LF inside GPP_C's `ua` counts
  ASSERT_EQ(parsed.invalid_elements.listed.size(), 1u);
  EXPECT_EQ(parsed.invalid_elements.listed[0].line, 10);
  EXPECT_EQ(parsed.invalid_elements.listed[0].error.detail,
            "line 10: <GPP_C>: ua 'r\\x0aw' is not na, ro or rw");
}

TEST_P(FlatProfileTest, DecodesEntitiesAndCdata) {
  ParsedProfile parsed = parse_ok(
      "<flat-profile><GPP_A>&amp;&lt;&gt;&apos;&quot;&#40;&#x2e;</GPP_A>"
      "<GPP_B><![CDATA[<raw & text>]]></GPP_B></flat-profile>");
  ASSERT_EQ(parsed.elements.size(), 2u);
  EXPECT_EQ(parsed.elements[0].text, std::optional<std::string>("&<>'\"(."));
  EXPECT_EQ(parsed.elements[1].text, std::optional<std::string>("<raw & text>"));
}

TEST_P(FlatProfileTest, KeepsUnknownEntitiesAndBadReferencesAsWritten) {
  // tinyxml2 9 itself would leave a stale byte in place of "&et;"; the reader decodes entities
  // itself, the same way for both parsers.
  ParsedProfile parsed = parse_ok(
      "<flat-profile><GPP_A>&amp;&lt;&et;&#74;&#}2e&#0;&#xD800;&#x110000;&</GPP_A></flat-profile>");
  ASSERT_EQ(parsed.elements.size(), 1u);
  EXPECT_EQ(parsed.elements[0].text,
            std::optional<std::string>("&<&et;J&#}2e&#0;&#xD800;&#x110000;&"));
}

TEST_P(FlatProfileTest, DecodesReferencesToUtf8AndAcrossTextParts) {
  ParsedProfile parsed = parse_ok(
      "<flat-profile><GPP_A>&#xe4;&#8364;&#x1F600;</GPP_A>"
      "<GPP_B>a&amp;<![CDATA[&amp;]]><!-- c -->&lt;b</GPP_B>"
      "<GPP_C ua=\"&#114;w\">x</GPP_C></flat-profile>");
  ASSERT_EQ(parsed.elements.size(), 3u);
  EXPECT_EQ(parsed.elements[0].text,
            std::optional<std::string>("\xc3\xa4\xe2\x82\xac\xf0\x9f\x98\x80"));
  EXPECT_EQ(parsed.elements[1].text, std::optional<std::string>("a&&amp;<b"));
  EXPECT_EQ(parsed.elements[2].access, std::optional<Access>(Access::ReadWrite));
}

TEST_P(FlatProfileTest, IgnoresGroupAttributes) {
  ParsedProfile parsed = parse_ok(
      "<flat-profile><Profile_Rule group=\"Provisioning/Configuration_Profile\">x</Profile_Rule>"
      "</flat-profile>");
  ASSERT_EQ(parsed.elements.size(), 1u);
  EXPECT_FALSE(parsed.elements[0].access.has_value());
}

TEST_P(FlatProfileTest, ReportsUnknownElementsWithLineNumbers) {
  ParsedProfile parsed = parse_ok(
      "<flat-profile>\n<GPP_A>1</GPP_A>\n<No_Such_Thing>2</No_Such_Thing>\n<gpp_a>3</gpp_a>\n"
      "</flat-profile>");
  ASSERT_EQ(parsed.elements.size(), 1u);
  ASSERT_EQ(parsed.unknown_elements.count, 2u);
  EXPECT_EQ(parsed.unknown_elements.listed[0].name, "No_Such_Thing");
  EXPECT_EQ(parsed.unknown_elements.listed[0].line, 3);
  EXPECT_EQ(parsed.unknown_elements.listed[0].error.code, ErrorCode::UnknownParameter);
  EXPECT_EQ(parsed.unknown_elements.listed[0].error.to_string(),
            "unknown parameter: line 3: <No_Such_Thing>");
  EXPECT_EQ(parsed.unknown_elements.listed[1].name, "gpp_a");
  EXPECT_EQ(parsed.unknown_elements.listed[1].line, 4);
}

// The pugixml reader counts lines itself (pugixml keeps none): every listed element's line,
// after runs of 0 to 10 newlines and texts of 0 to 12 bytes with CR LF and lone LFs inside, must
// be the line its start tag is on, as tinyxml2 records it.
TEST_P(FlatProfileTest, LineNumbersOfListedIssuesAtEveryNewlineOffset) {
  std::string xml = "<flat-profile>";
  std::vector<int> lines;
  int line = 1;
  for (int i = 0; i < 60; ++i) {
    const int newlines = i % 11;
    xml.append(static_cast<std::size_t>(newlines), '\n');
    line += newlines;
    lines.push_back(line);
    const std::string text = std::string(static_cast<std::size_t>(i % 13), 'x') +
                             (i % 3 == 0 ? "\r\ny" : i % 3 == 1 ? "\n" : "");
    xml += "<Unknown_" + std::to_string(i) + ">" + text + "</Unknown_" + std::to_string(i) + ">";
    line += i % 3 == 2 ? 0 : 1;
  }
  xml += "</flat-profile>";
  ProfileLimits limits;
  limits.issues_listed_max = kIssuesListedAll;
  auto parsed = parse(xml, limits);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().to_string();
  ASSERT_EQ(parsed->unknown_elements.listed.size(), lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i)
    EXPECT_EQ(parsed->unknown_elements.listed[i].line, lines[i]) << "element " << i;
}

// Far into a long profile: more than 255 eight-byte words (the pugixml reader's line count sums
// its per-byte counts in blocks of 255 words) of short lines, one long line (a comment) and
// thousands of empty ones.
TEST_P(FlatProfileTest, LineNumberFarIntoALongProfile) {
  std::string xml = "<flat-profile>\n";
  for (int i = 0; i < 5000; ++i) xml += "<GPP_A>x</GPP_A>\n";
  xml += "<!-- " + std::string(10'000, 'y') + " -->\n\n";
  xml += std::string(4000, '\n');  // every byte an LF: each lane counts one per word
  xml += "<No_Such_Thing>1</No_Such_Thing></flat-profile>";
  ParsedProfile parsed = parse_ok(xml);
  ASSERT_EQ(parsed.unknown_elements.listed.size(), 1u);
  EXPECT_EQ(parsed.unknown_elements.listed[0].line, 9004);
}

TEST_P(FlatProfileTest, ReportsBadUaAndSkipsTheElement) {
  ParsedProfile parsed =
      parse_ok("<flat-profile>\n<GPP_A ua=\"xx\">1</GPP_A><GPP_B ua=\"\">2</GPP_B></flat-profile>");
  EXPECT_TRUE(parsed.elements.empty());
  ASSERT_EQ(parsed.invalid_elements.count, 2u);
  EXPECT_EQ(parsed.invalid_elements.listed[0].error.code, ErrorCode::InvalidValue);
  EXPECT_EQ(parsed.invalid_elements.listed[0].error.detail,
            "line 2: <GPP_A>: ua 'xx' is not na, ro or rw");
}

TEST_P(FlatProfileTest, ReportsChildElementsInsideAParameter) {
  ParsedProfile parsed = parse_ok("<flat-profile><GPP_A>1<b>2</b></GPP_A></flat-profile>");
  EXPECT_TRUE(parsed.elements.empty());
  ASSERT_EQ(parsed.invalid_elements.count, 1u);
  EXPECT_EQ(parsed.invalid_elements.listed[0].error.detail, "line 1: <GPP_A>: contains child elements");
}

TEST_P(FlatProfileTest, MalformedXmlIsParseErrorWithLine) {
  auto parsed = parse("<flat-profile>\n<GPP_A>1</GPP_B>\n</flat-profile>");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().code, ErrorCode::ParseError);
  // The parser's own wording follows the line (tinyxml2: "XML_ERROR_...").
  const std::string_view expected =
      current_parser == XmlParser::Tinyxml2 ? "line 2: XML_ERROR" : "line 2: ";
  EXPECT_EQ(parsed.error().detail.rfind(expected, 0), 0u) << parsed.error().detail;
}

TEST_P(FlatProfileTest, UnescapedAngleBracketInValueIsParseError) {
  // The guide's "http://<server ip address>/..." placeholder is not literal XML.
  EXPECT_EQ(parse_error("<flat-profile><Upgrade_Rule ua=\"na\">http://<server ip address>/x"
                        "</Upgrade_Rule></flat-profile>"),
            ErrorCode::ParseError);
}

TEST_P(FlatProfileTest, NoFlatProfileIsParseError) {
  auto parsed = parse("<profile><GPP_A>1</GPP_A></profile>");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().code, ErrorCode::ParseError);
  EXPECT_EQ(parsed.error().detail, "no <flat-profile> element");
}

TEST_P(FlatProfileTest, EmptyAndBinaryInputAreParseErrors) {
  EXPECT_EQ(parse_error(""), ErrorCode::ParseError);
  EXPECT_EQ(parse_error("   \n"), ErrorCode::ParseError);
  EXPECT_EQ(parse_error("Salted__\x01\x02"), ErrorCode::ParseError);
  static constexpr char kWithNul[] = "<flat-profile>\n<GPP_A>1\0</GPP_A></flat-profile>";
  auto nul = parse(std::string_view(kWithNul, sizeof(kWithNul) - 1));
  ASSERT_FALSE(nul.has_value());
  EXPECT_EQ(nul.error().code, ErrorCode::ParseError);
  EXPECT_EQ(nul.error().detail, "line 2: NUL byte");
}

TEST_P(FlatProfileTest, ProfileBytesAtAndPastTheLimit) {
  const std::string xml = profile_with_elements(3);
  ProfileLimits limits;
  limits.profile_bytes_max = xml.size();
  EXPECT_TRUE(parse(xml, limits).has_value());
  limits.profile_bytes_max = xml.size() - 1;
  auto parsed = parse(xml, limits);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().code, ErrorCode::ProfileTooLarge);
}

TEST_P(FlatProfileTest, DefaultProfileBytesLimit) {
  std::string xml = "<flat-profile><GPP_A>x</GPP_A></flat-profile>";
  xml += std::string(kProfileBytesMax - xml.size(), ' ');
  EXPECT_TRUE(parse(xml).has_value());
  EXPECT_EQ(parse_error(xml + " "), ErrorCode::ProfileTooLarge);
}

TEST_P(FlatProfileTest, XmlDepthAtAndPastTheLimit) {
  ProfileLimits limits;
  limits.xml_depth_max = 5;
  EXPECT_TRUE(parse(profile_at_depth(5), limits).has_value());
  EXPECT_EQ(parse_error(profile_at_depth(6), limits), ErrorCode::ProfileTooDeep);
  EXPECT_TRUE(parse(profile_at_depth(kXmlDepthMax)).has_value());
  EXPECT_EQ(parse_error(profile_at_depth(kXmlDepthMax + 1)), ErrorCode::ProfileTooDeep);
}

TEST_P(FlatProfileTest, DepthBeyondTinyxml2GuardIsStillTooDeep) {
  ProfileLimits limits;
  limits.xml_depth_max = 100'000;
  EXPECT_EQ(parse_error(profile_at_depth(1000), limits), ErrorCode::ProfileTooDeep);
  // The guard's exact edge (tinyxml2 9: 98 levels), which the pugixml reader mirrors.
  EXPECT_TRUE(parse(profile_at_depth(98), limits).has_value());
  EXPECT_EQ(parse_error(profile_at_depth(99), limits), ErrorCode::ProfileTooDeep);
}

TEST_P(FlatProfileTest, XmlElementsAtAndPastTheLimit) {
  ProfileLimits limits;
  limits.xml_elements_max = 11;  // <flat-profile> plus ten parameters
  EXPECT_TRUE(parse(profile_with_elements(10), limits).has_value());
  EXPECT_EQ(parse_error(profile_with_elements(11), limits), ErrorCode::ProfileTooManyElements);
  EXPECT_TRUE(parse(profile_with_elements(kXmlElementsMax - 1)).has_value());
  EXPECT_EQ(parse_error(profile_with_elements(kXmlElementsMax)), ErrorCode::ProfileTooManyElements);
}

TEST_P(FlatProfileTest, ValueBytesAtAndPastTheLimit) {
  ProfileLimits limits;
  limits.value_bytes_max = 8;
  EXPECT_TRUE(parse("<flat-profile><GPP_A>12345678</GPP_A></flat-profile>", limits).has_value());
  auto parsed = parse("<flat-profile>\n<GPP_A>123456789</GPP_A></flat-profile>", limits);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().code, ErrorCode::ValueTooLong);
  EXPECT_EQ(parsed.error().detail, "line 2: <GPP_A>: 9 bytes of text exceed value_bytes_max (8)");
  // Unknown elements are bounded too.
  EXPECT_EQ(parse_error("<flat-profile><Foo>123456789</Foo></flat-profile>", limits),
            ErrorCode::ValueTooLong);
}

// The text of an unknown element is read only when its raw parts could exceed the limit; the
// limit still applies to the decoded, joined text, as for a known element.
TEST_P(FlatProfileTest, UnknownElementTextIsMeasuredDecodedAndJoined) {
  ProfileLimits limits;
  limits.value_bytes_max = 8;
  // 20 raw bytes, 8 once the entities are decoded: within the limit.
  EXPECT_TRUE(parse("<flat-profile><Foo>&lt;&lt;&lt;&lt;abcd</Foo></flat-profile>", limits)
                  .has_value());
  // Parts of 5 and 4 bytes joined across a CDATA section and a comment: 9 bytes.
  EXPECT_EQ(parse_error("<flat-profile><Foo>abcde<![CDATA[fg]]><!-- c -->hi</Foo></flat-profile>",
                        limits),
            ErrorCode::ValueTooLong);
  auto parsed = parse("<flat-profile><Foo>abcde<![CDATA[fg]]><!-- c -->h</Foo>\n"
                      "<GPP_A>x</GPP_A></flat-profile>",
                      limits);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().to_string();
  EXPECT_EQ(parsed->unknown_elements.count, 1u);
  ASSERT_EQ(parsed->elements.size(), 1u);
  EXPECT_EQ(parsed->elements[0].line, 2);
  // A known element's limit applies to its decoded text too.
  EXPECT_TRUE(parse("<flat-profile><GPP_A>&amp;&amp;&amp;12345</GPP_A></flat-profile>", limits)
                  .has_value());
}

// Elements inside an unknown element (whose content is never read) are still counted and
// checked for depth, and are not parameters.
TEST_P(FlatProfileTest, ChildrenOfUnknownElementsCountTowardsTheLimits) {
  const std::string xml =
      "<flat-profile><Foo ua=\"rw\"><GPP_A>1</GPP_A><Bar><GPP_B>2</GPP_B></Bar></Foo>"
      "<GPP_C>3</GPP_C></flat-profile>";
  ParsedProfile parsed = parse_ok(xml);
  EXPECT_EQ(parsed.unknown_elements.count, 1u);
  ASSERT_EQ(parsed.elements.size(), 1u);
  EXPECT_EQ(parsed.elements[0].id, id("GPP_C"));
  ProfileLimits limits;
  limits.xml_elements_max = 5;  // six elements
  EXPECT_EQ(parse_error(xml, limits), ErrorCode::ProfileTooManyElements);
  limits = {};
  limits.xml_depth_max = 3;  // <GPP_B> is at level 4
  EXPECT_EQ(parse_error(xml, limits), ErrorCode::ProfileTooDeep);
}

// '&' found at every position of texts up to 20 bytes (the scan reads eight bytes at a time).
TEST(FlatProfileEntitiesTest, AmpersandFoundAtEveryPosition) {
  for (std::size_t size = 0; size <= 20; ++size) {
    const std::string plain(size, 'a');
    EXPECT_FALSE(has_entities(plain)) << size;
    for (std::size_t at = 0; at < size; ++at) {
      std::string text = plain;
      text[at] = '&';
      EXPECT_TRUE(has_entities(text)) << size << " " << at;
      text[at] = static_cast<char>('&' + 0x80);  // the same low bits, not an ampersand
      EXPECT_FALSE(has_entities(text)) << size << " " << at;
    }
  }
}

TEST_P(FlatProfileTest, LongUnknownNamesAreTruncatedInReports) {
  const std::string name(500, 'Q');
  ParsedProfile parsed = parse_ok("<flat-profile><" + name + "/></flat-profile>");
  ASSERT_EQ(parsed.unknown_elements.count, 1u);
  EXPECT_EQ(parsed.unknown_elements.listed[0].name, std::string(kQuotedValueBytesMax, 'Q') + "...");
}

}  // namespace
}  // namespace fw
