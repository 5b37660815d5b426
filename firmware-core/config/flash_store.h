#pragma once

#include <string_view>

#include "firmware-core/base/bytes.h"
#include "firmware-core/base/result.h"

namespace fw {

// Non-volatile storage as a few named slots: files on the device (target/), regions of a
// simulated flash chip in the simulator (sim/flash). The phone keeps its configuration here.
//
// Durability contract, which every implementation keeps and the persistence code relies on:
// a write() is not durable until sync() on the same slot has returned success. If power is lost
// before that, the slot may afterwards hold its old contents, the new contents, or any mix of
// the two (a torn write). A slot that was synced is never damaged by writes to another slot.
class FlashStore {
 public:
  virtual ~FlashStore() = default;

  // Reads the whole slot. Errors: FlashEmpty if the slot was never written, FlashReadFailed.
  virtual Result<Bytes> read(std::string_view slot) = 0;

  // Replaces the slot's contents (not yet durable). Errors: FlashWriteFailed.
  virtual Result<void> write(std::string_view slot, ByteSpan bytes) = 0;

  // Makes the slot's last write durable. Errors: FlashWriteFailed.
  virtual Result<void> sync(std::string_view slot) = 0;
};

}  // namespace fw
