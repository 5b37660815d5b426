#include "load/target_guard.h"

#include <gtest/gtest.h>

namespace load {
namespace {

TEST(TargetGuardTest, LoopbackIsTheWholeSlashEight) {
  EXPECT_TRUE(is_loopback(*fw::Ipv4Address::parse("127.0.0.1")));
  EXPECT_TRUE(is_loopback(*fw::Ipv4Address::parse("127.255.255.254")));
  EXPECT_FALSE(is_loopback(*fw::Ipv4Address::parse("128.0.0.1")));
  EXPECT_FALSE(is_loopback(*fw::Ipv4Address::parse("10.0.0.1")));
  EXPECT_FALSE(is_loopback(*fw::Ipv4Address::parse("0.0.0.0")));
  EXPECT_TRUE(is_allowed_target(*fw::Ipv4Address::parse("10.0.0.1"), true));
  EXPECT_FALSE(is_allowed_target(*fw::Ipv4Address::parse("10.0.0.1"), false));
}

TEST(TargetGuardTest, LoopbackText) {
  EXPECT_TRUE(is_loopback_text("127.0.0.5"));
  EXPECT_TRUE(is_loopback_text("::1"));
  EXPECT_TRUE(is_loopback_text("::ffff:127.0.0.1"));
  EXPECT_FALSE(is_loopback_text("::ffff:10.0.0.1"));
  EXPECT_FALSE(is_loopback_text("fe80::1"));
  EXPECT_FALSE(is_loopback_text("localhost"));  // names are resolved first, never trusted as text
}

TEST(TargetGuardTest, UrlHostsFromRulesAndParameters) {
  EXPECT_EQ(url_hosts("[--key secret]https://prov.example.com:8443/cfg/$MA.xml"),
            (std::vector<std::string>{"prov.example.com"}));
  EXPECT_EQ(url_hosts("( tftp://10.0.0.1/a.cfg | http://[::1]:80/b.cfg ) http://u@host.test/x"),
            (std::vector<std::string>{"10.0.0.1", "::1", "host.test"}));
  EXPECT_EQ(url_hosts("http://$SERVIP/x.cfg"), std::vector<std::string>{});  // checked at run time
  EXPECT_EQ(url_hosts("no url here"), std::vector<std::string>{});
}

TEST(TargetGuardTest, HostOfServerValue) {
  EXPECT_EQ(host_of_server_value("127.0.0.1:514"), "127.0.0.1");
  EXPECT_EQ(host_of_server_value("syslog.example.com"), "syslog.example.com");
  EXPECT_EQ(host_of_server_value("[::1]:514"), "::1");
  EXPECT_EQ(host_of_server_value("tftp://10.1.1.1/x"), "10.1.1.1");
  EXPECT_EQ(host_of_server_value("$SERVIP"), "");
}

TEST(TargetGuardTest, CheckTargetsResolvesAndRefusesOutsideLoopback) {
  EXPECT_TRUE(check_targets({"127.0.0.1", "127.0.0.2", "::1"}, false));
  EXPECT_TRUE(check_targets({"localhost"}, false));
  auto refused = check_targets({"127.0.0.1", "192.0.2.10"}, false);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().detail.find("192.0.2.10"), std::string::npos);
  EXPECT_NE(refused.error().detail.find("--allow-remote-target"), std::string::npos);
  EXPECT_TRUE(check_targets({"192.0.2.10"}, true));
}

TEST(TargetGuardTest, CheckTargetsNamesAHostThatDoesNotResolve) {
  auto unknown = check_targets({"no-such-host.invalid"}, false);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, fw::ErrorCode::DnsFailed);
  EXPECT_NE(unknown.error().detail.find("no-such-host.invalid"), std::string::npos);
}

TEST(TargetGuardTest, BindRanges) {
  auto single = parse_bind_range("127.0.0.2", false);
  ASSERT_TRUE(single);
  EXPECT_EQ(single->size(), 1u);
  auto range = parse_bind_range("127.0.0.2-127.0.0.11", false);
  ASSERT_TRUE(range);
  EXPECT_EQ(range->size(), 10u);
  EXPECT_EQ(range->back().to_string(), "127.0.0.11");
  auto cidr = parse_bind_range("127.0.1.0/24", false);
  ASSERT_TRUE(cidr);
  EXPECT_EQ(cidr->size(), 256u);
  EXPECT_EQ(cidr->front().to_string(), "127.0.1.0");
}

TEST(TargetGuardTest, BindRangesRefuseNonLocalReversedAndTooLarge) {
  EXPECT_FALSE(parse_bind_range("10.0.0.1-10.0.0.9", false));
  EXPECT_TRUE(parse_bind_range("10.0.0.1-10.0.0.9", true));
  EXPECT_FALSE(parse_bind_range("127.0.0.9-127.0.0.1", false));
  EXPECT_FALSE(parse_bind_range("127.0.0.0/8", false));  // 16 M addresses, past kBindAddressesMax
  EXPECT_FALSE(parse_bind_range("127.0.0.1/33", false));
  EXPECT_FALSE(parse_bind_range("localhost", false));
  auto outside = parse_bind_range("126.255.255.255-127.0.0.1", false);
  ASSERT_FALSE(outside);
  EXPECT_NE(outside.error().detail.find("loopback"), std::string::npos);
}

}  // namespace
}  // namespace load
