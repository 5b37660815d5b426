#pragma once

// TimerWheel: the engine's pending-event set, a hierarchical timing wheel over 64-bit integer
// nanoseconds (8 levels of 256 slots, one level per byte of the time).
//
// Why not a heap: at 1e6 pending events a binary heap touches ~20 cache lines per pop; here an
// insert appends to one slot's vector and an event moves down at most a few levels (delays of
// seconds sit 3-4 levels up), so the cost per event is nearly flat in the number pending.
//
// Exact order: an entry sits at the level of the highest byte in which its time differs from the
// wheel's cursor, in the slot named by that byte. Level-0 slots hold one exact nanosecond each,
// and every slot is FIFO: entries reach a slot either by cascading (before any direct insert,
// because a level is empty when the cursor enters a new range of the level above) or by insert
// in sequence order. So entries with equal times come out in insertion order: (time, sequence)
// ordering without storing a comparison key beyond the time.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace sim {

// One pending event: when, and what to run (a handler index and its tag; the engine interprets
// them). 24 bytes; slots add one partly filled 776-byte chunk at most.
struct WheelEntry {
  std::uint64_t time_ns = 0;
  std::uint64_t sequence = 0;
  std::uint32_t handler = 0;
  std::uint32_t tag = 0;
};

class TimerWheel {
 public:
  static constexpr int kLevels = 8;
  static constexpr int kSlotBits = 8;
  static constexpr int kSlots = 1 << kSlotBits;

  // Adds an entry. Requires entry.time_ns >= cursor() (the engine never schedules into the past).
  void push(const WheelEntry& entry);

  // Removes and returns the earliest entry if its time is <= limit_ns; nullopt when the wheel is
  // empty or the earliest entry is later than limit_ns (the cursor then stays <= limit_ns, so
  // entries at any time >= limit_ns may still be pushed).
  std::optional<WheelEntry> pop_until(std::uint64_t limit_ns);

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Every pending time is >= the cursor; the time of the last entry popped, or earlier.
  std::uint64_t cursor() const { return cursor_; }

 private:
  // Slots store entries in fixed-size chunks from one shared pool: no reallocation or copying
  // as slots fill, and memory freed by one slot is reused by the next (a vector per slot would
  // regrow a multi-megabyte buffer for every coarse slot the cursor enters).
  static constexpr std::uint32_t kChunkEntries = 32;
  struct Chunk {
    std::array<WheelEntry, kChunkEntries> entries;
    Chunk* next = nullptr;
  };
  struct Slot {
    Chunk* head = nullptr;
    Chunk* tail = nullptr;
    std::uint32_t head_index = 0;  // entries of `head` before it were popped (level 0 only)
    std::uint32_t tail_count = 0;  // entries used in `tail`
  };
  using Bitmap = std::array<std::uint64_t, kSlots / 64>;

  void place(const WheelEntry& entry);
  void append(Slot& slot, const WheelEntry& entry);
  Chunk* take_chunk();
  void release_chunk(Chunk* chunk);
  // First occupied slot index >= from at `level`, or kSlots.
  int next_occupied(int level, int from) const;
  void mark(int level, int slot) { occupied_[level][slot >> 6] |= std::uint64_t{1} << (slot & 63); }
  void unmark(int level, int slot) {
    occupied_[level][slot >> 6] &= ~(std::uint64_t{1} << (slot & 63));
  }

  std::array<std::array<Slot, kSlots>, kLevels> slots_{};
  std::array<Bitmap, kLevels> occupied_{};
  std::uint64_t cursor_ = 0;
  std::size_t size_ = 0;
  Chunk* free_chunks_ = nullptr;
  std::vector<std::unique_ptr<Chunk[]>> chunk_blocks_;  // owns every chunk
};

}  // namespace sim
