// Fuzzes what a client can send the activation service: parse_activation_request() on any bytes,
// and the same bytes as the body of a POST to ActivationService (one known code).
// Properties: the only parse error is ActivationMessageInvalid and its detail never quotes the
// service's code; the service answers 200, 400, 403 or 429 with a reply the phone can parse; a
// 200 happens only for the known code, once.

#include <cstddef>
#include <cstdint>
#include <string>

#include "firmware-core/agent/activation_protocol.h"
#include "servers/activation/activation_service.h"
#include "tests/fuzz/fuzz_check.h"

namespace {
constexpr std::string_view kKnownCode = "4242424242424242";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fw::ByteSpan body(data, size);
  auto request = fw::parse_activation_request(body);
  if (!request) {
    fuzz::check(request.error().code == fw::ErrorCode::ActivationMessageInvalid);
    fuzz::check(request.error().detail.find(kKnownCode) == std::string::npos);
  } else {
    fuzz::check(!request->code.empty());
    fuzz::check(request->code.size() <= fw::kActivationFieldBytesMax);
  }

  srv::ActivationService service;
  srv::ActivationCodeSpec spec;
  spec.code = std::string(kKnownCode);
  spec.profile_rule = "http://prov.example.com/$MA.xml";
  fuzz::check(service.add_code(spec).has_value());
  srv::HttpRequestInfo info;
  info.method = "POST";
  info.target = "/activate";
  info.body = body;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto reply = service.handle(info, fw::WallTime{0});
    fuzz::check(reply.has_value());
    fuzz::check(reply->status == 200 || reply->status == 400 || reply->status == 403 ||
                reply->status == 429);
    fuzz::check(fw::parse_activation_reply(reply->body).has_value());
    if (reply->status == 200) {
      fuzz::check(attempt == 0 && request &&
                  fw::normalize_activation_code(request->code) == std::string(kKnownCode));
    }
  }
  return 0;
}
