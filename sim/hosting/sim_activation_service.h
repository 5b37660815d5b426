#pragma once

// SimActivationService: the activation-code service (servers/activation) inside a simulated
// world. It answers through the HTTP(S) server it is attached to (an HttpRequestHook, like the
// reflector), with the world's wall clock for expiries (the run's start plus virtual time) and
// virtual time for its guessing limit. Generated codes come from the stream it is seeded with,
// so a run's codes are the same for the same seed.

#include <cstddef>
#include <string>

#include "firmware-core/runtime/time.h"
#include "servers/activation/activation_service.h"
#include "servers/http/http_server.h"

namespace sim {

class SimActivationService {
 public:
  // `world_start`: the wall clock at virtual time zero.
  SimActivationService(srv::ActivationServiceSettings settings, std::uint64_t seed,
                       fw::WallTime world_start)
      : service_(std::move(settings), seed), world_start_(world_start) {}

  // The hook to chain into the server: answers the service's path, passes on everything else
  // to `inner` (may be empty). The service must outlive the hook.
  srv::HttpRequestHook hook(srv::HttpRequestHook inner = {});

  // The wall clock at virtual time `now`.
  fw::WallTime wall_clock(fw::Instant now) const;

  srv::ActivationService& service() { return service_; }
  const srv::ActivationService& service() const { return service_; }

 private:
  srv::ActivationService service_;
  fw::WallTime world_start_;
};

}  // namespace sim
