#include "firmware-core/config/value_pool.h"

#include <cstring>

namespace fw {

std::string_view ValuePool::store(std::string_view text) {
  if (text.empty()) return {};
  if (text.size() > kBlockBytes) {
    // A long text gets its own block, put before the current one so that block stays open.
    auto block = std::make_unique<char[]>(text.size());
    std::memcpy(block.get(), text.data(), text.size());
    std::string_view stored(block.get(), text.size());
    block_bytes_ += text.size();
    blocks_.insert(blocks_.empty() ? blocks_.end() : blocks_.end() - 1, std::move(block));
    return stored;
  }
  if (kBlockBytes - block_used_ < text.size()) {
    blocks_.push_back(std::make_unique<char[]>(kBlockBytes));
    block_bytes_ += kBlockBytes;
    block_used_ = 0;
  }
  char* at = blocks_.back().get() + block_used_;
  std::memcpy(at, text.data(), text.size());
  block_used_ += text.size();
  return {at, text.size()};
}

ValuePool::Handle ValuePool::intern(std::string_view text) {
  if (auto found = index_.find(text); found != index_.end()) return found->second;
  const std::string_view stored = store(text);
  const auto handle = static_cast<Handle>(texts_.size());
  texts_.push_back(stored);
  index_.emplace(stored, handle);
  return handle;
}

std::size_t ValuePool::memory_bytes() const {
  // A node of the index holds the key, the handle and the next pointer, plus the hash cached by
  // libstdc++; the bucket array holds one pointer per bucket.
  constexpr std::size_t kNodeBytes =
      sizeof(void*) + sizeof(std::string_view) + sizeof(Handle) + sizeof(std::size_t);
  return sizeof(*this) + block_bytes_ + blocks_.capacity() * sizeof(blocks_[0]) +
         texts_.capacity() * sizeof(std::string_view) + index_.size() * kNodeBytes +
         index_.bucket_count() * sizeof(void*);
}

}  // namespace fw
