#include "firmware-core/runtime/network_address.h"

#include <gtest/gtest.h>

namespace fw {
namespace {

TEST(Ipv4AddressTest, ParsesDottedQuad) {
  auto address = Ipv4Address::parse("192.168.1.200");
  ASSERT_TRUE(address);
  EXPECT_EQ(address->value, 0xC0A801C8u);
  EXPECT_EQ(address->to_string(), "192.168.1.200");
  EXPECT_EQ(Ipv4Address::parse("0.0.0.0")->value, 0u);
  EXPECT_EQ(Ipv4Address::parse("255.255.255.255")->value, 0xFFFFFFFFu);
}

TEST(Ipv4AddressTest, RejectsEverythingElse) {
  for (const char* text : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ", " 1.2.3.4", "01.2.3.4",
                           "1..3.4", "prov.example.com", "1.2.3.-4", "1.2.3.4:69", "1234.1.1.1"}) {
    EXPECT_FALSE(Ipv4Address::parse(text)) << text;
  }
}

TEST(EndpointTest, PrintsAddressAndPort) {
  Endpoint endpoint{*Ipv4Address::parse("10.0.0.1"), 69};
  EXPECT_EQ(endpoint.to_string(), "10.0.0.1:69");
}

TEST(EndpointTest, ParsesAddressColonPort) {
  auto endpoint = Endpoint::parse("127.0.0.1:6969");
  ASSERT_TRUE(endpoint);
  EXPECT_EQ(endpoint->to_string(), "127.0.0.1:6969");
  EXPECT_EQ(Endpoint::parse("0.0.0.0:0")->port, 0);
  EXPECT_EQ(Endpoint::parse("10.0.0.1:65535")->port, 65535);
}

TEST(EndpointTest, ParseRejectsEverythingElse) {
  for (const char* text : {"", "127.0.0.1", "127.0.0.1:", ":69", "127.0.0.1:65536", "127.0.0.1:069",
                           "127.0.0.1:-1", "127.0.0.1:+69", "localhost:69", "127.0.0.1:69 ",
                           "127.0.0.1:123456", "127.0.0.1:6a"}) {
    EXPECT_FALSE(Endpoint::parse(text)) << text;
  }
}

}  // namespace
}  // namespace fw
