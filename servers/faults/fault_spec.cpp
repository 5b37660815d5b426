#include "servers/faults/fault_spec.h"

#include <array>
#include <cstdint>
#include <optional>

namespace srv {
namespace {

fw::Failure invalid(std::string_view text, std::string what, std::string_view flag = "--fault") {
  return fw::fail(fw::ErrorCode::InvalidValue,
                  std::string(flag) + " '" + std::string(text) + "': " + std::move(what));
}

std::optional<FaultTarget> target(std::string_view server) {
  if (server == "tftp") return FaultTarget::Tftp;
  if (server == "http") return FaultTarget::Http;
  if (server == "https") return FaultTarget::Https;
  if (server == "all") return FaultTarget::All;
  return std::nullopt;
}

// Digits only, at most 12 of them (no overflow on 32-bit targets either: uint64).
std::optional<std::uint64_t> number(std::string_view text) {
  if (text.empty() || text.size() > 12) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

std::optional<fw::Duration> duration(std::string_view text) {
  struct Unit {
    std::string_view suffix;
    std::int64_t nanoseconds;
  };
  static constexpr std::array<Unit, 4> kUnits = {{{"ms", 1'000'000},
                                                  {"s", 1'000'000'000},
                                                  {"m", 60'000'000'000},
                                                  {"h", 3'600'000'000'000}}};
  for (const Unit& unit : kUnits) {
    if (!text.ends_with(unit.suffix)) continue;
    auto count = number(text.substr(0, text.size() - unit.suffix.size()));
    // fault_duration_max: a week, more than any run needs (and far from overflowing).
    constexpr std::int64_t kWeekNanoseconds = 7LL * 24 * 3600 * 1'000'000'000;
    if (!count || *count > static_cast<std::uint64_t>(kWeekNanoseconds / unit.nanoseconds)) {
      return std::nullopt;
    }
    return fw::Duration(static_cast<std::int64_t>(*count) * unit.nanoseconds);
  }
  return std::nullopt;
}

// "50%", "12.5%", "0.0001%" -> parts per million.
std::optional<std::uint32_t> share_ppm(std::string_view text) {
  if (!text.ends_with('%')) return std::nullopt;
  text.remove_suffix(1);
  const std::size_t dot = text.find('.');
  auto whole = number(text.substr(0, dot));
  std::uint64_t fraction = 0;
  if (dot != std::string_view::npos) {
    const std::string_view decimals = text.substr(dot + 1);
    auto digits = number(decimals);
    if (!digits || decimals.size() > 4) return std::nullopt;
    fraction = *digits;
    for (std::size_t i = decimals.size(); i < 4; ++i) fraction *= 10;
  }
  if (!whole || *whole > 100) return std::nullopt;
  const std::uint64_t ppm = *whole * 10'000 + fraction;
  if (ppm > kPartsPerMillion) return std::nullopt;
  return static_cast<std::uint32_t>(ppm);
}

}  // namespace

std::string_view to_string(FaultTarget target) {
  switch (target) {
    case FaultTarget::All: return "all";
    case FaultTarget::Tftp: return "tftp";
    case FaultTarget::Http: return "http";
    case FaultTarget::Https: return "https";
  }
  return "all";
}

fw::Result<FaultSpec> parse_fault_spec(std::string_view text) {
  FaultSpec spec;
  std::string_view rest = text;
  if (const std::size_t colon = rest.find(':'); colon != std::string_view::npos) {
    const std::string_view server = rest.substr(0, colon);
    auto parsed = target(server);
    if (!parsed) {
      return invalid(text, "unknown server '" + std::string(server) + "' (tftp, http, https, all)");
    }
    spec.target = *parsed;
    rest.remove_prefix(colon + 1);
  }

  bool first = true;
  std::optional<fw::Duration> from;
  std::optional<fw::Duration> length;
  while (true) {
    const std::size_t comma = rest.find(',');
    const std::string_view part = rest.substr(0, comma);
    const std::size_t equals = part.find('=');
    const std::string_view key = part.substr(0, equals);
    const bool has_value = equals != std::string_view::npos;
    const std::string_view value = has_value ? part.substr(equals + 1) : std::string_view();
    auto bad_value = [&](std::string_view expected) {
      return invalid(text, std::string(key) + ": expected " + std::string(expected));
    };
    FaultWindow& window = spec.window;
    if (first) {
      first = false;
      if (key == "latency") {
        window.kind = FaultKind::Latency;
        auto parsed = duration(value);
        if (!parsed) return bad_value("a duration like 200ms");
        window.latency = *parsed;
      } else if (key == "drop" || key == "stall") {
        window.kind = key == "drop" ? FaultKind::Drop : FaultKind::Stall;
        if (has_value) return invalid(text, std::string(key) + " takes no value");
      } else if (key == "status") {
        window.kind = FaultKind::Status;
        auto parsed = number(value);
        if (!parsed || *parsed < 100 || *parsed > 599) return bad_value("an HTTP status 100..599");
        window.status = static_cast<unsigned>(*parsed);
      } else if (key == "truncate" || key == "corrupt") {
        window.kind = key == "truncate" ? FaultKind::Truncate : FaultKind::Corrupt;
        auto parsed = number(value);
        if (!parsed || (key == "corrupt" && (*parsed == 0 || *parsed > 0xFFFFFFFFull))) {
          return bad_value("a byte count");
        }
        if (key == "truncate") window.keep_bytes = *parsed;
        else window.corrupt_bytes = static_cast<std::uint32_t>(*parsed);
      } else if (key == "certificate") {
        window.kind = FaultKind::Certificate;
        auto parsed = parse_certificate_swap(value);
        if (!parsed) return bad_value("expired, wrong-host or untrusted");
        window.certificate = *parsed;
      } else {
        return invalid(text, "unknown kind '" + std::string(key) +
                                 "' (latency, drop, status, truncate, corrupt, stall, "
                                 "certificate)");
      }
    } else if (key == "share") {
      auto parsed = share_ppm(value);
      if (!parsed) return bad_value("a percentage 0%..100% with up to 4 decimals");
      window.share_ppm = *parsed;
    } else if (key == "from" || key == "for") {
      auto parsed = duration(value);
      if (!parsed) return bad_value("a duration like 30s");
      (key == "from" ? from : length) = *parsed;
    } else if (key == "retry-after") {
      auto parsed = duration(value);
      if (window.kind != FaultKind::Status) return invalid(text, "retry-after needs status=");
      if (!parsed || parsed->count() % 1'000'000'000 != 0) return bad_value("whole seconds like 120s");
      window.retry_after_s = static_cast<std::uint32_t>(parsed->count() / 1'000'000'000);
    } else {
      return invalid(text, "unknown key '" + std::string(key) + "' (share, from, for, retry-after)");
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (spec.window.kind == FaultKind::Certificate && spec.target != FaultTarget::Https &&
      spec.target != FaultTarget::All) {
    return invalid(text, "certificate faults need the https server");
  }
  spec.window.from = fw::Instant::from_nanoseconds(from ? from->count() : 0);
  if (length) spec.window.until = spec.window.from + *length;
  return spec;
}

std::optional<CertificateSwap> parse_certificate_swap(std::string_view text) {
  for (std::size_t index = 0; index < kCertificateSwapCount; ++index) {
    const auto swap = static_cast<CertificateSwap>(index);
    if (text == to_string(swap)) return swap;
  }
  return std::nullopt;
}

fw::Result<LimitSpec> parse_limit_spec(std::string_view text) {
  constexpr std::string_view kFlag = "--limit";
  LimitSpec spec;
  const std::size_t equals = text.find('=');
  if (equals == std::string_view::npos) return invalid(text, "expected SERVER=N[,queue=M]", kFlag);
  const std::string_view server = text.substr(0, equals);
  auto parsed_target = target(server);
  if (!parsed_target) {
    return invalid(text, "unknown server '" + std::string(server) + "' (tftp, http, https, all)",
                   kFlag);
  }
  spec.target = *parsed_target;
  std::string_view rest = text.substr(equals + 1);
  const std::size_t comma = rest.find(',');
  auto in_service = number(rest.substr(0, comma));
  if (!in_service || *in_service == 0 || *in_service > kLimitPlacesMax) {
    return invalid(text, "expected an in-service count 1.." + std::to_string(kLimitPlacesMax),
                   kFlag);
  }
  spec.limit.in_service_max = static_cast<std::uint32_t>(*in_service);
  if (comma != std::string_view::npos) {
    const std::string_view option = rest.substr(comma + 1);
    constexpr std::string_view kQueue = "queue=";
    if (option.substr(0, kQueue.size()) != kQueue) {
      const std::string key(option.substr(0, option.find('=')));
      return invalid(text, "unknown key '" + key + "' (queue)", kFlag);
    }
    auto waiting = number(option.substr(kQueue.size()));
    if (!waiting || *waiting > kLimitPlacesMax) {
      return invalid(text, "queue: expected a count 0.." + std::to_string(kLimitPlacesMax), kFlag);
    }
    spec.limit.waiting_max = static_cast<std::uint32_t>(*waiting);
  }
  return spec;
}

}  // namespace srv
