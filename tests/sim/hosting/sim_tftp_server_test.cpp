// SimTftpServer end to end: the real phone firmware against the TFTP core on the simulated
// network, with the faults of servers/faults as the phone meets them ($ERR, retry schedule).

#include "sim/hosting/sim_tftp_server.h"

#include "servers/faults/server_faults.h"
#include "servers/metrics/server_metrics.h"
#include "tests/sim/hosting/phone_world.h"

namespace sim::test {
namespace {

using srv::FaultKind;
using srv::FaultWindow;

FaultWindow window(FaultKind kind, std::int64_t from_s, std::int64_t until_s) {
  FaultWindow result;
  result.kind = kind;
  result.from = fw::Instant::from_seconds(from_s);
  result.until = fw::Instant::from_seconds(until_s);
  return result;
}

class SimTftpServerTest : public PhoneWorldTest {
 protected:
  void start_faulty_server(srv::FaultPlan plan) {
    faults_ = std::make_unique<srv::ServerFaults>(std::move(plan), world_.engine.stream(901).next());
    tftp_ = std::move(*SimTftpServer::start(world_, {kTftpServer, 69}, root_, {}, faults_->tftp_hook(root_)));
    root_.put("/basic.txt", fw::to_bytes(guide_file("basic.txt")));
  }

  std::unique_ptr<srv::ServerFaults> faults_;
  std::unique_ptr<SimTftpServer> tftp_;
};

TEST_F(SimTftpServerTest, DroppedRequestsAreATftpTimeoutThenTheRetrySucceeds) {
  // The phone gives up before 59 s (its retransmissions all fall into the window) and retries
  // 60 s later, after the window.
  start_faulty_server({{window(FaultKind::Drop, 0, 59)}});
  start_resyncing("tftp://192.168.1.200/basic.txt", "60");
  world_.engine.run_for(fw::seconds(59));
  EXPECT_EQ(last_error(), "tftp timeout");
  EXPECT_TRUE(tftp_->records().empty());  // ignored requests leave no transfer
  EXPECT_GE(faults_->injected(FaultKind::Drop), 2u);  // the request and its retransmissions
  world_.engine.run_for(fw::seconds(120));
  EXPECT_EQ(parameter("GPP_A"), "12345678");
  ASSERT_EQ(tftp_->records().size(), 1u);
}

TEST_F(SimTftpServerTest, ServerErrorStatusIsATftpErrorAndNotFoundIsFileNotFound) {
  FaultWindow missing = window(FaultKind::Status, 0, 20);
  missing.status = 404;
  start_faulty_server({{missing, window(FaultKind::Status, 20, 50)}});
  start_resyncing("tftp://192.168.1.200/basic.txt", "30");
  world_.engine.run_for(fw::seconds(5));
  EXPECT_EQ(last_error(), "file not found");
  world_.engine.run_for(fw::seconds(30));
  EXPECT_EQ(last_error(), "tftp error");
  world_.engine.run_for(fw::seconds(30));
  EXPECT_EQ(parameter("GPP_A"), "12345678");
  srv::ServerMetrics metrics;
  for (const auto& record : tftp_->records()) metrics.add(record);
  EXPECT_EQ(metrics.errors(), (std::map<std::string, std::uint64_t>{{"tftp not found", 1},
                                                                    {"tftp refused", 1}}));
}

TEST_F(SimTftpServerTest, TruncatedFileIsAParseError) {
  FaultWindow cut = window(FaultKind::Truncate, 0, 20);
  cut.keep_bytes = 40;
  start_faulty_server({{cut}});
  start_resyncing("tftp://192.168.1.200/basic.txt", "30");
  world_.engine.run_for(fw::seconds(5));
  EXPECT_EQ(last_error(), "parse error");
  EXPECT_NE(parameter("GPP_A"), "12345678");
  world_.engine.run_for(fw::seconds(30));
  EXPECT_EQ(parameter("GPP_A"), "12345678");
}

TEST_F(SimTftpServerTest, LatencyIsServedLateWithoutDuplicateTransfers) {
  FaultWindow slow = window(FaultKind::Latency, 0, 100);
  slow.latency = fw::milliseconds(2500);
  start_faulty_server({{slow}});
  start_resyncing("tftp://192.168.1.200/basic.txt");
  world_.engine.run_for(fw::seconds(10));
  EXPECT_EQ(parameter("GPP_A"), "12345678");
  ASSERT_EQ(tftp_->records().size(), 1u);  // the phone's retransmitted RRQ started nothing new
  srv::ServerMetrics metrics;
  metrics.add(tftp_->records()[0]);
  EXPECT_GE(metrics.latency_percentile(1000), fw::milliseconds(2500));
}

// The report rule end to end: SIP NOTIFY report -> a TFTP write the server stores; the delta
// holds only the parameter changed after the resync and decodes with the rule's key.
TEST_F(SimTftpServerTest, NotifyReportWritesTheEncryptedDeltaIntoTheServersStore) {
  srv::TftpServerSettings settings;
  settings.writes_enabled = true;
  tftp_ = std::move(*SimTftpServer::start(world_, {kTftpServer, 69}, root_, settings));
  root_.put("/basic.txt", fw::to_bytes(guide_file("basic.txt")));
  ASSERT_TRUE(phone_->set_parameter("Report_Rule", "[--delta --key rk]tftp://192.168.1.200/$MA-delta.cfg"));
  ASSERT_TRUE(phone_->set_parameter("GPP_SA", "hush"));
  start_resyncing("tftp://192.168.1.200/basic.txt");
  world_.engine.run_for(fw::seconds(5));
  ASSERT_EQ(parameter("GPP_A"), "12345678");
  ASSERT_TRUE(phone_->set_parameter("GPP_B", "changed on the phone"));
  phone_->sip_notify("report");
  world_.engine.run_for(fw::seconds(5));

  ASSERT_EQ(root_.uploads().size(), 1u);
  EXPECT_EQ(root_.uploads()[0].path, "/000e08abcdef-delta.cfg");
  fw::ProfileDecoder decoder;
  auto xml = decoder.decode(root_.uploads()[0].content, std::string("rk"));
  ASSERT_TRUE(xml) << xml.error().to_string();
  EXPECT_EQ(std::string(xml->begin(), xml->end()),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<flat-profile>\n"
            "  <GPP_B ua=\"na\">changed on the phone</GPP_B>\n</flat-profile>\n");
  const fw::ReportStatus& report = phone_->agent().status().report;
  EXPECT_TRUE(report.last_success);
  EXPECT_EQ(report.last_url, "tftp://192.168.1.200:69/000e08abcdef-delta.cfg");
  ASSERT_EQ(tftp_->records().size(), 2u);
  EXPECT_TRUE(tftp_->records()[1].write);
  EXPECT_EQ(tftp_->records()[1].outcome, srv::TftpTransferRecord::Outcome::Completed);
}

TEST_F(SimTftpServerTest, ReportToAServerThatRefusesWritesIsATftpErrorWithoutRetry) {
  tftp_ = std::move(*SimTftpServer::start(world_, {kTftpServer, 69}, root_));
  ASSERT_TRUE(phone_->set_parameter("Report_Rule", "tftp://192.168.1.200/report.xml"));
  ASSERT_TRUE(phone_->set_parameter("Resync_On_Reset", "No"));
  ASSERT_TRUE(phone_->set_parameter("Syslog_Server", "192.168.1.210"));
  phone_->power_on({});
  phone_->sip_notify("report");
  world_.engine.run_for(fw::seconds(600));
  EXPECT_TRUE(root_.uploads().empty());
  const fw::ReportStatus& report = phone_->agent().status().report;
  EXPECT_FALSE(report.last_success);
  EXPECT_EQ(report.last_error, "tftp error");
  EXPECT_EQ(report.uploads_failed, 1u);
  ASSERT_EQ(tftp_->records().size(), 1u);  // one attempt
  EXPECT_EQ(syslog_->core().count_matching("Report upload failed: tftp error$"), 1u);
}

}  // namespace
}  // namespace sim::test
