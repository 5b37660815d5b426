#pragma once

// ValuePool: one copy of each distinct parameter value, shared by many ConfigStores.
//
// A simulated fleet of a million phones provisioned from a few profiles holds the same override
// texts a million times over (server names, rules, schedules). Stores built over a pool keep a
// 32-bit handle per overridden value instead of the text, and the pool keeps each distinct text
// once. The pool is append-only: a text, once added, keeps its handle and its bytes at the same
// address until the pool is destroyed, so views into it never dangle while the pool lives, and
// handles follow the order of first intern() calls (the same run gives the same handles).
//
// Not thread-safe, like the rest of a world: one pool per world (per thread). A real phone does
// not need one; a store without a pool keeps its values itself.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace fw {

class ValuePool {
 public:
  using Handle = std::uint32_t;

  // Bytes of one arena block; a longer text gets a block of its own.
  static constexpr std::size_t kBlockBytes = 64 * 1024;

  ValuePool() = default;
  ValuePool(const ValuePool&) = delete;
  ValuePool& operator=(const ValuePool&) = delete;

  // The handle of `text`, adding a copy of it the first time it is seen. Call when a store is
  // built (ConfigDraft::build). Never fails; the pool grows by the text's bytes when it is new.
  Handle intern(std::string_view text);

  // The text of `handle` (one intern() returned). Valid as long as the pool lives.
  std::string_view text(Handle handle) const { return texts_[handle]; }

  // Distinct texts held.
  std::size_t size() const { return texts_.size(); }

  // Bytes the pool holds: arena blocks, the handle table and the lookup index (an estimate of
  // the hash table's nodes), for fleet memory accounting.
  std::size_t memory_bytes() const;

 private:
  std::string_view store(std::string_view text);

  std::vector<std::unique_ptr<char[]>> blocks_;
  std::size_t block_used_ = kBlockBytes;  // bytes used in blocks_.back(); full: none yet
  std::vector<std::string_view> texts_;   // by handle, viewing the blocks
  std::unordered_map<std::string_view, Handle> index_;
  std::size_t block_bytes_ = 0;
};

}  // namespace fw
