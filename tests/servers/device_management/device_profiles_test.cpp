// The BroadWorks-style device management server (servers/device_management/device_profiles.h).

#include "servers/device_management/device_profiles.h"

#include <string>

#include <gtest/gtest.h>

namespace srv {
namespace {

constexpr std::string_view kConfig = R"(auth: basic
realm: BroadWorks
device_types:
  - name: Cisco-MPP
    files:
      - name: "%BWMACADDRESS%.xml"
        template: |
          <flat-profile><Station_Name>%BWMACADDRESS%</Station_Name><User_ID_1_>%BWLINEPORT-1%</User_ID_1_><Auth_ID_1_>%BWAUTHUSER-1%</Auth_ID_1_><Password_1_>%BWAUTHPASSWORD-1%</Password_1_><Display_Name_1_>%BWDISPLAYNAME-1%</Display_Name_1_><Display_Name_2_>%BWDISPLAYNAME-2%</Display_Name_2_><GPP_A>%BWDEVICETYPE%/%BWDEVICEUSERNAME% 100%</GPP_A></flat-profile>
      - name: common.xml
        template: "<flat-profile><GPP_B>%BWDEVICETYPE%</GPP_B></flat-profile>"
devices:
  - mac: 00:0e:08:01:02:03
    type: Cisco-MPP
    user: dev-0102
    password: access-secret
    lines:
      - {port: 2001@as.example.com, auth_user: "2001", auth_password: sip-secret, display_name: Alice}
  - mac: 000e08010204
    type: Cisco-MPP
    user: dev-0104
    password: other-secret
)";

DeviceProfileServer server() {
  auto config = parse_device_management_config(kConfig, "dms.yaml");
  EXPECT_TRUE(config) << config.error().to_string();
  return DeviceProfileServer(std::move(*config));
}

std::optional<HttpReply> get(const DeviceProfileServer& profiles, std::string_view target,
                             std::string_view user) {
  HttpRequestInfo request;
  request.method = "GET";
  request.target = target;
  request.user = user;
  return profiles(request);
}

std::string body(const std::optional<HttpReply>& reply) {
  return reply ? std::string(fw::as_text(reply->body)) : std::string("(none)");
}

TEST(DeviceProfilesTest, PerDeviceProfileIsFilledFromTheInventory) {
  const DeviceProfileServer profiles = server();
  auto reply = get(profiles, "/dms/Cisco-MPP/000e08010203.xml", "dev-0102");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200u);
  EXPECT_EQ(body(reply),
            "<flat-profile><Station_Name>000E08010203</Station_Name><User_ID_1_>2001@as.example.com"
            "</User_ID_1_><Auth_ID_1_>2001</Auth_ID_1_><Password_1_>sip-secret</Password_1_>"
            "<Display_Name_1_>Alice</Display_Name_1_><Display_Name_2_></Display_Name_2_>"
            "<GPP_A>Cisco-MPP/dev-0102 100%</GPP_A></flat-profile>\n");
  // $MAU spells the MAC in upper case: the same device.
  EXPECT_EQ(get(profiles, "/dms/Cisco-MPP/000E08010203.xml?x=1", "dev-0102")->status, 200u);
}

TEST(DeviceProfilesTest, CommonFilesUnknownDevicesAndOtherDevicesFiles) {
  const DeviceProfileServer profiles = server();
  EXPECT_EQ(body(get(profiles, "/dms/Cisco-MPP/common.xml", "dev-0104")),
            "<flat-profile><GPP_B>Cisco-MPP</GPP_B></flat-profile>");
  EXPECT_EQ(get(profiles, "/dms/Cisco-MPP/000e08999999.xml", "dev-0102")->status, 404u);
  EXPECT_EQ(get(profiles, "/dms/Polycom/000e08010203.xml", "dev-0102")->status, 404u);
  EXPECT_EQ(get(profiles, "/dms/Cisco-MPP/other.xml", "dev-0102")->status, 404u);
  EXPECT_EQ(get(profiles, "/dms/Cisco-MPP/000e08010203.xml", "dev-0104")->status, 403u);
  EXPECT_FALSE(get(profiles, "/basic.txt", "dev-0102"));  // not the server's: served as a file
  HttpRequestInfo put;
  put.method = "PUT";
  put.target = "/dms/Cisco-MPP/common.xml";
  EXPECT_EQ(profiles(put)->status, 405u);
}

TEST(DeviceProfilesTest, HttpSettingsAuthenticateEveryDevice) {
  const HttpServerSettings settings = server().http_settings();
  EXPECT_EQ(settings.auth, HttpAuthMode::Basic);
  EXPECT_EQ(settings.realm, "BroadWorks");
  EXPECT_EQ(settings.users.size(), 2u);
  EXPECT_EQ(settings.users.at("dev-0102"), "access-secret");
}

TEST(DeviceProfilesTest, BadConfigurationsNameLineAndKey) {
  struct Case {
    std::string text;
    std::string detail;
  };
  const std::string type =
      "device_types:\n  - name: T\n    files:\n      - {name: \"%BWMACADDRESS%.xml\", template: "
      "x}\n";
  const std::vector<Case> cases = {
      {"device_types: [", "dms.yaml:1:"},
      {"devices: []\n", "device_types: expected a list"},
      {type + "devices:\n  - {mac: 00:0e:08:01:02:0g, type: T, user: u, password: p}\n",
       "dms.yaml:6: devices[0].mac: expected 12 hex digits"},
      {type + "devices:\n  - {mac: 000e08010203, type: X, user: u, password: p}\n",
       "devices[0].type: no device type X"},
      {type + "devices:\n  - {mac: 000e08010203, type: T, user: u}\n", "'password' is required"},
      {type + "devices:\n  - {mac: 000e08010203, type: T, user: u, password: p, colour: red}\n",
       "unknown key 'colour'"},
      {type + "devices:\n  - {mac: 000e08010203, type: T, user: u, password: p}\n"
              "  - {mac: 00:0e:08:01:02:03, type: T, user: v, password: p}\n",
       "devices[1].mac: given twice"},
      {type + "devices:\n  - {mac: 000e08010203, type: T, user: u, password: p}\n"
              "  - {mac: 000e08010204, type: T, user: u, password: p}\n",
       "another device has this access user"},
      {"device_types:\n  - name: T\n    files:\n      - {name: a.xml, template: "
       "\"%BWAUTHUSER-1%\"}\ndevices: []\n",
       "a common file cannot use the device tag %BWAUTHUSER-1%"},
      {"device_types:\n  - name: T\n    files:\n      - {name: \"%BWMACADDRESS%.xml\", template: "
       "\"%BWLINEPORT-17%\"}\ndevices: []\n",
       "unknown tag %BWLINEPORT-17%"},
      {"device_types:\n  - name: T\n    files:\n      - {name: \"%BWFOO%.xml\", template: "
       "x}\ndevices: []\n",
       "the only tag a file name may hold"},
      {"auth: ntlm\n" + type + "devices: []\n", "auth: expected basic or digest"},
  };
  for (const Case& test : cases) {
    auto config = parse_device_management_config(test.text, "dms.yaml");
    ASSERT_FALSE(config) << test.text;
    EXPECT_EQ(config.error().code, fw::ErrorCode::InvalidValue);
    EXPECT_NE(config.error().detail.find(test.detail), std::string::npos)
        << config.error().detail << "\n  expected: " << test.detail;
  }
}

TEST(DeviceProfilesTest, LimitsOnLinesAndSize) {
  std::string text =
      "device_types:\n  - name: T\n    files:\n      - {name: \"%BWMACADDRESS%.xml\", template: "
      "x}\n"
      "devices:\n  - mac: 000e08010203\n    type: T\n    user: u\n    password: p\n    lines:\n";
  for (std::size_t line = 0; line < kDeviceLinesMax; ++line)
    text += "      - {port: p}\n";
  EXPECT_TRUE(parse_device_management_config(text, "dms.yaml"));
  auto too_many = parse_device_management_config(text + "      - {port: p}\n", "dms.yaml");
  ASSERT_FALSE(too_many);
  EXPECT_NE(too_many.error().detail.find("more than dms_lines_max"), std::string::npos);
  auto too_large = parse_device_management_config(std::string(kDeviceConfigBytesMax + 1, '#'), "d");
  ASSERT_FALSE(too_large);
  EXPECT_NE(too_large.error().detail.find("dms_config_bytes_max"), std::string::npos);
}

TEST(DeviceProfilesTest, TextThatIsNoTagStaysAsWritten) {
  DeviceType type{"T", {}};
  EXPECT_EQ(render_device_template("100% %BW %BWX 50%", type, nullptr), "100% %BW %BWX 50%");
  EXPECT_EQ(render_device_template("%BWDEVICETYPE%%", type, nullptr), "T%");
}

}  // namespace
}  // namespace srv
