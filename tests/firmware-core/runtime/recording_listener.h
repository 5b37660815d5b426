#pragma once

// RecordingListener: an fw::PlatformEvents that writes every event as a line of text, for the
// Platform conformance suite and for tests of one platform or of the driver.

#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "firmware-core/runtime/platform.h"

namespace fw::conformance {

// Records events as text, merging consecutive stream data (a real network may split bytes
// anywhere) and checks the no-re-entrancy rule: no event while a platform call is in progress
// (tests wrap their calls in Calling), and no event inside another event.
class RecordingListener final : public PlatformEvents {
 public:
  class Calling {
   public:
    explicit Calling(RecordingListener& listener) : listener_(listener) { ++listener_.calls_; }
    ~Calling() { --listener_.calls_; }
    Calling(const Calling&) = delete;
    Calling& operator=(const Calling&) = delete;

   private:
    RecordingListener& listener_;
  };

  // Optional reaction run inside on_timer (to call the platform from an event).
  std::function<void(TimerId)> on_timer_action;

  void on_timer(TimerId timer) override {
    Event event(*this);
    add("timer " + std::to_string(timer));
    if (on_timer_action) on_timer_action(timer);
  }
  void on_datagram(SocketId socket, Endpoint from, ByteSpan payload) override {
    Event event(*this);
    add("datagram " + std::to_string(socket) + " from " + from.to_string() + " " +
        std::string(as_text(payload)));
  }
  void on_stream_connected(StreamId stream) override {
    Event event(*this);
    add("connected " + std::to_string(stream));
  }
  void on_stream_data(StreamId stream, ByteSpan bytes) override {
    Event event(*this);
    const std::string prefix = "data " + std::to_string(stream) + " ";
    if (!events.empty() && events.back().starts_with(prefix)) {
      events.back() += as_text(bytes);
    } else {
      add(prefix + std::string(as_text(bytes)));
    }
  }
  void on_stream_closed(StreamId stream) override {
    Event event(*this);
    add("closed " + std::to_string(stream));
  }
  void on_stream_failed(StreamId stream, StreamFailure failure) override {
    Event event(*this);
    add("failed " + std::to_string(stream) + " " + std::string(to_string(failure)));
  }
  void on_resolved(QueryId query, Result<std::vector<Ipv4Address>> addresses) override {
    Event event(*this);
    std::string line = "resolved " + std::to_string(query);
    if (!addresses) {
      line += " error " + std::string(error_name(addresses.error().code));
    } else {
      for (const Ipv4Address address : *addresses) line += " " + address.to_string();
    }
    add(line);
  }

  std::vector<std::string> events;
  std::vector<Instant> times;  // platform.now() at each event
  Platform* platform = nullptr;

 private:
  class Event {
   public:
    explicit Event(RecordingListener& listener) : listener_(listener) {
      EXPECT_EQ(listener_.calls_, 0) << "event delivered from inside a Platform call";
      EXPECT_EQ(listener_.depth_, 0) << "event delivered from inside another event";
      ++listener_.depth_;
    }
    ~Event() { --listener_.depth_; }
    Event(const Event&) = delete;
    Event& operator=(const Event&) = delete;

   private:
    RecordingListener& listener_;
  };
  void add(std::string line) {
    events.push_back(std::move(line));
    times.push_back(platform != nullptr ? platform->now() : Instant());
  }
  int calls_ = 0;
  int depth_ = 0;
};

}  // namespace fw::conformance
