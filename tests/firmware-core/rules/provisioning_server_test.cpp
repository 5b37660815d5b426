#include "firmware-core/rules/provisioning_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fw {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::uint16_t> order(std::string_view text) {
  auto codes = parse_dhcp_option_order(text);
  EXPECT_TRUE(codes) << text;
  return codes ? *codes : std::vector<std::uint16_t>{};
}

ServerSources dhcp(DhcpOptions options, std::string_view option_order = kDefaultDhcpOptionOrder) {
  return ServerSources{std::move(options), order(option_order), {}};
}

ProvisioningUrl url(std::string_view text) {
  auto parsed = parse_provisioning_url(text);
  EXPECT_TRUE(parsed) << text;
  return parsed ? *parsed : ProvisioningUrl{};
}

ProvisioningUrl filled(std::string_view rule_url, const ServerSources& sources) {
  auto result = fill_server_from_dhcp(url(rule_url), sources);
  EXPECT_TRUE(result) << rule_url << " -> " << (result ? "" : result.error().to_string());
  return result ? *result : ProvisioningUrl{};
}

// --- DHCP_Option_To_Use -----------------------------------------------------------------------

TEST(ProvisioningServerTest, DhcpOptionOrderDefault) {
  EXPECT_THAT(order(kDefaultDhcpOptionOrder), ElementsAre(66, 160, 159, 150, 60, 43, 125));
}

TEST(ProvisioningServerTest, DhcpOptionOrderWithDotsFromGuide) {
  EXPECT_THAT(order("17.160.159"), ElementsAre(17, 160, 159));
}

TEST(ProvisioningServerTest, DhcpOptionOrderToleratesSpaces) {
  EXPECT_THAT(order(" 160 , 66 "), ElementsAre(160, 66));
}

TEST(ProvisioningServerTest, DhcpOptionOrderEmptyConsultsNothing) {
  EXPECT_TRUE(order("").empty());
  EXPECT_TRUE(order("  ").empty());
}

TEST(ProvisioningServerTest, DhcpOptionOrderRejectsJunk) {
  for (std::string_view text : {"66,abc", "0", "65536", "66,,160", "66,", "-66", "6 6"}) {
    auto codes = parse_dhcp_option_order(text);
    ASSERT_FALSE(codes) << text;
    EXPECT_EQ(codes.error().code, ErrorCode::InvalidValue);
    EXPECT_THAT(codes.error().detail, HasSubstr("DHCP_Option_To_Use")) << text;
  }
}

TEST(ProvisioningServerTest, DhcpOptionOrderAtEntryLimitIsAccepted) {
  std::string text = "1";
  for (std::size_t i = 1; i < kDhcpOptionOrderEntriesMax; ++i) {
    text += "," + std::to_string(i + 1);
  }
  EXPECT_EQ(order(text).size(), kDhcpOptionOrderEntriesMax);
  auto too_many = parse_dhcp_option_order(text + ",99");
  ASSERT_FALSE(too_many);
  EXPECT_THAT(too_many.error().detail, HasSubstr("more than 32 entries"));
}

// --- Filling a serverless rule ----------------------------------------------------------------

TEST(ProvisioningServerTest, DhcpOption66GivesTftpServer) {
  ProvisioningUrl result = filled("/7861.xml", dhcp({{66, to_bytes("192.168.1.200")}}));
  EXPECT_EQ(result.scheme, UrlScheme::Tftp);
  EXPECT_EQ(result.host, "192.168.1.200");
  EXPECT_EQ(result.port, 69);
  EXPECT_EQ(result.path, "/7861.xml");
  EXPECT_EQ(result.to_string(), "tftp://192.168.1.200:69/7861.xml");
}

TEST(ProvisioningServerTest, DhcpOption66WithTrailingNulAndName) {
  Bytes payload = to_bytes("tftp.example.com");
  payload.push_back(0);
  EXPECT_EQ(filled("/cisco/cfg.xml", dhcp({{66, payload}})).host, "tftp.example.com");
}

TEST(ProvisioningServerTest, DhcpOptionsTriedInConfiguredOrder) {
  DhcpOptions options = {{66, to_bytes("tftp.example.com")},
                         {160, to_bytes("http://prov.example.com/")}};
  EXPECT_EQ(filled("/x.xml", dhcp(options)).host, "tftp.example.com");
  ProvisioningUrl by_160 = filled("/x.xml", dhcp(options, "160,66"));
  EXPECT_EQ(by_160.host, "prov.example.com");
  EXPECT_EQ(by_160.scheme, UrlScheme::Http);
  EXPECT_EQ(by_160.port, 80);
}

TEST(ProvisioningServerTest, DhcpOption160UrlGivesSchemeServerAndPortButKeepsRulePath) {
  ProvisioningUrl result =
      filled("/7861.xml", dhcp({{160, to_bytes("https://prov.example.com:8443/base/dir/")}}));
  EXPECT_EQ(result.scheme, UrlScheme::Https);
  EXPECT_EQ(result.host, "prov.example.com");
  EXPECT_EQ(result.port, 8443);
  EXPECT_EQ(result.path, "/7861.xml");
}

TEST(ProvisioningServerTest, DhcpOption159UrlWithoutPath) {
  ProvisioningUrl result = filled("/x.cfg", dhcp({{159, to_bytes("https://prov.example.com")}}));
  EXPECT_EQ(result.scheme, UrlScheme::Https);
  EXPECT_EQ(result.port, 443);
  EXPECT_EQ(result.host, "prov.example.com");
}

TEST(ProvisioningServerTest, DhcpOption159PlainHostKeepsRuleScheme) {
  ProvisioningUrl result = filled("/x.cfg", dhcp({{159, to_bytes("prov.example.com:1069")}}));
  EXPECT_EQ(result.scheme, UrlScheme::Tftp);
  EXPECT_EQ(result.port, 1069);
}

TEST(ProvisioningServerTest, DhcpUrlOptionDoesNotOverrideRuleScheme) {
  ProvisioningUrl result =
      filled("http:///x.cfg", dhcp({{160, to_bytes("https://prov.example.com:8443/")}}));
  EXPECT_EQ(result.scheme, UrlScheme::Http);
  EXPECT_EQ(result.host, "prov.example.com");
  EXPECT_EQ(result.port, 80);  // 8443 belonged to the option's https
  ProvisioningUrl same_scheme =
      filled("https:///x.cfg", dhcp({{160, to_bytes("https://prov.example.com:8443/")}}));
  EXPECT_EQ(same_scheme.port, 8443);
}

TEST(ProvisioningServerTest, DhcpOption150BinaryListGivesFirstAddress) {
  ProvisioningUrl result = filled("/x.cfg", dhcp({{150, Bytes{10, 0, 0, 7, 10, 0, 0, 8}}}));
  EXPECT_EQ(result.host, "10.0.0.7");
}

TEST(ProvisioningServerTest, DhcpOption150TextListGivesFirstAddress) {
  EXPECT_EQ(filled("/x.cfg", dhcp({{150, to_bytes("10.0.0.7,10.0.0.8")}})).host, "10.0.0.7");
  EXPECT_EQ(filled("/x.cfg", dhcp({{150, to_bytes("10.0.0.9 10.0.0.8")}})).host, "10.0.0.9");
}

TEST(ProvisioningServerTest, DhcpVendorOptionUsedOnlyWithPlainHost) {
  EXPECT_EQ(filled("/x.cfg", dhcp({{43, to_bytes("prov.example.com")}})).host, "prov.example.com");
  DhcpOptions options = {{43, Bytes{0x01, 0x04, 0xc0, 0xa8, 0x01, 0x01}},
                         {125, to_bytes("10.1.1.1")}};
  EXPECT_EQ(filled("/x.cfg", dhcp(options)).host, "10.1.1.1");
}

TEST(ProvisioningServerTest, DhcpUnusableOptionIsSkipped) {
  DhcpOptions options = {{66, to_bytes("not a host!")}, {150, Bytes{192, 168, 5, 5}}};
  EXPECT_EQ(filled("/x.cfg", dhcp(options)).host, "192.168.5.5");
}

TEST(ProvisioningServerTest, DhcpOptionNotInOrderIsIgnored) {
  auto result = fill_server_from_dhcp(url("/x.cfg"), dhcp({{66, to_bytes("h.example")}}, "160"));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::NoProvisioningServer);
}

TEST(ProvisioningServerTest, DhcpWithoutServerIsNoProvisioningServer) {
  auto result = fill_server_from_dhcp(url("/x.cfg"), dhcp({{66, to_bytes("")}, {43, Bytes{1, 2}}}));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::NoProvisioningServer);
  EXPECT_EQ(result.error().err_text(), "no server");
  EXPECT_THAT(result.error().detail, HasSubstr("[66,160,159,150,60,43,125]"));
  EXPECT_THAT(result.error().detail, HasSubstr("present but unusable: 66,43"));
}

TEST(ProvisioningServerTest, DhcpNotConsultedWhenRuleNamesServer) {
  ProvisioningUrl result = filled("http://a.example/x", dhcp({{66, to_bytes("b.example")}}));
  EXPECT_EQ(result.host, "a.example");
  EXPECT_TRUE(fill_server_from_dhcp(url("http://a.example/x"), dhcp({})));
}

TEST(ProvisioningServerTest, GdsNeedsNoServer) {
  auto result = fill_server_from_dhcp(url("gds://"), dhcp({}));
  ASSERT_TRUE(result);
  EXPECT_EQ(result->scheme, UrlScheme::Gds);
}

// --- Upgrade_Rule -----------------------------------------------------------------------------

TEST(ProvisioningServerTest, UpgradeWithoutServerPrefersDhcp) {
  ServerSources sources = dhcp({{66, to_bytes("10.9.9.9")}});
  sources.last_resync_host = "prov.example.com";
  auto result = fill_upgrade_server(url("/sip88xx.11-2-3MSR1-1.loads"), sources);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->host, "10.9.9.9");
}

TEST(ProvisioningServerTest, UpgradeWithoutDhcpUsesLastResyncHost) {
  ServerSources sources = dhcp({});
  sources.last_resync_host = "prov.example.com";
  auto result = fill_upgrade_server(url("http:///sip88xx.11-2-3MSR1-1.loads"), sources);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->host, "prov.example.com");
  EXPECT_EQ(result->scheme, UrlScheme::Http);
  EXPECT_EQ(result->port, 80);
}

TEST(ProvisioningServerTest, UpgradeWithNoServerAnywhereFails) {
  auto result = fill_upgrade_server(url("/sip88xx.11-2-3MSR1-1.loads"), dhcp({}));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::NoProvisioningServer);
  EXPECT_THAT(result.error().detail, HasSubstr("no successful resync host"));
}

TEST(ProvisioningServerTest, ProfileRuleDoesNotUseLastResyncHost) {
  ServerSources sources = dhcp({});
  sources.last_resync_host = "prov.example.com";
  EXPECT_FALSE(fill_server_from_dhcp(url("/x.xml"), sources));
}

}  // namespace
}  // namespace fw
