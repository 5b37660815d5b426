#pragma once

// PcapWriter: simulated traffic as a classic libpcap file (nanosecond timestamps, link type
// "raw IPv4"), so Wireshark and tshark open it (DESIGN.md "Observability"). Datagrams are
// written as IPv4/UDP; streams as synthesized IPv4/TCP segments (the Network supplies sequence
// and acknowledgement numbers), so HTTP and TLS records show up decoded. Checksums are real.
//
// Written by our code, no libpcap: the format is a 24-byte file header and a 16-byte header per
// packet (https://wiki.wireshark.org/Development/LibpcapFileFormat).

#include <cstdint>
#include <ostream>

#include "firmware-core/base/bytes.h"
#include "firmware-core/runtime/network_address.h"
#include "firmware-core/runtime/time.h"

namespace sim {

class PcapWriter {
 public:
  // TCP flag bits, as on the wire.
  static constexpr std::uint8_t kFin = 0x01;
  static constexpr std::uint8_t kSyn = 0x02;
  static constexpr std::uint8_t kRst = 0x04;
  static constexpr std::uint8_t kPush = 0x08;
  static constexpr std::uint8_t kAck = 0x10;
  // An IPv4 packet holds at most this much UDP or TCP payload; the capture keeps only this
  // much of a longer payload.
  static constexpr std::size_t kPayloadBytesMax = 65'535 - 20 - 20;

  // Writes the file header.
  explicit PcapWriter(std::ostream& out);

  void write_udp(fw::Instant t, fw::Endpoint from, fw::Endpoint to, fw::ByteSpan payload);
  void write_tcp(fw::Instant t, fw::Endpoint from, fw::Endpoint to, std::uint32_t sequence,
                 std::uint32_t acknowledgement, std::uint8_t flags, fw::ByteSpan payload);

  std::uint64_t packets() const { return packets_; }

 private:
  void write_packet(fw::Instant t, std::uint8_t protocol, fw::Endpoint from, fw::Endpoint to,
                    const fw::Bytes& transport_header, fw::ByteSpan payload,
                    std::size_t checksum_offset);

  std::ostream& out_;
  std::uint64_t packets_ = 0;
  std::uint16_t next_ip_id_ = 1;
  fw::Bytes packet_;  // reused buffer
};

}  // namespace sim
