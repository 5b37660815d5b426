#include "sim/engine/engine.h"

#include <cassert>
#include <utility>

namespace sim {
namespace {

std::uint64_t time_ns(fw::Instant at) {
  assert(at.nanoseconds() >= 0);
  return static_cast<std::uint64_t>(at.nanoseconds());
}

}  // namespace

Engine::Engine(std::uint64_t seed) : seed_(seed) {}

HandlerId Engine::add_handler(EventHandler& handler) {
  handlers_.push_back(&handler);
  return static_cast<HandlerId>(handlers_.size() - 1);
}

void Engine::push(fw::Instant at, std::uint32_t handler, std::uint32_t tag,
                  std::uint64_t sequence) {
  if (at < now_) at = now_;
  wheel_.push(WheelEntry{time_ns(at), sequence, handler, tag});
}

void Engine::schedule(fw::Instant at, HandlerId handler, std::uint32_t tag) {
  assert(handler < handlers_.size());
  push(at, handler, tag, next_sequence_++);
}

void Engine::schedule_call(fw::Instant at, std::function<void()> action) {
  std::uint32_t index;
  if (free_calls_.empty()) {
    index = static_cast<std::uint32_t>(calls_.size());
    calls_.push_back(std::move(action));
  } else {
    index = free_calls_.back();
    free_calls_.pop_back();
    calls_[index] = std::move(action);
  }
  push(at, kCallHandler, index, next_sequence_++);
}

EngineTimerId Engine::add_timer(HandlerId handler, std::uint32_t tag) {
  assert(handler < handlers_.size());
  if (!free_timers_.empty()) {
    const EngineTimerId timer = free_timers_.back();
    free_timers_.pop_back();
    timers_[timer] = Timer{0, handler, tag};
    return timer;
  }
  timers_.push_back(Timer{0, handler, tag});
  return static_cast<EngineTimerId>(timers_.size() - 1);
}

void Engine::arm_timer(EngineTimerId timer, fw::Instant deadline) {
  // The old entry stays queued but no longer matches armed_sequence, so it is skipped.
  const std::uint64_t sequence = next_sequence_++;
  timers_[timer].armed_sequence = sequence;
  push(deadline, kTimerHandler, timer, sequence);
}

void Engine::cancel_timer(EngineTimerId timer) { timers_[timer].armed_sequence = 0; }

void Engine::remove_timer(EngineTimerId timer) {
  timers_[timer].armed_sequence = 0;
  free_timers_.push_back(timer);
}

bool Engine::dispatch(const WheelEntry& entry) {
  if (entry.handler == kTimerHandler) {
    Timer& timer = timers_[entry.tag];
    if (timer.armed_sequence != entry.sequence) return false;  // re-armed, cancelled or removed
    timer.armed_sequence = 0;
    ++events_run_;
    handlers_[timer.handler]->on_event(timer.tag);
    return true;
  }
  ++events_run_;
  if (entry.handler == kCallHandler) {
    std::function<void()> action = std::move(calls_[entry.tag]);
    calls_[entry.tag] = nullptr;
    free_calls_.push_back(entry.tag);
    action();
    return true;
  }
  handlers_[entry.handler]->on_event(entry.tag);
  return true;
}

bool Engine::step() {
  if (event_limit_reached()) return false;
  while (std::optional<WheelEntry> entry = wheel_.pop_until(UINT64_MAX)) {
    now_ = fw::Instant::from_nanoseconds(static_cast<std::int64_t>(entry->time_ns));
    if (dispatch(*entry)) return true;
  }
  return false;
}

RunOutcome Engine::run_until(fw::Instant until) {
  if (until < now_) until = now_;
  const std::uint64_t limit = time_ns(until);
  while (true) {
    if (event_limit_reached()) return RunOutcome::EventLimit;
    std::optional<WheelEntry> entry = wheel_.pop_until(limit);
    if (!entry) break;
    now_ = fw::Instant::from_nanoseconds(static_cast<std::int64_t>(entry->time_ns));
    dispatch(*entry);
  }
  // "Forever" leaves the clock at the last event instead of at the end of time.
  if (until != fw::Instant::never()) now_ = until;
  return wheel_.empty() ? RunOutcome::Idle : RunOutcome::ReachedTime;
}

}  // namespace sim
