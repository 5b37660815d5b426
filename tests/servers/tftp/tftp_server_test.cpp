#include "servers/tftp/tftp_server.h"

#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "tests/servers/tftp/memory_tftp_root.h"

namespace srv {
namespace {

using fw::Bytes;
using fw::TftpErrorCode;
using test::MemoryTftpRoot;

const fw::Endpoint kPhone{*fw::Ipv4Address::parse("10.0.0.2"), 3000};
const fw::Endpoint kOtherPhone{*fw::Ipv4Address::parse("10.0.0.3"), 3000};
const fw::Instant kStart = fw::Instant::from_seconds(50);

Bytes request(std::string name, std::vector<fw::TftpOption> options = {}, bool write = false) {
  return *fw::encode_tftp_packet(fw::TftpRequest{write, std::move(name), "octet", options});
}

TftpServerDatagram one(TftpServer& server) {
  auto datagram = server.poll_datagram();
  EXPECT_TRUE(datagram.has_value());
  EXPECT_FALSE(server.poll_datagram().has_value()) << "more than one datagram";
  return datagram ? *datagram : TftpServerDatagram{};
}

fw::TftpPacket decoded(const TftpServerDatagram& datagram) {
  auto packet = fw::decode_tftp_packet(datagram.payload);
  EXPECT_TRUE(packet) << packet.error().to_string();
  return packet ? *packet : fw::TftpPacket{};
}

std::uint16_t error_code(const TftpServerDatagram& datagram) {
  return std::get<fw::TftpErrorPacket>(decoded(datagram)).code;
}

std::pair<std::uint16_t, std::size_t> data_block(const TftpServerDatagram& datagram) {
  fw::TftpPacket packet = decoded(datagram);
  const auto& body = std::get<fw::TftpData>(packet);
  return {body.block, body.payload.size()};
}

class TftpServerTest : public ::testing::Test {
 protected:
  TftpServerTest() { root_.add("basic.txt", Bytes(1000, 0x41)); }
  MemoryTftpRoot root_;
};

TEST_F(TftpServerTest, NegotiatesOptionsAndServesFromTheTransferPort) {
  TftpServer server(root_);
  server.handle_request(
      kStart, kPhone, request("basic.txt", {{"blksize", "600"}, {"tsize", "0"}, {"timeout", "3"}}));
  TftpServerDatagram oack = one(server);
  EXPECT_EQ(oack.transfer, 1u);
  EXPECT_EQ(oack.to, kPhone);
  auto granted = fw::parse_tftp_options(std::get<fw::TftpOptionAck>(decoded(oack)).options);
  EXPECT_EQ(*granted, (fw::TftpTransferOptions{600, 3, 1000}));
  EXPECT_EQ(server.next_deadline(), kStart + fw::seconds(3));

  server.handle_transfer_datagram(kStart, 1, kPhone, fw::encode_tftp_ack(0));
  EXPECT_EQ(data_block(one(server)), std::make_pair(std::uint16_t{1}, std::size_t{600}));
  server.handle_transfer_datagram(kStart, 1, kPhone, fw::encode_tftp_ack(0));  // duplicate
  EXPECT_FALSE(server.poll_datagram());
  server.handle_transfer_datagram(kStart, 1, kPhone, fw::encode_tftp_ack(1));
  EXPECT_EQ(data_block(one(server)), std::make_pair(std::uint16_t{2}, std::size_t{400}));
  server.handle_transfer_datagram(kStart + fw::seconds(1), 1, kPhone, fw::encode_tftp_ack(2));
  EXPECT_EQ(server.active_transfers(), 0u);
  EXPECT_EQ(server.poll_closed_transfer(), 1u);
  auto record = server.poll_record();
  ASSERT_TRUE(record);
  EXPECT_EQ(record->outcome, TftpTransferRecord::Outcome::Completed);
  EXPECT_EQ(record->bytes, 1000u);
  EXPECT_EQ(record->finished - record->started, fw::seconds(1));
  EXPECT_EQ(server.next_deadline(), fw::Instant::never());
}

TEST_F(TftpServerTest, CapsTheBlockSizeAndIgnoresOptionsWhenDisabled) {
  TftpServerSettings settings;
  settings.block_bytes_max = 512;
  TftpServer capped(root_, settings);
  capped.handle_request(kStart, kPhone, request("basic.txt", {{"blksize", "1428"}}));
  EXPECT_EQ(fw::parse_tftp_options(std::get<fw::TftpOptionAck>(decoded(one(capped))).options)
                ->block_bytes,
            512u);

  settings.options_enabled = false;
  TftpServer plain(root_, settings);
  plain.handle_request(kStart, kPhone, request("basic.txt", {{"blksize", "1428"}}));
  EXPECT_EQ(data_block(one(plain)), std::make_pair(std::uint16_t{1}, std::size_t{512}));
}

TEST_F(TftpServerTest, BadOptionValueIsRefusedWithErrorEight) {
  TftpServer server(root_);
  server.handle_request(kStart, kPhone, request("basic.txt", {{"blksize", "4"}}));
  TftpServerDatagram error = one(server);
  EXPECT_EQ(error.transfer, kListeningTransfer);
  EXPECT_EQ(error_code(error), 8);
  EXPECT_EQ(server.active_transfers(), 0u);
}

TEST_F(TftpServerTest, MissingFileGetsErrorOne) {
  TftpServer server(root_);
  server.handle_request(kStart, kPhone, request("nope.cfg"));
  EXPECT_EQ(error_code(one(server)), 1);
  EXPECT_EQ(server.poll_record()->outcome, TftpTransferRecord::Outcome::NotFound);
}

TEST_F(TftpServerTest, MalformedRequestAndStrayPacketsOnTheWellKnownPort) {
  TftpServer server(root_);
  server.handle_request(kStart, kPhone, Bytes{0, 1, 'x'});
  EXPECT_EQ(error_code(one(server)), 4);
  server.handle_request(kStart, kPhone, fw::encode_tftp_ack(3));
  EXPECT_EQ(error_code(one(server)), 5);
}

TEST_F(TftpServerTest, TransfersAreKeyedByClientEndpoint) {
  TftpServer server(root_);
  server.handle_request(kStart, kPhone, request("basic.txt"));
  EXPECT_EQ(one(server).transfer, 1u);
  server.handle_request(kStart, kPhone, request("basic.txt"));  // resent request: ignored
  EXPECT_FALSE(server.poll_datagram());
  server.handle_request(kStart, kOtherPhone, request("basic.txt"));
  EXPECT_EQ(one(server).transfer, 2u);
  EXPECT_EQ(server.active_transfers(), 2u);
  // A packet from another endpoint on transfer 1's port is a stray.
  server.handle_transfer_datagram(kStart, 1, kOtherPhone, fw::encode_tftp_ack(1));
  TftpServerDatagram stray = one(server);
  EXPECT_EQ(stray.transfer, 1u);
  EXPECT_EQ(stray.to, kOtherPhone);
  EXPECT_EQ(error_code(stray), 5);
  server.handle_transfer_datagram(kStart, 1, kPhone, fw::encode_tftp_ack(1));
  EXPECT_EQ(data_block(one(server)).first, 2);
}

TEST_F(TftpServerTest, RetransmitsAtItsTimeoutThenDropsTheTransfer) {
  TftpServerSettings settings;
  settings.retransmissions_max = 2;
  TftpServer server(root_, settings);
  server.handle_request(kStart, kPhone, request("basic.txt"));
  Bytes first = one(server).payload;
  server.handle_deadline(kStart + fw::seconds(2) - fw::microseconds(1));
  EXPECT_FALSE(server.poll_datagram());
  server.handle_deadline(kStart + fw::seconds(2));
  EXPECT_EQ(one(server).payload, first);
  server.handle_deadline(kStart + fw::seconds(6));  // backoff: 2 s, then 4 s
  EXPECT_EQ(one(server).payload, first);
  server.handle_deadline(kStart + fw::seconds(14));
  EXPECT_FALSE(server.poll_datagram());
  EXPECT_EQ(server.active_transfers(), 0u);
  EXPECT_EQ(server.poll_closed_transfer(), 1u);
  EXPECT_EQ(server.poll_record()->outcome, TftpTransferRecord::Outcome::TimedOut);
}

TEST_F(TftpServerTest, ClientErrorEndsTheTransfer) {
  TftpServer server(root_);
  server.handle_request(kStart, kPhone, request("basic.txt"));
  one(server);
  server.handle_transfer_datagram(kStart, 1, kPhone,
                                  fw::encode_tftp_error(TftpErrorCode::DiskFull, "full"));
  EXPECT_EQ(server.active_transfers(), 0u);
  EXPECT_EQ(server.poll_record()->outcome, TftpTransferRecord::Outcome::ClientError);
}

TEST_F(TftpServerTest, HookSeesEveryRequestAndCanIgnoreOrRefuse) {
  std::vector<std::string> seen;
  TftpServer server(root_, {}, [&](const TftpRequestInfo& info) {
    seen.emplace_back(info.file_name);
    if (info.file_name == "lost.cfg") {
      return TftpVerdict::ignore();
    }
    if (info.file_name == "secret.cfg") {
      return TftpVerdict::refuse(TftpErrorCode::AccessViolation, "no");
    }
    return TftpVerdict::serve();
  });
  server.handle_request(kStart, kPhone, request("lost.cfg"));
  EXPECT_FALSE(server.poll_datagram());
  server.handle_request(kStart, kPhone, request("secret.cfg"));
  EXPECT_EQ(error_code(one(server)), 2);
  server.handle_request(kStart, kPhone, request("basic.txt"));
  EXPECT_EQ(data_block(one(server)).first, 1);
  EXPECT_EQ(seen, (std::vector<std::string>{"lost.cfg", "secret.cfg", "basic.txt"}));
}

TEST_F(TftpServerTest, BusyServerRefusesPastTransfersMax) {
  TftpServerSettings settings;
  settings.transfers_max = 1;
  TftpServer server(root_, settings);
  server.handle_request(kStart, kPhone, request("basic.txt"));
  one(server);
  server.handle_request(kStart, kOtherPhone, request("basic.txt"));
  TftpServerDatagram busy = one(server);
  EXPECT_EQ(error_code(busy), 0);
  EXPECT_EQ(std::get<fw::TftpErrorPacket>(decoded(busy)).message, "server busy");
}

const fw::Endpoint kThirdPhone{*fw::Ipv4Address::parse("10.0.0.4"), 3000};

TftpServerSettings limited(std::uint32_t in_service, std::uint32_t queue) {
  TftpServerSettings settings;
  settings.admission = {in_service, queue};
  return settings;
}

// Runs the transfer on `id` (no options, 512-byte blocks) to its last ACK.
void finish_read(TftpServer& server, fw::Instant now, TransferId id, fw::Endpoint client,
                 std::uint16_t blocks) {
  for (std::uint16_t block = 1; block <= blocks; ++block) {
    server.handle_transfer_datagram(now, id, client, fw::encode_tftp_ack(block));
  }
}

TEST_F(TftpServerTest, QueuesPastTheLimitOnceAndRefusesPastTheQueue) {
  TftpServer server(root_, limited(1, 1));
  server.handle_request(kStart, kPhone, request("basic.txt"));
  EXPECT_EQ(data_block(one(server)).first, 1);
  server.handle_request(kStart, kOtherPhone, request("basic.txt"));
  EXPECT_FALSE(server.poll_datagram());  // queued: no answer yet
  // Its retransmitted request is the same queued request, not a second one.
  server.handle_request(kStart + fw::seconds(2), kOtherPhone, request("basic.txt"));
  EXPECT_FALSE(server.poll_datagram());
  EXPECT_EQ(server.queued_requests(), 1u);
  server.handle_request(kStart + fw::seconds(2), kThirdPhone, request("basic.txt"));
  TftpServerDatagram busy = one(server);
  EXPECT_EQ(busy.to, kThirdPhone);
  EXPECT_EQ(busy.transfer, kListeningTransfer);
  EXPECT_EQ(error_code(busy), 0);
  EXPECT_EQ(std::get<fw::TftpErrorPacket>(decoded(busy)).message, "server busy");
  EXPECT_EQ(server.poll_record()->outcome, TftpTransferRecord::Outcome::Refused);

  // The first transfer ends: the queued one starts from its own port, timed from its arrival.
  server.handle_transfer_datagram(kStart + fw::seconds(3), 1, kPhone, fw::encode_tftp_ack(1));
  one(server);
  server.handle_transfer_datagram(kStart + fw::seconds(3), 1, kPhone, fw::encode_tftp_ack(2));
  TftpServerDatagram started = one(server);
  EXPECT_EQ(started.to, kOtherPhone);
  EXPECT_EQ(started.transfer, 2u);
  EXPECT_EQ(data_block(started).first, 1);
  EXPECT_EQ(server.queued_requests(), 0u);
  finish_read(server, kStart + fw::seconds(4), 2, kOtherPhone, 2);
  EXPECT_EQ(server.active_transfers(), 0u);
  std::vector<TftpTransferRecord> records;
  while (auto record = server.poll_record())
    records.push_back(*record);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].client, kOtherPhone);
  EXPECT_EQ(records[1].outcome, TftpTransferRecord::Outcome::Completed);
  EXPECT_EQ(records[1].started, kStart);

  const ServiceQueue& admission = server.admission();
  EXPECT_EQ(admission.peak_waiting(), 1u);
  EXPECT_EQ(admission.refused(), 1u);
  EXPECT_EQ(admission.waits(), (std::vector<fw::Duration>{fw::seconds(3)}));
  EXPECT_EQ(admission.in_service(), 0u);
}

TEST_F(TftpServerTest, QueuedRequestsThatFailAtTheirTurnPassThePlaceOn) {
  TftpServer server(root_, limited(1, 2));
  server.handle_request(kStart, kPhone, request("basic.txt"));
  one(server);
  server.handle_request(kStart, kOtherPhone, request("missing.cfg"));
  server.handle_request(kStart, kThirdPhone, request("basic.txt"));
  EXPECT_EQ(server.queued_requests(), 2u);
  finish_read(server, kStart + fw::seconds(1), 1, kPhone, 2);
  std::vector<TftpServerDatagram> sent;
  while (auto datagram = server.poll_datagram())
    sent.push_back(std::move(*datagram));
  ASSERT_EQ(sent.size(), 3u);  // DATA 2 to the first, then ERROR 1, then DATA 1 to the third
  EXPECT_EQ(sent[1].to, kOtherPhone);
  EXPECT_EQ(error_code(sent[1]), 1);
  EXPECT_EQ(sent[2].to, kThirdPhone);
  EXPECT_EQ(data_block(sent[2]).first, 1);
  EXPECT_EQ(server.admission().in_service(), 1u);
}

TEST_F(TftpServerTest, QueuedClientSilentPastTheBoundIsDroppedAtItsTurn) {
  TftpServer server(root_, limited(1, 2));
  server.handle_request(kStart, kPhone, request("basic.txt"));
  one(server);
  server.handle_request(kStart, kOtherPhone, request("basic.txt"));
  server.handle_request(kStart, kThirdPhone, request("basic.txt"));
  server.handle_request(kStart + fw::seconds(8), kThirdPhone, request("basic.txt"));  // resent
  // At 11 s the second phone has been silent for 11 s (past 10 s), the third for 3 s.
  finish_read(server, kStart + fw::seconds(11), 1, kPhone, 2);
  std::vector<TftpServerDatagram> sent;
  while (auto datagram = server.poll_datagram())
    sent.push_back(std::move(*datagram));
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1].to, kThirdPhone);
  std::vector<TftpTransferRecord> records;
  while (auto record = server.poll_record())
    records.push_back(*record);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].client, kOtherPhone);
  EXPECT_EQ(records[1].outcome, TftpTransferRecord::Outcome::TimedOut);
}

TEST_F(TftpServerTest, TimeoutOptionWidensTheSilenceBoundOfAQueuedRequest) {
  TftpServer server(root_, limited(1, 1));
  server.handle_request(kStart, kPhone, request("basic.txt"));
  one(server);
  server.handle_request(kStart, kOtherPhone, request("basic.txt", {{"timeout", "9"}}));
  finish_read(server, kStart + fw::seconds(18), 1, kPhone, 2);  // 18 s: within 2 x 9 s
  std::vector<TftpServerDatagram> sent;
  while (auto datagram = server.poll_datagram())
    sent.push_back(std::move(*datagram));
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1].to, kOtherPhone);  // its OACK
}

TEST_F(TftpServerTest, HookDelayHoldsThePlaceAndARefusalFreesIt) {
  TftpServer server(root_, limited(1, 1), [](const TftpRequestInfo& info) {
    if (info.file_name == "lost.cfg") {
      return TftpVerdict::refuse(TftpErrorCode::FileNotFound, "File not found");
    }
    TftpVerdict verdict = TftpVerdict::serve();
    verdict.delay = fw::seconds(2);
    return verdict;
  });
  server.handle_request(kStart, kPhone, request("lost.cfg"));
  EXPECT_EQ(error_code(one(server)), 1);
  EXPECT_EQ(server.admission().in_service(), 0u);
  server.handle_request(kStart, kPhone, request("basic.txt"));  // a new request from the port
  EXPECT_FALSE(server.poll_datagram());
  server.handle_request(kStart, kOtherPhone, request("basic.txt"));
  EXPECT_EQ(server.queued_requests(), 1u);  // the delayed request is in service
  server.handle_deadline(kStart + fw::seconds(2));
  EXPECT_EQ(one(server).to, kPhone);
  finish_read(server, kStart + fw::seconds(2), 1, kPhone, 2);
  one(server);  // DATA 2
  EXPECT_EQ(server.queued_requests(), 0u);
  EXPECT_EQ(server.next_deadline(), kStart + fw::seconds(4));  // the hook delays it in turn
  server.handle_deadline(kStart + fw::seconds(4));
  EXPECT_EQ(one(server).to, kOtherPhone);
}

TEST_F(TftpServerTest, StoredWriteFreesItsPlaceWhileDallying) {
  TftpServerSettings settings = limited(1, 1);
  settings.writes_enabled = true;
  TftpServer server(root_, settings);
  server.handle_request(kStart, kPhone, request("report.xml", {}, true));
  EXPECT_EQ(one(server).transfer, 1u);  // ACK 0
  server.handle_request(kStart, kOtherPhone, request("basic.txt"));
  EXPECT_FALSE(server.poll_datagram());
  server.handle_transfer_datagram(kStart, 1, kPhone, fw::encode_tftp_data(1, Bytes(10, 0x42)));
  std::vector<TftpServerDatagram> sent;
  while (auto datagram = server.poll_datagram())
    sent.push_back(std::move(*datagram));
  ASSERT_EQ(sent.size(), 2u);  // the last ACK, then the queued read starts
  EXPECT_EQ(sent[1].to, kOtherPhone);
  EXPECT_EQ(server.active_transfers(), 2u);  // the write still dallies
  EXPECT_EQ(server.admission().in_service(), 1u);
}

TEST_F(TftpServerTest, WriteIsRefusedUnlessWritesAreEnabled) {
  TftpServer server(root_);
  server.handle_request(kStart, kPhone, request("report.xml", {}, true));
  TftpServerDatagram refused = one(server);
  EXPECT_EQ(refused.transfer, kListeningTransfer);
  EXPECT_EQ(error_code(refused), 2);
  EXPECT_EQ(std::get<fw::TftpErrorPacket>(decoded(refused)).message, "writes disabled");
  EXPECT_EQ(server.active_transfers(), 0u);
  EXPECT_EQ(server.poll_record()->outcome, TftpTransferRecord::Outcome::Refused);
}

TEST_F(TftpServerTest, WriteIsStoredInTheSinkAndTheLastAckIsRepeatedWhileDallying) {
  TftpServerSettings settings;
  settings.writes_enabled = true;
  TftpServer server(root_, settings);
  server.handle_request(kStart, kPhone, request("report.xml", {}, true));
  EXPECT_EQ(std::get<fw::TftpAck>(decoded(one(server))).block, 0);
  server.handle_transfer_datagram(kStart, 1, kPhone, fw::encode_tftp_data(1, Bytes(512, 1)));
  EXPECT_EQ(std::get<fw::TftpAck>(decoded(one(server))).block, 1);
  server.handle_transfer_datagram(kStart, 1, kPhone, fw::encode_tftp_data(1, Bytes(512, 1)));
  EXPECT_EQ(std::get<fw::TftpAck>(decoded(one(server))).block, 1);  // duplicate re-ACKed
  server.handle_transfer_datagram(kStart, 1, kPhone, fw::encode_tftp_data(2, Bytes(3, 2)));
  EXPECT_EQ(std::get<fw::TftpAck>(decoded(one(server))).block, 2);
  ASSERT_EQ(root_.written.count("report.xml"), 1u);
  EXPECT_EQ(root_.written["report.xml"].size(), 515u);
  EXPECT_EQ(server.poll_record()->bytes, 515u);
  server.handle_transfer_datagram(kStart, 1, kPhone, fw::encode_tftp_data(2, Bytes(3, 2)));
  EXPECT_EQ(std::get<fw::TftpAck>(decoded(one(server))).block, 2);
  EXPECT_EQ(server.active_transfers(), 1u);
  server.handle_deadline(kStart + fw::seconds(38) - fw::microseconds(1));
  EXPECT_EQ(server.active_transfers(), 1u);
  server.handle_deadline(kStart + fw::seconds(38));  // 2+4+8+8+8+8 s, the client's give-up span
  EXPECT_EQ(server.active_transfers(), 0u);
  EXPECT_FALSE(server.poll_record());  // recorded once, when stored
}

TEST_F(TftpServerTest, WriteLimitsAndRefusedSink) {
  TftpServerSettings settings;
  settings.write_bytes_max = 512;
  settings.writes_enabled = true;
  TftpServer server(root_, settings);
  server.handle_request(kStart, kPhone, request("r", {{"tsize", "513"}}, true));
  EXPECT_EQ(error_code(one(server)), 3);
  server.handle_request(kStart, kPhone, request("r", {{"blksize", "512"}, {"tsize", "512"}}, true));
  one(server);  // OACK
  server.handle_transfer_datagram(kStart, 1, kPhone, fw::encode_tftp_data(1, Bytes(512, 1)));
  EXPECT_EQ(std::get<fw::TftpAck>(decoded(one(server))).block, 1);
  server.handle_transfer_datagram(kStart, 1, kPhone, fw::encode_tftp_data(2, Bytes(1, 1)));
  EXPECT_EQ(error_code(one(server)), 3);

  root_.accept_writes = false;
  server.handle_request(kStart, kOtherPhone, request("r", {}, true));
  one(server);
  server.handle_transfer_datagram(kStart, 2, kOtherPhone, fw::encode_tftp_data(1, Bytes(1, 1)));
  EXPECT_EQ(error_code(one(server)), 2);
}

}  // namespace
}  // namespace srv
