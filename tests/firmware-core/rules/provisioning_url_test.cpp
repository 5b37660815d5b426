#include "firmware-core/rules/provisioning_url.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fw {
namespace {

using ::testing::HasSubstr;

ProvisioningUrl parse_ok(std::string_view text) {
  auto url = parse_provisioning_url(text);
  EXPECT_TRUE(url) << text << " -> " << (url ? "" : url.error().to_string());
  return url ? *url : ProvisioningUrl{};
}

std::string error_detail(std::string_view text) {
  auto url = parse_provisioning_url(text);
  EXPECT_FALSE(url) << text;
  if (url) {
    return "unexpected success";
  }
  EXPECT_EQ(url.error().code, ErrorCode::UrlSyntax);
  return url.error().detail;
}

void expect_url(std::string_view text, UrlScheme scheme, std::string_view host, std::uint16_t port,
                std::string_view path) {
  ProvisioningUrl url = parse_ok(text);
  EXPECT_EQ(url.scheme, scheme) << text;
  EXPECT_EQ(url.host, host) << text;
  EXPECT_EQ(url.port, port) << text;
  EXPECT_EQ(url.path, path) << text;
}

// --- Examples from the guide and the reference ------------------------------------------------

TEST(ProvisioningUrlTest, GuideTftpBasicProfile) {
  expect_url("tftp://192.168.1.200/basic.txt", UrlScheme::Tftp, "192.168.1.200", 69, "/basic.txt");
  expect_url("tftp://192.168.1.200/basic.txt.gz", UrlScheme::Tftp, "192.168.1.200", 69,
             "/basic.txt.gz");
  expect_url("tftp://192.168.1.200/basic2.txt", UrlScheme::Tftp, "192.168.1.200", 69,
             "/basic2.txt");
}

TEST(ProvisioningUrlTest, GuideHttpAndHttpsProfiles) {
  expect_url("http://192.168.1.200/basic.txt", UrlScheme::Http, "192.168.1.200", 80, "/basic.txt");
  expect_url("https://my.server.com/basic.txt", UrlScheme::Https, "my.server.com", 443,
             "/basic.txt");
}

TEST(ProvisioningUrlTest, GuideTftpServerOnPort6900) {
  ProvisioningUrl url = parse_ok("tftp://prov.telco.com:6900/cisco/config/CP-8841-3PCC.cfg");
  EXPECT_EQ(url.host, "prov.telco.com");
  EXPECT_EQ(url.port, 6900);
  EXPECT_TRUE(url.port_explicit);
  EXPECT_EQ(url.path, "/cisco/config/CP-8841-3PCC.cfg");
}

TEST(ProvisioningUrlTest, GuideExpandedMacroPaths) {
  expect_url("tftp://prov.telco.com/cisco/Dj6Lmp23Q/000e08012345.cfg", UrlScheme::Tftp,
             "prov.telco.com", 69, "/cisco/Dj6Lmp23Q/000e08012345.cfg");
  expect_url("tftp://192.168.1.200/CP-6841-3PCC000e08012345.cfg", UrlScheme::Tftp, "192.168.1.200",
             69, "/CP-6841-3PCC000e08012345.cfg");
}

TEST(ProvisioningUrlTest, GuideReflectorCgiWithEmptyQuery) {
  expect_url("https://prov.server.com/cgi-bin/reflect.pl?", UrlScheme::Https, "prov.server.com",
             443, "/cgi-bin/reflect.pl?");
}

TEST(ProvisioningUrlTest, GuideUpgradeRuleLoads) {
  expect_url("http://192.0.2.10/sip88xx.11-2-3MSR1-1.loads", UrlScheme::Http, "192.0.2.10", 80,
             "/sip88xx.11-2-3MSR1-1.loads");
  expect_url("tftp://192.168.1.5/image/sip88xx.11-2-3MSR1-1.loads", UrlScheme::Tftp, "192.168.1.5",
             69, "/image/sip88xx.11-2-3MSR1-1.loads");
  expect_url("tftp://10.74.51.81/prov/headset/1-6-0-162/ciscoheadsetfirmware.xml", UrlScheme::Tftp,
             "10.74.51.81", 69, "/prov/headset/1-6-0-162/ciscoheadsetfirmware.xml");
}

TEST(ProvisioningUrlTest, GuideMicRefreshUrlWithRootPath) {
  expect_url("http://sudirenewal.cisco.com/", UrlScheme::Http, "sudirenewal.cisco.com", 80, "/");
}

TEST(ProvisioningUrlTest, GuideActivationCodeScheme) {
  ProvisioningUrl url = parse_ok("gds://");
  EXPECT_EQ(url.scheme, UrlScheme::Gds);
  EXPECT_FALSE(url.needs_server());
  EXPECT_TRUE(url.path.empty());
  EXPECT_EQ(url.to_string(), "gds://");
  EXPECT_EQ(parse_ok("GDS://").scheme, UrlScheme::Gds);
}

TEST(ProvisioningUrlTest, ReferenceCgiWithQuery) {
  expect_url("https://secure.me.com/profile?Linksys", UrlScheme::Https, "secure.me.com", 443,
             "/profile?Linksys");
}

TEST(ProvisioningUrlTest, ReferenceNonDefaultHttpPort) {
  expect_url("http://neptune.speak.net:8080/prov/D/E.cfg", UrlScheme::Http, "neptune.speak.net",
             8080, "/prov/D/E.cfg");
}

TEST(ProvisioningUrlTest, ReferenceMacInFileName) {
  expect_url("tftp://prov.call.com/cpe/cisco000e08012345.cfg", UrlScheme::Tftp, "prov.call.com", 69,
             "/cpe/cisco000e08012345.cfg");
}

TEST(ProvisioningUrlTest, ReferenceUnknownMacroStaysInPath) {
  expect_url("/spa$STRANGE000E08012345.cfg", UrlScheme::Tftp, "", 69,
             "/spa$STRANGE000E08012345.cfg");
}

// Reference §1, factory defaults of the SPA family (before macro expansion): no server, TFTP.
TEST(ProvisioningUrlTest, ReferenceSpaDefaultRules) {
  for (std::string_view rule : {"/spa.cfg", "/spa$PSN.cfg", "/spa2102.cfg", "/$PSN.xml"}) {
    ProvisioningUrl url = parse_ok(rule);
    EXPECT_TRUE(url.needs_server()) << rule;
    EXPECT_EQ(url.scheme, UrlScheme::Tftp) << rule;
    EXPECT_EQ(url.path, rule);
  }
}

// Guide, "Erneute Synchronisierung mit HTTP GET": the text names the server 192.168.1.300, which
// is no IPv4 address (the example rule itself uses .200).
TEST(ProvisioningUrlTest, GuideHttpServerAddress300IsNotAHost) {
  EXPECT_FALSE(is_valid_host("192.168.1.300"));
  auto url = parse_provisioning_url("http://192.168.1.300/basic.txt");
  ASSERT_FALSE(url);
  EXPECT_EQ(url.error().code, ErrorCode::UrlSyntax);
}

TEST(ProvisioningUrlTest, PathWithoutServerNeedsOne) {
  ProvisioningUrl url = parse_ok("/7861.xml");
  EXPECT_TRUE(url.needs_server());
  EXPECT_FALSE(url.scheme_explicit);
  EXPECT_EQ(url.scheme, UrlScheme::Tftp);
  EXPECT_EQ(parse_ok("/cisco/cfg.xml").path, "/cisco/cfg.xml");
}

TEST(ProvisioningUrlTest, ServerWithoutSchemeIsTftp) {
  ProvisioningUrl url = parse_ok("192.168.1.130/profiles/init.cfg");
  EXPECT_EQ(url.scheme, UrlScheme::Tftp);
  EXPECT_FALSE(url.scheme_explicit);
  EXPECT_EQ(url.host, "192.168.1.130");
  EXPECT_EQ(url.port, 69);
  EXPECT_EQ(url.path, "/profiles/init.cfg");
  EXPECT_EQ(parse_ok("prov.example.com:1069/x.cfg").port, 1069);
}

TEST(ProvisioningUrlTest, SchemeWithoutServerKeepsScheme) {
  ProvisioningUrl url = parse_ok("https:///cfg.xml");
  EXPECT_EQ(url.scheme, UrlScheme::Https);
  EXPECT_TRUE(url.scheme_explicit);
  EXPECT_TRUE(url.needs_server());
  EXPECT_EQ(url.port, 443);
}

TEST(ProvisioningUrlTest, SchemeIsCaseInsensitive) {
  expect_url("HTTPS://Prov.Example.COM/x.xml", UrlScheme::Https, "Prov.Example.COM", 443, "/x.xml");
  EXPECT_EQ(parse_ok("Tftp://h/x").scheme, UrlScheme::Tftp);
}

TEST(ProvisioningUrlTest, SchemeInsideQueryIsNotAScheme) {
  ProvisioningUrl url = parse_ok("/cgi?next=http://other/x");
  EXPECT_FALSE(url.scheme_explicit);
  EXPECT_EQ(url.path, "/cgi?next=http://other/x");
}

// --- Errors -----------------------------------------------------------------------------------

TEST(ProvisioningUrlTest, UnknownSchemeIsAnError) {
  EXPECT_THAT(error_detail("ftp://h/x.cfg"), HasSubstr("at 0: unknown scheme"));
  EXPECT_THAT(error_detail("gopher://h/x"), HasSubstr("at 0: unknown scheme"));
}

TEST(ProvisioningUrlTest, MissingPathIsAnError) {
  EXPECT_THAT(error_detail("http://host"), HasSubstr("at 11: expected an absolute file path"));
  EXPECT_THAT(error_detail("basic.txt"), HasSubstr("at 9: expected an absolute file path"));
  EXPECT_THAT(error_detail(""), HasSubstr("at 0: expected a URL"));
}

TEST(ProvisioningUrlTest, PortRange) {
  EXPECT_EQ(parse_ok("http://h:1/x").port, 1);
  EXPECT_EQ(parse_ok("http://h:65535/x").port, 65535);
  EXPECT_THAT(error_detail("http://h:0/x"), HasSubstr("at 9: port out of range 1..65535"));
  EXPECT_THAT(error_detail("http://h:65536/x"), HasSubstr("at 9: port out of range"));
  EXPECT_THAT(error_detail("http://h:99999999999999999999/x"), HasSubstr("at 9: expected a port"));
  EXPECT_THAT(error_detail("http://h:/x"), HasSubstr("at 9: expected a port number"));
  EXPECT_THAT(error_detail("http://h:80a/x"), HasSubstr("at 9: expected a port number"));
  EXPECT_THAT(error_detail("http://h:-1/x"), HasSubstr("at 9: expected a port number"));
}

TEST(ProvisioningUrlTest, BadHostIsAnError) {
  EXPECT_THAT(error_detail("http://ho$t/x"), HasSubstr("at 7: expected a DNS name or dotted IPv4"));
  EXPECT_THAT(error_detail("http://1.2.3.999/x"), HasSubstr("at 7: expected a DNS name"));
  EXPECT_THAT(error_detail("http://[::1]/x"), HasSubstr("at 7: expected a DNS name"));
  EXPECT_THAT(error_detail("http://user:pw@h/x"), HasSubstr("at 7: credentials in the URL"));
  EXPECT_THAT(error_detail("tftp://a..b/x"), HasSubstr("at 7:"));
  EXPECT_THAT(error_detail("tftp://-a.b/x"), HasSubstr("at 7:"));
}

TEST(ProvisioningUrlTest, GdsTakesNothingAfterIt) {
  EXPECT_THAT(error_detail("gds://activate.cisco.com/x"),
              HasSubstr("at 6: gds:// takes no server"));
}

TEST(ProvisioningUrlTest, ForbiddenPathCharacterIsAnError) {
  EXPECT_THAT(error_detail("http://h/a b"), HasSubstr("at 10: character not allowed"));
  EXPECT_THAT(error_detail("http://h/a\"b"), HasSubstr("at 10:"));
  EXPECT_THAT(error_detail("http://h/a\x01"), HasSubstr("at 10:"));
  EXPECT_THAT(error_detail("http://h/\xc3\xa4.cfg"), HasSubstr("at 9:"));
}

TEST(ProvisioningUrlTest, PositionBaseShiftsErrorPositions) {
  auto url = parse_provisioning_url("http://h:0/x", 20);
  ASSERT_FALSE(url);
  EXPECT_THAT(url.error().detail, HasSubstr("at 29:"));
}

// --- Limits -----------------------------------------------------------------------------------

TEST(ProvisioningUrlTest, UrlAtByteLimitIsAccepted) {
  std::string text = "http://h/" + std::string(kUrlBytesMax - 9, 'a');
  ASSERT_EQ(text.size(), kUrlBytesMax);
  EXPECT_TRUE(parse_provisioning_url(text));
  EXPECT_THAT(error_detail(text + "a"), HasSubstr("URL longer than 1024 bytes"));
}

std::string host_of_length(std::size_t bytes) {
  std::string host;
  while (host.size() < bytes) {
    if (!host.empty()) {
      host += '.';
    }
    host += std::string(std::min<std::size_t>(kHostLabelBytesMax, bytes - host.size()), 'h');
  }
  return host;
}

TEST(ProvisioningUrlTest, HostAtByteLimitIsAccepted) {
  std::string host = host_of_length(kHostBytesMax);
  ASSERT_EQ(host.size(), kHostBytesMax);
  EXPECT_TRUE(is_valid_host(host));
  EXPECT_EQ(parse_ok("http://" + host + "/x").host, host);
  EXPECT_FALSE(is_valid_host(host + "h"));
  EXPECT_THAT(error_detail("http://" + host + "h/x"), HasSubstr("at 7:"));
}

TEST(ProvisioningUrlTest, HostLabelAtByteLimitIsAccepted) {
  EXPECT_TRUE(is_valid_host(std::string(kHostLabelBytesMax, 'a') + ".example"));
  EXPECT_FALSE(is_valid_host(std::string(kHostLabelBytesMax + 1, 'a') + ".example"));
}

TEST(ProvisioningUrlTest, ValidHosts) {
  EXPECT_TRUE(is_valid_host("192.168.1.200"));
  EXPECT_TRUE(is_valid_host("0.0.0.0"));
  EXPECT_TRUE(is_valid_host("prov_1.tel-co.example"));
  EXPECT_TRUE(is_valid_host("localhost"));
  EXPECT_FALSE(is_valid_host(""));
  EXPECT_FALSE(is_valid_host("1.2.3"));
  EXPECT_FALSE(is_valid_host("1.2.3.4.5"));
  EXPECT_FALSE(is_valid_host("256.1.1.1"));
  EXPECT_FALSE(is_valid_host("a-.b"));
  EXPECT_FALSE(is_valid_host("a."));
}

// --- Log macros -------------------------------------------------------------------------------

TEST(ProvisioningUrlTest, ToStringAlwaysShowsNumericPort) {
  EXPECT_EQ(parse_ok("tftp://192.168.1.200/basic.txt").to_string(),
            "tftp://192.168.1.200:69/basic.txt");
  EXPECT_EQ(parse_ok("HTTPS://h.example:8443/a?b").to_string(), "https://h.example:8443/a?b");
}

TEST(ProvisioningUrlTest, UrlMacrosForLogTemplates) {
  ProvisioningUrl url = parse_ok("HTTP://prov.example.com/cfg/000e08012345.xml");
  EXPECT_EQ(url_macro(url, "SCHEME"), "http");
  EXPECT_EQ(url_macro(url, "METH"), "http");
  EXPECT_EQ(url_macro(url, "SERV"), "prov.example.com");
  EXPECT_EQ(url_macro(url, "PORT"), "80");
  EXPECT_EQ(url_macro(url, "PATH"), "/cfg/000e08012345.xml");
  EXPECT_EQ(url_macro(url, "SERVIP"), std::nullopt);
  EXPECT_EQ(url_macro(url, "MA"), std::nullopt);
  EXPECT_EQ(url_macro(parse_ok("tftp://h:6900/x"), "PORT"), "6900");
}

TEST(ProvisioningUrlTest, SchemeNamesAndDefaultPorts) {
  EXPECT_EQ(scheme_name(UrlScheme::Tftp), "tftp");
  EXPECT_EQ(scheme_name(UrlScheme::Http), "http");
  EXPECT_EQ(scheme_name(UrlScheme::Https), "https");
  EXPECT_EQ(scheme_name(UrlScheme::Gds), "gds");
  EXPECT_EQ(default_port(UrlScheme::Tftp), 69);
  EXPECT_EQ(default_port(UrlScheme::Http), 80);
  EXPECT_EQ(default_port(UrlScheme::Https), 443);
}

}  // namespace
}  // namespace fw
