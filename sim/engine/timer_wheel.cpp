#include "sim/engine/timer_wheel.h"

#include <bit>
#include <cassert>

namespace sim {
namespace {

constexpr std::uint64_t kSlotMask = TimerWheel::kSlots - 1;

int byte_at(std::uint64_t time_ns, int level) {
  return static_cast<int>((time_ns >> (level * TimerWheel::kSlotBits)) & kSlotMask);
}

}  // namespace

void TimerWheel::push(const WheelEntry& entry) {
  assert(entry.time_ns >= cursor_);
  place(entry);
  ++size_;
}

void TimerWheel::place(const WheelEntry& entry) {
  const std::uint64_t differing = entry.time_ns ^ cursor_;
  const int level =
      differing == 0 ? 0 : (63 - std::countl_zero(differing)) / TimerWheel::kSlotBits;
  const int slot = byte_at(entry.time_ns, level);
  slots_[level][slot].entries.push_back(entry);
  mark(level, slot);
}

int TimerWheel::next_occupied(int level, int from) const {
  const Bitmap& bits = occupied_[level];
  for (int word = from >> 6; word < kSlots / 64; ++word) {
    std::uint64_t value = bits[word];
    if (word == (from >> 6)) value &= ~std::uint64_t{0} << (from & 63);
    if (value != 0) return word * 64 + std::countr_zero(value);
  }
  return kSlots;
}

std::optional<WheelEntry> TimerWheel::pop_until(std::uint64_t limit_ns) {
  while (size_ != 0) {
    const int slot0 = next_occupied(0, byte_at(cursor_, 0));
    if (slot0 < kSlots) {
      const std::uint64_t time_ns = (cursor_ & ~kSlotMask) | static_cast<std::uint64_t>(slot0);
      if (time_ns > limit_ns) return std::nullopt;
      cursor_ = time_ns;
      Slot& slot = slots_[0][slot0];
      const WheelEntry entry = slot.entries[slot.head++];
      if (slot.head == slot.entries.size()) {
        slot.entries.clear();
        slot.head = 0;
        unmark(0, slot0);
      }
      --size_;
      return entry;
    }
    // Level 0 is empty past the cursor: the earliest entries are in the lowest occupied level's
    // first slot after the cursor's byte. Move the cursor to that slot's start and spread it out.
    int level = 1;
    int found = kSlots;
    for (; level < kLevels; ++level) {
      found = next_occupied(level, byte_at(cursor_, level) + 1);
      if (found < kSlots) break;
    }
    assert(level < kLevels);
    const int shift = level * kSlotBits;
    const std::uint64_t above = shift + kSlotBits >= 64 ? 0 : cursor_ >> (shift + kSlotBits);
    const std::uint64_t start =
        (shift + kSlotBits >= 64 ? 0 : above << (shift + kSlotBits)) |
        (static_cast<std::uint64_t>(found) << shift);
    if (start > limit_ns) return std::nullopt;
    cursor_ = start;
    Slot& slot = slots_[level][found];
    std::vector<WheelEntry> moving;
    moving.swap(slot.entries);
    unmark(level, found);
    for (const WheelEntry& entry : moving) place(entry);
    // Hand the emptied buffer back so the slot keeps its capacity for the next lap.
    moving.clear();
    if (slot.entries.empty()) slot.entries.swap(moving);
  }
  return std::nullopt;
}

}  // namespace sim
