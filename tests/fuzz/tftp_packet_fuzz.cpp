// Fuzzes the TFTP wire format: decode_tftp_packet on any datagram, then the properties that
// the client and server rely on: what decodes re-encodes to a packet that decodes to the same
// thing, and option parsing never accepts a value outside its RFC range.

#include <cstddef>
#include <cstdint>
#include <variant>

#include "firmware-core/base/bytes.h"
#include "firmware-core/fetch/tftp_packet.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fw::ByteSpan datagram(data, size);
  auto packet = fw::decode_tftp_packet(datagram);
  if (!packet) {
    fuzz::check(packet.error().code == fw::ErrorCode::TftpError);
    fuzz::check(!packet.error().detail.empty());
    return 0;
  }
  auto wire = fw::encode_tftp_packet(*packet);
  // Decoded strings hold no zero bytes, so everything decoded encodes again; a DATA re-encodes
  // byte for byte.
  fuzz::check(wire.has_value());
  auto again = fw::decode_tftp_packet(*wire);
  fuzz::check(again.has_value());
  fuzz::check(again->index() == packet->index());
  if (std::holds_alternative<fw::TftpData>(*packet)) {
    fuzz::check(*wire == fw::Bytes(datagram.begin(), datagram.end()));
  }

  const std::vector<fw::TftpOption>* options = nullptr;
  if (const auto* request = std::get_if<fw::TftpRequest>(&*packet)) {
    fuzz::check(!request->file_name.empty());
    options = &request->options;
  } else if (const auto* ack = std::get_if<fw::TftpOptionAck>(&*packet)) {
    options = &ack->options;
  }
  if (options != nullptr) {
    fuzz::check(options->size() <= fw::kTftpOptionsMax);
    if (auto parsed = fw::parse_tftp_options(*options); parsed) {
      if (parsed->block_bytes) {
        fuzz::check(*parsed->block_bytes >= fw::kTftpBlockBytesMin &&
                    *parsed->block_bytes <= fw::kTftpBlockBytesMax);
      }
      if (parsed->timeout_s) {
        fuzz::check(*parsed->timeout_s >= fw::kTftpTimeoutSecondsMin &&
                    *parsed->timeout_s <= fw::kTftpTimeoutSecondsMax);
      }
      auto listed = fw::parse_tftp_options(fw::tftp_option_list(*parsed));
      fuzz::check(listed.has_value() && *listed == *parsed);
    }
  }
  return 0;
}
