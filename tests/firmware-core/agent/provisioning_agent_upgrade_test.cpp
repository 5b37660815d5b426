// The firmware upgrade part of the agent (provisioning_agent_upgrade.cpp), with literal times.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "agent_test_driver.h"
#include "firmware-core/agent/firmware_image.h"

namespace fw {
namespace {

using agent_test::AgentDriver;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// The driver's phone runs sip78xx.11-3-2MPP0001-609 (family sip78xx).
constexpr const char* kProfileUrl = "tftp://192.168.1.200:69/basic.txt";
constexpr const char* kNewLoad = "sip78xx.11-3-3MPP0001-1";
constexpr const char* kNewLoadUrl = "http://192.168.1.200:80/sip78xx.11-3-3MPP0001-1.loads";

Bytes image(std::string_view family, std::string_view version) {
  return build_firmware_image(family, version, to_bytes("the load's body"));
}

// A phone that resyncs basic.txt at power-on and has `upgrade_rule`.
void prepare(AgentDriver& phone, std::string_view upgrade_rule) {
  phone.set("Profile_Rule", "tftp://192.168.1.200/basic.txt");
  phone.set("Upgrade_Rule", upgrade_rule);
  phone.set("Syslog_Server", "192.168.1.210");
  phone.set("Resync_Periodic", "0");
  phone.serve_xml(kProfileUrl, "");
}

std::vector<std::string> upgrade_messages(const AgentDriver& phone) {
  std::vector<std::string> messages;
  for (const std::string& message : phone.syslog_messages())
    if (message.find("pgrade") != std::string::npos)
      messages.push_back(message);
  return messages;
}

TEST(ProvisioningAgentUpgradeTest, ChecksAfterTheResyncInstallsTheImageAndReboots) {
  AgentDriver phone;
  prepare(phone, "http://192.168.1.200/sip78xx.11-3-3MPP0001-1.loads");
  phone.serve(kNewLoadUrl, image("sip78xx", kNewLoad));
  phone.power_on();
  phone.run_until(10);
  EXPECT_THAT(phone.fetch_times(kProfileUrl), ElementsAre(0));
  EXPECT_THAT(phone.fetch_times(kNewLoadUrl), ElementsAre(0));
  ASSERT_EQ(phone.installs().size(), 1u);
  EXPECT_EQ(phone.installs()[0].version, kNewLoad);
  ASSERT_EQ(phone.reboots().size(), 1u);
  EXPECT_FALSE(phone.reboots()[0].warm);
  EXPECT_THAT(upgrade_messages(phone),
              ElementsAre("CP-78xx-3PCC 00:0e:08:ab:cd:ef -- Requesting upgrade "
                          "http://192.168.1.200:80/sip78xx.11-3-3MPP0001-1.loads",
                          "CP-78xx-3PCC 00:0e:08:ab:cd:ef -- Successful upgrade "
                          "http://192.168.1.200:80/sip78xx.11-3-3MPP0001-1.loads -- "
                          "sip78xx.11-3-3MPP0001-1"));
  ASSERT_EQ(phone.status().recent_upgrades.size(), 1u);
  const UpgradeOutcome& outcome = phone.status().recent_upgrades.front();
  EXPECT_TRUE(outcome.success);
  EXPECT_TRUE(outcome.installed);
  EXPECT_EQ(outcome.result, kNewLoad);
  EXPECT_EQ(outcome.url, kNewLoadUrl);
  // Rebooting: the agent is quiet until the next PowerOn.
  EXPECT_EQ(phone.agent().next_deadline(), Instant::never());
}

TEST(ProvisioningAgentUpgradeTest, ConditionSkipsTheUpgradeWhenAlreadyOnTheVersion) {
  AgentDriver phone;
  prepare(phone, "($SWVER ne sip78xx.11-3-2MPP0001-609)? http://192.168.1.200/other.loads");
  phone.power_on();
  phone.run_until(100);
  EXPECT_THAT(phone.fetches().size(), 1u);  // the profile only
  EXPECT_THAT(phone.status().recent_upgrades, IsEmpty());
  EXPECT_THAT(upgrade_messages(phone), IsEmpty());
}

TEST(ProvisioningAgentUpgradeTest, ConditionOnAnOlderVersionUpgrades) {
  AgentDriver phone;
  prepare(phone, "($SWVER lt sip78xx.11-3-3MPP0001-1)? http://192.168.1.200/next.loads");
  phone.serve("http://192.168.1.200:80/next.loads", image("sip78xx", kNewLoad));
  phone.power_on();
  phone.run_until(10);
  ASSERT_EQ(phone.installs().size(), 1u);
}

TEST(ProvisioningAgentUpgradeTest, LoadNamedAfterTheRunningVersionIsNotFetched) {
  AgentDriver phone;
  prepare(phone, "http://192.168.1.200/sip78xx.11-3-2MPP0001-609.loads");
  phone.power_on();
  phone.run_until(100);
  EXPECT_EQ(phone.fetches().size(), 1u);
}

TEST(ProvisioningAgentUpgradeTest, ImageOfTheRunningVersionIsASuccessWithoutInstallAndNotFetchedAgain) {
  AgentDriver phone;
  prepare(phone, "http://192.168.1.200/current.loads");
  phone.set("Resync_Periodic", "1000");
  phone.serve("http://192.168.1.200:80/current.loads",
              image("sip78xx", "sip78xx.11-3-2MPP0001-609"));
  phone.power_on();
  phone.run_until(2500);
  EXPECT_THAT(phone.fetch_times(kProfileUrl), ElementsAre(0, 1000, 2000));
  EXPECT_THAT(phone.fetch_times("http://192.168.1.200:80/current.loads"), ElementsAre(0));
  EXPECT_THAT(phone.installs(), IsEmpty());
  ASSERT_EQ(phone.status().recent_upgrades.size(), 1u);
  EXPECT_TRUE(phone.status().recent_upgrades[0].success);
  EXPECT_FALSE(phone.status().recent_upgrades[0].installed);
}

TEST(ProvisioningAgentUpgradeTest, WrongModelFailsAndRetriesAtUpgradeErrorRetryDelay) {
  AgentDriver phone;
  prepare(phone, "http://192.168.1.200/sip78xx.11-3-3MPP0001-1.loads");
  phone.set("Upgrade_Error_Retry_Delay", "100,200");
  phone.set("Resync_After_Upgrade_Attempt", "No");
  phone.set("Log_Upgrade_Request_Msg", "upgrade request UPGST=$UPGST UPGERR=$UPGERR");
  phone.serve(kNewLoadUrl, image("sip68xx", "sip68xx.11-3-3MPP0001-1"));
  phone.power_on();
  phone.run_until(600);
  EXPECT_THAT(phone.fetch_times(kNewLoadUrl), ElementsAre(0, 100, 300, 500));
  EXPECT_THAT(phone.fetch_times(kProfileUrl), ElementsAre(0));
  EXPECT_THAT(phone.installs(), IsEmpty());
  EXPECT_THAT(phone.reboots(), IsEmpty());
  const auto messages = upgrade_messages(phone);
  ASSERT_GE(messages.size(), 4u);
  EXPECT_EQ(messages[0], "upgrade request UPGST=1 UPGERR=");
  EXPECT_EQ(messages[1], "CP-78xx-3PCC 00:0e:08:ab:cd:ef -- Upgrade failed: wrong model");
  EXPECT_EQ(messages[2], "upgrade request UPGST=2 UPGERR=wrong model");
  EXPECT_EQ(phone.agent().macro_state().upgrade_error, "wrong model");
  EXPECT_EQ(phone.status().recent_upgrades.size(), kRecentUpgradesMax);
  EXPECT_EQ(phone.status().consecutive_upgrade_failures, 4u);
  EXPECT_FALSE(phone.status().recent_upgrades[0].success);
  EXPECT_EQ(phone.status().recent_upgrades[0].result, "wrong model");
}

TEST(ProvisioningAgentUpgradeTest, CorruptTruncatedAndMissingImagesFail) {
  struct Case {
    const char* name;
    std::function<Result<Bytes>(Bytes)> damage;
    const char* err;
  };
  const Case cases[] = {
      {"flipped bit", [](Bytes b) -> Result<Bytes> { b[b.size() - 3] ^= 0x10; return b; },
       "corrupt file"},
      {"truncated", [](Bytes b) -> Result<Bytes> { b.resize(b.size() - 4); return b; },
       "corrupt file"},
      {"not an image", [](Bytes) -> Result<Bytes> { return to_bytes("<html>moved</html>"); },
       "corrupt file"},
      {"404", [](Bytes) -> Result<Bytes> { return fail(ErrorCode::FileNotFound, "404"); },
       "file not found"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    AgentDriver phone;
    prepare(phone, "http://192.168.1.200/sip78xx.11-3-3MPP0001-1.loads");
    phone.set("Upgrade_Error_Retry_Delay", "3600");
    auto served = c.damage(image("sip78xx", kNewLoad));
    if (served) {
      phone.serve(kNewLoadUrl, *served);
    } else {
      phone.serve(kNewLoadUrl, served.error().code);
    }
    phone.power_on();
    phone.run_until(4000);
    EXPECT_THAT(phone.fetch_times(kNewLoadUrl), ElementsAre(0, 3600));
    EXPECT_THAT(phone.installs(), IsEmpty());
    EXPECT_EQ(phone.agent().macro_state().upgrade_error, c.err);
    // Resync_After_Upgrade_Attempt (default Yes): a resync right after each failed attempt.
    EXPECT_THAT(phone.fetch_times(kProfileUrl), ElementsAre(0, 0, 3600));
  }
}

TEST(ProvisioningAgentUpgradeTest, ZeroRetryDelayMeansNoRetryAndNoLoop) {
  AgentDriver phone;
  prepare(phone, "http://192.168.1.200/sip78xx.11-3-3MPP0001-1.loads");
  phone.set("Upgrade_Error_Retry_Delay", "0");
  phone.power_on();
  phone.run_until(50000);
  EXPECT_THAT(phone.fetch_times(kNewLoadUrl), ElementsAre(0));
  EXPECT_THAT(phone.fetch_times(kProfileUrl), ElementsAre(0, 0));
  EXPECT_FALSE(phone.status().next_upgrade_check);
}

TEST(ProvisioningAgentUpgradeTest, DowngradeRevLimitRefusesOlderImages) {
  AgentDriver phone;
  prepare(phone, "http://192.168.1.200/old.loads");
  phone.set("Downgrade_Rev_Limit", "sip78xx.11-3-0MPP0001-1");
  phone.serve("http://192.168.1.200:80/old.loads", image("sip78xx", "sip78xx.11-2-9MPP0001-1"));
  phone.power_on();
  phone.run_until(10);
  EXPECT_THAT(phone.installs(), IsEmpty());
  EXPECT_EQ(phone.agent().macro_state().upgrade_error, "downgrade refused");

  // At or above the limit: an older load than the running one is still allowed.
  AgentDriver allowed;
  prepare(allowed, "http://192.168.1.200/old.loads");
  allowed.set("Downgrade_Rev_Limit", "sip78xx.11-2-9MPP0001-1");
  allowed.serve("http://192.168.1.200:80/old.loads", image("sip78xx", "sip78xx.11-2-9MPP0001-1"));
  allowed.power_on();
  allowed.run_until(10);
  ASSERT_EQ(allowed.installs().size(), 1u);
}

TEST(ProvisioningAgentUpgradeTest, BusyLineDefersTheUpgradeUntilIdleWithoutAForcedLimit) {
  AgentDriver phone;
  prepare(phone, "");
  phone.power_on();
  phone.run_until(5);
  phone.set("Upgrade_Rule", "http://192.168.1.200/sip78xx.11-3-3MPP0001-1.loads");
  phone.serve(kNewLoadUrl, image("sip78xx", kNewLoad));
  phone.run_until(10);
  phone.send(LineBusy{0});
  phone.run_until(20);
  phone.send(AdminUpgrade{});
  phone.run_until(30000);  // longer than Forced_Resync_Delay: an upgrade is never forced
  EXPECT_THAT(phone.fetch_times(kNewLoadUrl), IsEmpty());
  EXPECT_EQ(phone.trace_count("upgrade_deferred"), 1u);
  phone.send(LineIdle{0});
  phone.run_until(40000);
  EXPECT_THAT(phone.fetch_times(kNewLoadUrl), ElementsAre(30060));
  EXPECT_EQ(phone.installs().size(), 1u);
}

TEST(ProvisioningAgentUpgradeTest, AdminUpgradeWithAOneShotRule) {
  AgentDriver phone;
  prepare(phone, "");
  phone.power_on();
  phone.run_until(5);
  phone.serve("tftp://192.168.1.200:69/fw.loads", image("sip78xx", kNewLoad));
  phone.send(AdminUpgrade{"tftp://192.168.1.200/fw.loads"});
  EXPECT_THAT(phone.fetch_times("tftp://192.168.1.200:69/fw.loads"), ElementsAre(5));
  EXPECT_EQ(phone.installs().size(), 1u);
  EXPECT_EQ(phone.value("Upgrade_Rule"), "");  // one-shot: not stored
}

TEST(ProvisioningAgentUpgradeTest, UpgradeEnableNoSkipsChecksAndRefusesAdminRequests) {
  AgentDriver phone;
  prepare(phone, "http://192.168.1.200/sip78xx.11-3-3MPP0001-1.loads");
  phone.set("Upgrade_Enable", "No");
  phone.serve(kNewLoadUrl, image("sip78xx", kNewLoad));
  phone.power_on();
  phone.run_until(10);
  phone.send(AdminUpgrade{});
  phone.run_until(20);
  EXPECT_THAT(phone.fetch_times(kNewLoadUrl), IsEmpty());
  EXPECT_EQ(phone.trace_count("upgrade_refused"), 1u);
}

TEST(ProvisioningAgentUpgradeTest, InstallFailureKeepsTheRunningImageAndRetries) {
  AgentDriver phone;
  prepare(phone, "http://192.168.1.200/sip78xx.11-3-3MPP0001-1.loads");
  phone.set("Upgrade_Error_Retry_Delay", "600");
  phone.serve(kNewLoadUrl, image("sip78xx", kNewLoad));
  phone.fail_installs(ErrorCode::FlashWriteFailed);
  phone.power_on();
  phone.run_until(700);
  EXPECT_EQ(phone.installs().size(), 2u);
  EXPECT_THAT(phone.reboots(), IsEmpty());
  EXPECT_EQ(phone.agent().macro_state().upgrade_error, "flash write failed");
  phone.fail_installs(std::nullopt);
  phone.run_until(1300);
  EXPECT_EQ(phone.reboots().size(), 1u);
  EXPECT_EQ(phone.status().consecutive_upgrade_failures, 0u);
}

TEST(ProvisioningAgentUpgradeTest, RuleWithoutServerUsesTheLastResyncHost) {
  AgentDriver phone;
  prepare(phone, "/sip78xx.11-3-3MPP0001-1.loads");
  phone.serve("tftp://192.168.1.200:69/sip78xx.11-3-3MPP0001-1.loads", image("sip78xx", kNewLoad));
  phone.power_on();
  phone.run_until(10);
  EXPECT_EQ(phone.installs().size(), 1u);
}

TEST(ProvisioningAgentUpgradeTest, KeyOptionIsRejected) {
  AgentDriver phone;
  prepare(phone, "[--key secret]http://192.168.1.200/sip78xx.11-3-3MPP0001-1.loads");
  phone.power_on();
  phone.run_until(10);
  EXPECT_THAT(phone.fetch_times(kNewLoadUrl), IsEmpty());
  EXPECT_EQ(phone.agent().macro_state().upgrade_error, "bad rule");
}

TEST(ProvisioningAgentUpgradeTest, UpgradeTimerCountsFromTheLastAttempt) {
  AgentDriver phone;
  prepare(phone, "($UPGTMR gt 100)? http://192.168.1.200/sip78xx.11-3-3MPP0001-1.loads");
  phone.set("Resync_Periodic", "60");
  phone.set("Upgrade_Error_Retry_Delay", "0");
  phone.set("Resync_After_Upgrade_Attempt", "No");
  phone.power_on();
  phone.run_until(400);
  // Resyncs at 0, 60, 120, ...: the first check with $UPGTMR > 100 is at 120, the next one
  // more than 100 s after that attempt at 240, then 360.
  EXPECT_THAT(phone.fetch_times(kNewLoadUrl), ElementsAre(120, 240, 360));
}

}  // namespace
}  // namespace fw
