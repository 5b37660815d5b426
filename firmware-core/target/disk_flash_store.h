#pragma once

// DiskFlashStore: the device's FlashStore as files in a state directory (phoned --state-dir).
//
// write() only stages the bytes in memory; sync() makes them durable with the classic atomic
// replace: write `<slot>.tmp`, fsync it, rename it over `<slot>`, fsync the directory. After a
// crash at any moment the slot file is therefore entirely old or entirely new, which is stronger
// than the FlashStore contract (that allows torn writes). Like the chip, read() returns the last
// write of a slot even before it is synced.

#include <filesystem>
#include <map>
#include <string>

#include "firmware-core/config/flash_store.h"

namespace fw {

class DiskFlashStore final : public FlashStore {
 public:
  // `directory` must exist and be writable.
  explicit DiskFlashStore(std::filesystem::path directory);

  Result<Bytes> read(std::string_view slot) override;
  Result<void> write(std::string_view slot, ByteSpan bytes) override;
  Result<void> sync(std::string_view slot) override;

 private:
  // Slot names become file names: only [A-Za-z0-9_.-], not starting with '.', at most 64 chars.
  static bool valid_slot_name(std::string_view slot);

  std::filesystem::path directory_;
  std::map<std::string, Bytes, std::less<>> staged_;
};

}  // namespace fw
