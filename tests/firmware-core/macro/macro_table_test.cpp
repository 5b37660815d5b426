#include "firmware-core/macro/macro_table.h"

#include <gtest/gtest.h>

namespace fw {
namespace {

TEST(MacroTableTest, LooksUpWhatWasSet) {
  MacroTable table;
  table.set("A", "one");
  EXPECT_EQ(table.lookup("A"), "one");
  EXPECT_EQ(table.lookup("B"), std::nullopt);
  EXPECT_EQ(table.size(), 1u);
}

TEST(MacroTableTest, SetReplacesValue) {
  MacroTable table{{"A", "one"}};
  table.set("A", "two");
  EXPECT_EQ(table.lookup("A"), "two");
  EXPECT_EQ(table.size(), 1u);
}

TEST(MacroTableTest, EmptyValueIsAnswered) {
  MacroTable table{{"EXTIP", ""}};
  EXPECT_EQ(table.lookup("EXTIP"), "");
}

TEST(MacroTableTest, EraseRemovesName) {
  MacroTable table{{"A", "one"}, {"B", "two"}};
  EXPECT_TRUE(table.erase("A"));
  EXPECT_FALSE(table.erase("A"));
  EXPECT_EQ(table.lookup("A"), std::nullopt);
  EXPECT_EQ(table.lookup("B"), "two");
}

TEST(MacroTableTest, MacFormsFromBytes) {
  MacAddress mac = {0x00, 0x0e, 0x08, 0xaa, 0xbb, 0xcc};
  EXPECT_EQ(mac_lower_hex(mac), "000e08aabbcc");
  EXPECT_EQ(mac_upper_hex(mac), "000E08AABBCC");
  EXPECT_EQ(mac_colon_form(mac), "00:0e:08:aa:bb:cc");
}

TEST(MacroTableTest, SetMacMacrosSetsAllThreeForms) {
  MacroTable table;
  set_mac_macros(table, {0xc4, 0xb9, 0xcd, 0x81, 0x1e, 0x29});
  EXPECT_EQ(table.lookup("MA"), "c4b9cd811e29");
  EXPECT_EQ(table.lookup("MAU"), "C4B9CD811E29");
  EXPECT_EQ(table.lookup("MAC"), "c4:b9:cd:81:1e:29");
}

TEST(MacroTableTest, ParseMacAddressAcceptsPlainAndSeparatedForms) {
  MacAddress expected = {0x00, 0x0e, 0x08, 0xaa, 0xbb, 0xcc};
  for (std::string_view text :
       {"000e08aabbcc", "000E08AABBCC", "00:0e:08:aa:bb:cc", "00-0E-08-AA-BB-CC"}) {
    auto mac = parse_mac_address(text);
    ASSERT_TRUE(mac) << text;
    EXPECT_EQ(*mac, expected) << text;
  }
}

TEST(MacroTableTest, ParseMacAddressRejectsMalformedText) {
  for (std::string_view text :
       {"", "000e08aabbc", "000e08aabbccd", "000e08aabbcg", "00:0e:08:aa:bb-cc",
        "00.0e.08.aa.bb.cc", "00:0e:08:aa:bb:c:", " 00e08aabbcc"}) {
    auto mac = parse_mac_address(text);
    ASSERT_FALSE(mac) << text;
    EXPECT_EQ(mac.error().code, ErrorCode::InvalidValue) << text;
  }
}

}  // namespace
}  // namespace fw
