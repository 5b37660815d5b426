#pragma once

// RandomStream: our own seeded pseudo-random generator and the few distributions the firmware and
// the simulator need. Not std::mt19937 + std::uniform_int_distribution: the standard
// distributions differ between standard libraries, and determinism (DESIGN.md) requires the
// same seed to give the same numbers on every build and CPU.
//
// Generator: xoshiro256** (Blackman and Vigna), state seeded through splitmix64. Not for
// cryptography; TLS and salts take their randomness from the Platform.

#include <cstdint>

namespace fw {

// splitmix64 step: the standard way to expand one 64-bit seed into well-mixed state words.
constexpr std::uint64_t splitmix64(std::uint64_t& state) {
  state += 0x9E3779B97F4A7C15ull;
  std::uint64_t mixed = state;
  mixed = (mixed ^ (mixed >> 30)) * 0xBF58476D1CE4E5B9ull;
  mixed = (mixed ^ (mixed >> 27)) * 0x94D049BB133111EBull;
  return mixed ^ (mixed >> 31);
}

// Derives an independent stream seed for entity `id` (a phone, a link, a server) from the run's
// seed, so that adding an entity never shifts another entity's numbers.
constexpr std::uint64_t derive_seed(std::uint64_t run_seed, std::uint64_t id) {
  std::uint64_t state = run_seed ^ (id * 0xD1B54A32D192ED03ull);
  splitmix64(state);
  return splitmix64(state);
}

class RandomStream {
 public:
  constexpr explicit RandomStream(std::uint64_t seed = 0) {
    std::uint64_t state = seed;
    for (std::uint64_t& word : state_) word = splitmix64(state);
  }

  // The next 64 random bits.
  constexpr std::uint64_t next() {
    const std::uint64_t result = rotate_left(state_[1] * 5, 7) * 9;
    const std::uint64_t shifted = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= shifted;
    state_[3] = rotate_left(state_[3], 45);
    return result;
  }

  // Uniform integer in [0, bound) without modulo bias (Lemire's multiply-and-reject).
  // bound == 0 returns 0.
  constexpr std::uint64_t below(std::uint64_t bound) {
    if (bound == 0) return 0;
    Product product = multiply(next(), bound);
    if (product.low < bound) {
      const std::uint64_t threshold = (0 - bound) % bound;
      while (product.low < threshold) product = multiply(next(), bound);
    }
    return product.high;
  }

  // Uniform integer in [low, high] (both inclusive). Requires low <= high.
  constexpr std::int64_t between(std::int64_t low, std::int64_t high) {
    const auto span = static_cast<std::uint64_t>(high) - static_cast<std::uint64_t>(low);
    if (span == UINT64_MAX) return static_cast<std::int64_t>(next());
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(low) + below(span + 1));
  }

  // True with probability numerator / denominator (exact integer arithmetic, no double).
  constexpr bool chance(std::uint64_t numerator, std::uint64_t denominator) {
    return below(denominator) < numerator;
  }

 private:
  struct Product {
    std::uint64_t high;
    std::uint64_t low;
  };
  // 64 x 64 -> 128-bit product from 32-bit halves: armhf has no unsigned __int128.
  static constexpr Product multiply(std::uint64_t a, std::uint64_t b) {
    const std::uint64_t a_low = a & 0xFFFFFFFFu, a_high = a >> 32;
    const std::uint64_t b_low = b & 0xFFFFFFFFu, b_high = b >> 32;
    const std::uint64_t low_low = a_low * b_low;
    const std::uint64_t high_low = a_high * b_low;
    const std::uint64_t low_high = a_low * b_high;
    const std::uint64_t high_high = a_high * b_high;
    const std::uint64_t middle = (low_low >> 32) + (high_low & 0xFFFFFFFFu) + low_high;
    return {high_high + (high_low >> 32) + (middle >> 32), (middle << 32) | (low_low & 0xFFFFFFFFu)};
  }
  static constexpr std::uint64_t rotate_left(std::uint64_t value, int shift) {
    return (value << shift) | (value >> (64 - shift));
  }
  std::uint64_t state_[4] = {};
};

}  // namespace fw
