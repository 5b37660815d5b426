#include "sim/trace/pcap_writer.h"

#include <algorithm>

namespace sim {
namespace {

constexpr std::uint32_t kNanosecondMagic = 0xA1B23C4D;
constexpr std::uint32_t kLinkTypeRaw = 101;  // LINKTYPE_RAW: packets start at the IP header
constexpr std::uint32_t kSnapLength = 65'535;
constexpr std::uint8_t kProtocolTcp = 6;
constexpr std::uint8_t kProtocolUdp = 17;
constexpr std::size_t kIpHeaderBytes = 20;
constexpr std::uint8_t kTimeToLive = 64;

// The file and record headers are in the writer's byte order (the magic tells readers which);
// we always write little-endian so every build writes the same bytes.
void put_le32(std::ostream& out, std::uint32_t value) {
  const char bytes[4] = {static_cast<char>(value), static_cast<char>(value >> 8),
                         static_cast<char>(value >> 16), static_cast<char>(value >> 24)};
  out.write(bytes, 4);
}
void put_le16(std::ostream& out, std::uint16_t value) {
  const char bytes[2] = {static_cast<char>(value), static_cast<char>(value >> 8)};
  out.write(bytes, 2);
}
// Packet contents are in network byte order.
void put_be16(fw::Bytes& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value));
}
void put_be32(fw::Bytes& out, std::uint32_t value) {
  put_be16(out, static_cast<std::uint16_t>(value >> 16));
  put_be16(out, static_cast<std::uint16_t>(value));
}
void set_be16(fw::Bytes& out, std::size_t offset, std::uint16_t value) {
  out[offset] = static_cast<std::uint8_t>(value >> 8);
  out[offset + 1] = static_cast<std::uint8_t>(value);
}

// The Internet checksum's running sum (RFC 1071) over `bytes`, continuing `sum`.
std::uint32_t checksum_add(std::uint32_t sum, fw::ByteSpan bytes) {
  std::size_t index = 0;
  for (; index + 1 < bytes.size(); index += 2)
    sum += static_cast<std::uint32_t>(bytes[index] << 8 | bytes[index + 1]);
  if (index < bytes.size()) sum += static_cast<std::uint32_t>(bytes[index] << 8);
  return sum;
}
std::uint16_t checksum_finish(std::uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

}  // namespace

PcapWriter::PcapWriter(std::ostream& out) : out_(out) {
  put_le32(out_, kNanosecondMagic);
  put_le16(out_, 2);  // version 2.4
  put_le16(out_, 4);
  put_le32(out_, 0);  // time zone offset
  put_le32(out_, 0);  // timestamp accuracy
  put_le32(out_, kSnapLength);
  put_le32(out_, kLinkTypeRaw);
}

void PcapWriter::write_udp(fw::Instant t, fw::Endpoint from, fw::Endpoint to,
                           fw::ByteSpan payload) {
  const fw::ByteSpan kept = payload.first(std::min(payload.size(), kPayloadBytesMax));
  fw::Bytes header;
  put_be16(header, from.port);
  put_be16(header, to.port);
  put_be16(header, static_cast<std::uint16_t>(8 + kept.size()));
  put_be16(header, 0);  // checksum, filled in below
  write_packet(t, kProtocolUdp, from, to, header, kept, 6);
}

void PcapWriter::write_tcp(fw::Instant t, fw::Endpoint from, fw::Endpoint to,
                           std::uint32_t sequence, std::uint32_t acknowledgement,
                           std::uint8_t flags, fw::ByteSpan payload) {
  const fw::ByteSpan kept = payload.first(std::min(payload.size(), kPayloadBytesMax));
  fw::Bytes header;
  put_be16(header, from.port);
  put_be16(header, to.port);
  put_be32(header, sequence);
  put_be32(header, acknowledgement);
  header.push_back(5 << 4);  // data offset: 5 words, no options
  header.push_back(flags);
  put_be16(header, 65'535);  // window
  put_be16(header, 0);       // checksum, filled in below
  put_be16(header, 0);       // urgent pointer
  write_packet(t, kProtocolTcp, from, to, header, kept, 16);
}

void PcapWriter::write_packet(fw::Instant t, std::uint8_t protocol, fw::Endpoint from,
                              fw::Endpoint to, const fw::Bytes& transport_header,
                              fw::ByteSpan payload, std::size_t checksum_offset) {
  const std::size_t transport_bytes = transport_header.size() + payload.size();
  const auto total_bytes = static_cast<std::uint16_t>(kIpHeaderBytes + transport_bytes);
  packet_.clear();
  packet_.push_back(0x45);  // IPv4, 5-word header
  packet_.push_back(0);
  put_be16(packet_, total_bytes);
  put_be16(packet_, next_ip_id_++);
  put_be16(packet_, 0x4000);  // don't fragment
  packet_.push_back(kTimeToLive);
  packet_.push_back(protocol);
  put_be16(packet_, 0);  // header checksum, filled in below
  put_be32(packet_, from.address.value);
  put_be32(packet_, to.address.value);
  set_be16(packet_, 10, checksum_finish(checksum_add(0, packet_)));

  packet_.insert(packet_.end(), transport_header.begin(), transport_header.end());
  packet_.insert(packet_.end(), payload.begin(), payload.end());
  // Transport checksum over the pseudo-header (addresses, protocol, length) and the segment.
  fw::Bytes pseudo;
  put_be32(pseudo, from.address.value);
  put_be32(pseudo, to.address.value);
  put_be16(pseudo, protocol);
  put_be16(pseudo, static_cast<std::uint16_t>(transport_bytes));
  std::uint32_t sum = checksum_add(0, pseudo);
  sum = checksum_add(sum, fw::ByteSpan(packet_).subspan(kIpHeaderBytes));
  std::uint16_t checksum = checksum_finish(sum);
  if (protocol == kProtocolUdp && checksum == 0) checksum = 0xFFFF;  // 0 means "none" in UDP
  set_be16(packet_, kIpHeaderBytes + checksum_offset, checksum);

  const std::int64_t ns = t.nanoseconds();
  put_le32(out_, static_cast<std::uint32_t>(ns / 1'000'000'000));
  put_le32(out_, static_cast<std::uint32_t>(ns % 1'000'000'000));
  put_le32(out_, static_cast<std::uint32_t>(packet_.size()));
  put_le32(out_, static_cast<std::uint32_t>(packet_.size()));
  out_.write(reinterpret_cast<const char*>(packet_.data()),
             static_cast<std::streamsize>(packet_.size()));
  ++packets_;
}

}  // namespace sim
