#include "firmware-core/config/profile_export.h"

#include <string>

#include <gtest/gtest.h>

#include "tests/support/param_id.h"

#include "firmware-core/config/profile_apply.h"

namespace fw {
namespace {

using test::id;

void set(ConfigStore& store, std::string_view name, std::string_view raw,
         std::optional<Access> access = std::nullopt) {
  auto change = set_parameter(store, name, raw, access);
  ASSERT_TRUE(change.has_value()) << change.error().to_string();
}

void set_access(ConfigStore& store, std::string_view name, Access access) {
  ConfigDraft draft{store};
  draft.set_access(id(name), access);
  store.replace(draft.build());
}

// Imports `xml` into a fresh store; fails the test on any error or skipped element.
ConfigStore import(std::string_view xml) {
  ConfigStore store;
  auto report = apply_flat_profile(store, as_bytes(xml));
  EXPECT_TRUE(report.has_value()) << report.error().to_string();
  if (report) {
    EXPECT_TRUE(report->unknown_elements.empty());
    EXPECT_TRUE(report->invalid_values.empty()) << report->to_string(store.registry());
  }
  return store;
}

// A store with a non-default value of every type, special characters, empty values and access
// changes.
ConfigStore store_with_everything() {
  ConfigStore store;
  set(store, "Provision_Enable", "Nein", Access::ReadOnly);
  set(store, "Resync_Random_Delay", "65535");
  set(store, "Resync_At__HHmm_", "0959");
  set(store, "Resync_Periodic", "1800+300,3600+600", Access::ReadWrite);
  set(store, "Resync_Error_Retry_Delay", "");
  set(store, "Profile_Authentication_Type", "XSI-Authentifizierung");
  set(store, "DHCPv6_Option_To_Use", "17.160");
  set(store, "Profile_Rule", "", Access::ReadWrite);  // empty value and changed access
  set(store, "Profile_Rule_B", "[--key \"a&b\"] tftp://h/<x>.cfg?a=1&b='2'");
  set_access(store, "Profile_Rule_C", Access::ReadOnly);  // access only
  set(store, "GPP_A", "Grüße, 𝄞 € \"quoted\" 'single' <tag> &amp; ]]>");
  set(store, "GPP_B", "a  b");
  set(store, "GPP_SA", "s3cr3t<&>", Access::ReadWrite);
  set(store, "Password_3_", "hunter2");
  set(store, "Admin_Passwd", "admin!pw");
  set(store, "IKM_HTTP_Encrypt_Content", "ikm-key-material");
  set(store, "Privacy_Header_7_", "Sitzung");
  set(store, "User_ID_10_", "4711");
  set(store, "Line_Enable_2_", "0");
  return store;
}

TEST(ProfileExportTest, CompleteExportOfFreshStoreIsEmptyProfile) {
  EXPECT_EQ(export_complete(ConfigStore{}),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<flat-profile>\n</flat-profile>\n");
}

TEST(ProfileExportTest, CompleteExportListsOverridesInRegistryOrder) {
  ConfigStore store;
  set(store, "GPP_B", "x<y & z>");
  set(store, "Provision_Enable", "No");
  set(store, "Profile_Rule", "", Access::ReadWrite);
  set(store, "Profile_Rule_B", "");  // equal to the default: not an override
  set_access(store, "Profile_Rule_C", Access::ReadOnly);
  set(store, "GPP_SA", "secret");
  EXPECT_EQ(export_complete(store),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<flat-profile>\n"
            "  <Provision_Enable ua=\"na\">No</Provision_Enable>\n"
            "  <Profile_Rule/>\n"
            "  <Profile_Rule ua=\"rw\"/>\n"
            "  <Profile_Rule_C ua=\"ro\"/>\n"
            "  <GPP_B ua=\"na\">x&lt;y &amp; z&gt;</GPP_B>\n"
            "  <GPP_SA ua=\"na\">secret</GPP_SA>\n"
            "</flat-profile>\n");
}

TEST(ProfileExportTest, RoundTripOfEveryValueType) {
  const ConfigStore original = store_with_everything();
  const std::string xml = export_complete(original);
  const ConfigStore imported = import(xml);
  EXPECT_EQ(imported, original) << xml;
  EXPECT_EQ(export_complete(imported), xml);
  EXPECT_EQ(imported.value(id("Profile_Rule")), "");
  EXPECT_EQ(imported.access(id("Profile_Rule")), Access::ReadWrite);
  EXPECT_EQ(imported.value(id("Profile_Rule_C")), "");
  EXPECT_EQ(imported.access(id("Profile_Rule_C")), Access::ReadOnly);
}

TEST(ProfileExportTest, RoundTripOfEveryParameterWithAChangedAccess) {
  // Each parameter gets its default value under another access, then a non-default value.
  ConfigStore store;
  for (const ParamSpec& spec : store.registry().specs()) {
    const Access other =
        spec.default_access == Access::ReadWrite ? Access::ReadOnly : Access::ReadWrite;
    set_access(store, spec.name, other);
  }
  EXPECT_EQ(import(export_complete(store)), store);
  for (const ParamSpec& spec : store.registry().specs()) {
    std::string raw = "x";
    switch (spec.type) {
      case ValueType::Boolean:
        raw = spec.default_value == "Yes" ? "No" : "Yes";
        break;
      case ValueType::Integer:
        raw = std::to_string(spec.integer_max);
        break;
      case ValueType::Hhmm:
        raw = "2400";
        break;
      case ValueType::Schedule:
        raw = "1+2,3";
        break;
      case ValueType::Enumeration:
        raw = std::string(spec.choices.back());
        break;
      case ValueType::IntegerList:
        raw = std::to_string(spec.integer_max) + "," + std::to_string(spec.integer_min);
        break;
      case ValueType::Text:
        // MIC_Cert_Refresh_Rule takes only an http:// URL with a host.
        raw = spec.http_url ? "http://h/" + std::string(spec.name) + "?<&>" : std::string(spec.name) + " <&>";
        break;
    }
    set(store, spec.name, raw);
  }
  EXPECT_EQ(store.override_count(), store.registry().size());
  EXPECT_EQ(import(export_complete(store)), store);
}

TEST(ProfileExportTest, ExportIsDeterministic) {
  ConfigStore a;
  set(a, "GPP_C", "3");
  set(a, "GPP_A", "1");
  ConfigStore b;
  set(b, "GPP_A", "1");
  set(b, "GPP_C", "3");
  EXPECT_EQ(export_complete(a), export_complete(b));
  EXPECT_EQ(export_for_people(a), export_for_people(b));
  EXPECT_EQ(export_complete(a), export_complete(a));
}

TEST(ProfileExportTest, ForPeopleMasksEverySecret) {
  const ConfigStore store = store_with_everything();
  const std::string xml = export_for_people(store);
  for (std::string_view secret : {"s3cr3t", "hunter2", "admin!pw", "ikm-key-material"}) {
    EXPECT_EQ(xml.find(secret), std::string::npos) << secret;
  }
  EXPECT_NE(xml.find("  <GPP_SA ua=\"rw\">*****</GPP_SA>\n"), std::string::npos);
  EXPECT_NE(xml.find("  <Password_3_ ua=\"na\">*****</Password_3_>\n"), std::string::npos);
  // Unset secrets are masked too: an empty field would tell that no password is set.
  EXPECT_NE(xml.find("  <Password_4_ ua=\"na\">*****</Password_4_>\n"), std::string::npos);
  // The complete export, for persistence, does keep them.
  EXPECT_NE(export_complete(store).find("hunter2"), std::string::npos);
}

TEST(ProfileExportTest, ForPeopleListsEveryParameterWithItsCurrentValue) {
  const ConfigStore store = store_with_everything();
  const std::string xml = export_for_people(store);
  for (const ParamSpec& spec : store.registry().specs()) {
    EXPECT_NE(xml.find("<" + std::string(spec.name) + " ua="), std::string::npos) << spec.name;
  }
  EXPECT_NE(xml.find("  <Resync_Periodic ua=\"rw\">1800+300,3600+600</Resync_Periodic>\n"),
            std::string::npos);
  EXPECT_NE(xml.find("  <Profile_Rule_D ua=\"na\"/>\n"), std::string::npos);
  EXPECT_NE(xml.find("  <Resync_Error_Retry_Delay ua=\"na\"/>\n"), std::string::npos);
  // It is still a valid flat profile.
  ConfigStore reread;
  auto report = apply_flat_profile(reread, as_bytes(xml));
  ASSERT_TRUE(report.has_value()) << report.error().to_string();
  EXPECT_TRUE(report->unknown_elements.empty());
  EXPECT_EQ(reread.value(id("GPP_A")), store.value(id("GPP_A")));
}

}  // namespace
}  // namespace fw
