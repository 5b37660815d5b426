#include "sim/fleet/phone_model.h"

#include <gtest/gtest.h>

#include "firmware-core/config/persistent_config.h"
#include "firmware-core/macro/macro_table.h"
#include "sim/flash/sim_flash.h"

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

TEST(PhoneModelTest, StoredParametersAreWhatTheFirmwareLoads) {
  SimFlash flash;
  fw::ValuePool pool;
  const std::vector<std::pair<std::string, std::string>> parameters = {
      {"Profile_Rule", "tftp://192.168.1.200/$MA.cfg"}, {"GPP_A", "first"}, {"GPP_A", "second"}};
  ASSERT_TRUE(store_parameters(flash, parameters, &pool));
  const std::uint64_t steps = flash.steps_taken();
  fw::PersistentConfig loaded(flash, fw::ParameterRegistry::builtin(), &pool);
  ASSERT_TRUE(loaded.load());
  const fw::ConfigStore& store = loaded.store();
  EXPECT_EQ(store.value(*store.registry().find("Profile_Rule")), "tftp://192.168.1.200/$MA.cfg");
  EXPECT_EQ(store.value(*store.registry().find("GPP_A")), "second");  // in order: the last wins
  EXPECT_EQ(store.pool(), &pool);
  // One transaction: a second call with nothing to store writes nothing.
  ASSERT_TRUE(store_parameters(flash, {}, &pool));
  EXPECT_EQ(flash.steps_taken(), steps);
}

TEST(PhoneModelTest, AnInvalidParameterStoresNothing) {
  SimFlash flash;
  const std::vector<std::pair<std::string, std::string>> parameters = {
      {"GPP_A", "kept out"}, {"Resync_Random_Delay", "soon"}};
  auto stored = store_parameters(flash, parameters, nullptr);
  ASSERT_FALSE(stored);
  EXPECT_EQ(stored.error().detail.rfind("parameter Resync_Random_Delay: ", 0), 0u) << stored.error().detail;
  EXPECT_EQ(flash.steps_taken(), 0u);
  fw::PersistentConfig loaded(flash);
  ASSERT_TRUE(loaded.load());
  EXPECT_FALSE(loaded.restored());
}

TEST(PhoneModelTest, ResetLeavesOnlyTheFactoryParameters) {
  SimFlash flash;
  fw::ValuePool pool;
  const std::vector<std::pair<std::string, std::string>> factory = {{"GPP_B", "factory"}};
  ASSERT_TRUE(store_parameters(flash, factory, &pool));
  // What a profile or the admin changed later.
  const std::vector<std::pair<std::string, std::string>> changed = {{"GPP_A", "from a profile"},
                                                                    {"GPP_B", "changed"}};
  ASSERT_TRUE(store_parameters(flash, changed, &pool));
  ASSERT_TRUE(reset_parameters(flash, factory, &pool));
  fw::PersistentConfig loaded(flash, fw::ParameterRegistry::builtin(), &pool);
  ASSERT_TRUE(loaded.load());
  const fw::ConfigStore& store = loaded.store();
  EXPECT_EQ(store.value(*store.registry().find("GPP_A")), "");
  EXPECT_EQ(store.value(*store.registry().find("GPP_B")), "factory");
  // An invalid factory parameter is an error and leaves the configuration as it was.
  auto bad = reset_parameters(flash, {{{"Resync_Random_Delay", "soon"}}}, &pool);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().detail.rfind("parameter Resync_Random_Delay: ", 0), 0u) << bad.error().detail;
  fw::PersistentConfig after(flash, fw::ParameterRegistry::builtin(), &pool);
  ASSERT_TRUE(after.load());
  EXPECT_EQ(after.store().value(*after.store().registry().find("GPP_B")), "factory");
}

}  // namespace
}  // namespace sim
