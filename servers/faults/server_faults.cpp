#include "servers/faults/server_faults.h"

#include <algorithm>
#include <utility>

namespace srv {

namespace {

// "90s", "250ms", "1500us": the coarsest unit that shows the span exactly.
std::string span_text(fw::Duration span) {
  const std::int64_t nanoseconds = span.count();
  if (nanoseconds % 1'000'000'000 == 0) return std::to_string(nanoseconds / 1'000'000'000) + "s";
  if (nanoseconds % 1'000'000 == 0) return std::to_string(nanoseconds / 1'000'000) + "ms";
  if (nanoseconds % 1'000 == 0) return std::to_string(nanoseconds / 1'000) + "us";
  return std::to_string(nanoseconds) + "ns";
}

std::string instant_text(fw::Instant at) {
  return at == fw::Instant::never() ? "never" : span_text(at.since_epoch());
}

void add_kind(std::string& kinds, FaultKind kind) {
  if (!kinds.empty()) kinds += ',';
  kinds += to_string(kind);
}

}  // namespace

std::string_view to_string(FaultKind kind) {
  switch (kind) {
    case FaultKind::Latency:
      return "latency";
    case FaultKind::Drop:
      return "drop";
    case FaultKind::Status:
      return "status";
    case FaultKind::Truncate:
      return "truncate";
    case FaultKind::Corrupt:
      return "corrupt";
    case FaultKind::Stall:
      return "stall";
    case FaultKind::Certificate:
      return "certificate";
  }
  return "unknown";
}

std::string_view to_string(CertificateSwap swap) {
  switch (swap) {
    case CertificateSwap::Expired:
      return "expired";
    case CertificateSwap::WrongHost:
      return "wrong-host";
    case CertificateSwap::Untrusted:
      return "untrusted";
  }
  return "unknown";
}

std::string FaultWindow::to_string() const {
  std::string text(srv::to_string(kind));
  switch (kind) {
    case FaultKind::Latency:
      text += " +" + span_text(latency);
      break;
    case FaultKind::Status:
      text += " " + std::to_string(status);
      if (retry_after_s) text += " retry-after=" + std::to_string(*retry_after_s) + "s";
      break;
    case FaultKind::Truncate:
      text += " keep=" + std::to_string(keep_bytes) + "B";
      break;
    case FaultKind::Corrupt:
      text += " flip=" + std::to_string(corrupt_bytes) + "B";
      break;
    case FaultKind::Certificate:
      text += " " + std::string(srv::to_string(certificate));
      break;
    case FaultKind::Drop:
    case FaultKind::Stall:
      break;
  }
  text += " share=" + std::to_string(share_ppm) + "ppm [" + instant_text(from) + ", " +
          instant_text(until) + ")";
  return text;
}

std::string FaultPlan::to_string() const {
  if (windows.empty()) return "no faults";
  std::string text;
  for (const FaultWindow& window : windows) {
    if (!text.empty()) text += '\n';
    text += window.to_string();
  }
  return text;
}

ServerFaults::ServerFaults(FaultPlan plan, std::uint64_t seed)
    : plan_(std::move(plan)), random_(seed) {}

FaultDecision ServerFaults::decide(fw::Instant now) {
  FaultDecision decision;
  for (const FaultWindow& window : plan_.windows) {
    if (now < window.from || now >= window.until || window.kind == FaultKind::Certificate) continue;
    if (!random_.chance(window.share_ppm, kPartsPerMillion)) continue;
    ++injected_[static_cast<std::size_t>(window.kind)];
    add_kind(decision.kinds, window.kind);
    switch (window.kind) {
      case FaultKind::Latency:
        decision.delay += window.latency;
        break;
      case FaultKind::Drop:
        decision.drop = true;
        break;
      case FaultKind::Stall:
        decision.stall = true;
        break;
      case FaultKind::Status:
        if (!decision.status) {
          decision.status = window.status;
          decision.retry_after_s = window.retry_after_s;
        }
        break;
      case FaultKind::Truncate:
        decision.keep_bytes =
            std::min(decision.keep_bytes.value_or(window.keep_bytes), window.keep_bytes);
        break;
      case FaultKind::Corrupt:
        decision.corrupt_bytes += window.corrupt_bytes;
        break;
      case FaultKind::Certificate:
        break;  // skipped above: a handshake-time fault
    }
  }
  return decision;
}

std::optional<CertificateSwap> ServerFaults::certificate_swap(fw::Instant now) {
  for (const FaultWindow& window : plan_.windows) {
    if (window.kind != FaultKind::Certificate || now < window.from || now >= window.until) continue;
    if (!random_.chance(window.share_ppm, kPartsPerMillion)) continue;
    ++injected_[static_cast<std::size_t>(FaultKind::Certificate)];
    return window.certificate;
  }
  return std::nullopt;
}

void ServerFaults::damage(const FaultDecision& decision, fw::Bytes& body) {
  if (decision.keep_bytes && *decision.keep_bytes < body.size()) {
    body.resize(static_cast<std::size_t>(*decision.keep_bytes));
  }
  if (body.empty()) return;
  for (std::uint32_t flip = 0; flip < decision.corrupt_bytes; ++flip) {
    const auto at = static_cast<std::size_t>(random_.below(body.size()));
    // Never XOR with 0: a flipped byte always differs.
    body[at] ^= static_cast<std::uint8_t>(1 + random_.below(255));
  }
}

HttpRequestHook ServerFaults::http_hook(HttpRoot& root, HttpRequestHook inner) {
  return [this, &root, inner = std::move(inner)](const HttpRequestInfo& request) {
    return on_http(root, inner, request);
  };
}

TftpRequestHook ServerFaults::tftp_hook(TftpRoot& root, TftpRequestHook inner) {
  return [this, &root, inner = std::move(inner)](const TftpRequestInfo& request) {
    return on_tftp(root, inner, request);
  };
}

std::optional<HttpReply> ServerFaults::on_http(HttpRoot& root, const HttpRequestHook& inner,
                                               const HttpRequestInfo& request) {
  FaultDecision decision = decide(request.now);
  if (!decision.any()) return inner ? inner(request) : std::nullopt;

  HttpReply reply;
  reply.fault = decision.kinds;
  reply.delay = decision.delay;
  if (decision.drop || decision.stall) {
    reply.delivery = decision.drop ? HttpReply::Delivery::Close : HttpReply::Delivery::Stall;
    return reply;
  }
  if (decision.status) {
    reply.status = *decision.status;
    if (decision.retry_after_s) {
      reply.headers.push_back({"Retry-After", std::to_string(*decision.retry_after_s)});
    }
    return reply;
  }
  std::optional<HttpReply> base = inner ? inner(request) : std::nullopt;
  const bool download = request.method == "GET" || request.method == "HEAD";
  if (!base) {
    if (!download) {
      // An upload the root takes: only latency applies, and the core serves it undelayed.
      return std::nullopt;
    }
    base = serve_file(root, request.target.substr(0, request.target.find('?')));
  }
  base->fault = std::move(reply.fault);
  base->delay = reply.delay;
  if (base->status == 200) {
    const std::uint64_t whole = base->body.size();
    damage(decision, base->body);
    if (base->body.size() < whole) base->content_length = whole;
  }
  return base;
}

TftpVerdict ServerFaults::on_tftp(TftpRoot& root, const TftpRequestHook& inner,
                                  const TftpRequestInfo& request) {
  FaultDecision decision = decide(request.now);
  if (!decision.any()) return inner ? inner(request) : TftpVerdict::serve();
  if (decision.drop || decision.stall) return TftpVerdict::ignore();
  if (decision.status) {
    if (*decision.status == 404) {
      return TftpVerdict::refuse(fw::TftpErrorCode::FileNotFound, "File not found");
    }
    return TftpVerdict::refuse(fw::TftpErrorCode::NotDefined,
                               "server error " + std::to_string(*decision.status));
  }
  TftpVerdict verdict = inner ? inner(request) : TftpVerdict::serve();
  if (verdict.kind != TftpVerdict::Kind::Serve) return verdict;
  verdict.delay += decision.delay;
  if (!request.write && (decision.keep_bytes || decision.corrupt_bytes > 0)) {
    std::shared_ptr<const fw::Bytes> file =
        verdict.content ? verdict.content : root.read_file(request.file_name, request.client);
    if (file) {
      fw::Bytes damaged = *file;
      damage(decision, damaged);
      verdict.content = std::make_shared<const fw::Bytes>(std::move(damaged));
    }
  }
  return verdict;
}

}  // namespace srv
