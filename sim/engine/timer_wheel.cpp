#include "sim/engine/timer_wheel.h"

#include <bit>
#include <cassert>

namespace sim {
namespace {

constexpr std::uint64_t kSlotMask = TimerWheel::kSlots - 1;
constexpr std::size_t kChunksPerBlock = 256;

int byte_at(std::uint64_t time_ns, int level) {
  return static_cast<int>((time_ns >> (level * TimerWheel::kSlotBits)) & kSlotMask);
}

}  // namespace

void TimerWheel::push(const WheelEntry& entry) {
  assert(entry.time_ns >= cursor_);
  place(entry);
  ++size_;
}

TimerWheel::Chunk* TimerWheel::take_chunk() {
  if (free_chunks_ == nullptr) {
    chunk_blocks_.push_back(std::make_unique<Chunk[]>(kChunksPerBlock));
    Chunk* block = chunk_blocks_.back().get();
    for (std::size_t index = 0; index < kChunksPerBlock; ++index) release_chunk(&block[index]);
  }
  Chunk* chunk = free_chunks_;
  free_chunks_ = chunk->next;
  chunk->next = nullptr;
  return chunk;
}

void TimerWheel::release_chunk(Chunk* chunk) {
  chunk->next = free_chunks_;
  free_chunks_ = chunk;
}

void TimerWheel::append(Slot& slot, const WheelEntry& entry) {
  if (slot.tail == nullptr) {
    slot.head = slot.tail = take_chunk();
    slot.head_index = 0;
    slot.tail_count = 0;
  } else if (slot.tail_count == kChunkEntries) {
    Chunk* chunk = take_chunk();
    slot.tail->next = chunk;
    slot.tail = chunk;
    slot.tail_count = 0;
  }
  slot.tail->entries[slot.tail_count++] = entry;
}

void TimerWheel::place(const WheelEntry& entry) {
  const std::uint64_t differing = entry.time_ns ^ cursor_;
  const int level =
      differing == 0 ? 0 : (63 - std::countl_zero(differing)) / TimerWheel::kSlotBits;
  const int slot = byte_at(entry.time_ns, level);
  append(slots_[level][slot], entry);
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
  if (size_ == 0) return std::nullopt;
  const int slot0 = next_occupied(0, byte_at(cursor_, 0));
  if (slot0 < kSlots) {
    const std::uint64_t time_ns = (cursor_ & ~kSlotMask) | static_cast<std::uint64_t>(slot0);
    if (time_ns > limit_ns) return std::nullopt;
    cursor_ = time_ns;
    Slot& slot = slots_[0][slot0];
    const WheelEntry entry = slot.head->entries[slot.head_index++];
    if (slot.head == slot.tail && slot.head_index == slot.tail_count) {
      release_chunk(slot.head);
      slot = Slot{};
      unmark(0, slot0);
    } else if (slot.head_index == kChunkEntries) {
      Chunk* used = slot.head;
      slot.head = used->next;
      slot.head_index = 0;
      release_chunk(used);
    }
    --size_;
    return entry;
  }
  // Level 0 is empty past the cursor: the earliest entries are in the lowest occupied level's
  // first slot after the cursor's byte. Its earliest entry (the first of equal times: slot
  // order is sequence order) is the next event; the cursor moves to its time and the rest of
  // the slot spreads out below.
  int level = 1;
  int found = kSlots;
  for (; level < kLevels; ++level) {
    found = next_occupied(level, byte_at(cursor_, level) + 1);
    if (found < kSlots) break;
  }
  assert(level < kLevels);
  // Coarse slots are never popped from, so their entries start at head_index 0.
  const Slot slot = slots_[level][found];
  const Chunk* earliest_chunk = slot.head;
  std::uint32_t earliest_index = 0;
  for (const Chunk* chunk = slot.head; chunk != nullptr; chunk = chunk->next) {
    const std::uint32_t used = chunk == slot.tail ? slot.tail_count : kChunkEntries;
    for (std::uint32_t index = 0; index < used; ++index)
      if (chunk->entries[index].time_ns < earliest_chunk->entries[earliest_index].time_ns) {
        earliest_chunk = chunk;
        earliest_index = index;
      }
  }
  const WheelEntry entry = earliest_chunk->entries[earliest_index];
  if (entry.time_ns > limit_ns) return std::nullopt;
  cursor_ = entry.time_ns;
  slots_[level][found] = Slot{};
  unmark(level, found);
  for (Chunk* chunk = slot.head; chunk != nullptr;) {
    const std::uint32_t used = chunk == slot.tail ? slot.tail_count : kChunkEntries;
    for (std::uint32_t index = 0; index < used; ++index)
      if (chunk != earliest_chunk || index != earliest_index) place(chunk->entries[index]);
    Chunk* next = chunk->next;
    release_chunk(chunk);
    chunk = next;
  }
  --size_;
  return entry;
}

}  // namespace sim
