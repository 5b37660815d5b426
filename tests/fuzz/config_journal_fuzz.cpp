// Fuzzes the configuration journal's slot image decoder with arbitrary bytes as one slot's
// contents (what a corrupted or foreign flash holds), and checks that the journal on top of such
// a slot still loads and commits correctly.
//
// Seed corpus: corpus/config_journal_fuzz/ holds valid images (empty, small, multi-page, largest
// sequence) and near misses (truncated, bad magic, version 2, bad checksum, length past limit).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>

#include "firmware-core/config/config_journal.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

// A FlashStore in memory where every write is durable at once; the crash behaviour is the unit
// tests' job, this only feeds the fuzzer's bytes in as a slot.
class MemoryFlash final : public fw::FlashStore {
 public:
  fw::Result<fw::Bytes> read(std::string_view slot) override {
    auto it = slots_.find(slot);
    if (it == slots_.end()) {
      return fw::fail(fw::ErrorCode::FlashEmpty, std::string(slot));
    }
    return it->second;
  }
  fw::Result<void> write(std::string_view slot, fw::ByteSpan bytes) override {
    slots_[std::string(slot)] = fw::Bytes(bytes.begin(), bytes.end());
    return {};
  }
  fw::Result<void> sync(std::string_view) override { return {}; }

 private:
  std::map<std::string, fw::Bytes, std::less<>> slots_;
};

using fuzz::check;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fw::ByteSpan input(data, size);

  auto decoded = fw::decode_config_image(input);
  if (decoded) {
    // Whatever is accepted is exactly what the encoder writes, followed by ignored bytes.
    check(decoded->sequence != 0);
    check(decoded->payload.size() <= fw::kConfigPayloadBytesMax);
    fw::Bytes again = fw::encode_config_image(decoded->sequence, decoded->payload);
    check(again.size() <= size && std::equal(again.begin(), again.end(), input.begin()));
  } else {
    check(decoded.error().code == fw::ErrorCode::FlashCorrupt);
  }

  // The input as a payload survives a round trip.
  if (size <= fw::kConfigPayloadBytesMax) {
    fw::Bytes image = fw::encode_config_image(size + 1, input);
    auto round_trip = fw::decode_config_image(image);
    check(round_trip && round_trip->sequence == size + 1 &&
          std::equal(input.begin(), input.end(), round_trip->payload.begin(),
                     round_trip->payload.end()));
  }

  // The journal over a flash whose slot B holds the input: load() agrees with the decoder, and a
  // commit on top of any such flash is what loads afterwards.
  MemoryFlash flash;
  (void)flash.write(fw::ConfigJournal::kSlotB, input);
  fw::ConfigJournal journal(flash);
  auto loaded = journal.load();
  if (decoded) {
    check(loaded && std::equal(loaded->begin(), loaded->end(), decoded->payload.begin(),
                               decoded->payload.end()));
  } else {
    check(!loaded && loaded.error().code == fw::ErrorCode::FlashCorrupt);
  }
  const fw::Bytes next = fw::to_bytes("GPP_A=fuzz");
  auto committed = journal.commit(next);
  if (!committed) {
    check(committed.error().code == fw::ErrorCode::FlashSequenceExhausted);
    return 0;
  }
  auto reloaded = fw::ConfigJournal(flash).load();
  check(reloaded && *reloaded == next);
  return 0;
}
