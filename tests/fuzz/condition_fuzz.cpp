// Fuzzes condition evaluation and the firmware-version order with untrusted expanded text.
// Evaluation must never crash (with and without the legacy SPA forms). The input is also split
// at '\n' into up to three versions; among those that parse to the same format the comparator
// must be a consistent weak order: reflexive, antisymmetric and transitive.

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "firmware-core/base/bytes.h"
#include "firmware-core/macro/condition.h"
#include "firmware-core/macro/firmware_version.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using fuzz::check;

std::weak_ordering order(const fw::FirmwareVersion& a, const fw::FirmwareVersion& b) {
  auto result = fw::compare_firmware_versions(a, b);
  check(result.has_value());  // callers pass versions of one format only
  return *result;
}

int sign(std::weak_ordering o) {
  return o < 0 ? -1 : (o > 0 ? 1 : 0);
}

void check_version_order(std::string_view text) {
  std::array<fw::FirmwareVersion, 3> versions;
  std::size_t count = 0;
  while (count < versions.size()) {
    std::size_t newline = text.find('\n');
    auto parsed = fw::parse_firmware_version(text.substr(0, newline));
    if (parsed && (count == 0 || parsed->format == versions[0].format)) {
      versions[count++] = *std::move(parsed);
    }
    if (newline == std::string_view::npos) {
      break;
    }
    text.remove_prefix(newline + 1);
  }
  for (std::size_t i = 0; i < count; ++i) {
    check(order(versions[i], versions[i]) == 0);
    for (std::size_t j = 0; j < count; ++j) {
      check(sign(order(versions[i], versions[j])) == -sign(order(versions[j], versions[i])));
      for (std::size_t k = 0; k < count; ++k) {
        int ij = sign(order(versions[i], versions[j]));
        int jk = sign(order(versions[j], versions[k]));
        int ik = sign(order(versions[i], versions[k]));
        if (ij <= 0 && jk <= 0) {
          check(ik <= 0);
        }
        if (ij == 0 && jk == 0) {
          check(ik == 0);
        }
        if (ij == 0) {
          check(ik == jk);
        }
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fw::as_text({data, size});
  auto modern = fw::evaluate_condition(text);
  auto legacy = fw::evaluate_condition(text, fw::LegacySpaSyntax{"1.0.31(b)"});
  // The legacy forms only add syntax: what the modern language accepts means the same there.
  if (modern) {
    check(legacy && *legacy == *modern);
  }
  check_version_order(text);
  return 0;
}
