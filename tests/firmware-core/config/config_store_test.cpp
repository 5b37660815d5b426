#include "firmware-core/config/config_store.h"

#include <string>

#include <gtest/gtest.h>

#include "tests/support/param_id.h"

namespace fw {
namespace {

using test::id;

ConfigStore with(std::initializer_list<std::pair<std::string_view, std::string_view>> values) {
  ConfigDraft draft{ConfigStore{}};
  for (const auto& [name, raw] : values) {
    auto set = draft.set_value(id(name), raw);
    EXPECT_TRUE(set.has_value()) << name << ": " << set.error().to_string();
  }
  return draft.build();
}

TEST(ConfigStoreTest, FreshStoreReadsRegistryDefaults) {
  ConfigStore store;
  EXPECT_EQ(store.override_count(), 0u);
  for (std::size_t i = 0; i < store.registry().size(); ++i) {
    const auto each = static_cast<ParamId>(i);
    EXPECT_EQ(store.value(each), store.registry().spec(each).default_value);
    EXPECT_EQ(store.access(each), store.registry().spec(each).default_access);
    EXPECT_TRUE(store.is_default(each));
  }
}

TEST(ConfigStoreTest, DraftBuildStoresNormalizedOverride) {
  ConfigStore store = with({{"GPP_A", " 12345678\n"}, {"Provision_Enable", "Nein"}});
  EXPECT_EQ(store.value(id("GPP_A")), "12345678");
  EXPECT_EQ(store.value(id("Provision_Enable")), "No");
  EXPECT_FALSE(store.is_default(id("GPP_A")));
  EXPECT_TRUE(store.value_overridden(id("GPP_A")));
  EXPECT_TRUE(store.is_default(id("GPP_B")));
  EXPECT_EQ(store.override_count(), 2u);
}

TEST(ConfigStoreTest, ValueEqualToDefaultIsNotStored) {
  ConfigStore store = with({{"Resync_Periodic", "3600"}, {"Provision_Enable", "ja"}});
  EXPECT_EQ(store.override_count(), 0u);
  EXPECT_EQ(store, ConfigStore{});
}

TEST(ConfigStoreTest, AccessOverrideWithoutValueOverride) {
  ConfigDraft draft{ConfigStore{}};
  draft.set_access(id("Profile_Rule_B"), Access::ReadWrite);
  ConfigStore store = draft.build();
  EXPECT_EQ(store.access(id("Profile_Rule_B")), Access::ReadWrite);
  EXPECT_EQ(store.value(id("Profile_Rule_B")), "");
  EXPECT_FALSE(store.is_default(id("Profile_Rule_B")));
  EXPECT_FALSE(store.value_overridden(id("Profile_Rule_B")));
}

TEST(ConfigStoreTest, KeepsOldValueOnInvalidInput) {
  ConfigStore base = with({{"Resync_Random_Delay", "10"}});
  ConfigDraft draft{base};
  auto set = draft.set_value(id("Resync_Random_Delay"), "65536");
  ASSERT_FALSE(set.has_value());
  EXPECT_EQ(set.error().code, ErrorCode::InvalidValue);
  EXPECT_EQ(draft.value(id("Resync_Random_Delay")), "10");
  EXPECT_EQ(draft.build().value(id("Resync_Random_Delay")), "10");
}

TEST(ConfigStoreTest, DraftLeavesItsBaseUntouched) {
  ConfigStore base = with({{"GPP_A", "old"}});
  ConfigDraft draft{base};
  ASSERT_TRUE(draft.set_value(id("GPP_A"), "new").has_value());
  draft.set_access(id("GPP_A"), Access::ReadOnly);
  EXPECT_EQ(base.value(id("GPP_A")), "old");
  EXPECT_EQ(base.access(id("GPP_A")), Access::NoAccess);
  EXPECT_EQ(draft.value(id("GPP_A")), "new");
  EXPECT_EQ(draft.access(id("GPP_A")), Access::ReadOnly);
}

TEST(ConfigStoreTest, TypedReadsParseStoredValues) {
  ConfigStore store = with({{"Provision_Enable", "Disable"},
                            {"Resync_Random_Delay", "7"},
                            {"Resync_Periodic", "1800+300,3600+600"},
                            {"Resync_At__HHmm_", "2400"},
                            {"DHCPv6_Option_To_Use", "17.160"},
                            {"Syslog_Identifier", "$MAU"}});
  EXPECT_FALSE(store.boolean(id("Provision_Enable")));
  EXPECT_TRUE(store.boolean(id("Resync_On_Reset")));
  EXPECT_EQ(store.integer(id("Resync_Random_Delay")), 7);
  EXPECT_EQ(store.integer(id("Forced_Resync_Delay")), 14400);
  const Schedule periodic = store.schedule(id("Resync_Periodic"));
  ASSERT_EQ(periodic.entries().size(), 2u);
  EXPECT_EQ(periodic.entries()[1], (ScheduleEntry{3600, 600}));
  EXPECT_EQ(store.schedule(id("Resync_Error_Retry_Delay")).entries().size(), 12u);
  ASSERT_TRUE(store.hhmm(id("Resync_At__HHmm_")).has_value());
  EXPECT_EQ(store.hhmm(id("Resync_At__HHmm_"))->hour, 24);
  EXPECT_EQ(store.integer_list(id("DHCPv6_Option_To_Use")), (std::vector<std::uint32_t>{17, 160}));
  EXPECT_EQ(store.integer_list(id("DHCP_Option_To_Use")).size(), 7u);
  EXPECT_EQ(store.enumeration(id("Syslog_Identifier")), 2u);
  EXPECT_EQ(store.enumeration(id("Profile_Authentication_Type")), 1u);
}

TEST(ConfigStoreTest, EmptyHhmmReadsAsDisabled) {
  ConfigStore store;
  EXPECT_FALSE(store.hhmm(id("Resync_At__HHmm_")).has_value());
}

TEST(ConfigStoreTest, EqualityDoesNotDependOnTheOrderOfChanges) {
  ConfigStore a = with({{"GPP_A", "1"}, {"GPP_B", "2"}, {"Debug_Level", "3"}});
  ConfigStore b = with({{"Debug_Level", "3"}, {"GPP_B", "2"}, {"GPP_A", "x"}, {"GPP_A", "1"}});
  EXPECT_EQ(a, b);
  EXPECT_FALSE(a == with({{"GPP_A", "1"}, {"GPP_B", "2"}}));
  ConfigDraft draft{a};
  draft.set_access(id("GPP_A"), Access::ReadWrite);
  EXPECT_FALSE(a == draft.build());
}

TEST(ConfigStoreTest, EqualityComparesRegistries) {
  static constexpr ParamSpec kSpecs[] = {
      {.name = "GPP_A", .type = ValueType::Text, .text_bytes_max = 10}};
  ParameterRegistry other{std::span<const ParamSpec>(kSpecs)};
  EXPECT_FALSE(ConfigStore{} == ConfigStore{other});
}

TEST(ConfigStoreTest, ReplaceTakesTheNextState) {
  ConfigStore store = with({{"GPP_A", "old"}, {"GPP_C", "gone"}});
  ConfigDraft draft{store};
  ASSERT_TRUE(draft.set_value(id("GPP_A"), "new").has_value());
  ASSERT_TRUE(draft.set_value(id("GPP_C"), "").has_value());
  store.replace(draft.build());
  EXPECT_EQ(store.value(id("GPP_A")), "new");
  EXPECT_TRUE(store.is_default(id("GPP_C")));
  EXPECT_EQ(store.override_count(), 1u);
}

TEST(ConfigStoreTest, OverrideIdsAreInRegistryOrder) {
  ConfigStore store = with({{"User_Password", "pw"}, {"GPP_A", "1"}, {"Provision_Enable", "No"}});
  ASSERT_EQ(store.override_count(), 3u);
  EXPECT_EQ(store.override_id(0), id("Provision_Enable"));
  EXPECT_EQ(store.override_id(1), id("GPP_A"));
  EXPECT_EQ(store.override_id(2), id("User_Password"));
}

TEST(ConfigStoreTest, StaysSmallForAFleet) {
  // A million idle phones must fit in a few GB (DESIGN.md): the empty store is two pointers
  // (registry, pool) and two empty containers, and overrides cost a 12-byte record plus their
  // text (without a pool).
  EXPECT_LE(sizeof(ConfigStore), 80u);  // 72 + revision()
  EXPECT_EQ(ConfigStore{}.memory_bytes(), sizeof(ConfigStore));
  ConfigStore store = with({{"GPP_A", "0123456789"},
                            {"GPP_B", "0123456789"},
                            {"GPP_C", "0123456789"},
                            {"GPP_D", "0123456789"},
                            {"Profile_Rule", "http://prov.example.com/cfg/$MA.xml"}});
  EXPECT_LE(store.memory_bytes(), sizeof(ConfigStore) + 5 * 12 + 40 + 35 + 1);
}

TEST(ConfigStoreTest, PooledStoresShareIdenticalValues) {
  ValuePool pool;
  const ConfigStore factory(ParameterRegistry::builtin(), &pool);
  auto provision = [&](std::string_view user) {
    ConfigDraft draft{factory};
    EXPECT_TRUE(draft.set_value(id("Profile_Rule"), "http://prov.example.com/cfg/$MA.xml"));
    EXPECT_TRUE(draft.set_value(id("GPP_A"), user));
    EXPECT_TRUE(draft.set_value(id("Resync_Periodic"), "3600"));  // the default: not stored
    return draft.build();
  };
  const ConfigStore first = provision("alice");
  const ConfigStore second = provision("bob");
  EXPECT_EQ(first.pool(), &pool);
  EXPECT_EQ(first.value(id("Profile_Rule")), "http://prov.example.com/cfg/$MA.xml");
  EXPECT_EQ(first.value(id("GPP_A")), "alice");
  EXPECT_EQ(second.value(id("GPP_A")), "bob");
  EXPECT_EQ(first.value(id("Profile_Rule")).data(), second.value(id("Profile_Rule")).data());
  EXPECT_EQ(pool.size(), 3u);  // the rule once, alice, bob
  // A pooled store holds records only, and equals an unpooled one with the same contents.
  EXPECT_EQ(first.memory_bytes(), sizeof(ConfigStore) + 2 * 12);
  EXPECT_EQ(first, with({{"Profile_Rule", "http://prov.example.com/cfg/$MA.xml"}, {"GPP_A", "alice"}}));
  // The pool passes on through drafts and replace().
  ConfigStore changed(second);
  ConfigDraft draft{changed};
  ASSERT_TRUE(draft.set_value(id("GPP_A"), "alice"));
  changed.replace(draft.build());
  EXPECT_EQ(changed.pool(), &pool);
  EXPECT_EQ(changed.value(id("GPP_A")).data(), first.value(id("GPP_A")).data());
  EXPECT_EQ(pool.size(), 3u);
}

// Draft values live in one buffer that grows as values are set; a value set from another of the
// draft's own values, and values set many times, read back right.
TEST(ConfigStoreTest, DraftValuesSurviveTheirBufferGrowing) {
  const ParameterRegistry& registry = ParameterRegistry::builtin();
  ConfigDraft draft{ConfigStore{}};
  const ParamId a = *registry.find("GPP_A");
  const ParamId b = *registry.find("GPP_B");
  ASSERT_TRUE(draft.set_value(a, std::string(200, 'a')).has_value());
  for (int i = 0; i < 200; ++i) {
    // Its own value as the input, while the buffer reallocates.
    ASSERT_TRUE(draft.set_value(b, draft.value(a)).has_value());
    ASSERT_TRUE(draft.set_value(a, std::string(draft.value(b)).substr(1) + "x").has_value());
  }
  EXPECT_EQ(draft.value(a), std::string(200, 'x'));
  EXPECT_EQ(draft.value(b), std::string(1, 'a') + std::string(199, 'x'));
  ASSERT_TRUE(draft.set_value(b, " needs trimming ").has_value());
  EXPECT_EQ(draft.value(b), "needs trimming");
  ConfigStore built = draft.build();
  EXPECT_EQ(built.value(a), std::string(200, 'x'));
  EXPECT_EQ(built.value(b), "needs trimming");
  // A draft of that store starts from its values.
  ConfigDraft again{built};
  EXPECT_EQ(again.value(a), std::string(200, 'x'));
  ASSERT_TRUE(again.set_value(a, "").has_value());
  EXPECT_TRUE(again.build().value(a).empty());
}

}  // namespace
}  // namespace fw

namespace fw {
namespace {

// revision(): "same object, same revision" must mean "same contents" (the agent's unchanged
// profile check relies on it), whichever way the contents were changed.
TEST(ConfigStoreRevisionTest, EveryWayOfChangingContentsMovesTheRevision) {
  ConfigStore store;
  const std::uint64_t fresh = store.revision();
  store.replace(with({{"GPP_A", "1"}}));
  const std::uint64_t replaced = store.revision();
  EXPECT_NE(replaced, fresh);

  const ConfigStore other = with({{"GPP_A", "2"}});
  store = other;  // copy assignment
  const std::uint64_t copied = store.revision();
  EXPECT_NE(copied, replaced);
  EXPECT_NE(copied, fresh);

  store = with({{"GPP_A", "3"}});  // move assignment
  EXPECT_NE(store.revision(), copied);
  EXPECT_EQ(store.value(*store.registry().find("GPP_A")), "3");

  // Reading does not move it.
  const std::uint64_t before_reads = store.revision();
  (void)store.value(*store.registry().find("GPP_B"));
  EXPECT_EQ(store.revision(), before_reads);
}

TEST(ConfigStoreRevisionTest, AMovedFromStoreMovesToo) {
  ConfigStore source = with({{"GPP_A", "1"}});
  const std::uint64_t before = source.revision();
  ConfigStore target;
  target = std::move(source);
  EXPECT_NE(source.revision(), before);  // NOLINT(bugprone-use-after-move): checked on purpose
}

}  // namespace
}  // namespace fw
