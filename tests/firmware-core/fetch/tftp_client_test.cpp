#include "firmware-core/fetch/tftp_client.h"

#include <string>
#include <utility>
#include <variant>

#include <gtest/gtest.h>

namespace fw {
namespace {

const Endpoint kServer{*Ipv4Address::parse("192.168.1.200"), kTftpPort};
const Endpoint kServerTid{*Ipv4Address::parse("192.168.1.200"), 40000};
const Endpoint kStranger{*Ipv4Address::parse("192.168.1.200"), 40001};
const Instant kStart = Instant::from_seconds(100);

TftpPacket decoded(const TftpDatagram& datagram) {
  auto packet = decode_tftp_packet(datagram.payload);
  EXPECT_TRUE(packet) << packet.error().to_string();
  return packet ? *packet : TftpPacket{};
}

// Polls exactly one datagram and returns it.
TftpDatagram one(TftpClient& client) {
  auto datagram = client.poll_datagram();
  EXPECT_TRUE(datagram.has_value());
  EXPECT_FALSE(client.poll_datagram().has_value()) << "more than one datagram";
  return datagram ? *datagram : TftpDatagram{};
}

std::uint16_t ack_block(const TftpDatagram& datagram) {
  return std::get<TftpAck>(decoded(datagram)).block;
}

// A DATA datagram's block number and payload size (the decoded payload would view the datagram).
std::pair<std::uint16_t, std::size_t> data_block(const TftpDatagram& datagram) {
  TftpPacket packet = decoded(datagram);
  const auto& body = std::get<TftpData>(packet);
  return {body.block, body.payload.size()};
}

Bytes data(std::uint16_t block, std::size_t size, std::uint8_t fill = 0x5A) {
  return encode_tftp_data(block, Bytes(size, fill));
}

Bytes oack(std::vector<TftpOption> options) {
  return *encode_tftp_packet(TftpOptionAck{options});
}

TEST(TftpClientTest, ReadOffersOptionsAndUsesTheAcceptedBlockSize) {
  auto client = TftpClient::read(kStart, kServer, "basic.txt");
  TftpDatagram request = one(client);
  EXPECT_EQ(request.to, kServer);
  auto rrq = std::get<TftpRequest>(decoded(request));
  EXPECT_EQ(rrq.file_name, "basic.txt");
  EXPECT_EQ(*parse_tftp_options(rrq.options), (TftpTransferOptions{1428, 2, 0}));

  client.handle_datagram(kStart, kServerTid, oack({{"blksize", "1428"}, {"tsize", "1500"}}));
  TftpDatagram ack0 = one(client);
  EXPECT_EQ(ack0.to, kServerTid);
  EXPECT_EQ(ack_block(ack0), 0);
  EXPECT_EQ(client.block_bytes(), 1428u);
  // The server resends its OACK (our ACK 0 was lost): ACK 0 again.
  client.handle_datagram(kStart, kServerTid, oack({{"blksize", "1428"}, {"tsize", "1500"}}));
  EXPECT_EQ(ack_block(one(client)), 0);

  client.handle_datagram(kStart, kServerTid, data(1, 1428));
  EXPECT_EQ(ack_block(one(client)), 1);
  EXPECT_FALSE(client.finished());
  client.handle_datagram(kStart, kServerTid, data(2, 72));
  EXPECT_EQ(ack_block(one(client)), 2);
  ASSERT_TRUE(client.finished());
  auto file = client.take_result();
  ASSERT_TRUE(file) << file.error().to_string();
  EXPECT_EQ(file->size(), 1500u);
  EXPECT_EQ(client.next_deadline(), Instant::never());
}

TEST(TftpClientTest, ServerIgnoringOptionsSendsPlainDataIn512ByteBlocks) {
  auto client = TftpClient::read(kStart, kServer, "basic.txt");
  one(client);
  client.handle_datagram(kStart, kServerTid, data(1, 512));
  EXPECT_EQ(ack_block(one(client)), 1);
  EXPECT_EQ(client.block_bytes(), 512u);
  client.handle_datagram(kStart, kServerTid, data(2, 0));
  EXPECT_EQ(ack_block(one(client)), 2);
  ASSERT_TRUE(client.finished());
  EXPECT_EQ(client.take_result()->size(), 512u);
}

TEST(TftpClientTest, OackWithASubsetKeepsTheDefaultsForTheRest) {
  auto client = TftpClient::read(kStart, kServer, "basic.txt");
  one(client);
  client.handle_datagram(kStart, kServerTid, oack({{"tsize", "10"}}));
  EXPECT_EQ(ack_block(one(client)), 0);
  EXPECT_EQ(client.block_bytes(), 512u);
  // Without a negotiated timeout the client's own policy applies.
  EXPECT_EQ(client.next_deadline(), kStart + seconds(2));
}

TEST(TftpClientTest, OackThatGrowsTheBlockSizeIsRefused) {
  auto client = TftpClient::read(kStart, kServer, "basic.txt");
  one(client);
  client.handle_datagram(kStart, kServerTid, oack({{"blksize", "2048"}}));
  auto error = std::get<TftpErrorPacket>(decoded(one(client)));
  EXPECT_EQ(error.code, 8);
  auto result = client.take_result();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::TftpError);
  EXPECT_EQ(result.error().detail, "tftp: OACK blksize 2048 exceeds the 1428 offered");
}

TEST(TftpClientTest, OackNamingAnOptionNotOfferedIsRefused) {
  TftpClientSettings settings;
  settings.offer_timeout_s.reset();
  auto client = TftpClient::read(kStart, kServer, "basic.txt", settings);
  one(client);
  client.handle_datagram(kStart, kServerTid, oack({{"timeout", "3"}}));
  EXPECT_EQ(std::get<TftpErrorPacket>(decoded(one(client))).code, 8);
  EXPECT_EQ(client.take_result().error().code, ErrorCode::TftpError);
}

TEST(TftpClientTest, OptionRefusedRepeatsTheRequestWithoutOptions) {
  auto client = TftpClient::read(kStart, kServer, "basic.txt");
  one(client);
  client.handle_datagram(kStart, kServerTid,
                         encode_tftp_error(TftpErrorCode::OptionRefused, "no options"));
  TftpDatagram again = one(client);
  EXPECT_EQ(again.to, kServer);
  EXPECT_TRUE(std::get<TftpRequest>(decoded(again)).options.empty());
  // The plain transfer may come from a new TID.
  client.handle_datagram(kStart, kStranger, data(1, 3));
  EXPECT_EQ(one(client).to, kStranger);
  EXPECT_EQ(client.take_result()->size(), 3u);
}

TEST(TftpClientTest, PacketsFromAnotherTidGetErrorFiveAndAreIgnored) {
  auto client = TftpClient::read(kStart, kServer, "basic.txt");
  one(client);
  client.handle_datagram(kStart, kServerTid, data(1, 512));
  one(client);
  client.handle_datagram(kStart, kStranger, data(2, 10, 0x11));
  TftpDatagram error = one(client);
  EXPECT_EQ(error.to, kStranger);
  EXPECT_EQ(std::get<TftpErrorPacket>(decoded(error)).code, 5);
  EXPECT_FALSE(client.finished());
  // A reply from another host before the TID is known is a stray too.
  auto other = TftpClient::read(kStart, kServer, "basic.txt");
  one(other);
  Endpoint elsewhere{*Ipv4Address::parse("10.0.0.9"), 69};
  other.handle_datagram(kStart, elsewhere, data(1, 3));
  EXPECT_EQ(one(other).to, elsewhere);
  EXPECT_FALSE(other.server_transfer_id());

  client.handle_datagram(kStart, kServerTid, data(2, 10, 0x22));
  one(client);
  auto file = client.take_result();
  ASSERT_TRUE(file);
  EXPECT_EQ(file->back(), 0x22);
}

TEST(TftpClientTest, DuplicateDataIsAckedAgainButNotAppended) {
  auto client = TftpClient::read(kStart, kServer, "basic.txt");
  one(client);
  client.handle_datagram(kStart, kServerTid, data(1, 512));
  EXPECT_EQ(ack_block(one(client)), 1);
  client.handle_datagram(kStart, kServerTid, data(1, 512));
  EXPECT_EQ(ack_block(one(client)), 1);
  client.handle_datagram(kStart, kServerTid, data(3, 5));  // from the future: ignored
  EXPECT_FALSE(client.poll_datagram());
  client.handle_datagram(kStart, kServerTid, data(2, 5));
  EXPECT_EQ(ack_block(one(client)), 2);
  // The server resends the last block (our last ACK was lost): ACK it again.
  client.handle_datagram(kStart, kServerTid, data(2, 5));
  EXPECT_EQ(ack_block(one(client)), 2);
  EXPECT_EQ(client.take_result()->size(), 517u);
}

TEST(TftpClientTest, RetransmitsAfterTimeoutWithBackoffThenGivesUp) {
  TftpClientSettings settings;
  settings.retransmit_timeout_initial = seconds(1);
  settings.retransmit_timeout_max = seconds(4);
  settings.retransmissions_max = 4;
  auto client = TftpClient::read(kStart, kServer, "basic.txt", settings);
  TftpDatagram request = one(client);
  // Resends at +1, +3, +7, +11 (1, 2, 4, 4 s); gives up 4 s after the last one.
  const std::int64_t resend_at[] = {1, 3, 7, 11};
  for (std::int64_t at : resend_at) {
    EXPECT_EQ(client.next_deadline(), kStart + seconds(at));
    client.handle_deadline(kStart + seconds(at) - milliseconds(1));  // early: nothing
    EXPECT_FALSE(client.poll_datagram());
    client.handle_deadline(kStart + seconds(at));
    EXPECT_EQ(one(client).payload, request.payload);
  }
  EXPECT_EQ(client.next_deadline(), kStart + seconds(15));
  client.handle_deadline(kStart + seconds(15));
  ASSERT_TRUE(client.finished());
  EXPECT_FALSE(client.poll_datagram());
  auto result = client.take_result();
  EXPECT_EQ(result.error().code, ErrorCode::TftpTimeout);
  EXPECT_EQ(result.error().detail,
            "tftp: basic.txt: no answer after 4 retransmissions of the request");
  EXPECT_EQ(client.retransmissions_total(), 4u);
}

TEST(TftpClientTest, NegotiatedTimeoutIsUsedAndProgressResetsTheCount) {
  TftpClientSettings settings;
  settings.offer_timeout_s = 5;
  settings.retransmissions_max = 1;
  auto client = TftpClient::read(kStart, kServer, "f", settings);
  one(client);
  client.handle_datagram(kStart, kServerTid, oack({{"timeout", "5"}}));
  one(client);
  EXPECT_EQ(client.next_deadline(), kStart + seconds(5));
  client.handle_deadline(kStart + seconds(5));
  EXPECT_EQ(ack_block(one(client)), 0);
  EXPECT_EQ(client.next_deadline(), kStart + seconds(10));
  client.handle_datagram(kStart + seconds(6), kServerTid, data(1, 512));
  one(client);
  EXPECT_EQ(client.next_deadline(), kStart + seconds(11));
  client.handle_deadline(kStart + seconds(11));
  EXPECT_EQ(ack_block(one(client)), 1);
  client.handle_deadline(kStart + seconds(16));
  EXPECT_EQ(client.take_result().error().code, ErrorCode::TftpTimeout);
}

TEST(TftpClientTest, ErrorOneIsFileNotFound) {
  auto client = TftpClient::read(kStart, kServer, "missing.cfg");
  one(client);
  client.handle_datagram(kStart, kServerTid,
                         encode_tftp_error(TftpErrorCode::FileNotFound, "File not found"));
  auto result = client.take_result();
  EXPECT_EQ(result.error().code, ErrorCode::FileNotFound);
  EXPECT_EQ(result.error().detail, "tftp: missing.cfg: server error 1 'File not found'");
  auto other = TftpClient::read(kStart, kServer, "x");
  one(other);
  other.handle_datagram(kStart, kServerTid,
                        encode_tftp_error(TftpErrorCode::AccessViolation, "denied"));
  EXPECT_EQ(other.take_result().error().code, ErrorCode::TftpError);
}

TEST(TftpClientTest, MalformedOrUnexpectedPacketsFailTheTransfer) {
  auto client = TftpClient::read(kStart, kServer, "f");
  one(client);
  client.handle_datagram(kStart, kServerTid, Bytes{0, 4, 0});
  EXPECT_EQ(std::get<TftpErrorPacket>(decoded(one(client))).code, 4);
  EXPECT_EQ(client.take_result().error().code, ErrorCode::TftpError);

  auto confused = TftpClient::read(kStart, kServer, "f");
  one(confused);
  confused.handle_datagram(kStart, kServerTid, encode_tftp_ack(1));
  one(confused);
  EXPECT_EQ(confused.take_result().error().detail, "tftp: unexpected ACK from server");

  TftpClientSettings settings;
  settings.offer_block_bytes.reset();
  auto oversized = TftpClient::read(kStart, kServer, "f", settings);
  one(oversized);
  oversized.handle_datagram(kStart, kServerTid, data(1, 513));
  one(oversized);
  EXPECT_EQ(oversized.take_result().error().code, ErrorCode::TftpError);
}

TEST(TftpClientTest, TransferBytesMaxFailsFastOnTsizeAndAtTheLimitOtherwise) {
  TftpClientSettings settings;
  settings.transfer_bytes_max = 1024;
  auto announced = TftpClient::read(kStart, kServer, "big", settings);
  one(announced);
  announced.handle_datagram(kStart, kServerTid, oack({{"tsize", "1025"}}));
  EXPECT_EQ(std::get<TftpErrorPacket>(decoded(one(announced))).code, 3);
  EXPECT_EQ(announced.take_result().error().code, ErrorCode::ProfileTooLarge);

  // Exactly at the limit: accepted (two full blocks and an empty last one).
  auto at_limit = TftpClient::read(kStart, kServer, "big", settings);
  one(at_limit);
  at_limit.handle_datagram(kStart, kServerTid, oack({{"tsize", "1024"}}));
  one(at_limit);
  at_limit.handle_datagram(kStart, kServerTid, data(1, 512));
  one(at_limit);
  at_limit.handle_datagram(kStart, kServerTid, data(2, 512));
  one(at_limit);
  at_limit.handle_datagram(kStart, kServerTid, data(3, 0));
  one(at_limit);
  EXPECT_EQ(at_limit.take_result()->size(), 1024u);

  // A server that sends no tsize is stopped at the first byte past the limit.
  auto silent = TftpClient::read(kStart, kServer, "big", settings);
  one(silent);
  silent.handle_datagram(kStart, kServerTid, data(1, 512));
  one(silent);
  silent.handle_datagram(kStart, kServerTid, data(2, 512));
  one(silent);
  silent.handle_datagram(kStart, kServerTid, data(3, 1));
  EXPECT_EQ(std::get<TftpErrorPacket>(decoded(one(silent))).code, 3);
  EXPECT_EQ(silent.take_result().error().code, ErrorCode::ProfileTooLarge);
}

TEST(TftpClientTest, WriteSendsBlocksAndIgnoresDuplicateAcks) {
  Bytes report(1000, 0x33);
  auto client = TftpClient::write(kStart, kServer, "report.xml", report);
  auto wrq = std::get<TftpRequest>(decoded(one(client)));
  EXPECT_TRUE(wrq.write);
  EXPECT_EQ(parse_tftp_options(wrq.options)->transfer_bytes, 1000u);
  // Server ignores options: ACK 0, 512-byte blocks.
  client.handle_datagram(kStart, kServerTid, encode_tftp_ack(0));
  EXPECT_EQ(data_block(one(client)), std::make_pair(std::uint16_t{1}, std::size_t{512}));
  client.handle_datagram(kStart, kServerTid, encode_tftp_ack(0));  // duplicate: no resend
  EXPECT_FALSE(client.poll_datagram());
  client.handle_datagram(kStart, kServerTid, encode_tftp_ack(1));
  EXPECT_EQ(data_block(one(client)), std::make_pair(std::uint16_t{2}, std::size_t{488}));
  EXPECT_FALSE(client.finished());
  client.handle_datagram(kStart, kServerTid, encode_tftp_ack(2));
  ASSERT_TRUE(client.finished());
  EXPECT_TRUE(client.take_result());
}

TEST(TftpClientTest, WriteOfWholeBlocksEndsWithAnEmptyBlock) {
  auto client = TftpClient::write(kStart, kServer, "r", Bytes(16, 1));
  one(client);
  client.handle_datagram(kStart, kServerTid, oack({{"blksize", "8"}, {"tsize", "16"}}));
  EXPECT_EQ(data_block(one(client)).second, 8u);
  client.handle_datagram(kStart, kServerTid, encode_tftp_ack(1));
  EXPECT_EQ(data_block(one(client)).second, 8u);
  client.handle_datagram(kStart, kServerTid, encode_tftp_ack(2));
  EXPECT_EQ(data_block(one(client)).second, 0u);
  client.handle_datagram(kStart, kServerTid, encode_tftp_ack(3));
  EXPECT_TRUE(client.take_result());
}

TEST(TftpClientTest, WriteRetransmitsTheLostDataBlockThenCompletes) {
  TftpClientSettings settings;
  settings.retransmit_timeout_initial = seconds(1);
  auto client = TftpClient::write(kStart, kServer, "report.xml", Bytes(700, 7), settings);
  one(client);
  client.handle_datagram(kStart, kServerTid, encode_tftp_ack(0));
  const TftpDatagram block1 = one(client);
  EXPECT_EQ(block1.to, kServerTid);
  // The ACK of block 1 is lost: block 1 goes again at +1 s and +3 s (backoff), unchanged.
  EXPECT_EQ(client.next_deadline(), kStart + seconds(1));
  client.handle_deadline(kStart + seconds(1));
  EXPECT_EQ(one(client).payload, block1.payload);
  EXPECT_EQ(client.next_deadline(), kStart + seconds(3));
  client.handle_deadline(kStart + seconds(3));
  EXPECT_EQ(one(client).payload, block1.payload);
  client.handle_datagram(kStart + seconds(3), kServerTid, encode_tftp_ack(1));
  EXPECT_EQ(data_block(one(client)), std::make_pair(std::uint16_t{2}, std::size_t{188}));
  // Progress restarts the backoff at the initial timeout.
  EXPECT_EQ(client.next_deadline(), kStart + seconds(4));
  client.handle_datagram(kStart + seconds(3), kServerTid, encode_tftp_ack(2));
  ASSERT_TRUE(client.finished());
  EXPECT_TRUE(client.take_result());
  EXPECT_EQ(client.retransmissions_total(), 2u);
}

TEST(TftpClientTest, WriteGivesUpWhenTheServerStopsAcking) {
  TftpClientSettings settings;
  settings.retransmit_timeout_initial = seconds(1);
  settings.retransmit_timeout_max = seconds(1);
  settings.retransmissions_max = 2;
  auto client = TftpClient::write(kStart, kServer, "report.xml", Bytes(10, 7), settings);
  one(client);
  client.handle_datagram(kStart, kServerTid, encode_tftp_ack(0));
  one(client);
  client.handle_deadline(kStart + seconds(1));
  one(client);
  client.handle_deadline(kStart + seconds(2));
  one(client);
  client.handle_deadline(kStart + seconds(3));
  ASSERT_TRUE(client.finished());
  EXPECT_EQ(client.take_result().error().code, ErrorCode::TftpTimeout);
}

TEST(TftpClientTest, WriteRefusedByTheServerIsTftpError) {
  auto client = TftpClient::write(kStart, kServer, "report.xml", Bytes(10, 7));
  one(client);
  client.handle_datagram(kStart, kServerTid,
                         encode_tftp_error(TftpErrorCode::AccessViolation, "writes disabled"));
  ASSERT_TRUE(client.finished());
  EXPECT_EQ(client.take_result().error().code, ErrorCode::TftpError);
}

TEST(TftpClientTest, BlockNumbersWrapAfter65535) {
  TftpClientSettings settings;
  settings.offer_block_bytes = 8;
  settings.transfer_bytes_max = 8 * 65540;
  auto client = TftpClient::read(kStart, kServer, "f", settings);
  one(client);
  client.handle_datagram(kStart, kServerTid, oack({{"blksize", "8"}}));
  one(client);
  for (std::uint32_t block = 1; block <= 65537; ++block) {
    client.handle_datagram(kStart, kServerTid, data(static_cast<std::uint16_t>(block), 8));
    ASSERT_EQ(ack_block(one(client)), static_cast<std::uint16_t>(block));
  }
  client.handle_datagram(kStart, kServerTid, data(2, 0));
  one(client);
  EXPECT_EQ(client.take_result()->size(), 8u * 65537u);
}

}  // namespace
}  // namespace fw
