#pragma once

// Deterministic flat profiles for the benchmarks, shaped like the reference profiles of
// /work/shared/reference/limits.md §1 (Cisco-style names, `ua` attributes, Yes/No, integers,
// hosts, URLs, schedules, dial plans with &lt;/&gt; entities, empty values).
//
// Generated in-process from a seed, so every run of every build measures the same bytes and no
// data file can go stale. Known parameters come from the registry and repeat (duplicates are
// legal, the last one wins); about a quarter of the elements are parameters the registry does not
// know (tone scripts, dial plans, SIP settings), as in a real cfg.xml dump.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "firmware-core/config/parameter_registry.h"

namespace bench {

struct ProfileShape {
  std::string_view name;     // "small", "typical", "large": the benchmark argument
  std::size_t elements = 0;  // elements under <flat-profile>
  std::uint64_t seed = 0;
};

// limits.md §1: 100 elements / 5,992 B and 2,000 elements / 114,730 B; the large one is a full
// cfg.xml dump of a multi-line phone, just under kProfileBytesMax (1 MiB) and kXmlElementsMax.
inline constexpr ProfileShape kSmallProfile{"small", 100, 2};
inline constexpr ProfileShape kTypicalProfile{"typical", 2000, 1};
inline constexpr ProfileShape kLargeProfile{"large", 17000, 3};
inline constexpr ProfileShape kProfileShapes[] = {kSmallProfile, kTypicalProfile, kLargeProfile};

// The flat-profile XML for `shape`. The same shape and registry give the same bytes.
std::string generate_profile(const fw::ParameterRegistry& registry, const ProfileShape& shape);

// Element names of the generated profiles that `registry` does not know (one per line number
// for per-line names): the "miss" side of the lookup benchmarks.
std::vector<std::string> unknown_parameter_names();

}  // namespace bench
