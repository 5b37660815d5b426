// Fuzzes the parsers of `phonesim load`'s command line (load/): --ramp (Ramp::parse), --time-scale
// (ScaledClock::parse_scale_thousandths), --bind (parse_bind_range), and the host extraction the
// target guard runs over every URL and server parameter (url_hosts, host_of_server_value,
// is_loopback_text). Nothing here resolves names or opens sockets.
//
// Input: the first byte picks the parser (and, for --bind, whether remote addresses are allowed),
// the rest is the text. Properties besides "no crash":
// - a parsed ramp prints back to a ramp that powers the phones on at the same times, and its
//   power-on times never decrease;
// - a parsed scale is within the accepted range;
// - a parsed --bind range has 1..kBindAddressesMax addresses, all loopback unless allowed;
// - every host url_hosts returns occurs in the text and holds no '$'.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "firmware-core/base/bytes.h"
#include "load/ramp.h"
#include "load/scaled_clock.h"
#include "load/target_guard.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

void check_ramp(std::string_view text) {
  auto ramp = load::Ramp::parse(text);
  if (!ramp) {
    fuzz::check(!ramp.error().detail.empty());
    return;
  }
  auto again = load::Ramp::parse(ramp->to_string());
  fuzz::check(again.has_value());
  constexpr std::uint64_t kPhones = 1000;
  fw::Duration previous{0};
  for (std::uint64_t index : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{499}, kPhones - 1}) {
    const fw::Duration at = ramp->power_on_at(index, kPhones);
    fuzz::check(at >= previous && at.count() >= 0);
    fuzz::check(again->power_on_at(index, kPhones) == at);
    previous = at;
  }
}

void check_scale(std::string_view text) {
  if (auto scale = load::ScaledClock::parse_scale_thousandths(text)) {
    fuzz::check(*scale >= load::ScaledClock::kScaleThousandthsMin &&
                *scale <= load::ScaledClock::kScaleThousandthsMax);
  }
}

void check_bind(std::string_view text, bool allow_remote) {
  auto addresses = load::parse_bind_range(text, allow_remote);
  if (!addresses) {
    fuzz::check(!addresses.error().detail.empty());
    return;
  }
  fuzz::check(!addresses->empty() && addresses->size() <= load::kBindAddressesMax);
  if (!allow_remote) {
    for (fw::Ipv4Address address : *addresses) fuzz::check(load::is_loopback(address));
  }
}

void check_hosts(std::string_view text) {
  for (const std::string& host : load::url_hosts(text)) {
    fuzz::check(host.find('$') == std::string::npos);
    fuzz::check(text.find(host) != std::string_view::npos);
    (void)load::is_loopback_text(host);
  }
  const std::string server = load::host_of_server_value(text);
  fuzz::check(server.find('$') == std::string::npos);
  (void)load::is_loopback_text(text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text = fw::as_text(fw::ByteSpan(data + 1, size - 1));
  switch (data[0] % 5) {
    case 0:
      check_ramp(text);
      break;
    case 1:
      check_scale(text);
      break;
    case 2:
      check_bind(text, false);
      break;
    case 3:
      check_bind(text, true);
      break;
    default:
      check_hosts(text);
      break;
  }
  return 0;
}
