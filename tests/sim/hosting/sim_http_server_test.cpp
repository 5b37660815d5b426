// SimHttpServer end to end: the real phone firmware against the HTTP(S) core on the simulated
// network — the guide's reflector over mutual TLS, and each fault kind of servers/faults as the
// phone meets it ($ERR and the retry schedule).

#include "sim/hosting/sim_http_server.h"

#include "servers/faults/server_faults.h"
#include "servers/http/reflector.h"
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

class SimHttpServerTest : public PhoneWorldTest {
 protected:
  // An HTTP server on port 80 whose requests go through `plan`.
  void start_faulty_server(srv::FaultPlan plan) {
    faults_ = std::make_unique<srv::ServerFaults>(std::move(plan), world_.engine.stream(900).next());
    web_ = std::move(*SimHttpServer::start(world_, {kWebServer, 80}, root_, {}, faults_->http_hook(root_)));
    root_.put("/basic.txt", fw::to_bytes(guide_file("basic.txt")));
  }

  std::vector<unsigned> statuses() const {
    std::vector<unsigned> result;
    for (const auto& record : web_->access_log()) result.push_back(record.status);
    return result;
  }

  std::unique_ptr<srv::ServerFaults> faults_;
  std::unique_ptr<SimHttpServer> web_;
};

TEST_F(SimHttpServerTest, GuideReflectorPutsTheMicSubjectIntoGppD) {
  web_ = std::move(*SimHttpServer::start(world_, {kWebServer, 443}, root_, {}, srv::Reflector(),
                                         server_tls(true)));
  world_.network.set_dns_records("prov.server.com", {kWebServer});
  fw::PhoneRuntimeSettings settings;
  settings.tls_context = phone_trust();
  settings.client_identity = phone_mic();
  restart_phone(settings);
  start_resyncing("https://192.168.1.201/cgi-bin/reflect.pl?");
  world_.engine.run_for(fw::seconds(5));
  EXPECT_EQ(last_error(), "");
  // The script's line breaks reach the phone; its XML reader folds and trims the whitespace.
  EXPECT_EQ(parameter("GPP_D"), "OU=CP-6841-3PCC,  L=FCH00000001,  S=00:0e:08:ab:cd:ef");
  ASSERT_EQ(web_->access_log().size(), 1u);
  EXPECT_EQ(web_->access_log()[0].target, "/cgi-bin/reflect.pl?");
}

TEST_F(SimHttpServerTest, ServiceUnavailableStormIsRetriedOnThePhonesScheduleNotRetryAfter) {
  FaultWindow storm = window(FaultKind::Status, 0, 70);
  storm.status = 503;
  storm.retry_after_s = 120;
  start_faulty_server({{storm}});
  start_resyncing("http://192.168.1.201/basic.txt", "30");
  world_.engine.run_for(fw::seconds(65));
  EXPECT_EQ(last_error(), "http_get failed");
  world_.engine.run_for(fw::seconds(60));
  EXPECT_EQ(parameter("GPP_A"), "12345678");
  // decisions.md: every status but success, redirect and challenge fails with the phone's own
  // backoff; Retry-After does not move the next attempt (0, 30, 60 fail; 90 succeeds).
  EXPECT_EQ(statuses(), (std::vector<unsigned>{503, 503, 503, 200}));
  const auto& log = web_->access_log();
  for (std::size_t attempt = 1; attempt < log.size(); ++attempt) {
    EXPECT_EQ(log[attempt].started.since_epoch() / fw::seconds(1),
              log[attempt - 1].started.since_epoch() / fw::seconds(1) + 30);
  }
  EXPECT_EQ(faults_->injected(FaultKind::Status), 3u);
  EXPECT_EQ(syslog_->core().count_matching("Resync failed: http_get failed$"), 3u);
}

TEST_F(SimHttpServerTest, LatencyDelaysTheReplyAndShowsInTheMetrics) {
  FaultWindow slow = window(FaultKind::Latency, 0, 100);
  slow.latency = fw::seconds(3);
  start_faulty_server({{slow}});
  start_resyncing("http://192.168.1.201/basic.txt");
  world_.engine.run_for(fw::seconds(2));
  EXPECT_NE(parameter("GPP_A"), "12345678");
  world_.engine.run_for(fw::seconds(3));
  EXPECT_EQ(parameter("GPP_A"), "12345678");
  srv::ServerMetrics metrics;
  for (const auto& record : web_->access_log()) metrics.add(record);
  EXPECT_GE(metrics.latency_percentile(500), fw::seconds(3));
  EXPECT_LT(metrics.latency_percentile(500), fw::seconds(4));
  EXPECT_EQ(web_->access_log()[0].fault, "latency");
}

TEST_F(SimHttpServerTest, TruncatedBodyFailsTheResyncUntilTheWindowEnds) {
  FaultWindow cut = window(FaultKind::Truncate, 0, 20);
  cut.keep_bytes = 40;
  start_faulty_server({{cut}});
  start_resyncing("http://192.168.1.201/basic.txt");
  world_.engine.run_for(fw::seconds(5));
  EXPECT_EQ(last_error(), "connection reset");
  world_.engine.run_for(fw::seconds(30));
  EXPECT_EQ(parameter("GPP_A"), "12345678");
}

TEST_F(SimHttpServerTest, CorruptedGzipBodyIsACorruptFile) {
  FaultWindow flip = window(FaultKind::Corrupt, 0, 20);
  flip.corrupt_bytes = 8;
  start_faulty_server({{flip}});
  fw::EncodeOptions packing;
  packing.gzip = true;
  root_.put("/basic.cfg", *fw::encode_profile(fw::as_bytes(guide_file("basic.txt")), packing));
  start_resyncing("http://192.168.1.201/basic.cfg");
  world_.engine.run_for(fw::seconds(5));
  EXPECT_EQ(last_error(), "corrupt file");
  world_.engine.run_for(fw::seconds(30));
  EXPECT_EQ(parameter("GPP_A"), "12345678");
}

TEST_F(SimHttpServerTest, DroppedRequestIsAResetAndAStallATimeout) {
  start_faulty_server({{window(FaultKind::Drop, 0, 20), window(FaultKind::Stall, 20, 300)}});
  start_resyncing("http://192.168.1.201/basic.txt");
  world_.engine.run_for(fw::seconds(5));
  EXPECT_EQ(last_error(), "connection reset");
  world_.engine.run_for(fw::seconds(200));
  EXPECT_EQ(last_error(), "http timeout");
  EXPECT_EQ(faults_->injected(FaultKind::Drop), 1u);
  EXPECT_GE(faults_->injected(FaultKind::Stall), 1u);
  srv::ServerMetrics metrics;
  for (const auto& record : web_->access_log()) metrics.add(record);
  EXPECT_EQ(metrics.errors().at("no reply"), metrics.requests());
}

// The report rule over HTTPS: the whole configuration, PUT or POST as HTTP_Report_Method says,
// into the server's store; secrets masked (no --key).
TEST_F(SimHttpServerTest, AdminReportPutsTheConfigurationOverHttps) {
  web_ = std::move(*SimHttpServer::start(world_, {kWebServer, 443}, root_, {}, {}, server_tls(false)));
  world_.network.set_dns_records("prov.example.com", {kWebServer});
  fw::PhoneRuntimeSettings settings;
  settings.tls_context = phone_trust();
  restart_phone(settings);
  ASSERT_TRUE(phone_->set_parameter("Report_Rule", "https://prov.example.com/reports/$MA.xml"));
  ASSERT_TRUE(phone_->set_parameter("HTTP_Report_Method", "PUT"));
  ASSERT_TRUE(phone_->set_parameter("Resync_On_Reset", "No"));
  ASSERT_TRUE(phone_->set_parameter("GPP_SB", "hush"));
  phone_->power_on({});
  phone_->admin_report();
  world_.engine.run_for(fw::seconds(5));
  ASSERT_EQ(root_.uploads().size(), 1u);
  EXPECT_EQ(root_.uploads()[0].path, "/reports/000e08abcdef.xml");
  const std::string body(root_.uploads()[0].content.begin(), root_.uploads()[0].content.end());
  EXPECT_NE(body.find("<HTTP_Report_Method ua=\"na\">PUT</HTTP_Report_Method>"), std::string::npos);
  EXPECT_NE(body.find("<GPP_SB ua=\"na\">*****</GPP_SB>"), std::string::npos);
  EXPECT_EQ(body.find("hush"), std::string::npos);
  ASSERT_EQ(web_->access_log().size(), 1u);
  EXPECT_EQ(web_->access_log()[0].method, "PUT");
  EXPECT_EQ(web_->access_log()[0].status, 204u);
  EXPECT_TRUE(phone_->agent().status().report.last_success);
}

// The guide's custom CA: an HTTPS server whose certificate comes from a CA the phone does not
// know fails; once Custom_CA_Rule has installed that CA the retry succeeds, and the CA is still
// trusted after a reboot (it is on flash).
TEST_F(SimHttpServerTest, CustomCaRuleMakesAnUntrustedServerTrusted) {
  auto custom = *CertificateAuthority::create_root("Example Custom CA", kValid);
  auto certificate = custom.issue_server({"prov.example.com"}, {kWebServer}, kValid);
  fw::TlsContextOptions server_options;
  server_options.role = fw::TlsRole::Server;
  server_options.identity =
      *fw::TlsIdentity::from_pem(certificate->certificate_pem(), certificate->key_pem());
  auto https = std::move(*SimHttpServer::start(world_, {kWebServer, 443}, root_, {}, {},
                                               SimHttpsSettings{*fw::TlsContext::create(server_options), kStart}));
  web_ = std::move(*SimHttpServer::start(world_, {kWebServer, 80}, root_));
  world_.network.set_dns_records("prov.example.com", {kWebServer});
  root_.put("/basic.txt", fw::to_bytes(guide_file("basic.txt")));
  root_.put("/custom-ca.pem", fw::to_bytes(custom.certificate_pem()));
  fw::PhoneRuntimeSettings settings;
  settings.tls_context = phone_trust();
  settings.builtin_roots_pem = {TestPki::get().provisioning.certificate_pem()};
  restart_phone(settings);
  EXPECT_FALSE(phone_->agent().custom_ca_status().installed);
  ASSERT_TRUE(phone_->set_parameter("Custom_CA_Rule", "http://192.168.1.201/custom-ca.pem"));
  start_resyncing("https://prov.example.com/basic.txt", "30");
  world_.engine.run_for(fw::seconds(5));
  EXPECT_EQ(last_error(), "certificate rejected");
  const fw::CustomCaStatus& status = phone_->agent().custom_ca_status();
  EXPECT_TRUE(status.installed);
  EXPECT_EQ(status.installed_cn, "Example Custom CA");
  EXPECT_EQ(status.last_success->unix_seconds, kStart.unix_seconds);
  world_.engine.run_for(fw::seconds(30));
  EXPECT_EQ(last_error(), "");
  EXPECT_EQ(parameter("GPP_A"), "12345678");

  // A reboot: the CA comes back from flash, without fetching it again.
  restart_phone(settings);
  EXPECT_EQ(phone_->agent().custom_ca_status().installed_cn, "Example Custom CA");
  ASSERT_TRUE(phone_->set_parameter("Custom_CA_Rule", ""));
  ASSERT_TRUE(phone_->set_parameter("GPP_A", ""));
  phone_->power_on({});
  world_.engine.run_for(fw::seconds(5));
  EXPECT_EQ(parameter("GPP_A"), "12345678");
  EXPECT_EQ(web_->access_log().size(), 1u);  // the CA file was fetched once
}

}  // namespace
}  // namespace sim::test
