#include "firmware-core/macro/macro_expander.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "firmware-core/macro/macro_table.h"

namespace fw {
namespace {

constexpr MacAddress kGuideMac = {0x00, 0x0e, 0x08, 0x01, 0x23, 0x45};

// A phone as the guide's examples describe it.
MacroTable guide_phone() {
  MacroTable table{
      {"A", "ABCDEF"},        {"B", "Dj6Lmp23Q"},
      {"D", "sales"},         {"E", "desk-42"},
      {"PN", "CP-8841-3PCC"}, {"PSN", "8841"},
      {"SN", "88012BA01234"}, {"SWVER", "sip88xx.11-3-1MPP-477"},
      {"SA", "s3cret"},       {"SB", "Dj6Lmp23Q-key"},
  };
  set_mac_macros(table, kGuideMac);
  return table;
}

std::string expand(std::string_view text, SecretPolicy secrets = SecretPolicy::Keep) {
  return expand_macros(text, guide_phone(), secrets);
}

TEST(MacroExpanderTest, BareNameExpands) {
  EXPECT_EQ(expand("/$MA.cfg"), "/000e08012345.cfg");
  EXPECT_EQ(expand("$PN"), "CP-8841-3PCC");
}

TEST(MacroExpanderTest, MacFormsOfReferenceTable) {
  MacroTable table;
  set_mac_macros(table, {0x00, 0x0e, 0x08, 0xaa, 0xbb, 0xcc});
  EXPECT_EQ(expand_macros("$MA", table), "000e08aabbcc");
  EXPECT_EQ(expand_macros("$MAU", table), "000E08AABBCC");
  EXPECT_EQ(expand_macros("$MAC", table), "00:0e:08:aa:bb:cc");
}

TEST(MacroExpanderTest, ParenthesizedNameExpands) {
  EXPECT_EQ(expand("x$(MA)y"), "x000e08012345y");
  EXPECT_EQ(expand("$(MAU)$(MAC)"), "000E0801234500:0e:08:01:23:45");
}

TEST(MacroExpanderTest, SubstringFromOffsetToEnd) {
  EXPECT_EQ(expand("$(A:2)"), "CDEF");
}

TEST(MacroExpanderTest, SubstringWithLength) {
  EXPECT_EQ(expand("$(A:2:3)"), "CDE");
}

TEST(MacroExpanderTest, SubstringAtZeroIsWholeValue) {
  EXPECT_EQ(expand("$(A:0)"), "ABCDEF");
  EXPECT_EQ(expand("$(A:0:6)"), "ABCDEF");
  EXPECT_EQ(expand("$(A:2:0)"), "");
}

TEST(MacroExpanderTest, SubstringOffsetPastEndIsEmpty) {
  EXPECT_EQ(expand("[$(A:6)]"), "[]");
  EXPECT_EQ(expand("[$(A:7:2)]"), "[]");
  EXPECT_EQ(expand("[$(A:99999999999999999999999999)]"), "[]");
}

TEST(MacroExpanderTest, SubstringLengthPastEndIsShortened) {
  EXPECT_EQ(expand("$(A:4:10)"), "EF");
  EXPECT_EQ(expand("$(A:1:99999999999999999999999999)"), "BCDEF");
}

TEST(MacroExpanderTest, SubstringOfMac) {
  EXPECT_EQ(expand("$(MA:6)"), "012345");
}

TEST(MacroExpanderTest, DoubleDollarIsLiteralDollar) {
  EXPECT_EQ(expand("$$"), "$");
  EXPECT_EQ(expand("a$$b"), "a$b");
  EXPECT_EQ(expand("$$$$"), "$$");
}

TEST(MacroExpanderTest, DoubleDollarMauIsNotReexpanded) {
  EXPECT_EQ(expand("$$MAU"), "$MAU");
}

TEST(MacroExpanderTest, TripleDollarIsDollarThenMacro) {
  EXPECT_EQ(expand("$$$MAU"), "$000E08012345");
}

TEST(MacroExpanderTest, SubstitutedTextIsNotReexpanded) {
  MacroTable table{{"A", "$MA/$(B)/$$"}, {"MA", "000e08012345"}, {"B", "b"}};
  EXPECT_EQ(expand_macros("$A", table), "$MA/$(B)/$$");
  EXPECT_EQ(expand_macros("$(A:0:3)", table), "$MA");
}

TEST(MacroExpanderTest, UnknownNameStaysVerbatim) {
  EXPECT_EQ(expand("spa$STRANGE$MAU.cfg"), "spa$STRANGE000E08012345.cfg");
  EXPECT_EQ(expand("$XYZ $ $9 $_"), "$XYZ $ $9 $_");
}

TEST(MacroExpanderTest, TrailingDollarStaysLiteral) {
  EXPECT_EQ(expand("abc$"), "abc$");
  EXPECT_EQ(expand("$"), "$");
  EXPECT_EQ(expand(""), "");
}

TEST(MacroExpanderTest, LowerCaseNameStaysLiteral) {
  EXPECT_EQ(expand("$ma $(ma)"), "$ma $(ma)");
}

TEST(MacroExpanderTest, LongestNameWins) {
  EXPECT_EQ(expand("$MAC"), "00:0e:08:01:23:45");
  EXPECT_EQ(expand("$MAUX"), "000E08012345X");
  MacroTable lines{{"UID1", "one"}, {"UID10", "ten"}, {"PROXY1", "p1"}, {"PROXY10", "p10"}};
  EXPECT_EQ(expand_macros("$UID10|$UID1|$UID100", lines), "ten|one|ten0");
  EXPECT_EQ(expand_macros("$PROXY10$PROXY1", lines), "p10p1");
}

TEST(MacroExpanderTest, LetterVariableFollowedByText) {
  EXPECT_EQ(expand("$A1"), "ABCDEF1");
  EXPECT_EQ(expand("$Bx"), "Dj6Lmp23Qx");
}

TEST(MacroExpanderTest, UnansweredLongerNameNeverFallsBackToShorter) {
  MacroTable table{{"MA", "000e08012345"}, {"P", "gpp-p"}};
  EXPECT_EQ(expand_macros("$MAC", table), "$MAC");
  EXPECT_EQ(expand_macros("$PRVTMR gt 1200", table), "$PRVTMR gt 1200");
  EXPECT_EQ(expand_macros("$MA$P", table), "000e08012345gpp-p");
}

TEST(MacroExpanderTest, UnansweredVariableStaysLiteral) {
  MacroTable empty;
  EXPECT_EQ(expand_macros("/$PN/$(MA:2)/$SWVER", empty), "/$PN/$(MA:2)/$SWVER");
}

TEST(MacroExpanderTest, MalformedParenthesizedFormStaysVerbatim) {
  for (std::string_view text :
       {"$(A", "$(", "$()", "$(A:)", "$(A:x)", "$(A:-1)", "$(A:1:)", "$(A:1:2:3)", "$( A )",
        "$(A :1)", "$(FOO)", "$(a)", "$(A:+1)", "$(A:1x)"}) {
    EXPECT_EQ(expand(text), text) << text;
  }
}

TEST(MacroExpanderTest, MalformedParenthesizedFormStillExpandsLaterMacros) {
  EXPECT_EQ(expand("$(A$MA"), "$(A000e08012345");
  EXPECT_EQ(expand("$(FOO)$(A:5)"), "$(FOO)F");
}

TEST(MacroExpanderTest, GppAliasExpandsLikeLetter) {
  EXPECT_EQ(expand("$GPP_A"), "ABCDEF");
  EXPECT_EQ(expand("$(GPP_A:1:2)"), "BC");
  EXPECT_EQ(expand("$GPP_B/$B"), "Dj6Lmp23Q/Dj6Lmp23Q");
}

TEST(MacroExpanderTest, SecretsKeptLiteralByDefault) {
  EXPECT_EQ(expand("--key $SA"), "--key $SA");
  EXPECT_EQ(expand("$(SA) $(SB:1:2) $GPP_SA $SC"), "$(SA) $(SB:1:2) $GPP_SA $SC");
}

TEST(MacroExpanderTest, SecretsExpandedWithExpandPolicy) {
  EXPECT_EQ(expand("--key $SA", SecretPolicy::Expand), "--key s3cret");
  EXPECT_EQ(expand("$(SA:1:3)|$GPP_SB|$MA", SecretPolicy::Expand),
            "3cr|Dj6Lmp23Q-key|000e08012345");
}

TEST(MacroExpanderTest, ExpandSecretMacrosExpandsOnlySecrets) {
  MacroTable phone = guide_phone();
  EXPECT_EQ(expand_secret_macros("--key $SA --uid $MA $(SB:0:3) $$ $(MA)", phone),
            "--key s3cret --uid $MA Dj6 $$ $(MA)");
  EXPECT_EQ(expand_secret_macros("$GPP_A $GPP_SA", phone), "$GPP_A s3cret");
}

TEST(MacroExpanderTest, TwoStepRuleExpansionExpandsSecretOnlyInOption) {
  MacroTable phone = guide_phone();
  std::string rule = expand_macros("[--key $SB] tftp://prov.telco.com/$SB/$MA.cfg", phone);
  EXPECT_EQ(rule, "[--key $SB] tftp://prov.telco.com/$SB/000e08012345.cfg");
  EXPECT_EQ(expand_secret_macros("$SB", phone), "Dj6Lmp23Q-key");
}

TEST(MacroExpanderTest, GuideProfileRuleWithMa) {
  EXPECT_EQ(expand("tftp://192.168.1.200/CP-6841-3PCC$MA.cfg"),
            "tftp://192.168.1.200/CP-6841-3PCC000e08012345.cfg");
}

TEST(MacroExpanderTest, GuideProfileRuleWithGppB) {
  EXPECT_EQ(expand("tftp://prov.telco.com/cisco/$B/$MA.cfg"),
            "tftp://prov.telco.com/cisco/Dj6Lmp23Q/000e08012345.cfg");
}

TEST(MacroExpanderTest, GuideProfileRuleWithPortAndPn) {
  EXPECT_EQ(expand("tftp://prov.telco.com:6900/cisco/config/$PN.cfg"),
            "tftp://prov.telco.com:6900/cisco/config/CP-8841-3PCC.cfg");
}

TEST(MacroExpanderTest, ReferenceRuleWithGppDAndE) {
  EXPECT_EQ(expand("http://neptune.speak.net:8080/prov/$D/$E.cfg"),
            "http://neptune.speak.net:8080/prov/sales/desk-42.cfg");
}

TEST(MacroExpanderTest, DefaultProfileRules) {
  EXPECT_EQ(expand("/$PSN.xml"), "/8841.xml");
  EXPECT_EQ(expand("/spa$PSN.cfg"), "/spa8841.cfg");
  EXPECT_EQ(expand("tftp://prov.call.com/cpe/cisco$MA.cfg"),
            "tftp://prov.call.com/cpe/cisco000e08012345.cfg");
}

TEST(MacroExpanderTest, RequestLogTemplate) {
  MacroTable phone = guide_phone();
  phone.set("SCHEME", "tftp");
  phone.set("SERVIP", "192.168.1.200");
  phone.set("PORT", "69");
  phone.set("PATH", "/basic.txt");
  EXPECT_EQ(expand_macros("$PN $MAC -- Requesting resync $SCHEME://$SERVIP:$PORT$PATH", phone),
            "CP-8841-3PCC 00:0e:08:01:23:45 -- Requesting resync "
            "tftp://192.168.1.200:69/basic.txt");
}

TEST(MacroExpanderTest, FailureLogTemplate) {
  MacroTable phone = guide_phone();
  phone.set("ERR", "file not found");
  EXPECT_EQ(expand_macros("$PN $MAC -- Resync failed: $ERR", phone),
            "CP-8841-3PCC 00:0e:08:01:23:45 -- Resync failed: file not found");
}

TEST(MacroExpanderTest, PostBodyTemplate) {
  EXPECT_EQ(
      expand("Product = \"$PN\"; MAC_Addr = \"$MA\"; Ser_Num = \"$SN\"; SW_Ver = \"$SWVER\";"),
      "Product = \"CP-8841-3PCC\"; MAC_Addr = \"000e08012345\"; Ser_Num = \"88012BA01234\"; "
      "SW_Ver = \"sip88xx.11-3-1MPP-477\";");
}

TEST(MacroExpanderTest, GermanTriggerExample) {
  MacroTable timers{{"UPGTMR", "301"}, {"PRVTMR", "600"}};
  EXPECT_EQ(expand_macros("$UPGTMR gt 300 und $PRVTMR ge 600", timers),
            "301 gt 300 und 600 ge 600");
}

TEST(MacroExpanderTest, NonAsciiBytesPassThrough) {
  std::string text = std::string("\xff\x80$MA") + '\0' + "$";
  EXPECT_EQ(expand(text), std::string("\xff\x80"
                                      "000e08012345") +
                              '\0' + "$");
}

TEST(MacroExpanderTest, EveryVariableNameExpandsInBothForms) {
  for (std::string_view name : kMacroVariableNames) {
    MacroTable table;
    table.set(canonical_macro_name(name), "<value>");
    std::string bare = "$" + std::string(name) + "|";
    std::string parenthesized = "$(" + std::string(name) + ":1:3)|";
    EXPECT_EQ(expand_macros(bare, table, SecretPolicy::Expand), "<value>|") << name;
    EXPECT_EQ(expand_macros(parenthesized, table, SecretPolicy::Expand), "val|") << name;
    if (is_secret_macro(name)) {
      EXPECT_EQ(expand_macros(bare, table), bare) << name;
    } else {
      EXPECT_EQ(expand_macros(bare, table), "<value>|") << name;
    }
  }
}

TEST(MacroExpanderTest, VocabularyHasNoDuplicates) {
  std::set<std::string_view> names(kMacroVariableNames.begin(), kMacroVariableNames.end());
  EXPECT_EQ(names.size(), kMacroVariableNames.size());
  EXPECT_TRUE(is_macro_variable("SERIAL_NUMBER"));
  EXPECT_FALSE(is_macro_variable("STRANGE"));
  EXPECT_FALSE(is_macro_variable("ma"));
}

TEST(MacroExpanderTest, CanonicalNameMapsAliases) {
  EXPECT_EQ(canonical_macro_name("GPP_A"), "A");
  EXPECT_EQ(canonical_macro_name("GPP_SD"), "SD");
  EXPECT_EQ(canonical_macro_name("MA"), "MA");
  EXPECT_EQ(canonical_macro_name("GPP_Q"), "GPP_Q");
}

TEST(MacroExpanderTest, SecretNamesAreSaToSd) {
  for (std::string_view name : {"SA", "SB", "SC", "SD", "GPP_SA", "GPP_SD"}) {
    EXPECT_TRUE(is_secret_macro(name)) << name;
  }
  for (std::string_view name : {"A", "S", "SE", "SN", "GPP_A", "sa"}) {
    EXPECT_FALSE(is_secret_macro(name)) << name;
  }
}

}  // namespace
}  // namespace fw
