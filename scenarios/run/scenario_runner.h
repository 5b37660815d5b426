#pragma once

// ScenarioRunner: builds a simulated world from a Scenario (phones running the real firmware
// core on SimPlatforms, the server cores hosted on the virtual network, the network's links),
// plays its timeline, checks its assertions and fills a RunReport. Deterministic: the same
// scenario and seed give the same trace hash (TLS handshakes excepted: key generation and
// handshake randomness come from OpenSSL until the seeded TLS provider exists).

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>

#include "firmware-core/base/result.h"
#include "scenarios/format/scenario.h"
#include "scenarios/run/run_report.h"

namespace scn {

struct RunOptions {
  std::optional<std::uint64_t> seed;    // replaces the scenario's seed
  std::optional<std::uint64_t> phones;  // scales the fleet to this many phones (groups keep their shares)
  std::ostream* trace_out = nullptr;    // JSON-lines trace
  std::ostream* pcap_out = nullptr;     // simulated traffic as pcap
  std::string command_line;             // how this run was started, for "reproduce with"
  // Called about every second of virtual progress with (virtual now, phones converged).
  std::function<void(fw::Duration, std::uint64_t)> progress;
  // Called once before the world starts with each line of the run's fault plan
  // ("tftp: status 503 share=1000000ppm [6h, 6h30m)"), so a run says what it will inject.
  std::function<void(const std::string&)> announce;
};

// Runs `scenario`. Errors (InvalidValue, with file:line): a scenario the world cannot be built
// from (an initial parameter the phones reject, a fault kind the simulator cannot inject, a
// server port taken twice). Assertion failures are not errors: they are in the report.
fw::Result<RunReport> run_scenario(const Scenario& scenario, const RunOptions& options);

}  // namespace scn
