// Fuzzes provserver's activation codes file: parse_activation_codes() on any text.
// Properties: the only error is InvalidValue; every parsed code normalizes to 16 digits, has a
// non-empty rule without surrounding spaces and a non-negative validity; at most
// kActivationCodesMax codes.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "firmware-core/agent/activation_protocol.h"
#include "servers/activation/activation_codes_file.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr fw::WallTime kLoaded{1'000'000};
  auto codes = srv::parse_activation_codes(
      std::string_view(reinterpret_cast<const char*>(data), size), kLoaded);
  if (!codes) {
    fuzz::check(codes.error().code == fw::ErrorCode::InvalidValue);
    return 0;
  }
  fuzz::check(codes->size() <= srv::kActivationCodesMax);
  for (const srv::ActivationCodeSpec& spec : *codes) {
    fuzz::check(fw::normalize_activation_code(spec.code).has_value());
    fuzz::check(!spec.profile_rule.empty());
    fuzz::check(spec.profile_rule.front() != ' ' && spec.profile_rule.back() != ' ');
    fuzz::check(!spec.expires || spec.expires->unix_seconds >= kLoaded.unix_seconds);
  }
  return 0;
}
