#include "firmware-core/config/parameter_value.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace fw {
namespace {

const ParamSpec& spec(std::string_view name) {
  const auto& registry = ParameterRegistry::builtin();
  const auto id = registry.find(name);
  EXPECT_TRUE(id.has_value()) << name;
  return registry.spec(id.value_or(0));
}

// The normalized text, or "ERROR: <detail>" so that failures show in EXPECT_EQ.
std::string norm(std::string_view name, std::string_view raw) {
  auto result = normalize(spec(name), raw);
  return result ? *result : "ERROR: " + result.error().detail;
}

ErrorCode error_code(std::string_view name, std::string_view raw) {
  auto result = normalize(spec(name), raw);
  EXPECT_FALSE(result.has_value()) << name << " accepted '" << raw << "'";
  return result ? ErrorCode::ParseError : result.error().code;
}

TEST(ParameterValueTest, BooleanTrueSpellingsBecomeYes) {
  for (std::string_view raw : {"Yes", "yes", "Enable", "enable", "1", "Ja", "ja", "true", "TRUE"}) {
    EXPECT_EQ(norm("Provision_Enable", raw), "Yes") << raw;
  }
}

TEST(ParameterValueTest, BooleanFalseSpellingsBecomeNo) {
  for (std::string_view raw :
       {"No", "no", "Disable", "disable", "0", "Nein", "nein", "false", "FALSE"}) {
    EXPECT_EQ(norm("Provision_Enable", raw), "No") << raw;
  }
}

TEST(ParameterValueTest, BooleanRejectsOtherText) {
  for (std::string_view raw : {"", "maybe", "Jein", "2", "yes please", "Y"}) {
    EXPECT_EQ(error_code("Resync_On_Reset", raw), ErrorCode::InvalidValue) << raw;
  }
  EXPECT_EQ(norm("Resync_On_Reset", "maybe"),
            "ERROR: Resync_On_Reset: 'maybe' is not a boolean (Yes/No)");
}

TEST(ParameterValueTest, IntegerAcceptsItsRangeAtTheLimits) {
  EXPECT_EQ(norm("Resync_Random_Delay", "0"), "0");
  EXPECT_EQ(norm("Resync_Random_Delay", "65535"), "65535");
  EXPECT_EQ(norm("Debug_Level", "3"), "3");
  EXPECT_EQ(norm("Forced_Resync_Delay", " 14400 "), "14400");
  EXPECT_EQ(norm("Resync_At_Random_Delay", "0600"), "600");
}

TEST(ParameterValueTest, IntegerRejectsPastTheLimitsAndGarbage) {
  EXPECT_EQ(norm("Resync_Random_Delay", "65536"),
            "ERROR: Resync_Random_Delay: '65536' is out of range (0..65535)");
  EXPECT_EQ(norm("Debug_Level", "4"), "ERROR: Debug_Level: '4' is out of range (0..3)");
  for (std::string_view raw :
       {"-1", "", "abc", "1 2", "1.5", "+3", "0x10", "99999999999999999999999999"}) {
    EXPECT_EQ(error_code("Forced_Resync_Delay", raw), ErrorCode::InvalidValue) << raw;
  }
}

TEST(ParameterValueTest, HhmmAcceptsTimesOfDayAndEmpty) {
  for (std::string_view raw : {"0000", "0959", "1200", "2359", "2400", ""}) {
    EXPECT_EQ(norm("Resync_At__HHmm_", raw), raw);
  }
  auto parsed = parse_hhmm("0959");
  ASSERT_TRUE(parsed.has_value());
  ASSERT_TRUE(parsed->has_value());
  EXPECT_EQ((**parsed).hour, 9);
  EXPECT_EQ((**parsed).minute, 59);
  EXPECT_EQ((**parsed).seconds_since_midnight(), 9u * 3600 + 59 * 60);
  auto empty = parse_hhmm("");
  ASSERT_TRUE(empty.has_value());
  EXPECT_FALSE(empty->has_value());
}

TEST(ParameterValueTest, HhmmRejectsInvalidTimes) {
  for (std::string_view raw : {"2401", "2500", "0960", "959", "09590", "ab12", "09:59", "-100"}) {
    EXPECT_EQ(error_code("Resync_At__HHmm_", raw), ErrorCode::InvalidValue) << raw;
  }
  EXPECT_EQ(norm("Resync_At__HHmm_", "2401"),
            "ERROR: Resync_At__HHmm_: '2401' is not a time HHmm (0000..2400)");
}

TEST(ParameterValueTest, ScheduleSingleNumber) {
  EXPECT_EQ(norm("Resync_Periodic", "3600"), "3600");
  EXPECT_EQ(norm("Resync_Periodic", "3000"), "3000");
  auto schedule = parse_schedule("3600");
  ASSERT_TRUE(schedule.has_value());
  ASSERT_EQ(schedule->entries().size(), 1u);
  EXPECT_EQ(schedule->entries()[0], (ScheduleEntry{3600, 0}));
}

TEST(ParameterValueTest, ScheduleListWithSpacesAroundCommas) {
  EXPECT_EQ(norm("Resync_Periodic", "600,1200,300"), "600,1200,300");
  EXPECT_EQ(norm("Resync_Periodic", "600 , 1200 , 300"), "600,1200,300");
  auto schedule = parse_schedule("600 , 1200 , 300");
  ASSERT_TRUE(schedule.has_value());
  ASSERT_EQ(schedule->entries().size(), 3u);
  EXPECT_EQ(schedule->entries()[1], (ScheduleEntry{1200, 0}));
}

TEST(ParameterValueTest, ScheduleRandomRanges) {
  EXPECT_EQ(norm("Resync_Periodic", "2400 + 30"), "2400+30");
  EXPECT_EQ(norm("Resync_Periodic", "1800+300,3600+600"), "1800+300,3600+600");
  EXPECT_EQ(norm("Resync_Error_Retry_Delay", "1800,3600,7200,14400+3600"),
            "1800,3600,7200,14400+3600");
  EXPECT_EQ(norm("Resync_Periodic", "600+0"), "600");
  auto schedule = parse_schedule("1800+300,3600+600");
  ASSERT_TRUE(schedule.has_value());
  EXPECT_EQ(schedule->entries()[0], (ScheduleEntry{1800, 300}));
  EXPECT_EQ(schedule->entries()[1], (ScheduleEntry{3600, 600}));
}

TEST(ParameterValueTest, ScheduleDefaultErrorRetryListAndGermanSpacing) {
  const std::string_view list = "60,120,240,480,960,1920,3840,7680,15360,30720,61440,86400";
  auto schedule = parse_schedule(list);
  ASSERT_TRUE(schedule.has_value());
  ASSERT_EQ(schedule->entries().size(), 12u);
  EXPECT_EQ(schedule->entries()[0].delay_s, 60u);
  EXPECT_EQ(schedule->entries()[11].delay_s, 86400u);
  // The guide prints the default as "60, 120, 240, ...".
  EXPECT_EQ(norm("Resync_Error_Retry_Delay",
                 "60, 120, 240, 480, 960, 1920, 3840, 7680, 15360, 30720, 61440, 86400"),
            list);
}

TEST(ParameterValueTest, ScheduleEmptyAndZeroAreDisabled) {
  EXPECT_EQ(norm("Resync_Periodic", ""), "");
  EXPECT_EQ(norm("Resync_Periodic", "0"), "0");
  EXPECT_TRUE(parse_schedule("")->disabled());
  EXPECT_TRUE(parse_schedule("0")->disabled());
  EXPECT_FALSE(parse_schedule("0+30")->disabled());
  EXPECT_FALSE(parse_schedule("30")->disabled());
}

TEST(ParameterValueTest, ScheduleLastEntryRepeats) {
  auto schedule = parse_schedule("60,120,240");
  ASSERT_TRUE(schedule.has_value());
  EXPECT_EQ(schedule->at_attempt(0)->delay_s, 60u);
  EXPECT_EQ(schedule->at_attempt(2)->delay_s, 240u);
  EXPECT_EQ(schedule->at_attempt(100)->delay_s, 240u);
  EXPECT_EQ(parse_schedule("")->at_attempt(0), nullptr);
}

TEST(ParameterValueTest, ScheduleRejectsMalformedLists) {
  for (std::string_view raw :
       {"600,,300", ",600", "600,", "600+", "+30", "1+2+3", "abc", "600 300", "-5", "10.5"}) {
    EXPECT_EQ(error_code("Resync_Periodic", raw), ErrorCode::InvalidValue) << raw;
  }
}

TEST(ParameterValueTest, ScheduleNumbersAtAndPastTheirLimit) {
  const std::string max = std::to_string(kScheduleSecondsMax);
  const std::string past = std::to_string(kScheduleSecondsMax + 1);
  EXPECT_EQ(norm("Resync_Periodic", max), max);
  EXPECT_EQ(norm("Resync_Periodic", "1+" + max), "1+" + max);
  EXPECT_EQ(norm("Resync_Periodic", past),
            "ERROR: Resync_Periodic: '" + past + "' is out of range (0.." + max + ")");
  EXPECT_EQ(error_code("Resync_Periodic", "1+" + past), ErrorCode::InvalidValue);
}

TEST(ParameterValueTest, ScheduleEntriesAtAndPastTheirLimit) {
  std::string list = "1";
  for (std::size_t i = 1; i < kScheduleEntriesMax; ++i)
    list += ",1";
  EXPECT_EQ(norm("Resync_Error_Retry_Delay", list), list);
  EXPECT_EQ(parse_schedule(list)->entries().size(), kScheduleEntriesMax);
  EXPECT_EQ(error_code("Resync_Error_Retry_Delay", list + ",1"), ErrorCode::InvalidValue);
}

TEST(ParameterValueTest, EnumerationAcceptsCanonicalAliasesAndAnyCase) {
  EXPECT_EQ(norm("Profile_Authentication_Type", "Disabled"), "Disabled");
  EXPECT_EQ(norm("Profile_Authentication_Type", "basic http authentication"),
            "Basic Http Authentication");
  EXPECT_EQ(norm("Profile_Authentication_Type", "Grundlegende HTTP-Authentifizierung"),
            "Basic Http Authentication");
  // The guide wraps the German value over two lines.
  EXPECT_EQ(norm("Profile_Authentication_Type",
                 "Grundlegende\n                    "
                 "HTTP-Authentifizierung"),
            "Basic Http Authentication");
  EXPECT_EQ(norm("Profile_Authentication_Type", "Deaktiviert"), "Disabled");
  EXPECT_EQ(norm("Profile_Authentication_Type", "XSI-Authentifizierung"), "XSI Authentication");
  EXPECT_EQ(norm("Syslog_Identifier", "$MAC"), "$MAC");
  EXPECT_EQ(norm("Syslog_Identifier", "Keine"), "None");
}

TEST(ParameterValueTest, EnumerationPrivacyHeaderGermanLabels) {
  EXPECT_EQ(norm("Privacy_Header_1_", "Deaktiviert"), "Disabled");
  EXPECT_EQ(norm("Privacy_Header_1_", "Keine"), "none");
  EXPECT_EQ(norm("Privacy_Header_1_", "Kopfzeile"), "header");
  EXPECT_EQ(norm("Privacy_Header_1_", "Header"), "header");
  EXPECT_EQ(norm("Privacy_Header_1_", "Sitzung"), "session");
  EXPECT_EQ(norm("Privacy_Header_1_", "Benutzer"), "user");
  EXPECT_EQ(norm("Privacy_Header_1_", "ID"), "id");
}

TEST(ParameterValueTest, EnumerationRejectsUnknownChoicesAndListsTheValidOnes) {
  EXPECT_EQ(norm("Syslog_Identifier", "$XY"),
            "ERROR: Syslog_Identifier: '$XY' is not one of None, $MA, $MAU, $MAC, $SN");
  EXPECT_EQ(error_code("Privacy_Header_2_", ""), ErrorCode::InvalidValue);
}

TEST(ParameterValueTest, IntegerListAcceptsCommasAndDots) {
  EXPECT_EQ(norm("DHCP_Option_To_Use", "66,160,159,150,60,43,125"), "66,160,159,150,60,43,125");
  EXPECT_EQ(norm("DHCPv6_Option_To_Use", "17.160.159"), "17,160,159");
  EXPECT_EQ(norm("DHCP_Option_To_Use", " 160 , 159 . 66 "), "160,159,66");
  EXPECT_EQ(norm("DHCP_Option_To_Use", ""), "");
  auto list = parse_integer_list("17.160.159", 1, 65535);
  ASSERT_TRUE(list.has_value());
  EXPECT_EQ(*list, (std::vector<std::uint32_t>{17, 160, 159}));
}

TEST(ParameterValueTest, IntegerListElementsAtAndPastTheirRange) {
  EXPECT_EQ(norm("DHCP_Option_To_Use", "1,254"), "1,254");
  EXPECT_EQ(norm("DHCP_Option_To_Use", "66,255"),
            "ERROR: DHCP_Option_To_Use: '66,255' has a number out of range (1..254)");
  EXPECT_EQ(error_code("DHCP_Option_To_Use", "0"), ErrorCode::InvalidValue);
  EXPECT_EQ(norm("DHCPv6_Option_To_Use", "65535"), "65535");
  EXPECT_EQ(error_code("DHCPv6_Option_To_Use", "65536"), ErrorCode::InvalidValue);
  for (std::string_view raw : {"66,,160", "66,", "a,b", "66;160"}) {
    EXPECT_EQ(error_code("DHCP_Option_To_Use", raw), ErrorCode::InvalidValue) << raw;
  }
}

TEST(ParameterValueTest, IntegerListEntriesAtAndPastTheirLimit) {
  std::string list = "1";
  for (std::size_t i = 1; i < kIntegerListEntriesMax; ++i)
    list += ",1";
  EXPECT_EQ(norm("DHCP_Option_To_Use", list), list);
  EXPECT_EQ(error_code("DHCP_Option_To_Use", list + ",1"), ErrorCode::InvalidValue);
}

TEST(ParameterValueTest, TextTrimsAndTurnsLineBreaksIntoSpaces) {
  EXPECT_EQ(norm("GPP_A", " 12345678\n"), "12345678");
  EXPECT_EQ(norm("GPP_A", "a\nb\tc\r\nd"), "a b c d");
  EXPECT_EQ(norm("GPP_A", "a  b"), "a  b");
  EXPECT_EQ(norm("GPP_A", ""), "");
  EXPECT_EQ(norm("GPP_A", "Grüße <&> \"'"), "Grüße <&> \"'");
}

TEST(ParameterValueTest, TextAtAndPastItsLimit) {
  const std::string at = "http://h/" + std::string(1024 - 9, 'x');
  EXPECT_EQ(norm("MIC_Cert_Refresh_Rule", at), at);
  EXPECT_EQ(error_code("MIC_Cert_Refresh_Rule", at + "x"), ErrorCode::ValueTooLong);
  EXPECT_EQ(norm("GPP_A", std::string(kTextBytesMax, 'y')), std::string(kTextBytesMax, 'y'));
  EXPECT_EQ(error_code("GPP_A", std::string(kTextBytesMax + 1, 'y')), ErrorCode::ValueTooLong);
}

TEST(ParameterValueTest, RawValueAtAndPastValueBytesMax) {
  // Padding is trimmed away, so only the raw limit can reject these.
  EXPECT_EQ(norm("Forced_Resync_Delay", "7" + std::string(kValueBytesMax - 1, ' ')), "7");
  EXPECT_EQ(error_code("Forced_Resync_Delay", "7" + std::string(kValueBytesMax, ' ')),
            ErrorCode::ValueTooLong);
}

TEST(ParameterValueTest, TextRejectsControlCharactersAndInvalidUtf8) {
  EXPECT_EQ(norm("GPP_B", std::string("a\x01") + "b"),
            "ERROR: GPP_B: 'a\\x01b' contains control characters");
  EXPECT_EQ(error_code("GPP_B", "a\x7f"), ErrorCode::InvalidValue);
  EXPECT_EQ(norm("GPP_B", "a\xff"), "ERROR: GPP_B: 'a\\xff' is not valid UTF-8");
  EXPECT_EQ(error_code("GPP_B", "\xc0\xaf"), ErrorCode::InvalidValue);      // overlong '/'
  EXPECT_EQ(error_code("GPP_B", "\xed\xa0\x80"), ErrorCode::InvalidValue);  // surrogate
}

TEST(ParameterValueTest, SecretValuesAreMaskedInErrors) {
  auto result = normalize(spec("GPP_SA"), "hunter2\x01");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().detail, "GPP_SA: '*****' contains control characters");
  auto too_long = normalize(spec("Password_1_"), "hunter2" + std::string(kNameBytesMax, 'z'));
  ASSERT_FALSE(too_long.has_value());
  EXPECT_EQ(too_long.error().detail.find("hunter2"), std::string::npos);
  EXPECT_NE(too_long.error().detail.find("*****"), std::string::npos);
}

TEST(ParameterValueTest, NormalizeIsIdempotent) {
  const std::pair<std::string_view, std::string_view> samples[] = {
      {"Provision_Enable", "ja"},    {"Resync_Periodic", " 2400 + 30 "},
      {"Resync_Periodic", "0600,1"}, {"DHCPv6_Option_To_Use", "17.160.159"},
      {"Debug_Level", "03"},         {"Privacy_Header_3_", "Kopfzeile"},
      {"GPP_C", " x\ny "},           {"Resync_At__HHmm_", "2400"},
  };
  for (const auto& [name, raw] : samples) {
    const std::string once = norm(name, raw);
    EXPECT_EQ(norm(name, once), once) << name << " '" << raw << "'";
  }
}

TEST(ParameterValueTest, DisplayableTextTruncatesAtACharacterBoundary) {
  EXPECT_EQ(displayable_text("plain"), "plain");
  EXPECT_EQ(displayable_text(std::string(kQuotedValueBytesMax, 'a')),
            std::string(kQuotedValueBytesMax, 'a'));
  EXPECT_EQ(displayable_text(std::string(kQuotedValueBytesMax + 1, 'a')),
            std::string(kQuotedValueBytesMax, 'a') + "...");
  // "ü" is two bytes; one starting at byte 63 must not be cut in half.
  const std::string text = std::string(kQuotedValueBytesMax - 1, 'a') + "ü" + "b";
  EXPECT_EQ(displayable_text(text), std::string(kQuotedValueBytesMax - 1, 'a') + "...");
  EXPECT_EQ(displayable_text("a\nb"), "a\\x0ab");
}

TEST(ParameterValueTest, Utf8Validation) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("ascii"));
  EXPECT_TRUE(is_valid_utf8("Grüße €  𝄞"));
  EXPECT_FALSE(is_valid_utf8("\x80"));
  EXPECT_FALSE(is_valid_utf8("\xe2\x82"));          // truncated €
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xe0\x80\xaf"));      // overlong
}

// is_canonical() is the fast path of every profile value: when it answers true, normalize()
// must give the text back unchanged, for every parameter of the registry.
std::vector<std::string> canonical_candidates(const ParamSpec& spec) {
  std::vector<std::string> raws = {
      "", "Yes", "No", "yes", "NO", "0", "00", "7", "07", "600", "-5", "+5", "600,1200",
      "600,1200+300", "600+0", "600+01", "0+5", "600,,1", ",600", "600,", "1,2.3", "66,160,159",
      " 600", "600 ", "2400", "2401", "2360", "1259", "0000", "0959", "abc", "a b", " a", "a ",
      "a\tb", "a\nb", "a\x7f", "caf\xc3\xa9", "caf\xc3", "&amp;", "31536000", "31536001",
      "123456789012345678", "1234567890123456789", "9999999999"};
  raws.emplace_back(spec.default_value);
  for (const std::string_view choice : spec.choices) {
    raws.emplace_back(choice);
    std::string upper(choice);
    for (char& c : upper)
      c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    raws.push_back(upper);
  }
  for (const EnumAlias& alias : spec.aliases)
    raws.emplace_back(alias.spelling);
  for (const std::size_t bytes : {std::size_t{spec.text_bytes_max}, spec.text_bytes_max + std::size_t{1}})
    raws.emplace_back(bytes, 'x');
  for (const std::size_t entries : {std::size_t{32}, std::size_t{33}}) {
    std::string list = "1";
    for (std::size_t i = 1; i < entries; ++i)
      list += ",1";
    raws.push_back(list);
  }
  return raws;
}

TEST(ParameterValueTest, CanonicalFastPathAgreesWithNormalize) {
  std::size_t fast = 0;
  for (const ParamSpec& each : ParameterRegistry::builtin().specs()) {
    for (const std::string& raw : canonical_candidates(each)) {
      if (!is_canonical(each, raw))
        continue;
      ++fast;
      auto normalized = normalize(each, raw);
      ASSERT_TRUE(normalized.has_value()) << each.name << " '" << raw << "'";
      EXPECT_EQ(*normalized, raw) << each.name;
    }
  }
  EXPECT_GT(fast, 0u);
}

TEST(ParameterValueTest, CanonicalFastPathTakesTheUsualSpellings) {
  EXPECT_TRUE(is_canonical(spec("Provision_Enable"), "Yes"));
  EXPECT_FALSE(is_canonical(spec("Provision_Enable"), "yes"));  // normalize() makes it "Yes"
  EXPECT_TRUE(is_canonical(spec("Resync_Periodic"), "3600"));
  EXPECT_TRUE(is_canonical(spec("Resync_Error_Retry_Delay"), "600,1200+300"));
  EXPECT_FALSE(is_canonical(spec("Resync_Error_Retry_Delay"), "600+0"));  // becomes "600"
  EXPECT_FALSE(is_canonical(spec("Resync_Error_Retry_Delay"), "600, 1200"));
  EXPECT_TRUE(is_canonical(spec("Resync_At__HHmm_"), "2400"));
  EXPECT_TRUE(is_canonical(spec("Resync_At__HHmm_"), ""));
  EXPECT_FALSE(is_canonical(spec("Resync_At__HHmm_"), "2401"));
  EXPECT_TRUE(is_canonical(spec("GPP_A"), "https://prov.example.com/cfg/$MA.xml"));
  EXPECT_TRUE(is_canonical(spec("GPP_A"), "caf\xc3\xa9"));
  EXPECT_FALSE(is_canonical(spec("GPP_A"), "caf\xc3"));
  EXPECT_FALSE(is_canonical(spec("GPP_A"), "trailing "));
}

// The printable-ASCII scan reads eight bytes at a time: a control, DEL or non-ASCII byte is
// found at every position of texts up to 20 bytes.
TEST(ParameterValueTest, CanonicalTextScanFindsEveryOffendingByte) {
  const ParamSpec& text = spec("GPP_A");
  for (std::size_t size = 1; size <= 20; ++size) {
    const std::string plain(size, 'a');
    EXPECT_TRUE(is_canonical(text, plain)) << size;
    for (std::size_t at = 0; at < size; ++at) {
      for (const char bad : {'\x00', '\x01', '\x1f', '\x7f', '\x80', '\xff'}) {
        std::string raw = plain;
        raw[at] = bad;
        EXPECT_FALSE(is_canonical(text, raw)) << size << " " << at << " " << int(bad);
      }
      for (const char good : {'!', '~', '&', '<'}) {
        std::string raw = plain;
        raw[at] = good;
        EXPECT_TRUE(is_canonical(text, raw)) << size << " " << at << " " << good;
      }
    }
  }
}

}  // namespace
}  // namespace fw

namespace fw {
namespace {

// MIC_Cert_Refresh_Rule: the guide's "valid URL" of at most 1024 characters, on HTTP (port 80).
TEST(ParameterValueTest, MicCertRefreshRuleIsAnHttpUrlOfAtMost1024Characters) {
  const ParamSpec& rule = ParameterRegistry::builtin().spec(*ParameterRegistry::builtin().find("MIC_Cert_Refresh_Rule"));
  EXPECT_EQ(*normalize(rule, "http://sudirenewal.cisco.com/"), "http://sudirenewal.cisco.com/");
  EXPECT_EQ(*normalize(rule, "HTTP://10.0.0.5:8080/sudi"), "HTTP://10.0.0.5:8080/sudi");
  for (const char* refused : {"https://sudirenewal.cisco.com/", "tftp://host/x", "sudirenewal.cisco.com",
                              "http://", "http:///path", "http://host/a b"}) {
    auto result = normalize(rule, refused);
    ASSERT_FALSE(result) << refused;
    EXPECT_NE(result.error().detail.find("http:// URL"), std::string::npos) << result.error().detail;
  }
  const std::string prefix = "http://h/";
  EXPECT_TRUE(normalize(rule, prefix + std::string(1024 - prefix.size(), 'p')));
  auto too_long = normalize(rule, prefix + std::string(1025 - prefix.size(), 'p'));
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error().code, ErrorCode::ValueTooLong);
}

}  // namespace
}  // namespace fw
