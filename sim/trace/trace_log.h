#pragma once

// TraceLog: the world's structured trace (DESIGN.md "Observability"). Every event becomes one
// canonical JSON line {"t":ns,"phone":"...","severity":"...","component":"...","event":"...",
// "fields":{...}}; the seed is the first line. A running 64-bit FNV-1a hash over the canonical
// lines is the determinism check: the same seed must give the same hash on every build and CPU.
// Error-severity events are counted so that a run fails unless the scenario expects them.

#include <cstdint>
#include <functional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include "firmware-core/runtime/platform.h"
#include "firmware-core/runtime/time.h"

namespace sim {

// One event as observers see it (views valid during the call only).
struct TraceEvent {
  fw::Instant t;
  std::string_view phone;
  fw::Severity severity;
  std::string_view component;
  std::string_view event;
  std::span<const fw::TraceField> fields;

  // The value of field `key`, or "" when absent.
  std::string_view field(std::string_view key) const {
    for (const auto& entry : fields) {
      if (entry.key == key) return entry.value;
    }
    return {};
  }
};

class TraceLog {
 public:
  // Writes the seed line. `out` receives the JSON lines when set (a file, a test's stream); the
  // hash and counters are kept either way.
  explicit TraceLog(std::uint64_t seed, std::ostream* out = nullptr);

  // Severity threshold for the JSON output only: events below it are still hashed and counted,
  // so turning verbosity down never changes the determinism hash.
  void set_output_severity_min(fw::Severity severity) { output_severity_min_ = severity; }

  // One event. `phone` is the entity name ("" for the world itself: network, servers).
  void record(fw::Instant t, std::string_view phone, fw::Severity severity,
              std::string_view component, std::string_view event,
              std::span<const fw::TraceField> fields = {});

  // Sees every event after it is hashed (the scenario runner collects outcomes this way);
  // observing never changes the trace.
  void set_observer(std::function<void(const TraceEvent&)> observer) { observer_ = std::move(observer); }

  // Writes the closing line {"events":n,"errors":n,"hash":"<16 hex>"} and returns it (without
  // the newline). Further records still hash.
  std::string finish();

  std::uint64_t hash() const { return hash_; }
  std::string hash_hex() const;
  std::uint64_t events() const { return events_; }
  std::uint64_t errors() const { return errors_; }

 private:
  void absorb(std::string_view line);

  std::ostream* out_;
  fw::Severity output_severity_min_ = fw::Severity::Debug;
  std::uint64_t hash_;
  std::uint64_t events_ = 0;
  std::uint64_t errors_ = 0;
  std::string line_;  // reused buffer
  std::function<void(const TraceEvent&)> observer_;
};

}  // namespace sim
