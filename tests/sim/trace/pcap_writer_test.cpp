#include "sim/trace/pcap_writer.h"

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sim/platform/sim_world.h"

namespace sim {
namespace {

constexpr fw::Ipv4Address kPhone{0x0A000002};
constexpr fw::Ipv4Address kServer{0x0A000101};

struct Packet {
  std::int64_t t_ns = 0;
  fw::Bytes bytes;  // from the IPv4 header on
};

std::uint32_t le32(const std::string& data, std::size_t offset) {
  return static_cast<std::uint32_t>(static_cast<std::uint8_t>(data[offset])) |
         static_cast<std::uint32_t>(static_cast<std::uint8_t>(data[offset + 1])) << 8 |
         static_cast<std::uint32_t>(static_cast<std::uint8_t>(data[offset + 2])) << 16 |
         static_cast<std::uint32_t>(static_cast<std::uint8_t>(data[offset + 3])) << 24;
}
std::uint32_t be16(const fw::Bytes& data, std::size_t offset) {
  return static_cast<std::uint32_t>(data[offset] << 8 | data[offset + 1]);
}
std::uint32_t be32(const fw::Bytes& data, std::size_t offset) {
  return be16(data, offset) << 16 | be16(data, offset + 2);
}

std::vector<Packet> read_capture(const std::string& file) {
  EXPECT_GE(file.size(), 24u);
  EXPECT_EQ(le32(file, 0), 0xA1B23C4Du);  // nanosecond pcap
  EXPECT_EQ(le32(file, 20), 101u);        // raw IP
  std::vector<Packet> packets;
  for (std::size_t offset = 24; offset + 16 <= file.size();) {
    const std::uint32_t length = le32(file, offset + 8);
    Packet packet;
    packet.t_ns = std::int64_t{le32(file, offset)} * 1'000'000'000 + le32(file, offset + 4);
    packet.bytes.assign(file.begin() + static_cast<std::ptrdiff_t>(offset + 16),
                        file.begin() + static_cast<std::ptrdiff_t>(offset + 16 + length));
    packets.push_back(std::move(packet));
    offset += 16 + length;
  }
  return packets;
}

// Sum of 16-bit words, folded: 0xFFFF when a checksummed region is intact.
std::uint32_t folded_sum(const fw::Bytes& data, std::size_t from, std::size_t to,
                         std::uint32_t sum = 0) {
  for (std::size_t index = from; index < to; index += 2)
    sum += index + 1 < to ? be16(data, index) : static_cast<std::uint32_t>(data[index] << 8);
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return sum;
}
std::uint32_t transport_sum(const fw::Bytes& packet) {
  std::uint32_t pseudo = be16(packet, 12) + be16(packet, 14) + be16(packet, 16) +
                         be16(packet, 18) + packet[9] + static_cast<std::uint32_t>(packet.size() - 20);
  return folded_sum(packet, 20, packet.size(), pseudo);
}

TEST(PcapWriterTest, WritesUdpWithValidChecksums) {
  std::ostringstream out;
  PcapWriter writer(out);
  writer.write_udp(fw::Instant::from_nanoseconds(1'500'000'001), {kPhone, 49152}, {kServer, 69},
                   fw::as_bytes("\x00\x01" "a.cfg\x00octet\x00"));
  const std::vector<Packet> packets = read_capture(out.str());
  ASSERT_EQ(packets.size(), 1u);
  const fw::Bytes& packet = packets[0].bytes;
  EXPECT_EQ(packets[0].t_ns, 1'500'000'001);
  EXPECT_EQ(packet[0], 0x45);
  EXPECT_EQ(packet[9], 17);
  EXPECT_EQ(be16(packet, 2), packet.size());
  EXPECT_EQ(be32(packet, 12), kPhone.value);
  EXPECT_EQ(be16(packet, 22), 69u);
  EXPECT_EQ(folded_sum(packet, 0, 20), 0xFFFFu);
  EXPECT_EQ(transport_sum(packet), 0xFFFFu);
}

struct Echo final : StreamAcceptor, StreamHandler {
  explicit Echo(Network& net) : network(net) {}
  StreamHandler& on_stream_accepted(StreamEndId, fw::Endpoint, fw::Endpoint) override {
    return *this;
  }
  void on_stream_connected(StreamEndId) override {}
  void on_stream_data(StreamEndId end, fw::ByteSpan bytes) override {
    network.send(end, bytes);
    network.close(end);
  }
  void on_stream_closed(StreamEndId) override {}
  void on_stream_failed(StreamEndId, fw::StreamFailure) override {}
  Network& network;
};

struct Client final : StreamHandler {
  explicit Client(Network& net) : network(net) {}
  void on_stream_connected(StreamEndId end) override { network.send(end, fw::as_bytes("hello")); }
  void on_stream_data(StreamEndId, fw::ByteSpan) override {}
  void on_stream_closed(StreamEndId end) override { closed = end; }
  void on_stream_failed(StreamEndId, fw::StreamFailure) override {}
  Network& network;
  StreamEndId closed = 0;
};

TEST(PcapWriterTest, NetworkWritesStreamsAsTcpWithConsistentSequenceNumbers) {
  std::ostringstream out;
  PcapWriter writer(out);
  SimWorld world(1);
  world.network.set_capture(&writer);
  world.network.add_host(kPhone, "phone");
  world.network.add_host(kServer, "server");
  Echo echo(world.network);
  Client client(world.network);
  ASSERT_TRUE(world.network.listen({kServer, 80}, echo));
  world.network.connect(kPhone, {kServer, 80}, client);
  world.engine.run_until(fw::Instant::never());
  EXPECT_NE(client.closed, 0u);

  const std::vector<Packet> packets = read_capture(out.str());
  std::vector<std::string> lines;
  std::uint32_t client_isn = 0;
  std::uint32_t server_isn = 0;
  for (const Packet& packet : packets) {
    ASSERT_EQ(packet.bytes[9], 6);
    EXPECT_EQ(transport_sum(packet.bytes), 0xFFFFu);
    const bool from_client = be32(packet.bytes, 12) == kPhone.value;
    const std::uint32_t flags = packet.bytes[33];
    const std::uint32_t sequence = be32(packet.bytes, 24);
    if (flags == PcapWriter::kSyn) client_isn = sequence;
    if (flags == (PcapWriter::kSyn | PcapWriter::kAck)) server_isn = sequence;
    const std::uint32_t own = from_client ? client_isn : server_isn;
    const std::uint32_t other = from_client ? server_isn : client_isn;
    const std::uint32_t ack = be32(packet.bytes, 28);
    lines.push_back(std::string(from_client ? "c " : "s ") + std::to_string(flags) + " seq+" +
                    std::to_string(sequence - own) + " ack+" +
                    std::to_string(ack == 0 ? 0 : ack - other) + " len " +
                    std::to_string(packet.bytes.size() - 40));
  }
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "c 2 seq+0 ack+0 len 0",     // SYN
                       "s 18 seq+0 ack+1 len 0",    // SYN-ACK
                       "c 16 seq+1 ack+1 len 0",    // ACK
                       "c 24 seq+1 ack+1 len 5",    // "hello"
                       "s 16 seq+1 ack+6 len 0",    // its ACK
                       "s 24 seq+1 ack+6 len 5",    // the echo
                       "s 17 seq+6 ack+6 len 0",    // FIN
                       "c 16 seq+6 ack+6 len 0",    // ACK of the echo
                       "c 16 seq+6 ack+7 len 0"}));  // ACK of the FIN
}

}  // namespace
}  // namespace sim
