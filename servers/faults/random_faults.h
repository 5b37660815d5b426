#pragma once

// Fault plans drawn from a seed: a scenario asks for "N faults of these kinds on these servers"
// and gets concrete FaultWindows, the same ones for the same seed on every machine. The result
// is ordinary plan data (FaultWindow), printed at the start of a run like a written plan.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "firmware-core/base/random_stream.h"
#include "firmware-core/runtime/time.h"
#include "servers/faults/server_faults.h"

namespace srv {

struct RandomFaultSpec {
  std::size_t count = 1;          // windows to draw
  std::vector<FaultKind> kinds;   // each window's kind, drawn uniformly from these
  std::size_t servers = 1;        // windows go to servers 0..servers-1, drawn uniformly
  fw::Instant from;               // windows start in [from, until)
  fw::Instant until;
  fw::Duration length_min{};      // each window lasts uniformly length_min..length_max
  fw::Duration length_max{};
  std::uint32_t share_ppm = kPartsPerMillion;  // requests each window hits
};

// What a drawn window does besides its kind: status 404, 500 or 503 (a 503 with Retry-After of
// 30..300 s half of the time), latency 1..10 s, truncate to 0..kTruncateKeepBytesMax bytes,
// corrupt 1..kCorruptBytesMax bytes.
inline constexpr std::uint64_t kTruncateKeepBytesMax = 256;
inline constexpr std::uint32_t kCorruptBytesMax = 4;
// The most windows one spec may ask for.
inline constexpr std::size_t kRandomFaultsMax = 10'000;

struct DrawnFault {
  std::size_t server = 0;
  FaultWindow window;
};

// Draws spec.count windows, in the order drawn (sorted by start, then server). Call once per run
// with a stream derived from the run's seed. The spec must be valid (a programmer error
// otherwise, checked by assertion): kinds not empty, servers >= 1, from < until,
// length_min <= length_max, count <= kRandomFaultsMax.
std::vector<DrawnFault> draw_faults(const RandomFaultSpec& spec, fw::RandomStream& random);

}  // namespace srv
