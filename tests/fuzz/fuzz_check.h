#pragma once

// Property checks inside fuzz targets. Aborts (so libFuzzer saves the input) and names the
// caller's line, so a crash report says which property broke.

#include <cstdio>
#include <cstdlib>

namespace fuzz {

inline void check(bool condition, const char* file = __builtin_FILE(),
                  int line = __builtin_LINE()) {
  if (condition) {
    return;
  }
  std::fprintf(stderr, "property violated at %s:%d\n", file, line);
  std::abort();
}

}  // namespace fuzz
