#include "sim/flash/sim_flash.h"

#include <algorithm>

namespace sim {

SimFlash::SimFlash(TornWrite torn_write, std::uint64_t seed)
    : torn_write_(torn_write), rng_state_(seed ^ 0x9E3779B97F4A7C15ull) {}

bool SimFlash::take_step() {
  if (!powered_) {
    return false;
  }
  if (steps_left_) {
    if (*steps_left_ == 0) {
      powered_ = false;
      steps_left_.reset();
      return false;
    }
    --*steps_left_;
  }
  ++steps_taken_;
  return true;
}

bool SimFlash::keep_page() {
  // splitmix64: a fixed, portable sequence for the seeded torn-write mix.
  rng_state_ += 0x9E3779B97F4A7C15ull;
  std::uint64_t z = rng_state_;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return ((z ^ (z >> 31)) & 1u) != 0;
}

fw::Result<fw::Bytes> SimFlash::read(std::string_view slot) {
  if (!powered_) {
    return fw::fail(fw::ErrorCode::FlashReadFailed, "no power");
  }
  auto it = slots_.find(slot);
  if (it == slots_.end()) {
    return fw::fail(fw::ErrorCode::FlashEmpty, std::string(slot));
  }
  if (it->second.pending) {
    return *it->second.pending;
  }
  if (!it->second.durable_exists) {
    return fw::fail(fw::ErrorCode::FlashEmpty, std::string(slot));
  }
  return it->second.durable;
}

fw::Result<void> SimFlash::write(std::string_view slot_name, fw::ByteSpan bytes) {
  if (!powered_) {
    // Without power nothing reaches the chip: replacing `pending` here would erase the pages a
    // write torn by the power loss already programmed, and create slots that were never written.
    return fw::fail(fw::ErrorCode::FlashWriteFailed, "no power writing " + std::string(slot_name));
  }
  auto it = slots_.find(slot_name);
  if (it == slots_.end()) {
    it = slots_.emplace(std::string(slot_name), Slot{}).first;
  }
  Slot& slot = it->second;
  slot.pending = fw::Bytes(bytes.begin(), bytes.end());
  slot.pages_programmed = 0;
  std::size_t pages = std::max<std::size_t>(1, (bytes.size() + kPageBytes - 1) / kPageBytes);
  for (std::size_t page = 0; page < pages; ++page) {
    if (!take_step()) {
      return fw::fail(fw::ErrorCode::FlashWriteFailed,
                      "power lost writing " + std::string(slot_name));
    }
    ++slot.pages_programmed;
  }
  return {};
}

fw::Result<void> SimFlash::sync(std::string_view slot_name) {
  if (!take_step()) {
    return fw::fail(fw::ErrorCode::FlashWriteFailed, "power lost syncing " + std::string(slot_name));
  }
  auto it = slots_.find(slot_name);
  if (it != slots_.end() && it->second.pending) {
    it->second.durable = std::move(*it->second.pending);
    it->second.durable_exists = true;
    it->second.pending.reset();
    it->second.pages_programmed = 0;
  }
  return {};
}

void SimFlash::power_cycle() {
  for (auto& [name, slot] : slots_) {
    if (!slot.pending) {
      continue;
    }
    const fw::Bytes& next = *slot.pending;
    if (torn_write_ != TornWrite::DropPending && slot.pages_programmed > 0) {
      // A torn slot: the programmed pages of the new image over the old one. The chip cannot
      // know the new length until the write finished, so the slot is as long as the longer.
      fw::Bytes mixed = slot.durable;
      mixed.resize(std::max(mixed.size(), next.size()), 0xFF);
      for (std::size_t page = 0; page < slot.pages_programmed; ++page) {
        if (torn_write_ == TornWrite::SeededMix && !keep_page()) {
          continue;
        }
        std::size_t begin = page * kPageBytes;
        std::size_t end = std::min(next.size(), begin + kPageBytes);
        std::copy(next.begin() + static_cast<std::ptrdiff_t>(begin),
                  next.begin() + static_cast<std::ptrdiff_t>(end),
                  mixed.begin() + static_cast<std::ptrdiff_t>(begin));
      }
      slot.durable = std::move(mixed);
      slot.durable_exists = true;
    }
    slot.pending.reset();
    slot.pages_programmed = 0;
  }
  powered_ = true;
  steps_left_.reset();
}

}  // namespace sim
