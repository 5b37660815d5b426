#include "firmware-core/config/parameter_registry.h"

#include <array>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "firmware-core/config/parameter_value.h"

namespace fw {
namespace {

const ParameterRegistry& registry() {
  return ParameterRegistry::builtin();
}

const ParamSpec& spec(std::string_view name) {
  const auto id = registry().find(name);
  EXPECT_TRUE(id.has_value()) << name;
  return registry().spec(id.value_or(0));
}

TEST(ParameterRegistryTest, RegistersEveryProvisioningParameter) {
  for (std::string_view name : {"Provision_Enable",
                                "Resync_On_Reset",
                                "Resync_Random_Delay",
                                "Resync_At__HHmm_",
                                "Resync_At_Random_Delay",
                                "Resync_Periodic",
                                "Resync_Error_Retry_Delay",
                                "Forced_Resync_Delay",
                                "Resync_From_SIP",
                                "Resync_After_Upgrade_Attempt",
                                "Resync_Trigger_1",
                                "Resync_Trigger_2",
                                "User_Configurable_Resync",
                                "Resync_Fails_On_FNF",
                                "Profile_Authentication_Type",
                                "Profile_Rule",
                                "Profile_Rule_B",
                                "Profile_Rule_C",
                                "Profile_Rule_D",
                                "DHCP_Option_To_Use",
                                "DHCPv6_Option_To_Use",
                                "Upgrade_Enable",
                                "Upgrade_Rule",
                                "Upgrade_Error_Retry_Delay",
                                "Downgrade_Rev_Limit",
                                "Syslog_Server",
                                "Syslog_Identifier",
                                "Debug_Server",
                                "Debug_Level",
                                "Log_Request_Msg",
                                "Log_Success_Msg",
                                "Log_Failure_Msg",
                                "Log_Upgrade_Request_Msg",
                                "Log_Upgrade_Success_Msg",
                                "Log_Upgrade_Failure_Msg",
                                "Custom_CA_Rule",
                                "MIC_Cert_Refresh_Enable",
                                "MIC_Cert_Refresh_Rule",
                                "Cisco_Headset_Upgrade_Rule",
                                "HTTP_User_Agent_Name",
                                "IKM_HTTP_Encrypt_Content",
                                "Peer_Firmware_Sharing",
                                "Admin_Passwd",
                                "User_Password"}) {
    EXPECT_TRUE(registry().find(name).has_value()) << name;
  }
}

TEST(ParameterRegistryTest, RegistersGeneralPurposeParameters) {
  for (char letter = 'A'; letter <= 'P'; ++letter) {
    const std::string name = std::string("GPP_") + letter;
    EXPECT_FALSE(spec(name).secret) << name;
  }
  for (std::string_view name : {"GPP_SA", "GPP_SB", "GPP_SC", "GPP_SD"}) {
    EXPECT_TRUE(spec(name).secret) << name;
    EXPECT_EQ(spec(name).default_access, Access::NoAccess) << name;
  }
}

TEST(ParameterRegistryTest, RegistersLineAndPrivacyParametersOneToTen) {
  for (int n = 1; n <= 10; ++n) {
    const std::string suffix = "_" + std::to_string(n) + "_";
    EXPECT_EQ(spec("User_ID" + suffix).type, ValueType::Text);
    EXPECT_EQ(spec("Display_Name" + suffix).type, ValueType::Text);
    EXPECT_EQ(spec("Line_Enable" + suffix).type, ValueType::Boolean);
    EXPECT_TRUE(spec("Password" + suffix).secret);
    EXPECT_EQ(spec("Privacy_Header" + suffix).type, ValueType::Enumeration);
    EXPECT_EQ(spec("Privacy_Header" + suffix).default_value, "Disabled");
  }
  EXPECT_FALSE(registry().find("User_ID_11_").has_value());
  EXPECT_FALSE(registry().find("User_ID_0_").has_value());
}

TEST(ParameterRegistryTest, PasswordsAndKeysAreSecret) {
  for (std::string_view name : {"Admin_Passwd", "User_Password", "IKM_HTTP_Encrypt_Content",
                                "Password_1_", "Password_10_"}) {
    EXPECT_TRUE(spec(name).secret) << name;
  }
  EXPECT_FALSE(spec("User_ID_1_").secret);
  EXPECT_FALSE(spec("Profile_Rule").secret);
}

TEST(ParameterRegistryTest, DefaultsFollowTheReference) {
  EXPECT_EQ(spec("Provision_Enable").default_value, "Yes");
  EXPECT_EQ(spec("Resync_Random_Delay").default_value, "2");
  EXPECT_EQ(spec("Resync_At__HHmm_").default_value, "");
  EXPECT_EQ(spec("Resync_At_Random_Delay").default_value, "600");
  EXPECT_EQ(spec("Resync_Periodic").default_value, "3600");
  EXPECT_EQ(spec("Resync_Error_Retry_Delay").default_value,
            "60,120,240,480,960,1920,3840,7680,15360,30720,61440,86400");
  EXPECT_EQ(spec("Forced_Resync_Delay").default_value, "14400");
  EXPECT_EQ(spec("Profile_Authentication_Type").default_value, "Basic Http Authentication");
  EXPECT_EQ(spec("Profile_Rule").default_value, "/$PSN.xml");
  EXPECT_EQ(spec("Profile_Rule_B").default_value, "");
  EXPECT_EQ(spec("DHCP_Option_To_Use").default_value, "66,160,159,150,60,43,125");
  EXPECT_EQ(spec("DHCPv6_Option_To_Use").default_value, "17,160,159");
  EXPECT_EQ(spec("Upgrade_Error_Retry_Delay").default_value, "3600");
  EXPECT_EQ(spec("Syslog_Identifier").default_value, "None");
  EXPECT_EQ(spec("MIC_Cert_Refresh_Enable").default_value, "No");
  EXPECT_EQ(spec("MIC_Cert_Refresh_Rule").default_value, "http://sudirenewal.cisco.com/");
  EXPECT_EQ(spec("MIC_Cert_Refresh_Rule").text_bytes_max, 1024u);
  EXPECT_EQ(spec("Debug_Level").integer_max, 3);
  EXPECT_EQ(spec("Resync_Random_Delay").integer_max, 65535);
}

TEST(ParameterRegistryTest, LogTemplateDefaultsFollowDecisions) {
  EXPECT_EQ(spec("Log_Request_Msg").default_value,
            "$PN $MAC -- Requesting resync $SCHEME://$SERVIP:$PORT$PATH");
  // decisions.md: no trailing $ERR on resync success; upgrade success keeps it.
  EXPECT_EQ(spec("Log_Success_Msg").default_value,
            "$PN $MAC -- Successful resync $SCHEME://$SERVIP:$PORT$PATH");
  EXPECT_EQ(spec("Log_Failure_Msg").default_value, "$PN $MAC -- Resync failed: $ERR");
  EXPECT_EQ(spec("Log_Upgrade_Request_Msg").default_value,
            "$PN $MAC -- Requesting upgrade $SCHEME://$SERVIP:$PORT$PATH");
  EXPECT_EQ(spec("Log_Upgrade_Success_Msg").default_value,
            "$PN $MAC -- Successful upgrade $SCHEME://$SERVIP:$PORT$PATH -- $ERR");
  EXPECT_EQ(spec("Log_Upgrade_Failure_Msg").default_value, "$PN $MAC -- Upgrade failed: $ERR");
}

TEST(ParameterRegistryTest, EveryDefaultIsAlreadyNormalized) {
  for (const ParamSpec& each : registry().specs()) {
    auto normalized = normalize(each, each.default_value);
    ASSERT_TRUE(normalized.has_value()) << each.name << ": " << normalized.error().to_string();
    EXPECT_EQ(*normalized, each.default_value) << each.name;
  }
}

TEST(ParameterRegistryTest, NamesAreUniqueAndIdsFollowRegistryOrder) {
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < registry().size(); ++i) {
    const ParamSpec& each = registry().spec(static_cast<ParamId>(i));
    EXPECT_TRUE(names.insert(each.name).second) << each.name;
    EXPECT_EQ(registry().find(each.name), std::optional<ParamId>(static_cast<ParamId>(i)));
  }
}

TEST(ParameterRegistryTest, FindIsCaseSensitiveAndExact) {
  EXPECT_TRUE(registry().find("GPP_A").has_value());
  EXPECT_FALSE(registry().find("gpp_a").has_value());
  EXPECT_FALSE(registry().find("GPP_A ").has_value());
  EXPECT_FALSE(registry().find("GPP_").has_value());
  EXPECT_FALSE(registry().find("").has_value());
  EXPECT_FALSE(registry().find(std::string(100'000, 'x')).has_value());
}

// find() is one hash and one slot: the table must stay small enough to sit in the cache. A hash
// whose slot bits hardly depended on the seed once made the builtin table 512 Ki slots (1 MiB).
TEST(ParameterRegistryTest, LookupTableIsAtMostThirtyTwoSlotsPerName) {
  EXPECT_GE(registry().slot_count(), 8 * registry().size());
  EXPECT_LE(registry().slot_count(), 32 * registry().size());
}

// Every name with one byte changed, one byte more or one less is another name: found only if the
// registry has that exact name (find() compares names of 8 to 24 bytes as three overlapping
// words, and the rest byte by byte).
TEST(ParameterRegistryTest, NearMissesOfEveryNameAreNotFound) {
  const auto expect_exact = [](const std::string& name) {
    const std::optional<ParamId> id = registry().find(name);
    if (id) {
      EXPECT_EQ(registry().spec(*id).name, name);
    }
  };
  for (const ParamSpec& each : registry().specs()) {
    const std::string name(each.name);
    for (std::size_t at = 0; at < name.size(); ++at) {
      for (char replacement : {'_', 'x', '0', '\0'}) {
        std::string changed = name;
        if (changed[at] == replacement) continue;
        changed[at] = replacement;
        expect_exact(changed);
        EXPECT_NE(registry().find(changed), registry().find(name)) << changed;
      }
    }
    expect_exact(name + "_");
    expect_exact("_" + name);
    expect_exact(name.substr(1));
    expect_exact(name.substr(0, name.size() - 1));
  }
}

TEST(ParameterRegistryTest, BuiltinIsOneSharedInstance) {
  EXPECT_EQ(&ParameterRegistry::builtin(), &ParameterRegistry::builtin());
}

TEST(ParameterRegistryTest, CustomRegistryFindsEveryNameOfASmallTable) {
  static constexpr std::array<ParamSpec, 3> kSpecs = {{
      {.name = "A", .type = ValueType::Text, .text_bytes_max = 10},
      {.name = "B", .type = ValueType::Boolean, .default_value = "No"},
      {.name = "AB", .type = ValueType::Text, .text_bytes_max = 10},
  }};
  ParameterRegistry small{std::span<const ParamSpec>(kSpecs)};
  EXPECT_EQ(small.size(), 3u);
  EXPECT_EQ(small.find("A"), std::optional<ParamId>(0));
  EXPECT_EQ(small.find("B"), std::optional<ParamId>(1));
  EXPECT_EQ(small.find("AB"), std::optional<ParamId>(2));
  EXPECT_FALSE(small.find("C").has_value());
}

TEST(ParameterRegistryTest, AccessTextAndParseAgree) {
  for (Access access : {Access::NoAccess, Access::ReadOnly, Access::ReadWrite}) {
    EXPECT_EQ(parse_access(access_text(access)), std::optional<Access>(access));
  }
  EXPECT_EQ(parse_access("RW"), std::optional<Access>(Access::ReadWrite));
  EXPECT_FALSE(parse_access("").has_value());
  EXPECT_FALSE(parse_access("rx").has_value());
  EXPECT_FALSE(parse_access("rwx").has_value());
}

}  // namespace
}  // namespace fw
