#include "servers/faults/fault_spec.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string_view>
#include <utility>
#include <vector>

namespace srv {
namespace {

using namespace std::chrono_literals;

void expect_invalid(std::string_view text, std::string_view detail_part) {
  auto parsed = parse_fault_spec(text);
  ASSERT_FALSE(parsed) << text;
  EXPECT_EQ(parsed.error().code, fw::ErrorCode::InvalidValue);
  EXPECT_NE(parsed.error().detail.find(detail_part), std::string::npos) << parsed.error().detail;
}

TEST(FaultSpecTest, ParsesStatusWindowWithEveryKey) {
  auto spec = parse_fault_spec("http:status=503,retry-after=120s,share=50%,from=10s,for=1m");
  ASSERT_TRUE(spec) << spec.error().to_string();
  EXPECT_EQ(spec->target, FaultTarget::Http);
  EXPECT_TRUE(spec->applies_to(FaultTarget::Http));
  EXPECT_FALSE(spec->applies_to(FaultTarget::Tftp));
  EXPECT_EQ(spec->window.kind, FaultKind::Status);
  EXPECT_EQ(spec->window.status, 503u);
  EXPECT_EQ(spec->window.retry_after_s, 120u);
  EXPECT_EQ(spec->window.share_ppm, 500'000u);
  EXPECT_EQ(spec->window.from, fw::Instant::from_nanoseconds(0) + 10s);
  EXPECT_EQ(spec->window.until, fw::Instant::from_nanoseconds(0) + 70s);
}

TEST(FaultSpecTest, DefaultsToAllServersWholeRunEveryRequest) {
  auto spec = parse_fault_spec("latency=250ms");
  ASSERT_TRUE(spec);
  EXPECT_EQ(spec->target, FaultTarget::All);
  EXPECT_TRUE(spec->applies_to(FaultTarget::Https));
  EXPECT_EQ(spec->window.latency, 250ms);
  EXPECT_EQ(spec->window.share_ppm, kPartsPerMillion);
  EXPECT_EQ(spec->window.until, fw::Instant::never());
}

TEST(FaultSpecTest, ParsesEveryKind) {
  EXPECT_EQ(parse_fault_spec("tftp:drop,share=0.0001%")->window.share_ppm, 1u);
  EXPECT_EQ(parse_fault_spec("tftp:drop")->window.kind, FaultKind::Drop);
  EXPECT_EQ(parse_fault_spec("https:stall")->window.kind, FaultKind::Stall);
  EXPECT_EQ(parse_fault_spec("truncate=100")->window.keep_bytes, 100u);
  EXPECT_EQ(parse_fault_spec("all:corrupt=3")->window.corrupt_bytes, 3u);
  EXPECT_EQ(parse_fault_spec("latency=2h")->window.latency, 2h);
}

TEST(FaultSpecTest, ParsesCertificateSwapsForHttps) {
  for (auto [text, swap] : std::vector<std::pair<std::string_view, CertificateSwap>>{
           {"https:certificate=expired", CertificateSwap::Expired},
           {"https:certificate=wrong-host,for=30s", CertificateSwap::WrongHost},
           {"certificate=untrusted,share=50%", CertificateSwap::Untrusted}}) {
    auto spec = parse_fault_spec(text);
    ASSERT_TRUE(spec) << text << ": " << spec.error().to_string();
    EXPECT_EQ(spec->window.kind, FaultKind::Certificate);
    EXPECT_EQ(spec->window.certificate, swap);
  }
}

TEST(FaultSpecTest, RejectsMalformedSpecsNamingThePart) {
  expect_invalid("ftp:drop", "unknown server 'ftp'");
  expect_invalid("explode", "unknown kind 'explode'");
  expect_invalid("drop=1", "takes no value");
  expect_invalid("latency", "latency: expected a duration");
  expect_invalid("latency=5", "expected a duration");
  expect_invalid("status=99", "HTTP status");
  expect_invalid("drop,share=100.0001%", "share: expected a percentage");
  expect_invalid("drop,share=101%", "share");
  expect_invalid("drop,share=50", "share");
  expect_invalid("drop,retry-after=5s", "retry-after needs status=");
  expect_invalid("status=503,retry-after=1500ms", "whole seconds");
  expect_invalid("drop,colour=red", "unknown key 'colour'");
  expect_invalid("corrupt=0", "byte count");
  expect_invalid("https:certificate=stale",
                 "certificate: expected expired, wrong-host or untrusted");
  expect_invalid("http:certificate=expired", "certificate faults need the https server");
  expect_invalid("latency=169h", "duration");  // past fault_duration_max (a week)
  EXPECT_TRUE(parse_fault_spec("latency=168h"));
}

TEST(FaultSpecTest, ParsesLimitWithAndWithoutQueue) {
  auto limit = parse_limit_spec("http=1,queue=2");
  ASSERT_TRUE(limit) << limit.error().to_string();
  EXPECT_EQ(limit->target, FaultTarget::Http);
  EXPECT_EQ(limit->limit.in_service_max, 1u);
  EXPECT_EQ(limit->limit.waiting_max, 2u);
  EXPECT_TRUE(limit->applies_to(FaultTarget::Http));
  EXPECT_FALSE(limit->applies_to(FaultTarget::Tftp));
  auto all = parse_limit_spec("all=1000000");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->limit.in_service_max, kLimitPlacesMax);
  EXPECT_EQ(all->limit.waiting_max, 0u);
  EXPECT_TRUE(all->applies_to(FaultTarget::Tftp));
  EXPECT_TRUE(parse_limit_spec("tftp=5,queue=1000000"));
}

TEST(FaultSpecTest, RejectsMalformedLimitsNamingThePart) {
  const std::vector<std::pair<std::string_view, std::string_view>> cases = {
      {"http", "--limit 'http': expected SERVER=N"},
      {"ftp=1", "unknown server 'ftp'"},
      {"http=0", "in-service count 1..1000000"},
      {"http=1000001", "in-service count"},
      {"http=x", "in-service count"},
      {"http=1,queue=1000001", "queue: expected a count"},
      {"http=1,queue=", "queue: expected a count"},
      {"http=1,depth=3", "unknown key 'depth'"},
  };
  for (const auto& [text, expected] : cases) {
    auto limit = parse_limit_spec(text);
    ASSERT_FALSE(limit) << text;
    EXPECT_NE(limit.error().detail.find(expected), std::string::npos) << limit.error().detail;
  }
}

}  // namespace
}  // namespace srv
