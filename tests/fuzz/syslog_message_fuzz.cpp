// Fuzzes the syslog receiver's parser with untrusted datagrams: it must never crash, never read
// past the datagram, and every field it returns must be a piece of the input (no invented text).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "firmware-core/base/bytes.h"
#include "servers/syslog/syslog_message.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fw::ByteSpan datagram(data, size);
  srv::SyslogMessage message = srv::parse_syslog_message(datagram);
  std::string_view input = fw::as_text(datagram);
  fuzz::check(message.truncated == (size > srv::kSyslogMessageBytesMax));
  fuzz::check(message.facility < 24 && message.severity < 8);
  for (const std::string* field : {&message.timestamp, &message.hostname, &message.app_name,
                                   &message.process_id, &message.message_id,
                                   &message.structured_data, &message.message, &message.content}) {
    fuzz::check(field->size() <= size);
    fuzz::check(field->empty() || input.find(*field) != std::string_view::npos);
  }
  return 0;
}
