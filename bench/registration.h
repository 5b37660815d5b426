#pragma once

// Registration shorthand shared by the bench programs.

#include <string>

#include <benchmark/benchmark.h>

namespace bench {

// Registers `function(state, args...)` as `name`, timed in microseconds. `args` are captured by
// reference: they must live until the benchmarks have run.
template <class Function, class... Args>
benchmark::internal::Benchmark* add(const std::string& name, Function function,
                                    const Args&... args) {
  return benchmark::RegisterBenchmark(
             name.c_str(),
             [function, &args...](benchmark::State& state) { function(state, args...); })
      ->Unit(benchmark::kMicrosecond);
}

}  // namespace bench
