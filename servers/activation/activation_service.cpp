#include "servers/activation/activation_service.h"

#include <algorithm>
#include <array>
#include <chrono>

#include "firmware-core/agent/activation_protocol.h"

namespace srv {
namespace {

constexpr std::array<std::string_view, kActivationOutcomeCount> kOutcomeNames = {
    "accepted", "unknown", "expired", "used", "device", "malformed", "rate-limited"};

bool is_hex_mac(std::string_view mac) {
  return mac.size() == 12 && std::all_of(mac.begin(), mac.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

std::string lower_case(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

HttpReply xml_reply(unsigned status, const fw::ActivationReply& reply) {
  HttpReply http;
  http.status = status;
  http.headers.push_back({"Content-Type", "application/xml"});
  const std::string body = fw::format_activation_reply(reply);
  http.body.assign(body.begin(), body.end());
  return http;
}

HttpReply rejected(std::string reason) {
  fw::ActivationReply reply;
  reply.result = fw::ActivationResult::Rejected;
  reply.reason = std::move(reason);
  return xml_reply(403, reply);
}

}  // namespace

std::string_view to_string(ActivationOutcome outcome) {
  return kOutcomeNames[static_cast<std::size_t>(outcome)];
}

std::optional<ActivationOutcome> activation_outcome_named(std::string_view name) {
  for (std::size_t index = 0; index < kOutcomeNames.size(); ++index) {
    if (kOutcomeNames[index] == name) return static_cast<ActivationOutcome>(index);
  }
  return std::nullopt;
}

ActivationService::ActivationService(ActivationServiceSettings settings, std::uint64_t seed)
    : settings_(std::move(settings)), random_(seed) {}

fw::Result<std::string> ActivationService::add_code(ActivationCodeSpec spec) {
  if (spec.profile_rule.empty() || lower_case(spec.profile_rule).find("gds://") != std::string::npos) {
    return fw::fail(fw::ErrorCode::InvalidValue,
                    "activation code: the rule must name a provisioning URL, not be empty or gds://");
  }
  if (!spec.mac.empty() && !is_hex_mac(spec.mac)) {
    return fw::fail(fw::ErrorCode::InvalidValue, "activation code: mac '" + spec.mac +
                                                     "' is not 12 hex digits");
  }
  spec.mac = lower_case(spec.mac);
  std::string code;
  if (spec.code.empty()) {
    // Drawn until unused; a clash among 10^16 codes is so rare that a handful of tries suffices.
    constexpr int kDrawsMax = 16;
    for (int draw = 0; draw < kDrawsMax && (code.empty() || index_.contains(code)); ++draw) {
      code.clear();
      for (std::size_t digit = 0; digit < fw::kActivationCodeDigits; ++digit) {
        code += static_cast<char>('0' + random_.below(10));
      }
    }
  } else if (auto normalized = fw::normalize_activation_code(spec.code)) {
    code = *normalized;
  } else {
    // Never echo a code: it is a secret.
    return fw::fail(fw::ErrorCode::InvalidValue, "activation code #" +
                                                     std::to_string(codes_.size() + 1) +
                                                     ": not 16 digits");
  }
  if (index_.contains(code)) {
    return fw::fail(fw::ErrorCode::InvalidValue, "activation code #" +
                                                     std::to_string(codes_.size() + 1) +
                                                     ": the same code is listed twice");
  }
  index_.emplace(code, codes_.size());
  codes_.push_back(Code{code, std::move(spec), false});
  return code;
}

std::optional<HttpReply> ActivationService::handle(const HttpRequestInfo& request,
                                                   fw::WallTime wall) {
  const std::string_view path = request.target.substr(0, request.target.find('?'));
  if (path != settings_.path) return std::nullopt;
  if (request.method != "POST") {
    HttpReply reply;
    reply.status = 405;
    reply.headers.push_back({"Allow", "POST"});
    return reply;
  }
  return answer(request, wall);
}

HttpReply ActivationService::answer(const HttpRequestInfo& request, fw::WallTime wall) {
  const fw::Ipv4Address source = request.client.address;
  if (auto wait_s = retry_after_s(request.now, source)) {
    record(request, ActivationOutcome::RateLimited, {}, std::nullopt);
    fw::ActivationReply reply;
    reply.result = fw::ActivationResult::RateLimited;
    reply.retry_after_s = *wait_s;
    HttpReply http = xml_reply(429, reply);
    http.headers.push_back({"Retry-After", std::to_string(*wait_s)});
    return http;
  }
  auto parsed = fw::parse_activation_request(request.body);
  if (!parsed) {
    count_failure(request.now, source);
    record(request, ActivationOutcome::Malformed, {}, std::nullopt);
    fw::ActivationReply reply;
    reply.result = fw::ActivationResult::BadRequest;
    reply.reason = parsed.error().detail;
    return xml_reply(400, reply);
  }
  const std::string mac = lower_case(parsed->mac);
  const std::optional<std::string> code = fw::normalize_activation_code(parsed->code);
  auto found = code ? index_.find(*code) : index_.end();
  if (found == index_.end()) {
    count_failure(request.now, source);
    record(request, ActivationOutcome::Unknown, mac, std::nullopt);
    return rejected("unknown");
  }
  Code& entry = codes_[found->second];
  ActivationOutcome outcome = ActivationOutcome::Accepted;
  if (entry.used) {
    outcome = ActivationOutcome::Used;
  } else if (entry.spec.expires && wall.unix_seconds >= entry.spec.expires->unix_seconds) {
    outcome = ActivationOutcome::Expired;
  } else if (!entry.spec.mac.empty() && entry.spec.mac != mac) {
    outcome = ActivationOutcome::WrongDevice;
  }
  record(request, outcome, mac, found->second);
  if (outcome != ActivationOutcome::Accepted) {
    count_failure(request.now, source);
    return rejected(std::string(to_string(outcome)));
  }
  entry.used = true;
  fw::ActivationReply reply;
  reply.result = fw::ActivationResult::Accepted;
  reply.parameters.emplace_back("Profile_Rule", entry.spec.profile_rule);
  for (const auto& parameter : entry.spec.parameters) reply.parameters.push_back(parameter);
  return xml_reply(200, reply);
}

std::optional<std::int64_t> ActivationService::retry_after_s(fw::Instant now,
                                                             fw::Ipv4Address client) {
  if (settings_.failures_max == 0) return std::nullopt;  // no rate limit
  auto found = failures_.find(client);
  if (found == failures_.end()) {
    if (failures_.size() < settings_.sources_tracked_max) return std::nullopt;
    // Full: forget the sources whose failures have all left the window, then decide.
    std::erase_if(failures_, [&](const auto& entry) {
      return entry.second.empty() || entry.second.back() + settings_.failure_window <= now;
    });
    if (failures_.size() < settings_.sources_tracked_max) return std::nullopt;
    return std::chrono::duration_cast<std::chrono::seconds>(settings_.failure_window).count();
  }
  std::deque<fw::Instant>& times = found->second;
  while (!times.empty() && times.front() + settings_.failure_window <= now) times.pop_front();
  if (times.size() < settings_.failures_max) return std::nullopt;
  const fw::Duration wait = times.front() + settings_.failure_window - now;
  const std::int64_t wait_ns = wait.count();
  constexpr std::int64_t kNanosecondsPerSecond = 1'000'000'000;
  return (wait_ns + kNanosecondsPerSecond - 1) / kNanosecondsPerSecond;
}

void ActivationService::count_failure(fw::Instant now, fw::Ipv4Address client) {
  if (settings_.failures_max == 0) return;
  std::deque<fw::Instant>& times = failures_[client];
  times.push_back(now);
  // Only the newest failures_max matter for the decision.
  while (times.size() > settings_.failures_max) times.pop_front();
}

void ActivationService::record(const HttpRequestInfo& request, ActivationOutcome outcome,
                               std::string mac, std::optional<std::size_t> code_index) {
  ++counts_[static_cast<std::size_t>(outcome)];
  if (records_.size() == settings_.records_max) records_.pop_front();
  records_.push_back(ActivationRecord{request.now, request.client, outcome, std::move(mac),
                                      code_index});
}

std::optional<ActivationRecord> ActivationService::poll_record() {
  if (records_.empty()) return std::nullopt;
  ActivationRecord record = std::move(records_.front());
  records_.pop_front();
  return record;
}

}  // namespace srv
