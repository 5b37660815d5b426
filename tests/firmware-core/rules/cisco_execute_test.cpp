#include "firmware-core/rules/cisco_execute.h"

#include <gtest/gtest.h>

#include <string>

namespace fw {
namespace {

void expect_refused(Result<std::vector<ExecuteItem>> parsed, std::string_view detail_part) {
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, ErrorCode::ExecuteSyntax);
  EXPECT_NE(parsed.error().detail.find(detail_part), std::string::npos) << parsed.error().detail;
}

TEST(CiscoExecuteTest, ParsesResyncItemWithRuleFromForm) {
  // What `curl --data-urlencode 'XML=<...>'` sends.
  auto items = parse_execute_form(
      "XML=%3CCiscoIPPhoneExecute%3E%3CExecuteItem+URL%3D%22Resync%3A%5B--key+k%5Dhttp%3A%2F%2F"
      "10.0.0.1%2Fp.cfg%22%2F%3E%3C%2FCiscoIPPhoneExecute%3E");
  ASSERT_TRUE(items) << items.error().to_string();
  ASSERT_EQ(items->size(), 1u);
  EXPECT_TRUE((*items)[0].is_resync);
  EXPECT_EQ((*items)[0].resync_rule, "[--key k]http://10.0.0.1/p.cfg");
  EXPECT_EQ((*items)[0].url, "Resync:[--key k]http://10.0.0.1/p.cfg");
}

TEST(CiscoExecuteTest, AcceptsProductNamedRootPriorityAndOtherFormFields) {
  auto items = parse_execute_form(
      "B1=x&XML=<CP-8841-3PCCExecute><ExecuteItem Priority=\"1\" URL=\"Resync:\"/>"
      "<ExecuteItem URL=\"Key:Settings\"/></CP-8841-3PCCExecute>");
  ASSERT_TRUE(items) << items.error().to_string();
  ASSERT_EQ(items->size(), 2u);
  EXPECT_TRUE((*items)[0].is_resync);
  EXPECT_FALSE((*items)[0].resync_rule);  // the stored rules
  EXPECT_EQ((*items)[0].priority, 1u);
  EXPECT_FALSE((*items)[1].is_resync);
}

TEST(CiscoExecuteTest, RejectsMalformedBodies) {
  expect_refused(parse_execute_form("xml=<x/>"), "no XML= form field");
  expect_refused(parse_execute_form("XML=%ZZ"), "XML field: at ");
  expect_refused(parse_execute_form("XML=<CiscoIPPhoneExecute>"), "not well-formed XML");
  expect_refused(parse_execute_object("<CiscoIPPhoneText/>"), "root element");
  expect_refused(parse_execute_object("<CiscoIPPhoneExecute/>"), "no ExecuteItem");
  expect_refused(parse_execute_object("<CiscoIPPhoneExecute><Item URL=\"Resync:\"/>"
                                      "</CiscoIPPhoneExecute>"),
                 "other than ExecuteItem");
  expect_refused(parse_execute_object("<CiscoIPPhoneExecute><ExecuteItem/></CiscoIPPhoneExecute>"),
                 "has no URL");
  expect_refused(parse_execute_object("<CiscoIPPhoneExecute><ExecuteItem Priority=\"3\" "
                                      "URL=\"Resync:\"/></CiscoIPPhoneExecute>"),
                 "Priority");
  // The facts file quotes the MPP form with an unquoted attribute: not XML, refused.
  expect_refused(parse_execute_object("<CiscoIPPhoneExecute><ExecuteItem URL=Resync:/>"
                                      "</CiscoIPPhoneExecute>"),
                 "not well-formed XML");
}

TEST(CiscoExecuteTest, LimitsItemsAndBodySizeAtAndPastTheLimit) {
  std::string three = "<CiscoIPPhoneExecute>";
  for (std::size_t i = 0; i < kExecuteItemsMax; ++i) three += "<ExecuteItem URL=\"Resync:\"/>";
  EXPECT_TRUE(parse_execute_object(three + "</CiscoIPPhoneExecute>"));
  expect_refused(parse_execute_object(three + "<ExecuteItem URL=\"Resync:\"/></CiscoIPPhoneExecute>"),
                 "execute_items_max");

  std::string body = "XML=<CiscoIPPhoneExecute><ExecuteItem URL=\"Resync:\"/></CiscoIPPhoneExecute>";
  body += std::string(kExecuteBodyBytesMax - body.size(), ' ');
  EXPECT_TRUE(parse_execute_form(body));
  expect_refused(parse_execute_form(body + " "), "execute_body_bytes_max");
}

TEST(CiscoExecuteTest, RendersResponseAndError) {
  EXPECT_EQ(execute_response_xml({{"Resync:a&b", true}, {"Key:Settings", false}}),
            "<CiscoIPPhoneResponse>\n"
            "<ResponseItem Status=\"0\" Data=\"Success\" URL=\"Resync:a&amp;b\"/>\n"
            "<ResponseItem Status=\"1\" Data=\"Unsupported URL\" URL=\"Key:Settings\"/>\n"
            "</CiscoIPPhoneResponse>\n");
  EXPECT_EQ(execute_error_xml(), "<CiscoIPPhoneError Number=\"1\"/>\n");
}

}  // namespace
}  // namespace fw
