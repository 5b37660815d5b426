#include "servers/faults/server_faults.h"

#include <gtest/gtest.h>

#include "tests/servers/http/memory_http_root.h"
#include "tests/servers/tftp/memory_tftp_root.h"

namespace srv {
namespace {

const fw::Instant kT10 = fw::Instant::from_seconds(10);

FaultWindow window(FaultKind kind, std::int64_t from_s, std::int64_t until_s) {
  FaultWindow result;
  result.kind = kind;
  result.from = fw::Instant::from_seconds(from_s);
  result.until = fw::Instant::from_seconds(until_s);
  return result;
}

HttpRequestInfo get(fw::Instant now, std::string_view target) {
  HttpRequestInfo info;
  info.now = now;
  info.method = "GET";
  info.target = target;
  return info;
}

TEST(ServerFaultsTest, CertificateSwapsHitConnectionsNotRequests) {
  FaultWindow swap = window(FaultKind::Certificate, 0, 20);
  swap.certificate = CertificateSwap::Untrusted;
  EXPECT_EQ(swap.to_string(), "certificate untrusted share=1000000ppm [0s, 20s)");
  ServerFaults faults({{swap}}, 1);
  EXPECT_EQ(faults.certificate_swap(kT10), CertificateSwap::Untrusted);
  EXPECT_EQ(faults.certificate_swap(fw::Instant::from_seconds(20)), std::nullopt);  // window over
  EXPECT_FALSE(faults.decide(kT10).any());  // requests on an established connection are untouched
  EXPECT_EQ(faults.injected(FaultKind::Certificate), 1u);
}

TEST(ServerFaultsTest, PlanPrintsOneWindowPerLine) {
  FaultPlan plan;
  EXPECT_EQ(plan.to_string(), "no faults");
  FaultWindow status = window(FaultKind::Status, 10, 70);
  status.retry_after_s = 120;
  status.share_ppm = 250'000;
  FaultWindow latency = window(FaultKind::Latency, 0, 5);
  latency.latency = fw::milliseconds(250);
  latency.until = fw::Instant::never();
  plan.windows = {status, latency};
  EXPECT_EQ(plan.to_string(),
            "status 503 retry-after=120s share=250000ppm [10s, 70s)\n"
            "latency +250ms share=1000000ppm [0s, never)");
}

TEST(ServerFaultsTest, WindowsHitOnlyInsideTheirTime) {
  ServerFaults faults({{window(FaultKind::Drop, 10, 20)}}, 1);
  EXPECT_FALSE(faults.decide(fw::Instant::from_seconds(9)).any());
  EXPECT_TRUE(faults.decide(kT10).drop);
  EXPECT_TRUE(faults.decide(fw::Instant::from_seconds(19)).drop);
  EXPECT_FALSE(faults.decide(fw::Instant::from_seconds(20)).any());
  EXPECT_EQ(faults.injected(FaultKind::Drop), 2u);
}

TEST(ServerFaultsTest, ShareIsDrawnFromTheSeedAndReplays) {
  FaultWindow drop = window(FaultKind::Drop, 0, 100);
  drop.share_ppm = 300'000;
  auto draw = [&](std::uint64_t seed) {
    ServerFaults faults({{drop}}, seed);
    std::string hits;
    for (int request = 0; request < 1000; ++request) hits += faults.decide(kT10).drop ? '1' : '0';
    return hits;
  };
  const std::string first = draw(7);
  EXPECT_EQ(first, draw(7));
  EXPECT_NE(first, draw(8));
  const auto hits = std::count(first.begin(), first.end(), '1');
  EXPECT_GT(hits, 240);
  EXPECT_LT(hits, 360);
}

TEST(ServerFaultsTest, HttpStatusCarriesRetryAfter) {
  test::MemoryHttpRoot root;
  root.add("/basic.txt", "<flat-profile/>");
  FaultWindow status = window(FaultKind::Status, 0, 100);
  status.retry_after_s = 30;
  ServerFaults faults({{status}}, 1);
  auto reply = faults.http_hook(root)(get(kT10, "/basic.txt"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 503u);
  ASSERT_EQ(reply->headers.size(), 1u);
  EXPECT_EQ(reply->headers[0].name, "Retry-After");
  EXPECT_EQ(reply->headers[0].value, "30");
  EXPECT_EQ(reply->fault, "status");
}

TEST(ServerFaultsTest, HttpTruncationAnnouncesTheWholeBody) {
  test::MemoryHttpRoot root;
  root.add("/basic.txt", "<flat-profile/>");
  FaultWindow truncate = window(FaultKind::Truncate, 0, 100);
  truncate.keep_bytes = 5;
  FaultWindow latency = window(FaultKind::Latency, 0, 100);
  latency.latency = fw::seconds(2);
  ServerFaults faults({{truncate, latency}}, 1);
  auto reply = faults.http_hook(root)(get(kT10, "/basic.txt?x"));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200u);
  EXPECT_EQ(fw::as_text(reply->body), "<flat");
  EXPECT_EQ(reply->content_length, 15u);
  EXPECT_EQ(reply->delay, fw::seconds(2));
  EXPECT_EQ(reply->fault, "truncate,latency");
  EXPECT_EQ(faults.http_hook(root)(get(fw::Instant::from_seconds(200), "/basic.txt")), std::nullopt);
}

TEST(ServerFaultsTest, CorruptionFlipsBytesAndKeepsTheLength) {
  FaultWindow corrupt = window(FaultKind::Corrupt, 0, 100);
  corrupt.corrupt_bytes = 3;
  ServerFaults faults({{corrupt}}, 1);
  const fw::Bytes original(64, 0x41);
  fw::Bytes body = original;
  faults.damage(faults.decide(kT10), body);
  ASSERT_EQ(body.size(), original.size());
  std::size_t changed = 0;
  for (std::size_t at = 0; at < body.size(); ++at) changed += body[at] != original[at] ? 1 : 0;
  EXPECT_GE(changed, 1u);  // two flips may land on one byte
  EXPECT_LE(changed, 3u);
}

TEST(ServerFaultsTest, HttpDropAndStallDoNotAnswer) {
  test::MemoryHttpRoot root;
  root.add("/basic.txt", "x");
  ServerFaults drop({{window(FaultKind::Drop, 0, 100)}}, 1);
  ServerFaults stall({{window(FaultKind::Stall, 0, 100)}}, 1);
  EXPECT_EQ(drop.http_hook(root)(get(kT10, "/basic.txt"))->delivery, HttpReply::Delivery::Close);
  EXPECT_EQ(stall.http_hook(root)(get(kT10, "/basic.txt"))->delivery, HttpReply::Delivery::Stall);
}

TEST(ServerFaultsTest, TftpVerdicts) {
  test::MemoryTftpRoot root;
  root.add("basic.txt", fw::Bytes(100, 0x41));
  TftpRequestInfo request{kT10, {}, false, "basic.txt"};
  ServerFaults drop({{window(FaultKind::Drop, 0, 100)}}, 1);
  EXPECT_EQ(drop.tftp_hook(root)(request).kind, TftpVerdict::Kind::Ignore);
  FaultWindow not_found = window(FaultKind::Status, 0, 100);
  not_found.status = 404;
  ServerFaults missing({{not_found}}, 1);
  EXPECT_EQ(missing.tftp_hook(root)(request).error, fw::TftpErrorCode::FileNotFound);
  ServerFaults busy({{window(FaultKind::Status, 0, 100)}}, 1);
  TftpVerdict refused = busy.tftp_hook(root)(request);
  EXPECT_EQ(refused.kind, TftpVerdict::Kind::Refuse);
  EXPECT_EQ(refused.error, fw::TftpErrorCode::NotDefined);
  FaultWindow truncate = window(FaultKind::Truncate, 0, 100);
  truncate.keep_bytes = 10;
  FaultWindow latency = window(FaultKind::Latency, 0, 100);
  latency.latency = fw::seconds(3);
  ServerFaults cut({{truncate, latency}}, 1);
  TftpVerdict served = cut.tftp_hook(root)(request);
  EXPECT_EQ(served.kind, TftpVerdict::Kind::Serve);
  EXPECT_EQ(served.delay, fw::seconds(3));
  ASSERT_TRUE(served.content);
  EXPECT_EQ(served.content->size(), 10u);
}

}  // namespace
}  // namespace srv
