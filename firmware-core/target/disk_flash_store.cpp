#include "firmware-core/target/disk_flash_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace fw {
namespace {

constexpr std::size_t kSlotNameBytesMax = 64;

std::string system_error_text(std::string_view action, const std::filesystem::path& path) {
  std::string text(action);
  text += ' ';
  text += path.string();
  text += ": ";
  text += std::strerror(errno);
  return text;
}

// Writes all bytes to an open descriptor, retrying short writes and EINTR.
bool write_all(int descriptor, ByteSpan bytes) {
  std::size_t written = 0;
  while (written < bytes.size()) {
    ssize_t result = ::write(descriptor, bytes.data() + written, bytes.size() - written);
    if (result < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    written += static_cast<std::size_t>(result);
  }
  return true;
}

}  // namespace

DiskFlashStore::DiskFlashStore(std::filesystem::path directory) : directory_(std::move(directory)) {}

bool DiskFlashStore::valid_slot_name(std::string_view slot) {
  if (slot.empty() || slot.size() > kSlotNameBytesMax || slot.front() == '.') return false;
  for (char character : slot) {
    bool allowed = (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z') ||
                   (character >= '0' && character <= '9') || character == '_' || character == '-' ||
                   character == '.';
    if (!allowed) return false;
  }
  return true;
}

Result<Bytes> DiskFlashStore::read(std::string_view slot) {
  if (!valid_slot_name(slot)) return fail(ErrorCode::FlashReadFailed, "invalid slot name");
  // Like a flash chip, a reader sees the last write even before it is synced.
  if (auto staged = staged_.find(slot); staged != staged_.end()) return staged->second;
  const std::filesystem::path path = directory_ / std::string(slot);
  int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (descriptor < 0) {
    if (errno == ENOENT) return fail(ErrorCode::FlashEmpty, "slot " + std::string(slot) + " never written");
    return fail(ErrorCode::FlashReadFailed, system_error_text("open", path));
  }
  Bytes contents;
  std::uint8_t buffer[16384];
  for (;;) {
    ssize_t result = ::read(descriptor, buffer, sizeof buffer);
    if (result < 0) {
      if (errno == EINTR) continue;
      std::string detail = system_error_text("read", path);
      ::close(descriptor);
      return fail(ErrorCode::FlashReadFailed, std::move(detail));
    }
    if (result == 0) break;
    contents.insert(contents.end(), buffer, buffer + result);
  }
  ::close(descriptor);
  return contents;
}

Result<void> DiskFlashStore::write(std::string_view slot, ByteSpan bytes) {
  if (!valid_slot_name(slot)) return fail(ErrorCode::FlashWriteFailed, "invalid slot name");
  auto found = staged_.find(slot);
  if (found == staged_.end()) found = staged_.emplace(std::string(slot), Bytes{}).first;
  found->second.assign(bytes.begin(), bytes.end());
  return {};
}

Result<void> DiskFlashStore::sync(std::string_view slot) {
  auto found = staged_.find(slot);
  if (found == staged_.end()) return {};  // nothing written since the last sync
  const std::filesystem::path final_path = directory_ / found->first;
  const std::filesystem::path temporary_path = directory_ / (found->first + ".tmp");

  int descriptor = ::open(temporary_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (descriptor < 0) return fail(ErrorCode::FlashWriteFailed, system_error_text("create", temporary_path));
  if (!write_all(descriptor, found->second) || ::fsync(descriptor) != 0) {
    std::string detail = system_error_text("write", temporary_path);
    ::close(descriptor);
    ::unlink(temporary_path.c_str());
    return fail(ErrorCode::FlashWriteFailed, std::move(detail));
  }
  ::close(descriptor);
  if (::rename(temporary_path.c_str(), final_path.c_str()) != 0) {
    std::string detail = system_error_text("rename", temporary_path);
    ::unlink(temporary_path.c_str());
    return fail(ErrorCode::FlashWriteFailed, std::move(detail));
  }
  // The rename is durable only once the directory entry is.
  int directory_descriptor = ::open(directory_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory_descriptor < 0) return fail(ErrorCode::FlashWriteFailed, system_error_text("open", directory_));
  int sync_result = ::fsync(directory_descriptor);
  ::close(directory_descriptor);
  if (sync_result != 0) return fail(ErrorCode::FlashWriteFailed, system_error_text("fsync", directory_));
  staged_.erase(found);
  return {};
}

}  // namespace fw
