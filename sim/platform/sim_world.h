#pragma once

// SimWorld: one simulated world, the engine, its trace log and its network, built from one seed.
// Phones (SimPlatform) and servers attach to it. One world per thread.

#include <cstdint>
#include <ostream>

#include "sim/engine/engine.h"
#include "sim/net/network.h"
#include "sim/trace/trace_log.h"

namespace sim {

struct SimWorld {
  // `trace_out` receives the JSON-lines trace (nullptr: hash and counters only).
  explicit SimWorld(std::uint64_t seed, std::ostream* trace_out = nullptr,
                    NetworkSettings network_settings = {})
      : engine(seed), trace(seed, trace_out), network(engine, network_settings, &trace) {}
  SimWorld(const SimWorld&) = delete;
  SimWorld& operator=(const SimWorld&) = delete;

  Engine engine;
  TraceLog trace;  // before network: the network records into it
  Network network;
};

}  // namespace sim
