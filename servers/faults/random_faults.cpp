#include "servers/faults/random_faults.h"

#include <algorithm>
#include <cassert>

namespace srv {

std::vector<DrawnFault> draw_faults(const RandomFaultSpec& spec, fw::RandomStream& random) {
  assert(!spec.kinds.empty() && spec.servers >= 1 && spec.from < spec.until &&
         spec.length_min <= spec.length_max && spec.count <= kRandomFaultsMax);
  static constexpr unsigned kStatuses[] = {404, 500, 503};
  std::vector<DrawnFault> drawn;
  drawn.reserve(spec.count);
  for (std::size_t index = 0; index < spec.count; ++index) {
    DrawnFault fault;
    fault.server = static_cast<std::size_t>(random.below(spec.servers));
    FaultWindow& window = fault.window;
    window.kind = spec.kinds[static_cast<std::size_t>(random.below(spec.kinds.size()))];
    window.from = fw::Instant::from_nanoseconds(
        random.between(spec.from.nanoseconds(), spec.until.nanoseconds() - 1));
    window.until = window.from + fw::Duration(random.between(spec.length_min.count(), spec.length_max.count()));
    window.share_ppm = spec.share_ppm;
    switch (window.kind) {
      case FaultKind::Latency: window.latency = fw::seconds(random.between(1, 10)); break;
      case FaultKind::Status:
        window.status = kStatuses[random.below(std::size(kStatuses))];
        if (window.status == 503 && random.below(2) == 1) {
          window.retry_after_s = static_cast<std::uint32_t>(random.between(30, 300));
        }
        break;
      case FaultKind::Truncate: window.keep_bytes = random.below(kTruncateKeepBytesMax + 1); break;
      case FaultKind::Corrupt:
        window.corrupt_bytes = static_cast<std::uint32_t>(random.between(1, kCorruptBytesMax));
        break;
      case FaultKind::Certificate: {
        // Only HTTPS servers present certificates; the scenario loader keeps this kind out of
        // random plans, but a caller that asks for it gets a drawn swap.
        static constexpr CertificateSwap kSwaps[] = {CertificateSwap::Expired, CertificateSwap::WrongHost,
                                                     CertificateSwap::Untrusted};
        window.certificate = kSwaps[random.below(std::size(kSwaps))];
        break;
      }
      case FaultKind::Drop:
      case FaultKind::Stall: break;
    }
    drawn.push_back(fault);
  }
  std::stable_sort(drawn.begin(), drawn.end(), [](const DrawnFault& a, const DrawnFault& b) {
    if (a.window.from != b.window.from) return a.window.from < b.window.from;
    return a.server < b.server;
  });
  return drawn;
}

}  // namespace srv
