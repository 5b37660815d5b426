#include "sim/engine/engine.h"

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace sim {
namespace {

using fw::Instant;

struct Recorder final : EventHandler {
  explicit Recorder(Engine& world) : engine(world) {}
  void on_event(std::uint32_t tag) override {
    seen.push_back(std::to_string(engine.now().nanoseconds()) + ":" + std::to_string(tag));
  }
  Engine& engine;
  std::vector<std::string> seen;
};

TEST(EngineTest, RunsEventsInTimeThenSchedulingOrder) {
  Engine engine(1);
  Recorder recorder(engine);
  const HandlerId handler = engine.add_handler(recorder);
  engine.schedule(Instant::from_seconds(2), handler, 1);
  engine.schedule(Instant::from_seconds(1), handler, 2);
  engine.schedule(Instant::from_seconds(2), handler, 3);
  engine.schedule(Instant::from_seconds(1), handler, 4);
  EXPECT_EQ(engine.run_until(Instant::never()), RunOutcome::Idle);
  EXPECT_EQ(recorder.seen, (std::vector<std::string>{"1000000000:2", "1000000000:4",
                                                     "2000000000:1", "2000000000:3"}));
  EXPECT_EQ(engine.now(), Instant::from_seconds(2));
  EXPECT_EQ(engine.events_run(), 4u);
}

TEST(EngineTest, RunUntilStopsAtTheInstantAndJumpsTime) {
  Engine engine(1);
  Recorder recorder(engine);
  const HandlerId handler = engine.add_handler(recorder);
  engine.schedule(Instant::from_seconds(10), handler, 1);
  EXPECT_EQ(engine.run_for(fw::seconds(5)), RunOutcome::ReachedTime);
  EXPECT_TRUE(recorder.seen.empty());
  EXPECT_EQ(engine.now(), Instant::from_seconds(5));
  // Scheduled "in the past" runs at now.
  engine.schedule(Instant::from_seconds(1), handler, 2);
  EXPECT_TRUE(engine.step());
  EXPECT_EQ(recorder.seen, (std::vector<std::string>{"5000000000:2"}));
  EXPECT_EQ(engine.run_until(Instant::from_seconds(10)), RunOutcome::Idle);
  EXPECT_EQ(recorder.seen.back(), "10000000000:1");
  EXPECT_FALSE(engine.step());
}

TEST(EngineTest, TimersFireOnceAndReArmingReplacesTheDeadline) {
  Engine engine(1);
  Recorder recorder(engine);
  const HandlerId handler = engine.add_handler(recorder);
  const EngineTimerId first = engine.add_timer(handler, 10);
  const EngineTimerId second = engine.add_timer(handler, 20);
  engine.arm_timer(first, Instant::from_seconds(3));
  engine.arm_timer(first, Instant::from_seconds(1));  // replaces 3 s
  engine.arm_timer(second, Instant::from_seconds(2));
  engine.cancel_timer(second);
  EXPECT_FALSE(engine.timer_armed(second));
  EXPECT_TRUE(engine.timer_armed(first));
  engine.run_until(Instant::from_seconds(10));
  EXPECT_EQ(recorder.seen, (std::vector<std::string>{"1000000000:10"}));
  EXPECT_FALSE(engine.timer_armed(first));
  EXPECT_EQ(engine.events_run(), 1u);
}

TEST(EngineTest, ReArmingToTheSameDeadlineFiresOnce) {
  Engine engine(1);
  Recorder recorder(engine);
  const EngineTimerId timer = engine.add_timer(engine.add_handler(recorder), 5);
  engine.arm_timer(timer, Instant::from_seconds(1));
  engine.cancel_timer(timer);
  engine.arm_timer(timer, Instant::from_seconds(1));
  engine.arm_timer(timer, Instant::from_seconds(1));
  engine.run_until(Instant::from_seconds(2));
  EXPECT_EQ(recorder.seen.size(), 1u);
}

TEST(EngineTest, RemovedTimerIdsAreReusedWithoutStaleFirings) {
  Engine engine(1);
  Recorder recorder(engine);
  const HandlerId handler = engine.add_handler(recorder);
  const EngineTimerId timer = engine.add_timer(handler, 1);
  engine.arm_timer(timer, Instant::from_seconds(1));
  engine.remove_timer(timer);
  const EngineTimerId reused = engine.add_timer(handler, 2);
  EXPECT_EQ(reused, timer);
  engine.arm_timer(reused, Instant::from_seconds(2));
  engine.run_until(Instant::from_seconds(3));
  EXPECT_EQ(recorder.seen, (std::vector<std::string>{"2000000000:2"}));
}

TEST(EngineTest, EventLimitStopsARunawayLoop) {
  Engine engine(1);
  struct Loop final : EventHandler {
    Engine* engine = nullptr;
    HandlerId self = 0;
    void on_event(std::uint32_t) override { engine->schedule_after(fw::Duration(0), self, 0); }
  } loop;
  loop.engine = &engine;
  loop.self = engine.add_handler(loop);
  engine.set_events_max(1000);
  engine.schedule(Instant(), loop.self, 0);
  EXPECT_EQ(engine.run_until(Instant::from_seconds(1)), RunOutcome::EventLimit);
  EXPECT_EQ(engine.events_run(), 1000u);
  EXPECT_EQ(engine.now(), Instant());
  EXPECT_FALSE(engine.step());
}

TEST(EngineTest, ScheduledCallsRunInOrderWithHandlerEvents) {
  Engine engine(1);
  Recorder recorder(engine);
  const HandlerId handler = engine.add_handler(recorder);
  engine.schedule(Instant::from_seconds(1), handler, 1);
  engine.schedule_call(Instant::from_seconds(1), [&] { recorder.seen.push_back("call"); });
  engine.schedule(Instant::from_seconds(1), handler, 2);
  engine.run_until(Instant::from_seconds(1));
  EXPECT_EQ(recorder.seen,
            (std::vector<std::string>{"1000000000:1", "call", "1000000000:2"}));
}

TEST(EngineTest, EntityStreamsDependOnSeedAndIdOnly) {
  Engine engine(42);
  Engine same(42);
  Engine other(43);
  EXPECT_EQ(engine.stream(7).next(), same.stream(7).next());
  EXPECT_NE(engine.stream(7).next(), engine.stream(8).next());
  EXPECT_NE(engine.stream(7).next(), other.stream(7).next());
}

}  // namespace
}  // namespace sim
