#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "firmware-core/config/flash_store.h"

namespace sim {

// What survives of a write that was not yet synced when power was lost.
enum class TornWrite : std::uint8_t {
  DropPending,      // none of it: the slot keeps its last synced contents
  KeepProgrammed,   // every page programmed before the loss, the rest old
  SeededMix,        // each programmed page independently kept or lost, from `seed`
};

// A simulated flash chip: a few named slots, each programmed page by page.
//
// Every page programmed and every sync is one "step". Tests arm `lose_power_after(n)` and run an
// operation: step n+1 and everything after it fail with FlashWriteFailed, as if the phone lost
// power there. `power_cycle()` then decides, per `TornWrite`, what the unsynced writes left on
// the chip, and the flash works again. Used to crash the configuration commit at every step.
class SimFlash final : public fw::FlashStore {
 public:
  static constexpr std::size_t kPageBytes = 256;

  explicit SimFlash(TornWrite torn_write = TornWrite::DropPending, std::uint64_t seed = 0);

  fw::Result<fw::Bytes> read(std::string_view slot) override;
  fw::Result<void> write(std::string_view slot, fw::ByteSpan bytes) override;
  fw::Result<void> sync(std::string_view slot) override;

  // Power fails after `steps` more steps (0: the very next step fails).
  void lose_power_after(std::uint64_t steps) { steps_left_ = steps; }
  // Restores power; unsynced writes are resolved per the TornWrite policy.
  void power_cycle();
  bool powered() const { return powered_; }
  // Steps (pages programmed + syncs) since construction; a test counts an operation's steps
  // once without a power loss, then crashes at each of them.
  std::uint64_t steps_taken() const { return steps_taken_; }

 private:
  struct Slot {
    fw::Bytes durable;                 // what a reader sees after a power loss
    std::optional<fw::Bytes> pending;  // last unsynced write, as the reader sees it now
    std::size_t pages_programmed = 0;  // pages of `pending` that reached the chip
    bool durable_exists = false;
  };

  bool take_step();  // false once power is lost
  bool keep_page();

  std::map<std::string, Slot, std::less<>> slots_;
  TornWrite torn_write_;
  std::uint64_t rng_state_;
  std::optional<std::uint64_t> steps_left_;
  std::uint64_t steps_taken_ = 0;
  bool powered_ = true;
};

}  // namespace sim
