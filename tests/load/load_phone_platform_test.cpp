#include "load/load_phone_platform.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <thread>

#include "sim/flash/sim_flash.h"

namespace load {
namespace {

struct RecordedResync {
  fw::Duration intended;
  fw::Duration actual;
  fw::Duration done;
  bool success;
};

class Recorder final : public LoadRecorder {
 public:
  void fetch_started(std::uint64_t, const std::string& server, fw::Duration) override { servers.push_back(server); }
  void resync_finished(std::uint64_t, const std::string&, bool success, const std::string&, fw::Duration intended,
                       fw::Duration actual, fw::Duration done) override {
    resyncs.push_back({intended, actual, done, success});
  }
  void target_refused(std::uint64_t, const std::string& address) override { refused.push_back(address); }
  void trace_error(std::uint64_t, const std::string& line) override { errors.push_back(line); }
  std::vector<std::string> servers;
  std::vector<RecordedResync> resyncs;
  std::vector<std::string> refused;
  std::vector<std::string> errors;
};

// Plays the agent: a timer starts a resync (traced as the agent traces it) that ends at once.
class TimerAgent final : public fw::PlatformEvents {
 public:
  explicit TimerAgent(fw::Platform& platform) : platform_(platform) {}
  void on_timer(fw::TimerId) override {
    platform_.trace(fw::Severity::Info, "agent", "resync_start", {});
    const fw::TraceField fetch[] = {{"url", "http://127.0.0.1:8080/p.xml"}};
    platform_.trace(fw::Severity::Info, "agent", "fetch", fetch);
    const fw::TraceField done[] = {{"result", "success"}, {"error", ""}};
    platform_.trace(fw::Severity::Info, "agent", "resync_done", done);
  }
  void on_datagram(fw::SocketId, fw::Endpoint, fw::ByteSpan) override {}
  void on_stream_connected(fw::StreamId) override {}
  void on_stream_data(fw::StreamId, fw::ByteSpan) override {}
  void on_stream_closed(fw::StreamId) override {}
  void on_stream_failed(fw::StreamId stream, fw::StreamFailure failure) override { failed.emplace_back(stream, failure); }
  void on_resolved(fw::QueryId, fw::Result<std::vector<fw::Ipv4Address>>) override {}
  std::vector<std::pair<fw::StreamId, fw::StreamFailure>> failed;

 private:
  fw::Platform& platform_;
};

class LoadPhonePlatformTest : public ::testing::Test {
 protected:
  LoadPhonePlatform& make(std::uint64_t scale_thousandths) {
    clock_.emplace(scale_thousandths, fw::WallTime{1'000'000});
    platform_ = std::make_unique<LoadPhonePlatform>(io_, flash_, *clock_, std::chrono::steady_clock::now(), recorder_,
                                                    LoadPhonePlatformOptions{});
    agent_ = std::make_unique<TimerAgent>(*platform_);
    platform_->set_listener(agent_.get());
    return *platform_;
  }
  boost::asio::io_context io_;
  sim::SimFlash flash_;
  std::optional<ScaledClock> clock_;
  Recorder recorder_;
  std::unique_ptr<LoadPhonePlatform> platform_;
  std::unique_ptr<TimerAgent> agent_;
};

// The loop is blocked past the timer's deadline (as a saturated load generator is): the resync is
// recorded as intended at the deadline, not when the loop finally ran it.
TEST_F(LoadPhonePlatformTest, ResyncIsIntendedAtTheTimersDeadlineNotWhenTheLoopGotToIt) {
  LoadPhonePlatform& platform = make(1000);
  const fw::Instant due = platform.now() + fw::milliseconds(10);
  platform.set_timer(1, due);
  std::this_thread::sleep_for(std::chrono::milliseconds(80));  // the busy loop
  io_.run_for(std::chrono::seconds(2));
  ASSERT_EQ(recorder_.resyncs.size(), 1u);
  const RecordedResync& resync = recorder_.resyncs[0];
  EXPECT_LE(resync.intended, fw::milliseconds(12));
  EXPECT_GE(resync.actual, fw::milliseconds(80));
  EXPECT_GE(resync.done - resync.intended, fw::milliseconds(65));  // the corrected latency shows the wait
  EXPECT_EQ(recorder_.servers, std::vector<std::string>{"http://127.0.0.1:8080"});
}

TEST_F(LoadPhonePlatformTest, ScaledTimersFireAfterPhoneTimeOverScale) {
  LoadPhonePlatform& platform = make(100'000);  // 100 times faster
  const fw::Instant start = platform.now();
  platform.set_timer(1, start + fw::seconds(5));  // 50 ms of real time
  const auto before = std::chrono::steady_clock::now();
  io_.run_for(std::chrono::seconds(3));
  const auto waited = std::chrono::steady_clock::now() - before;
  ASSERT_EQ(recorder_.resyncs.size(), 1u);
  EXPECT_GE(waited, std::chrono::milliseconds(45));
  EXPECT_LT(waited, std::chrono::milliseconds(2500));  // run_for returned once the work ran out
  EXPECT_GE(platform.now() - start, fw::seconds(5));
  EXPECT_GE(platform.wall_clock().unix_seconds, 1'000'005);
}

TEST_F(LoadPhonePlatformTest, ConnectOutsideLoopbackFailsUnreachableWithoutTraffic) {
  LoadPhonePlatform& platform = make(1000);
  const fw::StreamId stream = platform.connect_stream({*fw::Ipv4Address::parse("192.0.2.1"), 80});
  EXPECT_TRUE(agent_->failed.empty());  // never from inside the call
  io_.run_for(std::chrono::seconds(1));
  ASSERT_EQ(agent_->failed.size(), 1u);
  EXPECT_EQ(agent_->failed[0].first, stream);
  EXPECT_EQ(agent_->failed[0].second, fw::StreamFailure::Unreachable);
  EXPECT_EQ(recorder_.refused, std::vector<std::string>{"192.0.2.1:80"});
}

TEST_F(LoadPhonePlatformTest, EntropyIsSeededPerPhone) {
  LoadPhonePlatformOptions first;
  first.entropy_seed = 7;
  const ScaledClock clock(1000, fw::WallTime{0});
  LoadPhonePlatform a(io_, flash_, clock, std::chrono::steady_clock::now(), recorder_, first);
  LoadPhonePlatform b(io_, flash_, clock, std::chrono::steady_clock::now(), recorder_, first);
  first.entropy_seed = 8;
  LoadPhonePlatform c(io_, flash_, clock, std::chrono::steady_clock::now(), recorder_, first);
  std::array<std::uint8_t, 16> bytes_a{};
  std::array<std::uint8_t, 16> bytes_b{};
  std::array<std::uint8_t, 16> bytes_c{};
  a.fill_random(bytes_a);
  b.fill_random(bytes_b);
  c.fill_random(bytes_c);
  EXPECT_EQ(bytes_a, bytes_b);
  EXPECT_NE(bytes_a, bytes_c);
}

TEST(ServerOfUrlTest, SchemeHostAndPort) {
  EXPECT_EQ(server_of_url("http://127.0.0.1:80/a/b.xml?x=1"), "http://127.0.0.1:80");
  EXPECT_EQ(server_of_url("tftp://127.0.0.1:69/p.cfg"), "tftp://127.0.0.1:69");
  EXPECT_EQ(server_of_url("https://[::1]:443"), "https://[::1]:443");
}

}  // namespace
}  // namespace load
