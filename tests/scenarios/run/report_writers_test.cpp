#include "scenarios/run/report_writers.h"

#include <gtest/gtest.h>
#include <tinyxml2.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "tests/scenarios/run/sample_run_report.h"

namespace scn {
namespace {

// A strict JSON reader (RFC 8259): what any tool reading the summary accepts, nothing more. Keeps
// objects, arrays, strings (decoded) and the raw text of numbers and literals.
struct JsonValue {
  enum class Type { Object, Array, String, Number, Literal } type = Type::Literal;
  std::string text;  // decoded string, number text or true/false/null
  std::vector<std::pair<std::string, JsonValue>> members;
  std::vector<JsonValue> elements;

  const JsonValue* find(std::string_view key) const {
    for (const auto& [name, value] : members) {
      if (name == key)
        return &value;
    }
    return nullptr;
  }
};

class StrictJsonReader {
 public:
  explicit StrictJsonReader(std::string_view text) : text_(text) {}

  // The document's value, or nullptr with error() saying where it went wrong.
  std::unique_ptr<JsonValue> read() {
    auto value = std::make_unique<JsonValue>();
    if (!value_into(*value, 0))
      return nullptr;
    skip_space();
    if (position_ != text_.size()) {
      failed("trailing text");
      return nullptr;
    }
    return value;
  }
  const std::string& error() const { return error_; }

 private:
  static constexpr int kDepthMax = 64;

  bool failed(std::string_view why) {
    if (error_.empty())
      error_ = std::string(why) + " at " + std::to_string(position_);
    return false;
  }
  void skip_space() {
    while (position_ < text_.size() && (text_[position_] == ' ' || text_[position_] == '\n' ||
                                        text_[position_] == '\r' || text_[position_] == '\t')) {
      ++position_;
    }
  }
  bool consume(char c) {
    skip_space();
    if (position_ < text_.size() && text_[position_] == c) {
      ++position_;
      return true;
    }
    return false;
  }
  bool value_into(JsonValue& value, int depth) {
    if (depth > kDepthMax)
      return failed("too deep");
    skip_space();
    if (position_ >= text_.size())
      return failed("value expected");
    const char c = text_[position_];
    if (c == '{') {
      ++position_;
      value.type = JsonValue::Type::Object;
      if (consume('}'))
        return true;
      do {
        skip_space();
        std::string key;
        if (!string_into(key))
          return false;
        if (!consume(':'))
          return failed("':' expected");
        JsonValue member;
        if (!value_into(member, depth + 1))
          return false;
        value.members.emplace_back(std::move(key), std::move(member));
      } while (consume(','));
      return consume('}') || failed("'}' expected");
    }
    if (c == '[') {
      ++position_;
      value.type = JsonValue::Type::Array;
      if (consume(']'))
        return true;
      do {
        JsonValue element;
        if (!value_into(element, depth + 1))
          return false;
        value.elements.push_back(std::move(element));
      } while (consume(','));
      return consume(']') || failed("']' expected");
    }
    if (c == '"') {
      value.type = JsonValue::Type::String;
      return string_into(value.text);
    }
    for (const std::string_view literal : {"true", "false", "null"}) {
      if (text_.substr(position_).starts_with(literal)) {
        value.type = JsonValue::Type::Literal;
        value.text = literal;
        position_ += literal.size();
        return true;
      }
    }
    value.type = JsonValue::Type::Number;
    return number_into(value.text);
  }
  bool digits() {
    const std::size_t start = position_;
    while (position_ < text_.size() && text_[position_] >= '0' && text_[position_] <= '9') {
      ++position_;
    }
    return position_ > start;
  }
  bool number_into(std::string& out) {
    const std::size_t start = position_;
    if (position_ < text_.size() && text_[position_] == '-')
      ++position_;
    if (position_ < text_.size() && text_[position_] == '0') {
      ++position_;
    } else if (!digits()) {
      return failed("number expected");
    }
    if (position_ < text_.size() && text_[position_] == '.') {
      ++position_;
      if (!digits())
        return failed("digits expected after '.'");
    }
    if (position_ < text_.size() && (text_[position_] == 'e' || text_[position_] == 'E')) {
      ++position_;
      if (position_ < text_.size() && (text_[position_] == '+' || text_[position_] == '-')) {
        ++position_;
      }
      if (!digits())
        return failed("exponent digits expected");
    }
    out = text_.substr(start, position_ - start);
    return true;
  }
  bool string_into(std::string& out) {
    if (position_ >= text_.size() || text_[position_] != '"')
      return failed("string expected");
    ++position_;
    while (position_ < text_.size()) {
      const auto byte = static_cast<std::uint8_t>(text_[position_]);
      if (byte == '"') {
        ++position_;
        return true;
      }
      if (byte < 0x20)
        return failed("raw control character in string");
      if (byte == '\\') {
        if (++position_ >= text_.size())
          return failed("escape expected");
        const char escape = text_[position_++];
        const std::string_view simple = "\"\\/bfnrt";
        const std::string_view meaning = "\"\\/\b\f\n\r\t";
        if (const std::size_t k = simple.find(escape); k != std::string_view::npos) {
          out += meaning[k];
        } else if (escape == 'u') {
          if (position_ + 4 > text_.size())
            return failed("\\u needs four hex digits");
          std::uint32_t code_unit = 0;
          for (int digit_count = 0; digit_count < 4; ++digit_count) {
            const char h = text_[position_++];
            const std::string_view hex = "0123456789abcdef";
            const std::size_t digit = hex.find(static_cast<char>(h | 0x20));
            if (digit == std::string_view::npos)
              return failed("bad hex digit");
            code_unit = code_unit * 16 + static_cast<std::uint32_t>(digit);
          }
          if (code_unit >= 0x80)
            return failed("test reader decodes only ASCII \\u escapes");
          out += static_cast<char>(code_unit);
        } else {
          return failed("unknown escape");
        }
        continue;
      }
      if (byte >= 0x80 && !utf8_into(out))
        return false;
      if (byte < 0x80)
        out += text_[position_++];
    }
    return failed("unterminated string");
  }
  bool utf8_into(std::string& out) {
    const auto lead = static_cast<std::uint8_t>(text_[position_]);
    const std::size_t length = (lead & 0xE0) == 0xC0   ? 2
                               : (lead & 0xF0) == 0xE0 ? 3
                               : (lead & 0xF8) == 0xF0 ? 4
                                                       : 0;
    if (length == 0 || lead == 0xC0 || lead == 0xC1 || lead > 0xF4 ||
        position_ + length > text_.size()) {
      return failed("invalid UTF-8");
    }
    for (std::size_t k = 1; k < length; ++k) {
      if ((static_cast<std::uint8_t>(text_[position_ + k]) & 0xC0) != 0x80) {
        return failed("invalid UTF-8 continuation");
      }
    }
    out += text_.substr(position_, length);
    position_ += length;
    return true;
  }

  std::string_view text_;
  std::size_t position_ = 0;
  std::string error_;
};

std::unique_ptr<JsonValue> read_json(const std::string& text) {
  StrictJsonReader reader(text);
  auto value = reader.read();
  EXPECT_NE(value, nullptr) << reader.error() << "\n" << text;
  return value;
}

TEST(StrictJsonReaderTest, RejectsWhatJsonForbids) {
  for (const std::string_view bad :
       {"{\"a\": 1,}", "[1 2]", "{\"a\": 01}", "\"tab\there\"", "{'a': 1}", "[1.]", "\"\\x\"",
        "\"\xC3\"", "nul", "{\"a\": 1} x"}) {
    StrictJsonReader reader(bad);
    EXPECT_EQ(reader.read(), nullptr) << bad;
  }
  StrictJsonReader reader(R"({"a": [1, -2.5e3, true, null, {"b": "c\n\u0041"}]})");
  const auto value = reader.read();
  ASSERT_NE(value, nullptr) << reader.error();
  EXPECT_EQ(value->find("a")->elements[4].find("b")->text, "c\nA");
}

RunReport hostile_report() {
  RunReport report = testing::sample_run_report();
  report.scenario_name = "<script>alert(\"x\")</script> & 'quotes' \\ \x01\x7F tab\t \xFF\xC3";
  report.assertions[2].actual = "fewer <than> \"expected\" & \x02 more";
  report.assertions[2].evidence.push_back("line\nbreak and \xE2\x82\xAC euro");
  report.errors_by_err["weird \"$ERR\"\\"] = 3;
  return report;
}

TEST(JunitXmlTest, OneTestcasePerAssertionWithFailureDetails) {
  const RunReport report = testing::sample_run_report();
  const std::string xml = junit_xml(report);
  tinyxml2::XMLDocument document;
  ASSERT_EQ(document.Parse(xml.c_str(), xml.size()), tinyxml2::XML_SUCCESS) << xml;
  const auto* suites = document.FirstChildElement("testsuites");
  ASSERT_NE(suites, nullptr);
  const auto* suite = suites->FirstChildElement("testsuite");
  ASSERT_NE(suite, nullptr);
  EXPECT_STREQ(suite->Attribute("name"), "quickstart");
  EXPECT_EQ(suite->IntAttribute("tests"), 4);
  EXPECT_EQ(suite->IntAttribute("failures"), 1);
  EXPECT_EQ(suites->IntAttribute("failures"), 1);

  std::map<std::string, std::string> properties;
  for (const auto* property = suite->FirstChildElement("properties")->FirstChildElement("property");
       property != nullptr; property = property->NextSiblingElement("property")) {
    properties[property->Attribute("name")] = property->Attribute("value");
  }
  EXPECT_EQ(properties["seed"], "42");
  EXPECT_EQ(properties["trace_hash"], "9c2f5e0a41d7b3e8");
  EXPECT_EQ(properties["reproduce"], "phonesim run scenarios/quickstart.yaml --seed 42");
  EXPECT_EQ(properties["virtual_duration_s"], "86400");

  int testcases = 0;
  int failures = 0;
  for (const auto* testcase = suite->FirstChildElement("testcase"); testcase != nullptr;
       testcase = testcase->NextSiblingElement("testcase")) {
    EXPECT_STREQ(testcase->Attribute("classname"), "quickstart");
    EXPECT_STREQ(testcase->Attribute("file"), "quickstart.yaml");
    EXPECT_STREQ(testcase->Attribute("name"), report.assertions[testcases].name.c_str());
    EXPECT_EQ(testcase->IntAttribute("line"), 61 + 3 * testcases);
    if (const auto* failure = testcase->FirstChildElement("failure"); failure != nullptr) {
      ++failures;
      EXPECT_STREQ(failure->Attribute("message"), "97.3% (973 of 1000)");
      EXPECT_STREQ(failure->Attribute("type"), "converged");
      const std::string body = failure->GetText();
      EXPECT_NE(body.find("expected: 100% of 1000 phones"), std::string::npos) << body;
      EXPECT_NE(body.find("actual: 97.3% (973 of 1000)"), std::string::npos) << body;
      EXPECT_NE(body.find("  lobby[211] 00:0e:08:00:00:d4: last resync failed: tls handshake"),
                std::string::npos)
          << body;
    }
    ++testcases;
  }
  EXPECT_EQ(testcases, 4);
  EXPECT_EQ(failures, 1);
}

TEST(JunitXmlTest, HostileTextStaysWellFormed) {
  const std::string xml = junit_xml(hostile_report());
  tinyxml2::XMLDocument document;
  ASSERT_EQ(document.Parse(xml.c_str(), xml.size()), tinyxml2::XML_SUCCESS) << xml;
  const auto* suite = document.FirstChildElement("testsuites")->FirstChildElement("testsuite");
  EXPECT_STREQ(suite->Attribute("name"),
               "<script>alert(\"x\")</script> & 'quotes' \\ \xEF\xBF\xBD\xEF\xBF\xBD tab\t "
               "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(xml.find('\x01'), std::string::npos);
  EXPECT_EQ(xml.find("<script>"), std::string::npos);
}

TEST(JunitXmlTest, WhereWithoutLineKeepsTheFileOnly) {
  RunReport report;
  report.scenario_name = "s";
  report.assertions = {{"a", "parameter", "built-in", true, "x", "x", {}},
                       {"b", "parameter", "", true, "x", "x", {}}};
  const std::string xml = junit_xml(report);
  tinyxml2::XMLDocument document;
  ASSERT_EQ(document.Parse(xml.c_str(), xml.size()), tinyxml2::XML_SUCCESS);
  const auto* first = document.FirstChildElement("testsuites")
                          ->FirstChildElement("testsuite")
                          ->FirstChildElement("testcase");
  EXPECT_STREQ(first->Attribute("file"), "built-in");
  EXPECT_EQ(first->Attribute("line"), nullptr);
  EXPECT_EQ(first->NextSiblingElement("testcase")->Attribute("file"), nullptr);
}

TEST(JsonSummaryTest, IsValidJsonWithTheDocumentedFields) {
  const auto summary = read_json(json_summary(testing::sample_run_report()));
  ASSERT_NE(summary, nullptr);
  for (const std::string_view key : {"scenario", "seed", "passed", "phones", "events", "trace_hash",
                                     "reproduce", "virtual_duration_s", "assertions", "servers",
                                     "errors_by_err", "retry_histogram", "phones_converged"}) {
    EXPECT_NE(summary->find(key), nullptr) << key;
  }
  EXPECT_EQ(summary->find("scenario")->text, "quickstart");
  EXPECT_EQ(summary->find("seed")->text, "42");
  EXPECT_EQ(summary->find("passed")->text, "false");
  EXPECT_EQ(summary->find("virtual_duration_s")->text, "86400");
  EXPECT_EQ(summary->find("wall_seconds")->text, "3.217");
  const auto& assertions = summary->find("assertions")->elements;
  ASSERT_EQ(assertions.size(), 4u);
  EXPECT_EQ(assertions[2].find("passed")->text, "false");
  EXPECT_EQ(assertions[2].find("evidence")->elements.size(), 3u);
  ASSERT_EQ(summary->find("servers")->elements.size(), 3u);
  EXPECT_EQ(summary->find("servers")->elements[0].find("requests")->text, "16912");
  EXPECT_EQ(summary->find("errors_by_err")->find("tftp timeout")->text, "244");
  EXPECT_EQ(summary->find("retry_histogram")->find("5")->text, "8");
  EXPECT_EQ(summary->find("phones_converged")->text, "973");
}

TEST(JsonSummaryTest, HostileTextIsEscaped) {
  const RunReport report = hostile_report();
  const auto summary = read_json(json_summary(report));
  ASSERT_NE(summary, nullptr);
  EXPECT_EQ(summary->find("scenario")->text,
            "<script>alert(\"x\")</script> & 'quotes' \\ \xEF\xBF\xBD\xEF\xBF\xBD tab\t "
            "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(summary->find("assertions")->elements[2].find("evidence")->elements[3].text,
            "line\nbreak and \xE2\x82\xAC euro");
  EXPECT_EQ(summary->find("errors_by_err")->find("weird \"$ERR\"\\")->text, "3");
}

TEST(JsonSummaryTest, EmptyReportIsValid) {
  const auto summary = read_json(json_summary(RunReport{}));
  ASSERT_NE(summary, nullptr);
  EXPECT_EQ(summary->find("passed")->text, "true");
  EXPECT_TRUE(summary->find("assertions")->elements.empty());
  EXPECT_TRUE(summary->find("errors_by_err")->members.empty());
}

class WriteReportsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = std::filesystem::path(::testing::TempDir()) /
                 ("report_writers_" +
                  std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(directory_);
    std::filesystem::create_directories(directory_);
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  static std::string read_text(const std::filesystem::path& path) {
    std::ifstream stream(path, std::ios::binary);
    std::ostringstream text;
    text << stream.rdbuf();
    return text.str();
  }

  std::filesystem::path directory_;
};

TEST_F(WriteReportsTest, WritesEachRequestedReportAndCreatesTheDirectory) {
  const RunReport report = testing::sample_run_report();
  ReportPaths paths;
  paths.junit_file = directory_ / "junit.xml";
  paths.json_file = directory_ / "summary.json";
  paths.report_directory = directory_ / "nested" / "report";
  ASSERT_TRUE(write_reports(report, paths));
  EXPECT_EQ(read_text(directory_ / "junit.xml"), junit_xml(report));
  EXPECT_EQ(read_text(directory_ / "summary.json"), json_summary(report));
  EXPECT_EQ(read_text(directory_ / "nested" / "report" / "index.html"), html_report(report));
}

TEST_F(WriteReportsTest, NoPathsWritesNothing) {
  ASSERT_TRUE(write_reports(testing::sample_run_report(), ReportPaths{}));
  EXPECT_TRUE(std::filesystem::is_empty(directory_));
}

TEST_F(WriteReportsTest, UnwritablePathsAreOutputWriteFailed) {
  std::ofstream(directory_ / "plain-file") << "x";
  ReportPaths directory_under_file;
  directory_under_file.report_directory = directory_ / "plain-file" / "report";
  const auto no_directory = write_reports(testing::sample_run_report(), directory_under_file);
  ASSERT_FALSE(no_directory);
  EXPECT_EQ(no_directory.error().code, fw::ErrorCode::OutputWriteFailed);
  EXPECT_NE(no_directory.error().detail.find("plain-file/report: cannot create directory"),
            std::string::npos)
      << no_directory.error().detail;

  ReportPaths file_in_missing_directory;
  file_in_missing_directory.json_file = directory_ / "missing" / "summary.json";
  const auto no_file = write_reports(testing::sample_run_report(), file_in_missing_directory);
  ASSERT_FALSE(no_file);
  EXPECT_EQ(no_file.error().code, fw::ErrorCode::OutputWriteFailed);
  EXPECT_NE(no_file.error().detail.find("summary.json: cannot open for writing"), std::string::npos)
      << no_file.error().detail;
}

}  // namespace
}  // namespace scn
