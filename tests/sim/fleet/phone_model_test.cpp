#include "sim/fleet/phone_model.h"

#include <gtest/gtest.h>

#include "firmware-core/macro/macro_table.h"

namespace sim {
namespace {

TEST(PhoneModelTest, SeriesComesFromTheModelName) {
  EXPECT_EQ(product_series("CP-8841-3PCC"), "8841");
  EXPECT_EQ(product_series("CP-6841-3PCC"), "6841");
  EXPECT_EQ(product_series("SPA504G"), "");
  EXPECT_EQ(product_series("ATA-191"), "191");
}

TEST(PhoneModelTest, IdentitiesCountUpFromTheGroupsFirstValues) {
  PhoneGroupSpec group;
  group.count = 300;
  group.mac_first = {0x00, 0x0e, 0x08, 0xab, 0xcd, 0xff};
  group.address_first = *fw::Ipv4Address::parse("10.0.0.250");
  auto first = phone_identity(group, 0);
  ASSERT_TRUE(first);
  EXPECT_EQ(fw::mac_lower_hex(first->mac), "000e08abcdff");
  EXPECT_EQ(first->serial_number, "FCH00000001");
  EXPECT_EQ(first->ip_address, "10.0.0.250");
  EXPECT_EQ(first->product_series, "8841");
  auto next = phone_identity(group, 1);  // carries into the next MAC and address byte
  ASSERT_TRUE(next);
  EXPECT_EQ(fw::mac_lower_hex(next->mac), "000e08abce00");
  EXPECT_EQ(next->ip_address, "10.0.0.251");
  EXPECT_EQ(phone_identity(group, 299)->serial_number, "FCH00000300");
}

TEST(PhoneModelTest, RefusesIndicesAndRangesBeyondTheGroup) {
  PhoneGroupSpec group;
  group.count = 2;
  EXPECT_FALSE(phone_identity(group, 2));
  group.count = 10;
  group.mac_first = {0xff, 0xff, 0xff, 0xff, 0xff, 0xfe};
  EXPECT_TRUE(phone_identity(group, 1));
  EXPECT_FALSE(phone_identity(group, 2));
  group.mac_first = {0, 0, 0, 0, 0, 1};
  group.address_first = *fw::Ipv4Address::parse("255.255.255.254");
  EXPECT_TRUE(phone_identity(group, 1));
  auto past = phone_identity(group, 2);
  ASSERT_FALSE(past);
  EXPECT_NE(past.error().detail.find("address range"), std::string::npos);
}

}  // namespace
}  // namespace sim
