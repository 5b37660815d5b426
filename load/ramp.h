#pragma once

// How `phonesim load --ramp SPEC` powers the phones on, in real time from the start of the run
// (not scaled by --time-scale: the ramp is how fast the phones hit the server):
//
//   all            every phone at once (the default: a power outage ending)
//   over:DURATION  evenly over DURATION: phone i at i * DURATION / N  ("over:30s", "over:2m")
//   COUNT/DURATION COUNT phones per DURATION, evenly: phone i at i * DURATION / COUNT
//                  ("500/s", "100/10s", "20/1m"; a bare unit means one of it)
//
// DURATION uses the scenario format's units (scenarios/format/quantities.h): 250ms, 30s, 2m, 1h.

#include <cstdint>
#include <string>
#include <string_view>

#include "firmware-core/base/result.h"
#include "firmware-core/runtime/time.h"

namespace load {

struct Ramp {
  enum class Kind : std::uint8_t { AllAtOnce, Over, Rate };
  Kind kind = Kind::AllAtOnce;
  fw::Duration span{0};     // Over: the whole ramp; Rate: the time for `count` phones
  std::uint64_t count = 0;  // Rate: phones per span (at least 1)

  // Errors: InvalidValue naming the text and the accepted forms.
  static fw::Result<Ramp> parse(std::string_view text);

  // When phone `index` (0-based) of `phones` powers on, counted from the start of the run.
  fw::Duration power_on_at(std::uint64_t index, std::uint64_t phones) const;
  // When the last of `phones` powers on.
  fw::Duration last_power_on(std::uint64_t phones) const {
    return phones == 0 ? fw::Duration{0} : power_on_at(phones - 1, phones);
  }
  std::string to_string() const;
};

}  // namespace load
