#include "sim/hosting/sim_activation_service.h"

#include <chrono>
#include <utility>

namespace sim {

fw::WallTime SimActivationService::wall_clock(fw::Instant now) const {
  const auto since_start = std::chrono::duration_cast<std::chrono::seconds>(now.since_epoch());
  return fw::WallTime{world_start_.unix_seconds + since_start.count()};
}

srv::HttpRequestHook SimActivationService::hook(srv::HttpRequestHook inner) {
  return [this, inner = std::move(inner)](
             const srv::HttpRequestInfo& request) -> std::optional<srv::HttpReply> {
    if (auto reply = service_.handle(request, wall_clock(request.now))) return reply;
    if (inner) return inner(request);
    return std::nullopt;
  };
}

}  // namespace sim
