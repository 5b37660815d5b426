#pragma once

// Engine: the discrete-event core of one simulated world (DESIGN.md "Time, randomness,
// determinism"). Virtual time is an fw::Instant in integer nanoseconds; events run in
// (time, sequence) order; time jumps to the next event. One engine per thread; nothing in it reads
// a real clock.
//
// Events name a handler (an EventHandler registered once, by index) and a 32-bit tag the handler
// interprets (a timer, an in-flight datagram's slot), so scheduling allocates nothing per event.
// schedule_call() takes a closure for the rare one-off action (a fault timeline step).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "firmware-core/base/random_stream.h"
#include "firmware-core/runtime/time.h"
#include "sim/engine/timer_wheel.h"

namespace sim {

using HandlerId = std::uint32_t;
using EngineTimerId = std::uint32_t;

class EventHandler {
 public:
  virtual ~EventHandler() = default;
  // An event scheduled for this handler is due; engine.now() is its time.
  virtual void on_event(std::uint32_t tag) = 0;
};

// Why run_until / run_for returned.
enum class RunOutcome : std::uint8_t {
  ReachedTime,  // every event up to the instant ran; now() is the instant
  Idle,         // no event is pending at all; now() is the instant
  EventLimit,   // the event limit stopped the run; now() is the last event's time
};

class Engine {
 public:
  // Bounded loops: a run stops once this many events have run in total (a runaway scenario,
  // e.g. a zero-delay retry loop, ends instead of spinning). Settable per world.
  static constexpr std::uint64_t kDefaultEventsMax = 1'000'000'000;

  explicit Engine(std::uint64_t seed);
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  std::uint64_t seed() const { return seed_; }
  fw::Instant now() const { return now_; }
  // A random stream for entity `entity_id` (a phone, a link, a server), independent of every
  // other entity's: the same (seed, id) always gives the same numbers.
  fw::RandomStream stream(std::uint64_t entity_id) const {
    return fw::RandomStream(fw::derive_seed(seed_, entity_id));
  }

  // Registers a handler for the engine's lifetime; events name it by the returned id.
  HandlerId add_handler(EventHandler& handler);

  // Runs handler(tag) at `at` (now() if `at` has passed). Not cancellable: use a timer for that.
  void schedule(fw::Instant at, HandlerId handler, std::uint32_t tag);
  void schedule_after(fw::Duration delay, HandlerId handler, std::uint32_t tag) {
    schedule(now_ + delay, handler, tag);
  }
  // Runs `action` at `at` (now() if passed). Allocates: for timelines, not per-packet work.
  void schedule_call(fw::Instant at, std::function<void()> action);

  // Cancellable timers: a timer is created once and armed, re-armed and cancelled any number of
  // times; it fires handler(tag) at most once per arming.
  EngineTimerId add_timer(HandlerId handler, std::uint32_t tag);
  // Arms the timer at `deadline` (now() if passed), replacing a pending deadline.
  void arm_timer(EngineTimerId timer, fw::Instant deadline);
  void cancel_timer(EngineTimerId timer);
  bool timer_armed(EngineTimerId timer) const { return timers_[timer].armed_sequence != 0; }
  // Cancels the timer and frees its id for a later add_timer.
  void remove_timer(EngineTimerId timer);

  // Runs the next event, if any is pending and the event limit allows. Returns whether one ran.
  bool step();
  // Runs every event with time <= `until` (events they schedule included), then sets now() to
  // `until` (unless the event limit stopped the run first; Instant::never() runs until idle and
  // leaves now() at the last event).
  RunOutcome run_until(fw::Instant until);
  RunOutcome run_for(fw::Duration span) { return run_until(now_ + span); }

  void set_events_max(std::uint64_t events_max) { events_max_ = events_max; }
  bool event_limit_reached() const { return events_run_ >= events_max_; }
  std::uint64_t events_run() const { return events_run_; }
  // Pending queue entries (cancelled timers' entries included until their time comes).
  std::size_t pending() const { return wheel_.size(); }

 private:
  static constexpr std::uint32_t kTimerHandler = 0xFFFFFFFFu;
  static constexpr std::uint32_t kCallHandler = 0xFFFFFFFEu;

  struct Timer {
    std::uint64_t armed_sequence = 0;  // the sequence of the pending entry that counts; 0: none
    HandlerId handler = 0;
    std::uint32_t tag = 0;
  };

  void push(fw::Instant at, std::uint32_t handler, std::uint32_t tag, std::uint64_t sequence);
  bool dispatch(const WheelEntry& entry);  // false: a stale timer entry, nothing ran

  std::uint64_t seed_;
  fw::Instant now_{};
  std::uint64_t next_sequence_ = 1;
  std::uint64_t events_run_ = 0;
  std::uint64_t events_max_ = kDefaultEventsMax;
  TimerWheel wheel_;
  std::vector<EventHandler*> handlers_;
  std::vector<Timer> timers_;
  std::vector<EngineTimerId> free_timers_;
  std::vector<std::function<void()>> calls_;
  std::vector<std::uint32_t> free_calls_;
};

}  // namespace sim
