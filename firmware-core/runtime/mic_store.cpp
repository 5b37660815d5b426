#include "firmware-core/runtime/mic_store.h"

#include <charconv>

#include "firmware-core/config/config_journal.h"
#include "firmware-core/fetch/tls_session.h"

namespace fw {
namespace {

constexpr std::string_view kRenewedAtPrefix = "renewed_at=";
constexpr std::string_view kKeyBegin = "-----BEGIN PRIVATE KEY-----";
constexpr std::string_view kKeyEnd = "-----END PRIVATE KEY-----";

}  // namespace

Bytes encode_mic_record(const MicRecord& record) {
  std::string text = std::string(kRenewedAtPrefix) + std::to_string(record.renewed_at.unix_seconds) +
                     "\n" + record.certificate_pem + record.key_pem;
  return Bytes(text.begin(), text.end());
}

Result<MicRecord> decode_mic_record(ByteSpan payload) {
  const std::string_view text(reinterpret_cast<const char*>(payload.data()), payload.size());
  const std::size_t line_end = text.find('\n');
  if (!text.starts_with(kRenewedAtPrefix) || line_end == std::string_view::npos) {
    return fail(ErrorCode::FlashCorrupt, "MIC record: no renewed_at line");
  }
  MicRecord record;
  const std::string_view number = text.substr(kRenewedAtPrefix.size(), line_end - kRenewedAtPrefix.size());
  const auto parsed = std::from_chars(number.data(), number.data() + number.size(),
                                      record.renewed_at.unix_seconds);
  if (parsed.ec != std::errc() || parsed.ptr != number.data() + number.size()) {
    return fail(ErrorCode::FlashCorrupt, "MIC record: renewed_at is not a number");
  }
  const std::string_view rest = text.substr(line_end + 1);
  const std::vector<std::string> certificates = pem_certificate_blocks(rest);
  const std::size_t key_begin = rest.find(kKeyBegin);
  const std::size_t key_end = rest.find(kKeyEnd);
  if (certificates.size() != 1 || key_begin == std::string_view::npos ||
      key_end == std::string_view::npos || key_end < key_begin) {
    return fail(ErrorCode::FlashCorrupt, "MIC record: not one certificate and one private key");
  }
  record.certificate_pem = certificates.front();
  record.key_pem = std::string(rest.substr(key_begin, key_end + kKeyEnd.size() - key_begin)) + "\n";
  return record;
}

Result<std::optional<MicRecord>> MicStore::load() {
  ConfigJournal journal(flash_, kSlotA, kSlotB);
  auto payload = journal.load();
  if (!payload) {
    if (payload.error().code == ErrorCode::FlashEmpty) return std::optional<MicRecord>();
    return fail(payload.error());
  }
  auto record = decode_mic_record(*payload);
  if (!record) return fail(record.error());
  return std::optional<MicRecord>(std::move(*record));
}

Result<void> MicStore::save(const MicRecord& record) {
  ConfigJournal journal(flash_, kSlotA, kSlotB);
  return journal.commit(encode_mic_record(record));
}

}  // namespace fw
