#pragma once

// The Platform conformance suite (DESIGN.md "The seam"): one test body, run against every
// fw::Platform implementation. An implementation's test file provides a ConformanceHarness
// factory and instantiates the suite once:
//
//   #include "tests/firmware-core/runtime/platform_conformance.h"
//   INSTANTIATE_TEST_SUITE_P(SimPlatform, PlatformConformanceTest,
//                            ::testing::Values(fw::conformance::HarnessFactory(make_harness)));
//
// Include this header from exactly one .cpp per test binary (it defines the TEST_Ps).
// Durations are small (tens of milliseconds) so that a real-socket platform runs it quickly.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "firmware-core/runtime/platform.h"
#include "tests/firmware-core/runtime/recording_listener.h"

namespace fw::conformance {

// What the suite needs from a platform and its surroundings.
class ConformanceHarness {
 public:
  virtual ~ConformanceHarness() = default;
  virtual Platform& platform() = 0;
  // Lets the platform deliver events for `span` of its monotonic clock (the simulator runs its
  // engine; a real platform runs its loop for that long).
  virtual void run_for(Duration span) = 0;
  // Long enough for any one exchange with the peers below (a round trip, a DNS answer).
  virtual Duration patience() = 0;

  // Echoes every datagram back to its sender.
  virtual Endpoint udp_echo() = 0;
  // Echoes stream bytes; closes its side when the client closes.
  virtual Endpoint stream_echo() = 0;
  // On accept sends "hello" and closes at once.
  virtual Endpoint stream_greeter() = 0;
  // Resets the connection when the first bytes arrive.
  virtual Endpoint stream_resetter() = 0;
  // Nothing listens here; the host answers connects with a reset.
  virtual Endpoint stream_refuser() = 0;
  // A name with several A records, the order they must come in, and a name that does not exist.
  virtual std::string known_name() = 0;
  virtual std::vector<Ipv4Address> known_addresses() = 0;
  virtual std::string unknown_name() = 0;
};

using HarnessFactory = std::function<std::unique_ptr<ConformanceHarness>()>;

class PlatformConformanceTest : public ::testing::TestWithParam<HarnessFactory> {
 protected:
  void SetUp() override {
    harness_ = GetParam()();
    listener_.platform = &platform();
    platform().set_listener(&listener_);
  }
  Platform& platform() { return harness_->platform(); }
  // Runs until nothing more is expected: a few exchanges' worth of time.
  void settle() { harness_->run_for(harness_->patience() * 4); }
  std::string id(std::uint32_t handle) { return std::to_string(handle); }

  std::unique_ptr<ConformanceHarness> harness_;
  RecordingListener listener_;
};

TEST_P(PlatformConformanceTest, TimersFireInDeadlineOrderNotBefore) {
  const Instant start = platform().now();
  {
    RecordingListener::Calling calling(listener_);
    platform().set_timer(1, start + milliseconds(30));
    platform().set_timer(2, start + milliseconds(10));
    platform().set_timer(3, start + milliseconds(20));
  }
  EXPECT_TRUE(listener_.events.empty());
  harness_->run_for(milliseconds(100));
  EXPECT_EQ(listener_.events, (std::vector<std::string>{"timer 2", "timer 3", "timer 1"}));
  ASSERT_EQ(listener_.times.size(), 3u);
  EXPECT_GE(listener_.times[0], start + milliseconds(10));
  EXPECT_GE(listener_.times[2], start + milliseconds(30));
}

TEST_P(PlatformConformanceTest, SettingATimerAgainReplacesItsDeadline) {
  const Instant start = platform().now();
  {
    RecordingListener::Calling calling(listener_);
    platform().set_timer(7, start + milliseconds(10));
    platform().set_timer(7, start + milliseconds(40));
  }
  harness_->run_for(milliseconds(100));
  ASSERT_EQ(listener_.events, (std::vector<std::string>{"timer 7"}));
  EXPECT_GE(listener_.times[0], start + milliseconds(40));
}

TEST_P(PlatformConformanceTest, CancelledTimerNeverFires) {
  const Instant start = platform().now();
  {
    RecordingListener::Calling calling(listener_);
    platform().set_timer(1, start + milliseconds(10));
    platform().set_timer(2, start + milliseconds(20));
    platform().cancel_timer(1);
    platform().cancel_timer(99);  // never armed: nothing happens
  }
  harness_->run_for(milliseconds(100));
  EXPECT_EQ(listener_.events, (std::vector<std::string>{"timer 2"}));
}

TEST_P(PlatformConformanceTest, PastDeadlineFiresFromTheLoopNotFromTheCall) {
  // Re-arming from inside on_timer, with a deadline already passed, must not re-enter.
  int rearmed = 0;
  listener_.on_timer_action = [&](TimerId timer) {
    if (timer == 1 && rearmed++ < 3) platform().set_timer(1, platform().now() - milliseconds(5));
  };
  {
    RecordingListener::Calling calling(listener_);
    platform().set_timer(1, platform().now() - milliseconds(1));
  }
  EXPECT_TRUE(listener_.events.empty());
  harness_->run_for(milliseconds(50));
  EXPECT_EQ(listener_.events,
            (std::vector<std::string>{"timer 1", "timer 1", "timer 1", "timer 1"}));
}

TEST_P(PlatformConformanceTest, UdpRoundTripToAnEchoHost) {
  SocketId socket = 0;
  {
    RecordingListener::Calling calling(listener_);
    auto opened = platform().open_udp(0);
    ASSERT_TRUE(opened);
    socket = *opened;
    EXPECT_NE(socket, 0u);
    EXPECT_NE(platform().local_port(socket), 0);
    platform().send_datagram(socket, harness_->udp_echo(), as_bytes("ping"));
  }
  settle();
  EXPECT_EQ(listener_.events,
            (std::vector<std::string>{"datagram " + id(socket) + " from " +
                                      harness_->udp_echo().to_string() + " ping"}));
  RecordingListener::Calling calling(listener_);
  platform().close_udp(socket);
}

TEST_P(PlatformConformanceTest, BindingATakenUdpPortFails) {
  RecordingListener::Calling calling(listener_);
  auto first = platform().open_udp(0);
  ASSERT_TRUE(first);
  auto second = platform().open_udp(platform().local_port(*first));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::PortInUse);
  auto third = platform().open_udp(0);
  ASSERT_TRUE(third);
  EXPECT_NE(*third, *first);
  platform().close_udp(*first);
  platform().close_udp(*third);
}

TEST_P(PlatformConformanceTest, StreamCarriesBytesInOrderAndClosesQuietly) {
  StreamId stream = 0;
  {
    RecordingListener::Calling calling(listener_);
    stream = platform().connect_stream(harness_->stream_echo());
    EXPECT_NE(stream, 0u);
  }
  settle();
  ASSERT_EQ(listener_.events, (std::vector<std::string>{"connected " + id(stream)}));
  {
    RecordingListener::Calling calling(listener_);
    platform().send(stream, as_bytes("GET / "));
    platform().send(stream, as_bytes("HTTP/1.1"));
  }
  settle();
  EXPECT_EQ(listener_.events, (std::vector<std::string>{"connected " + id(stream),
                                                        "data " + id(stream) + " GET / HTTP/1.1"}));
  {
    RecordingListener::Calling calling(listener_);
    platform().close_stream(stream);
  }
  settle();
  EXPECT_EQ(listener_.events.size(), 2u) << "no events after close_stream";
}

TEST_P(PlatformConformanceTest, PeerCloseArrivesAfterItsData) {
  StreamId stream = 0;
  {
    RecordingListener::Calling calling(listener_);
    stream = platform().connect_stream(harness_->stream_greeter());
  }
  settle();
  EXPECT_EQ(listener_.events,
            (std::vector<std::string>{"connected " + id(stream), "data " + id(stream) + " hello",
                                      "closed " + id(stream)}));
}

TEST_P(PlatformConformanceTest, ConnectToAPortNobodyListensOnIsRefused) {
  StreamId stream = 0;
  {
    RecordingListener::Calling calling(listener_);
    stream = platform().connect_stream(harness_->stream_refuser());
  }
  settle();
  EXPECT_EQ(listener_.events, (std::vector<std::string>{"failed " + id(stream) + " refused"}));
}

TEST_P(PlatformConformanceTest, PeerResetFailsTheStream) {
  StreamId stream = 0;
  {
    RecordingListener::Calling calling(listener_);
    stream = platform().connect_stream(harness_->stream_resetter());
  }
  settle();
  {
    RecordingListener::Calling calling(listener_);
    platform().send(stream, as_bytes("hi"));
  }
  settle();
  EXPECT_EQ(listener_.events, (std::vector<std::string>{"connected " + id(stream),
                                                        "failed " + id(stream) + " reset"}));
}

TEST_P(PlatformConformanceTest, AbortEndsEveryEventOfTheStream) {
  StreamId aborted = 0;
  StreamId other = 0;
  {
    RecordingListener::Calling calling(listener_);
    aborted = platform().connect_stream(harness_->stream_echo());
    other = platform().connect_stream(harness_->stream_echo());
    EXPECT_NE(aborted, other);
  }
  settle();
  {
    RecordingListener::Calling calling(listener_);
    platform().send(aborted, as_bytes("never echoed"));
    platform().abort_stream(aborted);
    platform().send(other, as_bytes("x"));
  }
  settle();
  for (const std::string& event : listener_.events)
    EXPECT_FALSE(event.starts_with("data " + id(aborted))) << event;
  EXPECT_EQ(listener_.events.back(), "data " + id(other) + " x");
  RecordingListener::Calling calling(listener_);
  platform().abort_stream(other);
}

TEST_P(PlatformConformanceTest, DnsAnswersAKnownNameInOrderAndFailsAnUnknownOne) {
  QueryId known = 0;
  QueryId unknown = 0;
  {
    RecordingListener::Calling calling(listener_);
    known = platform().resolve(harness_->known_name());
    unknown = platform().resolve(harness_->unknown_name());
    EXPECT_NE(known, 0u);
    EXPECT_NE(known, unknown);
  }
  settle();
  std::string expected = "resolved " + id(known);
  for (const Ipv4Address address : harness_->known_addresses())
    expected += " " + address.to_string();
  std::map<std::string, int> seen;
  for (const std::string& event : listener_.events) ++seen[event];
  EXPECT_EQ(seen, (std::map<std::string, int>{
                      {expected, 1},
                      {"resolved " + id(unknown) + " error " +
                           std::string(error_name(ErrorCode::DnsFailed)),
                       1}}));
}

}  // namespace fw::conformance
