#include "firmware-core/macro/condition.h"

#include <string>

#include <gtest/gtest.h>

#include "firmware-core/macro/macro_table.h"

namespace fw {
namespace {

// Evaluates and expects success.
bool holds(std::string_view expression) {
  auto result = evaluate_condition(expression);
  EXPECT_TRUE(result) << expression << ": " << result.error().to_string();
  return result.value_or(false);
}

// Expects the evaluation to fail with `code` and a detail naming `position`.
::testing::AssertionResult result_fails_at(Result<bool> result, ErrorCode code,
                                           std::size_t position) {
  if (result) {
    return ::testing::AssertionFailure() << "evaluated to " << *result;
  }
  std::string expected = "position " + std::to_string(position) + ":";
  std::string_view detail = result.error().detail;
  if (result.error().code != code || !detail.starts_with(expected)) {
    return ::testing::AssertionFailure()
           << "got " << error_name(result.error().code) << " \"" << detail << "\", expected "
           << error_name(code) << " at \"" << expected << "\"";
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult fails_at(std::string_view expression, ErrorCode code,
                                    std::size_t position) {
  return result_fails_at(evaluate_condition(expression), code, position) << " for " << expression;
}

// Expands like the agent does, then evaluates.
Result<bool> expand_and_evaluate(std::string_view condition, const MacroTable& table) {
  return evaluate_condition(expand_macros(condition, table));
}

struct OperatorCase {
  std::string_view op;
  bool less;     // 1 op 2
  bool equal;    // 2 op 2
  bool greater;  // 3 op 2
};

constexpr OperatorCase kOperatorCases[] = {
    {"eq", false, true, false}, {"=", false, true, false},  {"==", false, true, false},
    {"EQ", false, true, false}, {"ne", true, false, true},  {"!=", true, false, true},
    {"NE", true, false, true},  {"lt", true, false, false}, {"<", true, false, false},
    {"LT", true, false, false}, {"le", true, true, false},  {"<=", true, true, false},
    {"LE", true, true, false},  {"gt", false, false, true}, {">", false, false, true},
    {"GT", false, false, true}, {"ge", false, true, true},  {">=", false, true, true},
    {"GE", false, true, true},  {"Ge", false, true, true},
};

TEST(ConditionTest, EveryOperatorOnIntegers) {
  for (const OperatorCase& c : kOperatorCases) {
    std::string op(c.op);
    EXPECT_EQ(holds("1 " + op + " 2"), c.less) << op;
    EXPECT_EQ(holds("2 " + op + " 2"), c.equal) << op;
    EXPECT_EQ(holds("3 " + op + " 2"), c.greater) << op;
  }
}

TEST(ConditionTest, EveryOperatorOnVersions) {
  for (const OperatorCase& c : kOperatorCases) {
    std::string op(c.op);
    EXPECT_EQ(holds("7.4.8 " + op + " 7.6.2"), c.less) << op;
    EXPECT_EQ(holds("7.6.2 " + op + " 7.6.2"), c.equal) << op;
    EXPECT_EQ(holds("sip88xx.11-0-0MPP-BN " + op + " sip88xx.9-3-1-7MPP-BN"), c.greater) << op;
  }
}

TEST(ConditionTest, SymbolicOperatorsNeedNoSpaces) {
  EXPECT_TRUE(holds("1==1"));
  EXPECT_TRUE(holds("1<2"));
  EXPECT_TRUE(holds("2>=2"));
  EXPECT_TRUE(holds("\"a\"!=\"b\""));
  EXPECT_TRUE(holds("\"a\"eq\"a\""));
}

TEST(ConditionTest, IntegersCompareNumerically) {
  EXPECT_TRUE(holds("10 gt 9"));
  EXPECT_TRUE(holds("007 eq 7"));
}

TEST(ConditionTest, NegativeIntegersAllowed) {
  EXPECT_TRUE(holds("-1 eq -1"));
  EXPECT_TRUE(holds("-1 lt 0"));
  EXPECT_TRUE(holds("-10 lt -9"));
  MacroTable explicit_resync{{"PRVST", "-1"}};
  EXPECT_TRUE(*expand_and_evaluate("$PRVST eq -1", explicit_resync));
}

TEST(ConditionTest, IntegerLimits) {
  EXPECT_TRUE(holds("9223372036854775807 eq 9223372036854775807"));
  EXPECT_TRUE(holds("-9223372036854775808 lt 0"));
  EXPECT_TRUE(fails_at("1 lt 9223372036854775808", ErrorCode::ConditionSyntax, 5));
  EXPECT_TRUE(fails_at("-9223372036854775809 lt 0", ErrorCode::ConditionSyntax, 0));
}

TEST(ConditionTest, ProvisioningTimerExample) {
  MacroTable table{{"PRVTMR", "1500"}};
  EXPECT_TRUE(*expand_and_evaluate("$PRVTMR gt 1200", table));
  table.set("PRVTMR", "1200");
  EXPECT_FALSE(*expand_and_evaluate("$PRVTMR gt 1200", table));
}

TEST(ConditionTest, TriggerExampleWithAnd) {
  MacroTable table{{"UPGTMR", "301"}, {"PRVTMR", "600"}};
  EXPECT_TRUE(*expand_and_evaluate("$UPGTMR gt 300 and $PRVTMR ge 600", table));
  table.set("PRVTMR", "599");
  EXPECT_FALSE(*expand_and_evaluate("$UPGTMR gt 300 and $PRVTMR ge 600", table));
  table.set("PRVTMR", "600");
  table.set("UPGTMR", "300");
  EXPECT_FALSE(*expand_and_evaluate("$UPGTMR gt 300 and $PRVTMR ge 600", table));
}

TEST(ConditionTest, GermanUndIsAnd) {
  MacroTable table{{"UPGTMR", "301"}, {"PRVTMR", "600"}};
  EXPECT_TRUE(*expand_and_evaluate("$UPGTMR gt 300 und $PRVTMR ge 600", table));
  table.set("UPGTMR", "12");
  EXPECT_FALSE(*expand_and_evaluate("$UPGTMR gt 300 und $PRVTMR ge 600", table));
}

TEST(ConditionTest, AndKeywordInAnyCase) {
  EXPECT_TRUE(holds("1 eq 1 AND 2 eq 2"));
  EXPECT_TRUE(holds("1 eq 1 UND 2 eq 2 And 3 eq 3"));
  EXPECT_FALSE(holds("1 eq 1 AND 2 eq 3"));
}

TEST(ConditionTest, CertificateStringExample) {
  MacroTable table{{"CCERT", "Installed"}};
  EXPECT_TRUE(*expand_and_evaluate("\"$CCERT\" eq \"Installed\"", table));
  table.set("CCERT", "Not Installed");
  EXPECT_FALSE(*expand_and_evaluate("\"$CCERT\" eq \"Installed\"", table));
}

TEST(ConditionTest, ExternalIpEmptyStringExample) {
  MacroTable table{{"EXTIP", ""}};
  EXPECT_FALSE(*expand_and_evaluate("\"$EXTIP\" ne \"\"", table));
  table.set("EXTIP", "203.0.113.5");
  EXPECT_TRUE(*expand_and_evaluate("\"$EXTIP\" ne \"\"", table));
}

TEST(ConditionTest, EmptyQuotedStrings) {
  EXPECT_FALSE(holds("\"\" ne \"\""));
  EXPECT_TRUE(holds("\"\" eq \"\""));
}

TEST(ConditionTest, QuotedStringsKeepSpacesAndCase) {
  EXPECT_TRUE(holds("\" a \" eq \" a \""));
  EXPECT_FALSE(holds("\"a\" eq \"A\""));
}

TEST(ConditionTest, QuotedAgainstUnquotedComparesText) {
  EXPECT_TRUE(holds("\"Installed\" eq Installed"));
  EXPECT_FALSE(holds("\"7.06.2\" eq 7.6.2"));
}

TEST(ConditionTest, QuotedStringOrderingIsSyntaxError) {
  EXPECT_TRUE(fails_at("\"a\" lt \"b\"", ErrorCode::ConditionSyntax, 4));
  EXPECT_TRUE(fails_at("\"a\" >= 1", ErrorCode::ConditionSyntax, 4));
  EXPECT_TRUE(fails_at("1 eq 1 and 2 gt \"2\"", ErrorCode::ConditionSyntax, 13));
}

TEST(ConditionTest, SpaUpgradeRuleWithSpaces) {
  MacroTable table{{"SWVER", "7.6.1"}};
  EXPECT_TRUE(*expand_and_evaluate("( $SWVER != 7.6.2 )", table));
  table.set("SWVER", "7.6.2");
  EXPECT_FALSE(*expand_and_evaluate("( $SWVER != 7.6.2 )", table));
}

TEST(ConditionTest, RegistrationTimerExample) {
  MacroTable table{{"REGTMR1", "0"}};
  EXPECT_TRUE(*expand_and_evaluate("($REGTMR1 eq 0)", table));
  table.set("REGTMR1", "35");
  EXPECT_FALSE(*expand_and_evaluate("($REGTMR1 eq 0)", table));
}

TEST(ConditionTest, ProvisionedMarkerExample) {
  MacroTable table{{"A", ""}};
  EXPECT_TRUE(*expand_and_evaluate("(\"$A\" ne \"Provisioned\")", table));
  table.set("A", "Provisioned");
  EXPECT_FALSE(*expand_and_evaluate("(\"$A\" ne \"Provisioned\")", table));
}

TEST(ConditionTest, MppUpgradeRuleCondition) {
  MacroTable table{{"SWVER", "sip78xx.11-2-1MES-3"}};
  EXPECT_TRUE(*expand_and_evaluate("($SWVER ge sip78xx.11-0-0MPP-7)", table));
  table.set("SWVER", "sip78xx.10-4-1MPP-5");
  EXPECT_FALSE(*expand_and_evaluate("($SWVER ge sip78xx.11-0-0MPP-7)", table));
}

TEST(ConditionTest, FactsVersionExamplesInConditions) {
  EXPECT_TRUE(holds("sip88xx.11-0-0MPP-BN gt sip88xx.9-3-1-7MPP-BN"));
  EXPECT_TRUE(holds("sipyyyy.11-3-2MPP0002-256 gt sipyyyy.11-3-2MPP0001-609"));
}

TEST(ConditionTest, QuotedSwverComparesAsPlainString) {
  MacroTable table{{"SWVER", "sip88xx.11-0-0MPP-7"}};
  EXPECT_TRUE(*expand_and_evaluate("\"$SWVER\" eq \"sip88xx.11-0-0MPP-7\"", table));
  // Unquoted the model is ignored; quoted it is part of the text.
  EXPECT_TRUE(*expand_and_evaluate("$SWVER eq sip78xx.11-0-0MPP-7", table));
  EXPECT_FALSE(*expand_and_evaluate("\"$SWVER\" eq \"sip78xx.11-0-0MPP-7\"", table));
  EXPECT_TRUE(result_fails_at(expand_and_evaluate("\"$SWVER\" ge \"sip88xx.9-0-0MPP-7\"", table),
                              ErrorCode::ConditionSyntax, 22));
}

TEST(ConditionTest, SpaVersionWithSuffixInsideParentheses) {
  EXPECT_TRUE(holds("(1.0.31(b) gt 1.0.31)"));
  EXPECT_TRUE(holds("(2.0.3(0412s) eq 2.0.3(0412s))"));
}

TEST(ConditionTest, IntegerFacingSpaVersionIsOneNumberVersion) {
  EXPECT_TRUE(holds("7 lt 7.6.2"));
  EXPECT_TRUE(holds("8 gt 7.6.2"));
}

TEST(ConditionTest, MixedVersionFormatsAreVersionSyntax) {
  EXPECT_TRUE(fails_at("11.0.0 lt sip88xx.11-0-0MPP-BN", ErrorCode::VersionSyntax, 7));
  EXPECT_TRUE(fails_at("5 lt sip88xx.11-0-0MPP-1", ErrorCode::VersionSyntax, 2));
}

TEST(ConditionTest, UnparsableOperandIsVersionSyntax) {
  EXPECT_TRUE(fails_at("Yes eq Yes", ErrorCode::VersionSyntax, 0));
  EXPECT_TRUE(fails_at("7.6.2 eq 7..2", ErrorCode::VersionSyntax, 9));
  EXPECT_TRUE(fails_at("-1 eq 7.6.2", ErrorCode::VersionSyntax, 0));
}

TEST(ConditionTest, WhitespaceIsTolerated) {
  EXPECT_TRUE(holds("  1\teq\t1\r\n and\n2 eq 2  "));
  EXPECT_TRUE(holds("( ( 1 eq 1 ) and ( 2 eq 2 ) )"));
}

TEST(ConditionTest, EmptyExpressionIsError) {
  EXPECT_TRUE(fails_at("", ErrorCode::ConditionSyntax, 0));
  EXPECT_TRUE(fails_at("   ", ErrorCode::ConditionSyntax, 3));
}

TEST(ConditionTest, MissingOperatorIsError) {
  EXPECT_TRUE(fails_at("1 2", ErrorCode::ConditionSyntax, 2));
  EXPECT_TRUE(fails_at("1", ErrorCode::ConditionSyntax, 1));
}

TEST(ConditionTest, UnknownOperatorIsError) {
  EXPECT_TRUE(fails_at("1 is 1", ErrorCode::ConditionSyntax, 2));
  EXPECT_TRUE(fails_at("1 eq1", ErrorCode::ConditionSyntax, 2));
  EXPECT_TRUE(fails_at("1 =< 1", ErrorCode::ConditionSyntax, 3));
  EXPECT_TRUE(fails_at("1 <> 1", ErrorCode::ConditionSyntax, 3));
}

TEST(ConditionTest, MissingRightOperandIsError) {
  EXPECT_TRUE(fails_at("1 eq", ErrorCode::ConditionSyntax, 4));
  EXPECT_TRUE(fails_at("1 eq )", ErrorCode::ConditionSyntax, 5));
}

TEST(ConditionTest, MissingLeftOperandIsError) {
  EXPECT_TRUE(fails_at("< 1.0", ErrorCode::ConditionSyntax, 0));
  EXPECT_TRUE(fails_at(" eq 0", ErrorCode::ConditionSyntax, 4));
}

TEST(ConditionTest, UnterminatedStringIsError) {
  EXPECT_TRUE(fails_at("1 eq \"abc", ErrorCode::ConditionSyntax, 5));
  EXPECT_TRUE(fails_at("\"abc eq 1", ErrorCode::ConditionSyntax, 0));
}

TEST(ConditionTest, TrailingTextIsError) {
  EXPECT_TRUE(fails_at("1 eq 1 2", ErrorCode::ConditionSyntax, 7));
  EXPECT_TRUE(fails_at("1 eq 1)", ErrorCode::ConditionSyntax, 6));
  EXPECT_TRUE(fails_at("1 eq 1 ?", ErrorCode::ConditionSyntax, 7));
}

TEST(ConditionTest, OrIsNotSupported) {
  auto result = evaluate_condition("1 eq 1 or 2 eq 2");
  EXPECT_TRUE(result_fails_at(result, ErrorCode::ConditionSyntax, 7));
  EXPECT_NE(result.error().detail.find("\"or\" is not supported"), std::string::npos);
}

TEST(ConditionTest, DanglingAndIsError) {
  EXPECT_TRUE(fails_at("1 eq 1 and", ErrorCode::ConditionSyntax, 10));
  EXPECT_TRUE(fails_at("and 1 eq 1", ErrorCode::ConditionSyntax, 4));
}

TEST(ConditionTest, UnbalancedParenthesesAreError) {
  EXPECT_TRUE(fails_at("(1 eq 1", ErrorCode::ConditionSyntax, 7));
  EXPECT_TRUE(fails_at("((1 eq 1)", ErrorCode::ConditionSyntax, 9));
  EXPECT_TRUE(fails_at("()", ErrorCode::ConditionSyntax, 1));
}

TEST(ConditionTest, BareBangNeedsLegacySyntax) {
  EXPECT_TRUE(fails_at("1.0.31 ! 1.0.33", ErrorCode::ConditionSyntax, 7));
}

TEST(ConditionTest, ErrorAfterFalseComparisonIsStillReported) {
  EXPECT_TRUE(fails_at("0 eq 1 and 1 lt \"a\"", ErrorCode::ConditionSyntax, 13));
  EXPECT_TRUE(fails_at("0 eq 1 and 1 eq", ErrorCode::ConditionSyntax, 15));
}

TEST(ConditionTest, ErrorDetailQuotesOnlyShortExcerpt) {
  auto result = evaluate_condition("1 " + std::string(100, 'x') + " 1");
  ASSERT_FALSE(result);
  EXPECT_LT(result.error().detail.size(), 120u);
  EXPECT_NE(result.error().detail.find("...\""), std::string::npos);
}

TEST(ConditionTest, LengthAtAndPastLimit) {
  std::string at_limit = "1 eq 1" + std::string(kConditionBytesMax - 6, ' ');
  ASSERT_EQ(at_limit.size(), kConditionBytesMax);
  EXPECT_TRUE(holds(at_limit));
  EXPECT_TRUE(fails_at(at_limit + " ", ErrorCode::ConditionSyntax, kConditionBytesMax));
}

TEST(ConditionTest, ComparisonsAtAndPastLimit) {
  std::string at_limit = "1 eq 1";
  for (std::size_t i = 1; i < kConditionComparisonsMax; ++i) {
    at_limit += " and 1 eq 1";
  }
  EXPECT_TRUE(holds(at_limit));
  std::string past_limit = at_limit + " and 1 eq 1";
  EXPECT_TRUE(fails_at(past_limit, ErrorCode::ConditionSyntax, at_limit.size() + 5));
}

TEST(ConditionTest, NestingAtAndPastLimit) {
  std::string at_limit =
      std::string(kConditionDepthMax, '(') + "1 eq 1" + std::string(kConditionDepthMax, ')');
  EXPECT_TRUE(holds(at_limit));
  std::string past_limit = "(" + at_limit + ")";
  EXPECT_TRUE(fails_at(past_limit, ErrorCode::ConditionSyntax, kConditionDepthMax));
}

TEST(ConditionTest, LegacyBangMeansNotEqual) {
  LegacySpaSyntax legacy{"1.0.31"};
  EXPECT_TRUE(*evaluate_condition("1.0.31 ! 1.0.33", legacy));
  EXPECT_FALSE(*evaluate_condition("1.0.33 ! 1.0.33", legacy));
}

TEST(ConditionTest, LegacyOmittedLeftSideIsCurrentVersion) {
  EXPECT_TRUE(*evaluate_condition("! 1.0.33", LegacySpaSyntax{"1.0.31"}));
  EXPECT_FALSE(*evaluate_condition("! 1.0.33", LegacySpaSyntax{"1.0.33"}));
  // The Sipura example "(<1.0)? /pre-rel.cfg | /curr.cfg".
  EXPECT_TRUE(*evaluate_condition("(<1.0)", LegacySpaSyntax{"0.9.5"}));
  EXPECT_FALSE(*evaluate_condition("(<1.0)", LegacySpaSyntax{"1.0.2"}));
  EXPECT_TRUE(*evaluate_condition(">= 1.0 and <2.0", LegacySpaSyntax{"1.0.2"}));
}

TEST(ConditionTest, LegacyStillAcceptsModernSyntax) {
  EXPECT_TRUE(*evaluate_condition("7.6.1 != 7.6.2 and \"a\" eq \"a\"", LegacySpaSyntax{"7.6.1"}));
}

TEST(ConditionTest, LegacyMalformedCurrentVersionIsVersionSyntax) {
  auto result = evaluate_condition("< 1.0", LegacySpaSyntax{"garbage"});
  EXPECT_TRUE(result_fails_at(result, ErrorCode::VersionSyntax, 0));
  EXPECT_NE(result.error().detail.find("current firmware version"), std::string::npos);
}

}  // namespace
}  // namespace fw
