// Firmware upgrade end to end: the real phone firmware (PhoneRuntime, its agent and firmware
// banks on a SimFlash) fetching images built by sim/hosting/firmware_files from the simulated
// TFTP, HTTP and HTTPS servers, rebooting into the new bank.

#include "sim/hosting/firmware_files.h"

#include "firmware-core/agent/firmware_image.h"
#include "tests/sim/hosting/phone_world.h"

namespace sim::test {
namespace {

constexpr const char* kRunning = "sip68xx.12-0-1MPP0001-1";  // the fixture's factory version
constexpr const char* kNext = "sip68xx.12-0-2MPP0001-5";

class FirmwareUpgradeTest : public PhoneWorldTest {
 protected:
  FirmwareUpgradeTest() {
    tftp_ = std::move(*SimTftpServer::start(world_, {kTftpServer, 69}, root_));
    http_ = std::move(*SimHttpServer::start(world_, {kWebServer, 80}, root_));
    https_ = std::move(*SimHttpServer::start(world_, {kWebServer, 443}, root_, {}, {}, server_tls(false)));
    root_.put("/basic.txt", fw::to_bytes(guide_file("basic.txt")));
    settings_.tls_context = phone_trust();
    restart_phone(settings_);
    watch_reboots();
  }

  // A reboot brings up a fresh firmware instance on the same flash, as the scenario runner does.
  void watch_reboots() {
    platform_->set_reboot_handler([this] {
      ++boots_;
      restart_phone(settings_);
      phone_->power_on({});
    });
  }

  void start(std::string_view upgrade_rule, std::string_view retry_delay = "300") {
    ASSERT_TRUE(phone_->set_parameter("Upgrade_Rule", upgrade_rule));
    ASSERT_TRUE(phone_->set_parameter("Upgrade_Error_Retry_Delay", retry_delay));
    start_resyncing("tftp://192.168.1.200/basic.txt", "30");
  }

  std::string running() const { return phone_->identity().software_version; }
  std::string upgrade_error() const { return phone_->agent().macro_state().upgrade_error; }
  std::size_t syslog_lines_with(std::string_view text) const {
    std::size_t count = 0;
    for (const auto& received : syslog_->core().messages()) {
      if (srv::format_log_line(received).find(text) != std::string::npos) ++count;
    }
    return count;
  }
  std::size_t tftp_transfers_of(std::string_view file) const {
    std::size_t count = 0;
    for (const auto& record : tftp_->records()) count += record.file_name.ends_with(file) ? 1 : 0;
    return count;
  }

  fw::PhoneRuntimeSettings settings_;
  std::unique_ptr<SimTftpServer> tftp_;
  std::unique_ptr<SimHttpServer> http_;
  std::unique_ptr<SimHttpServer> https_;
  int boots_ = 0;
};

class FirmwareUpgradeOverSchemeTest : public FirmwareUpgradeTest,
                                      public ::testing::WithParamInterface<const char*> {};

TEST_P(FirmwareUpgradeOverSchemeTest, UpgradesRebootsAndRunsTheNewVersion) {
  const std::string path = host_firmware(root_, "sip68xx", kNext);
  const std::string server = std::string(GetParam()) == "tftp" ? "192.168.1.200" : "192.168.1.201";
  start(std::string(GetParam()) + "://" + server + path);
  world_.engine.run_for(fw::seconds(300));
  EXPECT_EQ(boots_, 1);
  EXPECT_EQ(running(), kNext);
  ASSERT_TRUE(phone_->booted_firmware());
  EXPECT_EQ(phone_->booted_firmware()->bank, fw::FirmwareBank::A);
  EXPECT_EQ(syslog_lines_with(std::string("Successful upgrade ") + GetParam() + "://" + server), 1u);
  EXPECT_EQ(syslog_lines_with(std::string("-- ") + kNext), 1u);
  // After the reboot the power-up resync ran and the rule, naming the running load, rests.
  EXPECT_EQ(tftp_transfers_of("basic.txt"), 2u);
  EXPECT_TRUE(phone_->agent().status().succeeded_once);
  EXPECT_EQ(syslog_lines_with("Requesting upgrade"), 1u);
  // The image came from the server the rule names.
  if (std::string(GetParam()) == "tftp") {
    EXPECT_EQ(tftp_transfers_of(path), 1u);
  } else {
    const auto& log = (std::string(GetParam()) == "http" ? http_ : https_)->access_log();
    ASSERT_FALSE(log.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Schemes, FirmwareUpgradeOverSchemeTest,
                         ::testing::Values("tftp", "http", "https"));

TEST_F(FirmwareUpgradeTest, ConditionSkipsTheUpgradeWhenAlreadyOnTheVersion) {
  host_firmware(root_, "sip68xx", kNext);
  start(std::string("($SWVER ne ") + kNext + ")? http://192.168.1.201/" + kNext + ".loads");
  world_.engine.run_for(fw::seconds(300));
  EXPECT_EQ(running(), kNext);
  // Power-cycle: the condition is false on the new version, so nothing is fetched again.
  const std::size_t requests = http_->access_log().size();
  phone_.reset();
  platform_->power_off(false);
  platform_->power_on();
  restart_phone(settings_);
  watch_reboots();
  phone_->power_on({});
  world_.engine.run_for(fw::seconds(300));
  EXPECT_EQ(running(), kNext);
  EXPECT_EQ(http_->access_log().size(), requests);
  EXPECT_EQ(boots_, 1);
}

struct BadImage {
  const char* name;
  const char* err;
};

class FirmwareUpgradeFailureTest : public FirmwareUpgradeTest,
                                   public ::testing::WithParamInterface<BadImage> {};

TEST_P(FirmwareUpgradeFailureTest, FailureKeepsTheRunningImageSetsUpgErrAndRetries) {
  const std::string name = GetParam().name;
  if (name == "wrong model") {
    root_.put("/bad.loads", sim_firmware_image("sip78xx", "sip78xx.12-0-2MPP0001-5"));
  } else if (name == "corrupt") {
    fw::Bytes image = sim_firmware_image("sip68xx", kNext);
    image[image.size() / 2] ^= 0x40;
    root_.put("/bad.loads", image);
  } else if (name == "truncated") {
    fw::Bytes image = sim_firmware_image("sip68xx", kNext);
    image.resize(image.size() - 100);
    root_.put("/bad.loads", image);
  }  // "404": no file
  start("http://192.168.1.201/bad.loads", "300");
  world_.engine.run_for(fw::seconds(100));
  EXPECT_EQ(running(), kRunning);
  EXPECT_EQ(boots_, 0);
  EXPECT_EQ(upgrade_error(), GetParam().err);
  EXPECT_EQ(syslog_lines_with(std::string("Upgrade failed: ") + GetParam().err), 1u);
  world_.engine.run_for(fw::seconds(300));  // the retry at Upgrade_Error_Retry_Delay
  EXPECT_EQ(syslog_lines_with(std::string("Upgrade failed: ") + GetParam().err), 2u);
  const auto& recent = phone_->agent().status().recent_upgrades;
  ASSERT_EQ(recent.size(), 2u);
  EXPECT_EQ((recent[0].at - recent[1].at) / fw::seconds(1), 300);
  EXPECT_EQ(running(), kRunning);
  EXPECT_FALSE(phone_->booted_firmware());
}

INSTANTIATE_TEST_SUITE_P(Images, FirmwareUpgradeFailureTest,
                         ::testing::Values(BadImage{"wrong model", "wrong model"},
                                           BadImage{"corrupt", "corrupt file"},
                                           BadImage{"truncated", "corrupt file"},
                                           BadImage{"404", "file not found"}),
                         [](const auto& param_info) {
                           std::string name = param_info.param.name;
                           for (char& c : name) c = c == ' ' ? '_' : c;
                           return name;
                         });

TEST_F(FirmwareUpgradeTest, DowngradeIsRefusedByDowngradeRevLimit) {
  const std::string path = host_firmware(root_, "sip68xx", "sip68xx.11-9-9MPP0001-1");
  ASSERT_TRUE(phone_->set_parameter("Downgrade_Rev_Limit", "sip68xx.12-0-0"));
  start("http://192.168.1.201" + path);
  world_.engine.run_for(fw::seconds(100));
  EXPECT_EQ(upgrade_error(), "downgrade refused");
  EXPECT_EQ(running(), kRunning);
  EXPECT_EQ(boots_, 0);
}

TEST_F(FirmwareUpgradeTest, BusyLineDefersTheUpgradeUntilTheLinesAreIdle) {
  const std::string path = host_firmware(root_, "sip68xx", kNext);
  start("http://192.168.1.201" + path);
  phone_->line_busy(0);  // a call starts while the power-up resync runs
  world_.engine.run_for(fw::seconds(3600));
  EXPECT_EQ(running(), kRunning);
  EXPECT_TRUE(http_->access_log().empty());
  phone_->line_idle(0);
  world_.engine.run_for(fw::seconds(30));
  EXPECT_TRUE(http_->access_log().empty());  // idle for 60 s first
  world_.engine.run_for(fw::seconds(120));
  EXPECT_EQ(running(), kNext);
}

// Power lost at each flash step of the install (bank pages, its sync, both marker copies): the
// phone comes back on a valid image, the new one exactly when the primary marker was synced.
class FirmwareUpgradePowerLossTest : public FirmwareUpgradeTest,
                                     public ::testing::WithParamInterface<int> {};

TEST_P(FirmwareUpgradePowerLossTest, PowerLossDuringTheInstallBootsAValidImage) {
  const fw::Bytes image = sim_firmware_image("sip68xx", kNext, 900);
  const std::uint64_t bank_pages = (image.size() + SimFlash::kPageBytes - 1) / SimFlash::kPageBytes;
  ASSERT_EQ(bank_pages, 4u);  // so the install takes 4 + 1 + 2 + 2 = 9 steps
  root_.put("/small.loads", image);
  ASSERT_TRUE(phone_->set_parameter("Upgrade_Rule", "http://192.168.1.201/small.loads"));
  ASSERT_TRUE(phone_->set_parameter("Profile_Rule", ""));  // no configuration commits meanwhile
  ASSERT_TRUE(phone_->set_parameter("Resync_Random_Delay", "0"));
  ASSERT_TRUE(phone_->set_parameter("Resync_After_Upgrade_Attempt", "No"));
  const auto steps_survived = static_cast<std::uint64_t>(GetParam());
  platform_->sim_flash().lose_power_after(steps_survived);
  phone_->power_on({});
  world_.engine.run_for(fw::seconds(10));
  EXPECT_EQ(boots_, steps_survived >= 9 ? 1 : 0);
  // The power loss itself: the phone goes dark, then boots again.
  phone_.reset();
  platform_->power_off(true);
  world_.engine.run_for(fw::seconds(5));
  platform_->power_on();
  restart_phone(settings_);
  // The primary marker's sync is step bank_pages + 3.
  EXPECT_EQ(running(), steps_survived >= bank_pages + 3 ? kNext : kRunning);
}

INSTANTIATE_TEST_SUITE_P(EveryStep, FirmwareUpgradePowerLossTest, ::testing::Range(0, 10));

}  // namespace
}  // namespace sim::test
