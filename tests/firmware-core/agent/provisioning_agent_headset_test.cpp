// The Cisco headset upgrade of ProvisioningAgent (provisioning_agent_headset.cpp).

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "firmware-core/agent/headset_firmware.h"
#include "firmware-core/agent/provisioning_agent.h"
#include "tests/firmware-core/agent/agent_test_driver.h"

namespace fw {
namespace {

using agent_test::AgentDriver;

constexpr std::string_view kRule = "tftp://10.74.51.81/prov/headset/1-6-0-162/ciscoheadsetfirmware.xml";
const std::string kFileUrl = "tftp://10.74.51.81:69/prov/headset/1-6-0-162/ciscoheadsetfirmware.xml";
const std::string kImage560Url = "tftp://10.74.51.81:69/prov/headset/1-6-0-162/hs560.bin";
constexpr std::string_view kImage560 = "the 560 series image";

HeadsetRelease release(HeadsetSeries series, std::string version, std::string image,
                       std::string_view content) {
  HeadsetRelease entry{series, std::move(version), std::move(image), content.size(), {}};
  const ByteSpan parts[] = {as_bytes(content)};
  entry.sha256 = sha256(parts);
  return entry;
}

Bytes release_file() {
  return to_bytes(format_headset_file(
      {release(HeadsetSeries::S520, "2-3-0-21", "hs520.bin", "five-twenty"),
       release(HeadsetSeries::S560, "1-6-0-162", "hs560.bin", kImage560)}));
}

// Records FlashHeadsetAction versions (the driver keeps no list of them).
struct Flashes {
  explicit Flashes(AgentDriver& phone) {
    phone.on_action = [this](const AgentAction& action) {
      if (auto* flash = std::get_if<FlashHeadsetAction>(&action)) list.push_back(flash->version);
    };
  }
  std::vector<std::string> list;
};

HeadsetAttached headset_560(std::string version = "1-5-0-100") {
  return {HeadsetSeries::S560, HeadsetConnection::YCable, std::move(version)};
}

// A phone with the rule set, the release file served and no resyncs of its own.
void prepare(AgentDriver& phone) {
  phone.set("Resync_On_Reset", "No");
  phone.set("Cisco_Headset_Upgrade_Rule", kRule);
  phone.set("Syslog_Server", "192.168.1.9");
  phone.serve(kFileUrl, release_file());
  phone.serve(kImage560Url, to_bytes(kImage560));
  phone.power_on();
}

TEST(ProvisioningAgentHeadsetTest, AttachingAnOlderHeadsetPromptsAndAcceptUpgradesIt) {
  AgentDriver phone;
  Flashes flashes(phone);
  prepare(phone);
  EXPECT_EQ(phone.agent().headset_status().state, HeadsetUpgradeState::Absent);
  phone.send(headset_560());
  ASSERT_EQ(phone.fetches().size(), 1u);
  EXPECT_EQ(phone.fetches()[0].url, kFileUrl);
  const HeadsetStatus& status = phone.agent().headset_status();
  EXPECT_EQ(status.state, HeadsetUpgradeState::Prompting);
  EXPECT_EQ(status.offered_version, "1-6-0-162");
  EXPECT_EQ(status.prompts, 1u);
  EXPECT_EQ(phone.trace_count("headset_prompt"), 1u);
  EXPECT_EQ(phone.syslog_messages(),
            std::vector<std::string>{"headset upgrade available: 560 1-5-0-100 -> 1-6-0-162"});

  phone.run_for(600);  // the prompt waits for the user
  EXPECT_EQ(status.state, HeadsetUpgradeState::Prompting);
  phone.send(HeadsetPromptAnswered{true});
  ASSERT_EQ(phone.fetches().size(), 2u);
  EXPECT_EQ(phone.fetches()[1].url, kImage560Url);
  EXPECT_EQ(status.state, HeadsetUpgradeState::Flashing);
  const std::int64_t flash_start_s = phone.now_s();
  phone.run_for(89);
  EXPECT_TRUE(flashes.list.empty());  // writing the headset takes its time
  phone.run_for(1);
  EXPECT_EQ(flashes.list, std::vector<std::string>{"1-6-0-162"});
  EXPECT_EQ(phone.now_s() - flash_start_s, 90);
  EXPECT_EQ(status.state, HeadsetUpgradeState::Idle);
  EXPECT_EQ(status.firmware_version, "1-6-0-162");
  EXPECT_EQ(status.upgrades, 1u);
  EXPECT_EQ(phone.syslog_messages().back(), "headset upgraded: 560 1-6-0-162");
}

TEST(ProvisioningAgentHeadsetTest, DeferHidesThePromptUntilTheDeferIntervalEnds) {
  AgentDriver phone;
  Flashes flashes(phone);
  prepare(phone);
  phone.send(headset_560());
  phone.send(HeadsetPromptAnswered{false});
  const HeadsetStatus& status = phone.agent().headset_status();
  EXPECT_EQ(status.state, HeadsetUpgradeState::Deferred);
  EXPECT_EQ(phone.fetches().size(), 1u);  // no image
  phone.run_for(4 * 3600 - 1);
  EXPECT_EQ(status.state, HeadsetUpgradeState::Deferred);
  phone.run_for(1);
  // The file is read again (a newer release would be seen) and the prompt is back.
  EXPECT_EQ(phone.fetch_times(kFileUrl), (std::vector<std::int64_t>{0, 4 * 3600}));
  EXPECT_EQ(status.state, HeadsetUpgradeState::Prompting);
  EXPECT_EQ(status.prompts, 2u);
  EXPECT_TRUE(flashes.list.empty());
  EXPECT_EQ(status.firmware_version, "1-5-0-100");
}

TEST(ProvisioningAgentHeadsetTest, ReattachingADeferredHeadsetPromptsAgain) {
  AgentDriver phone;
  prepare(phone);
  phone.send(headset_560());
  phone.send(HeadsetPromptAnswered{false});
  phone.run_for(60);
  phone.send(HeadsetDetached{});
  EXPECT_EQ(phone.agent().headset_status().state, HeadsetUpgradeState::Absent);
  phone.send(headset_560());
  EXPECT_EQ(phone.agent().headset_status().state, HeadsetUpgradeState::Prompting);
  EXPECT_EQ(phone.fetch_times(kFileUrl), (std::vector<std::int64_t>{0, 60}));
}

TEST(ProvisioningAgentHeadsetTest, SameOrNewerHeadsetOrUnlistedSeriesIsNotPrompted) {
  for (const HeadsetAttached& headset :
       {headset_560("1-6-0-162"), headset_560("1-7-0-1"),
        HeadsetAttached{HeadsetSeries::S700, HeadsetConnection::Usb, "1-0-0-1"}}) {
    AgentDriver phone;
    prepare(phone);
    phone.send(headset);
    EXPECT_EQ(phone.fetches().size(), 1u);
    EXPECT_EQ(phone.agent().headset_status().state, HeadsetUpgradeState::Idle);
    EXPECT_EQ(phone.trace_count("headset_prompt"), 0u);
    EXPECT_EQ(phone.trace_count("headset_up_to_date") + phone.trace_count("headset_not_listed"),
              1u);
    phone.send(HeadsetPromptAnswered{true});
    EXPECT_EQ(phone.trace_count("headset_answer_ignored"), 1u);
    EXPECT_EQ(phone.fetches().size(), 1u);
  }
}

TEST(ProvisioningAgentHeadsetTest, ImageWithAnotherDigestOrSizeIsNotFlashed) {
  for (std::string_view served : {"the 560 series imagE", "the 560 series image!"}) {
    AgentDriver phone;
    Flashes flashes(phone);
    prepare(phone);
    phone.serve(kImage560Url, to_bytes(served));
    phone.send(headset_560());
    phone.send(HeadsetPromptAnswered{true});
    phone.run_for(600);
    EXPECT_TRUE(flashes.list.empty());
    const HeadsetStatus& status = phone.agent().headset_status();
    EXPECT_EQ(status.state, HeadsetUpgradeState::Idle);
    EXPECT_EQ(status.last_error, "headset image mismatch");
    EXPECT_EQ(status.firmware_version, "1-5-0-100");
    EXPECT_EQ(phone.syslog_messages().back(), "headset upgrade failed: headset image mismatch");
  }
}

TEST(ProvisioningAgentHeadsetTest, BadFileOrMissingFileIsRecordedAndNotRetriedAtOnce) {
  AgentDriver phone;
  phone.set("Resync_On_Reset", "No");
  phone.set("Cisco_Headset_Upgrade_Rule", kRule);
  phone.serve(kFileUrl, to_bytes("<headsetFirmware><headset series='560'/></headsetFirmware>"));
  phone.power_on();
  phone.send(headset_560());
  EXPECT_EQ(phone.agent().headset_status().last_error, "bad headset file");
  phone.serve(kFileUrl, ErrorCode::FileNotFound);
  phone.send(headset_560());
  EXPECT_EQ(phone.agent().headset_status().last_error, "file not found");
  phone.run_for(86400);
  EXPECT_EQ(phone.fetches().size(), 2u);
  EXPECT_EQ(phone.agent().headset_status().state, HeadsetUpgradeState::Idle);
}

TEST(ProvisioningAgentHeadsetTest, UnsupportedConnectionOrEmptyRuleFetchesNothing) {
  AgentDriver phone;
  prepare(phone);
  phone.send(HeadsetAttached{HeadsetSeries::S520, HeadsetConnection::YCable, "1-0"});
  EXPECT_EQ(phone.trace_count("headset_upgrade_unsupported"), 1u);
  phone.set("Cisco_Headset_Upgrade_Rule", "");
  phone.send(headset_560());
  phone.run_for(86400);
  EXPECT_TRUE(phone.fetches().empty());
  EXPECT_EQ(phone.agent().headset_status().state, HeadsetUpgradeState::Idle);
}

TEST(ProvisioningAgentHeadsetTest, RuleChangedByAResyncIsCheckedAfterItOnce) {
  AgentDriver phone;
  phone.set("Profile_Rule", "tftp://192.168.1.200/p.xml");
  phone.set("Resync_Periodic", "600");
  phone.set_fetch_latency(2);
  phone.serve_xml("tftp://192.168.1.200:69/p.xml", "<Cisco_Headset_Upgrade_Rule>" +
                                                       std::string(kRule) +
                                                       "</Cisco_Headset_Upgrade_Rule>");
  phone.serve(kFileUrl, release_file());
  phone.power_on();
  // Attached while the power-up resync's fetch is in flight: the rule is still empty then.
  phone.send(headset_560());
  phone.run_for(1300);
  std::vector<std::string> urls;
  for (const auto& fetch : phone.fetches()) urls.push_back(fetch.url);
  EXPECT_EQ(urls, (std::vector<std::string>{"tftp://192.168.1.200:69/p.xml", kFileUrl,
                                            "tftp://192.168.1.200:69/p.xml",
                                            "tftp://192.168.1.200:69/p.xml"}));
  EXPECT_EQ(phone.agent().headset_status().state, HeadsetUpgradeState::Prompting);
}

TEST(ProvisioningAgentHeadsetTest, CheckDuringAResyncWaitsAndTheResyncWaitsForIt) {
  AgentDriver phone;
  phone.set("Profile_Rule", "tftp://192.168.1.200/p.xml");
  phone.set("Cisco_Headset_Upgrade_Rule", kRule);
  phone.set("Resync_Periodic", "10");
  phone.set_fetch_latency(5);
  phone.serve_xml("tftp://192.168.1.200:69/p.xml", "");
  phone.serve(kFileUrl, release_file());
  phone.power_on();
  phone.run_for(1);
  phone.send(headset_560());  // the resync's fetch is in flight (the driver fails on overlap)
  EXPECT_EQ(phone.trace_count("headset_check_deferred"), 1u);
  phone.run_for(60);
  EXPECT_EQ(phone.fetch_times(kFileUrl), std::vector<std::int64_t>{5});
  EXPECT_EQ(phone.agent().headset_status().state, HeadsetUpgradeState::Prompting);
  // The periodic resync due at 15 s waited for the headset check ending at 10 s only.
  EXPECT_EQ(phone.fetch_times("tftp://192.168.1.200:69/p.xml").size(), 5u);
}

TEST(ProvisioningAgentHeadsetTest, UnpluggingWhileFlashingKeepsTheOldFirmware) {
  AgentDriver phone;
  Flashes flashes(phone);
  prepare(phone);
  phone.send(headset_560());
  phone.send(HeadsetPromptAnswered{true});
  phone.run_for(30);
  phone.send(HeadsetDetached{});
  phone.run_for(600);
  EXPECT_TRUE(flashes.list.empty());
  EXPECT_EQ(phone.trace_count("headset_upgrade_abandoned"), 1u);
}

TEST(ProvisioningAgentHeadsetTest, PowerOnForgetsTheHeadsetUntilItIsAnnouncedAgain) {
  AgentDriver phone;
  prepare(phone);
  phone.send(headset_560());
  phone.power_on();
  EXPECT_EQ(phone.agent().headset_status().state, HeadsetUpgradeState::Absent);
  phone.send(HeadsetPromptAnswered{true});
  EXPECT_EQ(phone.fetches().size(), 1u);
}

}  // namespace
}  // namespace fw
