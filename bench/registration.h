#pragma once

// Registration shorthand shared by the bench programs.

#include <string>
#include <vector>

#include <benchmark/benchmark.h>

namespace bench {

// The names registered with add(), in that order: the ratio table lists its rows in this order,
// whatever order the runs come in (--benchmark_enable_random_interleaving shuffles them).
inline std::vector<std::string>& registration_order() {
  static std::vector<std::string> names;
  return names;
}

// Registers `function(state, args...)` as `name`, timed in microseconds. `args` are captured by
// reference: they must live until the benchmarks have run.
template <class Function, class... Args>
benchmark::internal::Benchmark* add(const std::string& name, Function function,
                                    const Args&... args) {
  registration_order().push_back(name);
  return benchmark::RegisterBenchmark(
             name.c_str(),
             [function, &args...](benchmark::State& state) { function(state, args...); })
      ->Unit(benchmark::kMicrosecond);
}

}  // namespace bench
