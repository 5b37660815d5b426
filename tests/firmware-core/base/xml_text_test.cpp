#include "firmware-core/base/xml_text.h"

#include <gtest/gtest.h>

namespace fw {
namespace {

TEST(XmlTextTest, ContentEscapesMarkupButKeepsQuotes) {
  EXPECT_EQ(xml_text("a & b < c > d \"e\" 'f'"), "a &amp; b &lt; c &gt; d \"e\" 'f'");
  EXPECT_EQ(xml_text(""), "");
}

TEST(XmlTextTest, AttributeEscapesQuotesToo) {
  EXPECT_EQ(xml_attribute("Resync:http://s/p?a=1&b=\"2\""), "Resync:http://s/p?a=1&amp;b=&quot;2&quot;");
}

TEST(XmlTextTest, AppendsToWhatIsThere) {
  std::string out = "<a>";
  append_xml_text(out, "1<2");
  EXPECT_EQ(out, "<a>1&lt;2");
}

}  // namespace
}  // namespace fw
